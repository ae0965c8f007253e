/**
 * The host twin's thread CPU clock: what `SystemClock.currentThreadTimeMillis()` /
 * `Debug.threadCpuTimeNanos()` are to the Kotlin app. Wall time of a frame on a shared host
 * includes every other process's turn on the core; the time this thread spent on a CPU does not,
 * so it is the inference cost a loaded host cannot inflate (CONTRACT.md `t_infer_cpu`).
 *
 * The clock is CLOCK_THREAD_CPUTIME_ID through the C++ core's Node-API build (Node 20 has no
 * process.threadCpuUsage). /proc/thread-self/schedstat was measured here and refused: for the
 * running thread it only moves at scheduler ticks, in steps of 1–4 ms — a quarter of an inference.
 */
import { performance } from 'node:perf_hooks';
import { threadCpuNs } from '../cpp/rio-core.ts';

/** This thread's CPU time in ms, or undefined where there is no thread clock (then `t_infer_cpu` is left out). */
export function threadCpuMs(): number | undefined {
  const ns = threadCpuNs();
  return ns === undefined ? undefined : ns / 1e6;
}

/**
 * Spends `ms` of this thread's CPU time (a vdevice's `--slowdown`: the work a slower SoC would do),
 * so both the thread CPU clock and the wall clock see it. Without a thread clock it spends wall time.
 */
export function burnThreadCpu(ms: number): void {
  if (!(ms > 0)) return;
  const clock = threadCpuMs() !== undefined ? () => threadCpuMs()! : () => performance.now();
  const end = clock() + ms;
  let sink = 0;
  while (clock() < end) {
    // a few µs of arithmetic between clock reads (each read is a clock_gettime call)
    for (let i = 0; i < 1_000; i++) sink = (sink * 1_103_515_245 + 12_345) % 2_147_483_648;
  }
  if (sink === -1) console.log(sink); // keeps the loop from being optimised away
}
