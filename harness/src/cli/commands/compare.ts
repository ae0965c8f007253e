import type { Command } from 'commander';

/** Registers `rio-farm compare`. Not built yet: see the open issue for this area. */
export function registerCompare(_program: Command): void {}
