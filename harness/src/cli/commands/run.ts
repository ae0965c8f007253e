import type { Command } from 'commander';

/** Registers `rio-farm run`. Not built yet: see the open issue for this area. */
export function registerRun(_program: Command): void {}
