/**
 * Hostile variations of a real run export for the ingest fuzzer: extra keys, SQL in keys and values,
 * out-of-range and non-finite numbers, deep nesting, huge arrays, foreign run ids, duplicate keys,
 * wrong types, missing keys, broken JSON. Deterministic from the random source it is given.
 */
import type { RunExport } from '../../../harness/src/store/run-export.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

export interface Mutation { kind: string; body: string }

/** What a foreign-id mutation may point at: another run's ids already in the target store. */
export interface Foreign { runIds: string[]; attemptIds: string[]; itemIds: string[] }

const SQL = [
  `'); DROP TABLE runs; --`, `" OR 1=1 --`, `evil"col`, `x) VALUES (1); DELETE FROM measurements; --`, `\u0000`, `'; SELECT pg_sleep(5); --`,
  `</script><script>alert(1)</script>`, `..\\..\\etc\\passwd`, `\u202e\ud83d\ude00`, `$1`, `?`, `%s%n`,
];
const KEYS = [...SQL, '__proto__', 'constructor', 'prototype', '', 'id ', 'ID', 'extra', 'x'.repeat(400), 'runs.id', 'status, exit_code'];
const NUMBERS = [-1, -1e308, 1e308, 9e15, -9e15, 2 ** 31, 2 ** 53 + 2, 0.5, 3_600_000, 16_385, 1e-320, -0, 101, 7, 256];

const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

/** Every path to a leaf (or, with objects: true, to an object) in the document. */
function paths(doc: Json, objects = false, at: Path = [], out: Path[] = []): Path[] {
  if (doc !== null && typeof doc === 'object') {
    if (objects && !Array.isArray(doc)) out.push(at);
    const entries: [string | number, Json][] = Array.isArray(doc) ? doc.map((v, i) => [i, v]) : Object.entries(doc);
    for (const [k, v] of entries) paths(v, objects, [...at, k], out);
  } else if (!objects) out.push(at);
  return out;
}

function get(doc: Json, p: Path): Json { return p.reduce<Json>((d, k) => (d as Record<string | number, Json>)[k]!, doc); }
function set(doc: Json, p: Path, v: Json): void { (get(doc, p.slice(0, -1)) as Record<string | number, Json>)[p.at(-1)!] = v; }

/** The same run under another id, every derived id renamed with it (what a new upload looks like). */
export function renamed(exp: RunExport, id: string): RunExport {
  const e = structuredClone(exp);
  const old = e.run.id;
  const swap = (s: string) => (s.startsWith(`${old}/`) ? id + s.slice(old.length) : s);
  e.run.id = id;
  for (const t of ['devices', 'work_items', 'attempts', 'measurements', 'aggregates', 'samples', 'events'] as const) for (const r of e[t]) r.run_id = id;
  for (const w of e.work_items) { w.id = swap(w.id); if (w.done_attempt_id) w.done_attempt_id = swap(w.done_attempt_id); }
  for (const a of e.attempts) { a.id = swap(a.id); a.item_id = swap(a.item_id); }
  for (const m of e.measurements) m.attempt_id = swap(m.attempt_id);
  return e;
}

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

/** One mutation of `base`; `fresh` names a run id no upload has used yet. */
export function mutate(base: RunExport, rand: () => number, foreign: Foreign, fresh: () => string): Mutation {
  // Half the mutations start from a new run id: otherwise almost every one would be a re-upload.
  const doc = (rand() < 0.5 ? renamed(base, fresh()) : structuredClone(base)) as unknown as Json;
  const leaves = paths(doc);
  const leaf = () => pick(rand, leaves);
  const kinds: Record<string, () => string> = {
    'extra key': () => {
      const obj = get(doc, pick(rand, paths(doc, true))) as Record<string, Json>;
      obj[pick(rand, KEYS)] = pick(rand, [1, 'x', null, SQL[0]!]);
      return JSON.stringify(doc);
    },
    'SQL in a value': () => {
      const strings = leaves.filter((p) => typeof get(doc, p) === 'string');
      set(doc, pick(rand, strings), pick(rand, SQL));
      return JSON.stringify(doc);
    },
    'out-of-range number': () => {
      const nums = leaves.filter((p) => typeof get(doc, p) === 'number');
      set(doc, pick(rand, nums), pick(rand, NUMBERS));
      return JSON.stringify(doc);
    },
    'non-finite number': () => {
      const text = JSON.stringify(doc);
      const at = [...text.matchAll(/":(-?[0-9][0-9.e+-]*)/g)];
      const m = pick(rand, at);
      const i = m.index! + 2;
      return text.slice(0, i) + pick(rand, ['1e999', '-1e999', 'NaN', 'Infinity', '-Infinity', '1e309']) + text.slice(i + m[1]!.length);
    },
    'deep nesting': () => {
      const text = JSON.stringify(doc);
      const at = [...text.matchAll(/":(-?[0-9][0-9.e+-]*|null|"[^"]*")/g)];
      const m = pick(rand, at);
      const i = m.index! + 2;
      return text.slice(0, i) + nested(pick(rand, [17, 64, 1000, 20_000])) + text.slice(i + m[1]!.length);
    },
    'huge array': () => {
      const arrays = paths(doc, true).filter((p) => p.length === 1 && Array.isArray(get(doc, p)));
      const p = arrays.length ? pick(rand, arrays) : ['measurements'];
      const rows = get(doc, p) as Json[];
      const n = pick(rand, [2_000, 20_000]);
      set(doc, p, rand() < 0.5 || rows.length === 0 ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: n }, (_, i) => rows[i % rows.length]!));
      return JSON.stringify(doc);
    },
    'huge string': () => {
      const strings = leaves.filter((p) => typeof get(doc, p) === 'string');
      set(doc, pick(rand, strings), 'x'.repeat(pick(rand, [301, 65_537, 1_100_000])));
      return JSON.stringify(doc);
    },
    'foreign run id': () => {
      const e = doc as unknown as RunExport;
      const choice = Math.floor(rand() * 5);
      if (choice === 0) { const p = pick(rand, leaves.filter((q) => q.at(-1) === 'run_id')); set(doc, p, pick(rand, foreign.runIds)); }
      if (choice === 1 && e.measurements.length) pick(rand, e.measurements).attempt_id = pick(rand, foreign.attemptIds);
      if (choice === 2 && e.work_items.length) pick(rand, e.work_items).id = pick(rand, foreign.itemIds);
      if (choice === 3 && e.attempts.length) pick(rand, e.attempts).item_id = pick(rand, foreign.itemIds);
      if (choice === 4) return JSON.stringify(renamed(e, pick(rand, foreign.runIds)));
      return JSON.stringify(doc);
    },
    'duplicate key': () => {
      const text = JSON.stringify(doc);
      const keys = [...text.matchAll(/[{,]"([a-z_0-9]+)":/g)];
      const m = pick(rand, keys);
      const i = m.index! + 1;
      return `${text.slice(0, i)}"${m[1]}":${pick(rand, ['0', 'null', '"x"', '1e3'])},${text.slice(i)}`;
    },
    'wrong type': () => {
      const p = leaf();
      const v = get(doc, p);
      set(doc, p, pick(rand, ([1, 'one', true, null, [], {}, [1, 2], { a: 1 }] as Json[]).filter((x) => typeof x !== typeof v)));
      return JSON.stringify(doc);
    },
    'missing key': () => {
      const p = leaf();
      const parent = get(doc, p.slice(0, -1));
      if (Array.isArray(parent)) parent.splice(p.at(-1) as number, 1);
      else delete (parent as Record<string, Json>)[p.at(-1)!];
      return JSON.stringify(doc);
    },
    'broken JSON': () => {
      const text = JSON.stringify(doc);
      return pick(rand, [text.slice(0, Math.floor(rand() * text.length)), text.replace('{', '{,'), `${text}}`, text.replace(/"/, "'"), '', 'null', '[]', '"run"', '{"__proto__":{"x":1}}']);
    },
  };
  const kind = pick(rand, Object.keys(kinds));
  return { kind, body: kinds[kind]!() };
}
