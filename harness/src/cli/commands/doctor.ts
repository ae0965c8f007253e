import type { Command } from 'commander';

/** Registers `rio-farm doctor`. Not built yet: see the open issue for this area. */
export function registerDoctor(_program: Command): void {}
