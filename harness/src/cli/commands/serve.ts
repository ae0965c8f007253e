import type { Command } from 'commander';

/** Registers `rio-farm serve`. Not built yet: see the open issue for this area. */
export function registerServe(_program: Command): void {}
