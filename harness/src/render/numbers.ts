/** How rio-farm prints numbers in terminal tables: missing or non-finite values as one placeholder. */

type Num = number | null | undefined;
const missing = (v: Num): v is null | undefined => v === null || v === undefined || !Number.isFinite(v);

/** `v` with `digits` decimals; `absent` ('—') when there is no value. */
export function fixed(v: Num, digits = 1, absent = '—'): string {
  return missing(v) ? absent : v.toFixed(digits);
}

/** A difference with its sign (`+1.20`, `-0.03`). */
export function signed(v: Num, digits = 1, absent = '—'): string {
  return missing(v) ? absent : `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;
}

/** A share in [0, 1] as a percentage (`12.5%`). */
export function percent(v: Num, digits = 1, absent = '—'): string {
  return missing(v) ? absent : `${(100 * v).toFixed(digits)}%`;
}

/** A p-value: three decimals, `<0.001` below that. */
export function pValue(p: Num, absent = '—'): string {
  return missing(p) ? absent : p < 0.001 ? '<0.001' : p.toFixed(3);
}
