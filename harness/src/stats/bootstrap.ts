/**
 * Percentile bootstrap confidence intervals. Seeded, so the same samples always give the same
 * interval — aggregates recomputed on another store (or machine) are identical.
 */
import { mean, quantileSorted, quantilesOf } from './descriptive.ts';

export const BOOTSTRAP_ITERATIONS = 1000;

/**
 * mulberry32: small, fast, good enough for resampling indices. A class, not a closure per stream:
 * every stream then calls the same methods, which the resampling loops inline — a closure per seed
 * makes their call sites megamorphic, and each draw a call returning a heap-allocated fraction
 * (most of an ingested run's bootstrap time went to calls and the garbage collector).
 */
export class SeededRandom {
  private a: number;
  constructor(seed: number) { this.a = seed >>> 0; }
  /** The next draw, uniform in [0, 1). */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** The next draw as an index below n: Math.floor(next() * n). */
  below(n: number): number { return Math.floor(this.next() * n); }
}

/** The stream of SeededRandom(seed) as a function. */
export function seededRandom(seed: number): () => number {
  const r = new SeededRandom(seed);
  return () => r.next();
}

/**
 * The percentile interval of a bootstrap's statistics at `level`: quantileSorted of them sorted —
 * as Float64Array#sort orders them, or as `sort` does (a plain array sorted by a − b) — selected, not sorted.
 */
export function percentileCI(stats: ArrayLike<number>, level: number, sort?: (xs: ArrayLike<number>) => ArrayLike<number>): [number, number] {
  const [lo, hi] = quantilesOf(stats, [(1 - level) / 2, 1 - (1 - level) / 2], sort);
  return [lo!, hi!];
}
const byComparator = (xs: ArrayLike<number>) => Array.from(xs).sort((a, b) => a - b);

/** A stable 32-bit seed from a string (FNV-1a), e.g. a compare cell's key. */
export function seedFrom(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A stable 32-bit seed from a sample's values (FNV-1a over their float64 bits, ascending) and what it
 * is a sample of: the same frames give the same CI in every cell and every output that holds them.
 */
export function seedOfSample(sorted: ArrayLike<number>, what: string): number {
  const bits = new Uint32Array(Float64Array.from(sorted).buffer);
  let h = seedFrom(what);
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i]!, 0x01000193) >>> 0;
  return h >>> 0;
}

export type Statistic = (sample: readonly number[]) => number;

function resample(xs: readonly number[], rnd: SeededRandom, out: number[]): number[] {
  for (let i = 0; i < xs.length; i++) out[i] = xs[rnd.below(xs.length)]!;
  return out;
}

/**
 * bootstrapCI(xs, mean, seed) without writing the resamples: each resample's sum is taken in draw
 * order, as mean() adds the written resample, so the digits are the same (the run's aggregates and
 * dashboard rows bootstrap the mean IoU of every cell of every ingested run).
 */
export function bootstrapMeanCI(xs: readonly number[], seed: number, { iterations = BOOTSTRAP_ITERATIONS, level = 0.95 } = {}): [number, number] {
  const n = xs.length;
  if (n < 2) return [NaN, NaN];
  const rnd = new SeededRandom(seed);
  const v = Float64Array.from(xs);
  const stats = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += v[rnd.below(n)]!;
    stats[i] = s / n;
  }
  return percentileCI(stats, level, byComparator);
}

/** 95% (by default) percentile-bootstrap CI of stat(xs); [NaN, NaN] below two samples. */
export function bootstrapCI(xs: readonly number[], stat: Statistic, seed: number,
  { iterations = BOOTSTRAP_ITERATIONS, level = 0.95 } = {}): [number, number] {
  if (xs.length < 2) return [NaN, NaN];
  const rnd = new SeededRandom(seed);
  const buf: number[] = new Array(xs.length);
  const stats = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) stats[i] = stat(resample(xs, rnd, buf));
  return percentileCI(stats, level, byComparator);
}

/**
 * CI of stat(b) − stat(a), resampling both groups independently. stat sees each resample sorted
 * ascending (a SortedStatistic: quantiles read it directly). The resample is built by counting the
 * drawn indices over the once-sorted sample, so no iteration sorts — the same draws give the same
 * multiset as resampling in place, hence the same medians, at a fraction of the CPU (compare of two
 * 20,000-frame runs: ~8 s of sorting otherwise).
 */
export function bootstrapDiffCI(a: readonly number[], b: readonly number[], stat: SortedStatistic, seed: number,
  { iterations = BOOTSTRAP_ITERATIONS, level = 0.95 } = {}): [number, number] {
  if (a.length < 2 || b.length < 2) return [NaN, NaN];
  const rnd = new SeededRandom(seed);
  const ra = sortedResampler(a), rb = sortedResampler(b);
  const d = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) d[i] = stat(rb(rnd)) - stat(ra(rnd)); // b's draws first, as always
  return percentileCI(d, level);
}

/**
 * Draws resamples of xs (indices uniform over xs' own order) as counts over xs sorted ascending:
 * `fill` writes the drawn resample sorted, the array sorting it in place would give.
 */
class SortedDraws {
  readonly sorted: Float64Array;
  readonly counts: Uint32Array;
  private readonly rank: Uint32Array;
  private readonly out: Float64Array;
  constructor(xs: readonly number[]) {
    const n = xs.length;
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => xs[i]! - xs[j]!);
    this.sorted = Float64Array.from(order, (i) => xs[i]!);
    this.rank = new Uint32Array(n);
    order.forEach((orig, r) => { this.rank[orig] = r; });
    this.counts = new Uint32Array(n);
    this.out = new Float64Array(n);
  }
  draw(rnd: SeededRandom): void {
    const { counts, rank } = this, n = counts.length;
    counts.fill(0);
    for (let j = 0; j < n; j++) counts[rank[rnd.below(n)]!]!++;
  }
  fill(): Float64Array {
    const { counts, sorted, out } = this, n = counts.length;
    let k = 0;
    for (let r = 0; r < n; r++) for (let c = counts[r]!; c > 0; c--) out[k++] = sorted[r]!;
    return out;
  }
}

/** Returns a function drawing one resample of xs as a sorted array it reuses. */
function sortedResampler(xs: readonly number[]): (rnd: SeededRandom) => Float64Array {
  const d = new SortedDraws(xs);
  return (rnd) => { d.draw(rnd); return d.fill(); };
}

/**
 * A statistic of an ascending-sorted sample (quantiles read it directly; the mean ignores order).
 * One tagged `quantile` (type 7) or `mean` can be read off counted draws without the sorted array.
 */
export type SortedStatistic = ((sorted: Float64Array) => number) & { readonly quantile?: number; readonly mean?: true };
/** quantileSorted at q, tagged. */
export const sortedQuantile = (q: number): SortedStatistic => Object.assign((s: Float64Array) => quantileSorted(s, q), { quantile: q });
/** descriptive.ts' mean (summed in ascending order), tagged. */
export const sortedMean: SortedStatistic = Object.assign((s: Float64Array) => mean(s), { mean: true as const });

/**
 * Reads tagged statistics of a counted resample of `sorted` in one walk: the values at the
 * quantiles' positions, and the sum in ascending order — the same operands, added in the same
 * order, as the statistics of the filled array, so the same digits.
 */
class CountedReader {
  private readonly h: Float64Array;
  /** the sorted positions the quantiles read, and where each statistic's two are in it */
  private readonly positions: Int32Array;
  private readonly lo: Int32Array;
  private readonly hi: Int32Array;
  private readonly means: Uint8Array;
  private readonly wantsSum: boolean;
  private readonly at: Float64Array;
  constructor(private readonly sorted: Float64Array, stats: readonly SortedStatistic[]) {
    const n = sorted.length;
    this.h = Float64Array.from(stats, (st) => (st.quantile === undefined ? 0 : (n - 1) * st.quantile));
    const h = this.h;
    const positions = [...new Set(stats.flatMap((st, i) => (st.quantile === undefined ? [] : [Math.floor(h[i]!), Math.ceil(h[i]!)])))].sort((x, y) => x - y);
    this.positions = Int32Array.from(positions);
    this.lo = Int32Array.from(stats, (_, i) => positions.indexOf(Math.floor(h[i]!)));
    this.hi = Int32Array.from(stats, (_, i) => positions.indexOf(Math.ceil(h[i]!)));
    this.means = Uint8Array.from(stats, (st) => (st.mean ? 1 : 0));
    this.wantsSum = stats.some((st) => st.mean);
    this.at = new Float64Array(positions.length);
  }
  read(counts: Uint32Array, out: Float64Array): void {
    const { sorted, positions, at, wantsSum, h, lo, hi, means } = this, n = sorted.length, np = positions.length;
    let k = 0, p = 0, sum = 0;
    for (let r = 0; r < n; r++) {
      const c = counts[r]!;
      if (c === 0) continue;
      const v = sorted[r]!;
      k += c;
      while (p < np && positions[p]! < k) at[p++] = v;
      if (wantsSum) for (let j = c; j > 0; j--) sum += v;
      else if (p === np) break;
    }
    for (let i = 0; i < out.length; i++) {
      if (means[i]) { out[i] = sum / n; continue; }
      const xLo = at[lo[i]!]!;
      out[i] = xLo + (h[i]! - Math.floor(h[i]!)) * (at[hi[i]!]! - xLo);
    }
  }
}

/**
 * Percentile-bootstrap CIs of several statistics from the same resamples, each resample sorted
 * once — p50/p90/p99/mean of one cell cost one bootstrap instead of four.
 */
export function bootstrapCIs<K extends string>(xs: readonly number[], stats: Record<K, SortedStatistic>, seed: number,
  { iterations = BOOTSTRAP_ITERATIONS, level = 0.95 } = {}): Record<K, [number, number]> {
  const keys = Object.keys(stats) as K[];
  const out = {} as Record<K, [number, number]>;
  if (xs.length < 2) { for (const k of keys) out[k] = [NaN, NaN]; return out; }
  const rnd = new SeededRandom(seed);
  // Counting instead of sorting each resample: the same draws give the same sorted resample (the
  // dashboard pre-aggregates bootstrap every device × lighting of every ingested run); tagged
  // statistics are read off the counts without writing it.
  const draws = new SortedDraws(xs);
  const fns = keys.map((k) => stats[k]);
  const reader = fns.every((f) => f.quantile !== undefined || f.mean) ? new CountedReader(draws.sorted, fns) : undefined;
  const values = keys.map(() => new Float64Array(iterations));
  const one = new Float64Array(keys.length);
  for (let i = 0; i < iterations; i++) {
    draws.draw(rnd);
    if (reader) reader.read(draws.counts, one);
    else { const buf = draws.fill(); fns.forEach((f, s) => { one[s] = f(buf); }); }
    for (let s = 0; s < keys.length; s++) values[s]![i] = one[s]!;
  }
  keys.forEach((k, s) => {
    out[k] = percentileCI(values[s]!, level);
  });
  return out;
}
