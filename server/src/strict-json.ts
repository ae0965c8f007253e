/**
 * JSON.parse that refuses what it would silently accept: a duplicate key (JSON.parse keeps the last,
 * so two readers of one upload could see two different runs) and nesting deeper than any run export
 * has (a deep enough one overflows the parser's stack). Errors name the JSON path.
 */
import { RioError } from '../../harness/src/errors.ts';

/** A run export nests 4 deep (/measurements/0/t_total); the JSON columns are strings, not nesting. */
export const MAX_JSON_DEPTH = 16;

interface Frame { keys: Set<string> | null; key: string; index: number; expectKey: boolean }

function pathOf(stack: readonly Frame[]): string {
  return stack.map((f) => (f.keys ? `/${f.key}` : `/${f.index}`)).join('') || '/';
}

/** Parses `text` as JSON after checking it for duplicate keys and depth; throws BAD_ARGUMENT naming the path. */
export function parseStrictJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  const stack: Frame[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // The closing quote is the first one after an even run of backslashes; found with indexOf, not
      // char by char (an upload is ~14 MB of mostly strings: the JS loop was a third of its answer).
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) { j = n; break; }
        let b = q;
        while (b > i + 1 && text.charCodeAt(b - 1) === 0x5c /* \ */) b--;
        j = q;
        if ((q - b) % 2 === 0) break;
        j = q + 1;
      }
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const raw = text.slice(i + 1, j);
        let key = raw;
        if (raw.includes('\\')) { try { key = JSON.parse(`"${raw}"`) as string; } catch { key = raw; } }
        top.key = key;
        if (top.keys.has(key)) throw new RioError('BAD_ARGUMENT', `duplicate key "${key}" in the JSON body`, { field: `body${pathOf(stack)}` });
        top.keys.add(key);
        top.expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) throw new RioError('BAD_ARGUMENT', `JSON body nests deeper than ${maxDepth} levels`, { field: `body${pathOf(stack)}` });
      stack.push({ keys: c === 0x7b ? new Set() : null, key: '', index: 0, expectKey: c === 0x7b });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
      else if (top) top.index++;
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RioError('BAD_ARGUMENT', `body is not JSON: ${(err as Error).message}`, { field: 'body' });
  }
}
