/**
 * `rio-farm signoff verify REPORT`: the file must be canonical, its Ed25519 signature must hold
 * (and, given --trust, be by that key), and its body must equal — byte for byte — the report
 * recomputed from the store's raw frames. Any difference refuses the report.
 */
import { readFileSync } from 'node:fs';
import { createHash, createPublicKey } from 'node:crypto';
import { RioError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import { canonicalJson } from './canonical-json.ts';
import { checkSignature } from './signing.ts';
import { buildReport } from './report.ts';
import type { SignedReport } from './report-files.ts';
import { getSignoff } from '../store/signoffs.ts';

export interface VerifyResult { ok: boolean; id: string | null; problems: string[] }

export async function verifyReport(store: Store, path: string, trustedPublicPem?: string): Promise<VerifyResult> {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (err) {
    throw new RioError('BAD_ARGUMENT', `cannot read report: ${(err as Error).message}`, { file: path });
  }
  let signed: SignedReport;
  try { signed = JSON.parse(text) as SignedReport; } catch {
    return { ok: false, id: null, problems: ['not JSON'] };
  }
  const problems: string[] = [];
  const id = typeof signed?.report?.id === 'string' ? signed.report.id : null;
  if (!id || !signed.signature) return { ok: false, id, problems: ['not a sign-off report (no report.id or signature)'] };
  if (text !== `${canonicalJson(signed)}\n`) problems.push('file is not canonical JSON (edited or re-serialised)');
  const body = canonicalJson(signed.report);
  if (!checkSignature(signed.signature.public_key, body, signed.signature.value)) problems.push('Ed25519 signature does not match the report');
  if (trustedPublicPem && !sameKey(trustedPublicPem, signed.signature.public_key)) problems.push('signed by a key other than the trusted one');
  const row = await getSignoff(store, id);
  if (!row) return { ok: false, id, problems: [...problems, `sign-off ${id} is not in this store: nothing to recompute from`] };
  if (row.policy_sha256 !== createHash('sha256').update(row.policy_text).digest('hex')) problems.push('stored policy text does not match its stored hash');
  const recomputed = canonicalJson(await buildReport(store, id));
  if (recomputed !== body) problems.push(`recomputed report differs from the signed one at ${firstDifference(JSON.parse(recomputed), signed.report)}`);
  return { ok: problems.length === 0, id, problems };
}

function sameKey(a: string, b: string): boolean {
  try {
    const der = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' });
    return der(a).equals(der(b));
  } catch { return false; }
}

/** JSON path of the first place two values differ (for a useful refusal message). */
export function firstDifference(a: unknown, b: unknown, path = '$'): string {
  if (canonicalJson(a) === canonicalJson(b)) return '(nowhere)';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const x = (a as Record<string, unknown>)[k], y = (b as Record<string, unknown>)[k];
      if (canonicalJson(x ?? null) !== canonicalJson(y ?? null)) return firstDifference(x, y, Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
    }
  }
  return `${path} (recomputed ${JSON.stringify(a)?.slice(0, 80)}, report ${JSON.stringify(b)?.slice(0, 80)})`;
}
