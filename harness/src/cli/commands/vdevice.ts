import type { Command } from 'commander';

/** Registers `rio-farm vdevice`. Not built yet: see the open issue for this area. */
export function registerVdevice(_program: Command): void {}
