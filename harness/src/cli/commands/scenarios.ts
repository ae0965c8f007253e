import type { Command } from 'commander';

/** Registers `rio-farm scenarios`. Not built yet: see the open issue for this area. */
export function registerScenarios(_program: Command): void {}
