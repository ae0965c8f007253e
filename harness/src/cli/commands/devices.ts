import type { Command } from 'commander';

/** Registers `rio-farm devices`. Not built yet: see the open issue for this area. */
export function registerDevices(_program: Command): void {}
