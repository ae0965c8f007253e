/**
 * The floor of a vdevice's inference CPU time: the quantile a virtual device's latency is judged on
 * (nightly series `infer_cpu_p05`, compare's CPU-time cells, the sign-off's latency gate on vdevices).
 *
 * Why a floor: on a virtual machine the same inference runs at two speeds — ~9 ms of thread CPU time,
 * then ~14 ms for seconds at a time while the physical core's other tenants are busy, with nothing
 * else running in the VM (harness/src/nightly/README.md). Interference only ever adds time, so the
 * median and p90 say how long a neighbour was busy, the low tail what the build's own instructions
 * cost. Night-to-night CV on a quiet host: p05 0.8–1.2%, p10 1.1–1.5%, p50 8–12%.
 */
export const CPU_FLOOR_QUANTILE = 0.05;
