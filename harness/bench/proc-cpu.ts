/** A process's CPU time from /proc, for the benchmarks that measure the harness, the adb server and the farm server. */
import { readFileSync } from 'node:fs';

/** Linux USER_HZ: /proc/<pid>/stat times are in 1/100 s. */
export const CLK_TCK = 100;

/** utime + stime of a process, seconds (the name field may hold spaces and parentheses: cut after its last ") "). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}
