/**
 * Seeded randomness. Every random choice of a frame comes from a stream keyed by
 * (scenario seed, frame index, purpose), so a frame is a pure function of its script and index
 * and can be rendered by any worker in any order.
 */
import { createHash } from 'node:crypto';

/** 32-bit hash of any parts, used to derive independent streams. */
export function hash32(...parts: (string | number)[]): number {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  return h.readUInt32LE(0);
}

/** Small fast PRNG (mulberry32). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  static of(...parts: (string | number)[]): Rng {
    return new Rng(hash32(...parts));
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  range(a: number, b: number): number {
    return a + (b - a) * this.next();
  }
  int(a: number, bInclusive: number): number {
    return a + Math.floor(this.next() * (bInclusive - a + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = Math.max(1e-12, this.next());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** A table of standard normals for per-pixel noise: a table lookup is far cheaper than Box–Muller. */
export function normalTable(seed: number, size = 1 << 16): Float32Array {
  const rng = new Rng(seed);
  const t = new Float32Array(size);
  for (let i = 0; i < size; i++) t[i] = rng.normal();
  return t;
}
