import type { Command } from 'commander';

/** Registers `rio-farm model`. Not built yet: see the open issue for this area. */
export function registerModel(_program: Command): void {}
