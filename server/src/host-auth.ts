/**
 * Who is calling: a farm host by its own token (stored hashed, revocable per host), or the admin by
 * the ingest token. Wrong tokens are counted per address: after WRONG_TOKENS_ALLOWED in a window the
 * address is refused (429) until the window passes, so tokens cannot be guessed at network speed.
 */
import type { FastifyRequest } from 'fastify';
import { RioError } from '../../harness/src/errors.ts';
import type { Store } from '../../harness/src/store/index.ts';
import { tokenMatches } from './routes/ingest.ts';
import { tokenHash } from '../../harness/src/farm/host-token.ts';

export const WRONG_TOKENS_ALLOWED = 10;
export const WRONG_TOKEN_WINDOW_MS = 60_000;


export class HostAuth {
  private readonly misses = new Map<string, { count: number; since: number }>();
  constructor(private readonly store: Store, private readonly adminToken: string | undefined) {}

  /** The calling host's name; UNAUTHORIZED for a missing, wrong or revoked token. */
  async host(req: FastifyRequest): Promise<string> {
    this.refuseIfLimited(req.ip);
    const h = req.headers.authorization;
    const token = h?.startsWith('Bearer ') ? h.slice('Bearer '.length).trim() : '';
    const row = token ? await this.store.hostByTokenHash(tokenHash(token)) : undefined;
    if (!row) throw this.miss(req.ip, 'missing, wrong or revoked host token');
    return row.name;
  }

  /** The admin (ingest) token: submitting jobs. */
  admin(req: FastifyRequest): void {
    this.refuseIfLimited(req.ip);
    if (!this.adminToken) throw new RioError('UNAUTHORIZED', 'job submission is disabled on this server: start it with RIO_FARM_TOKEN set');
    if (!tokenMatches(req.headers.authorization, this.adminToken)) throw this.miss(req.ip, 'missing or wrong bearer token');
  }

  private refuseIfLimited(ip: string, now = Date.now()): void {
    const m = this.misses.get(ip);
    if (!m) return;
    if (now - m.since > WRONG_TOKEN_WINDOW_MS) { this.misses.delete(ip); return; }
    if (m.count >= WRONG_TOKENS_ALLOWED) {
      const retry = Math.ceil((m.since + WRONG_TOKEN_WINDOW_MS - now) / 1000);
      throw new RioError('RATE_LIMITED', `too many wrong tokens from ${ip}: try again in ${retry} s`, { retry_after_s: retry });
    }
  }

  private miss(ip: string, message: string, now = Date.now()): RioError {
    const m = this.misses.get(ip);
    if (!m || now - m.since > WRONG_TOKEN_WINDOW_MS) this.misses.set(ip, { count: 1, since: now });
    else m.count++;
    return new RioError('UNAUTHORIZED', message);
  }
}
