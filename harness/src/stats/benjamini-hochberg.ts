/**
 * Benjamini–Hochberg: which of m p-values are discoveries at false-discovery rate q. Hundreds of
 * series are tested every night; without it, a 0.001 test per series still alarms most weeks.
 */
export function benjaminiHochberg(pValues: readonly number[], q: number, m = pValues.length): boolean[] {
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cut = -1;
  order.forEach(([p], rank) => { if (p <= (q * (rank + 1)) / m) cut = rank; });
  const out = new Array<boolean>(pValues.length).fill(false);
  for (let r = 0; r <= cut; r++) out[order[r]![1]] = true;
  return out;
}
