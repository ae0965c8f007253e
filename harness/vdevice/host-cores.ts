/**
 * How many vdevices a host runs by default: no more than it has cores. Each vdevice's app twin
 * keeps one core busy while it infers; more twins than cores take turns, so their latency measures
 * the host's scheduler and paced replays drop frames (3 vdevices on 2 cores dropped 15–65 % at 30 fps).
 * More are started only when asked (`--count`, `--vdevices`), with a warning.
 */
import { availableParallelism } from 'node:os';

export const hostCores = (): number => availableParallelism();

/** The default vdevice count: `wanted`, capped at the host's cores. */
export const defaultVdeviceCount = (wanted: number): number => Math.max(1, Math.min(wanted, hostCores()));

/** The warning for an explicit count above the host's cores, or undefined. */
export function vdevicesOverCores(count: number): string | undefined {
  const cores = hostCores();
  return count > cores
    ? `warning: ${count} vdevices on ${cores} core(s): their app twins take turns on the CPU, so wall-time latency measures the host's scheduler and paced replays drop frames`
    : undefined;
}
