// Bearer tokens: an HMAC-SHA256-signed payload, so any omnihall node can check one without a
// database round trip. The key lives in the shared database, created by the first node.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../platform/db/index.ts';
import type { Principal, StaffRole } from '../../platform/principal.ts';
import type { Random } from '../../platform/ports.ts';

interface Payload {
  /** 's' subscriber, 'u' staff user. */
  k: 's' | 'u';
  id: number;
  r?: StaffRole[];
  exp: number;
}

export const SUBSCRIBER_TOKEN_TTL_S = 24 * 3600;
export const STAFF_TOKEN_TTL_S = 8 * 3600;

/** How many verified tokens a node remembers, so a client's next request skips the HMAC. */
const VERIFIED_CACHE_SIZE = 10_000;

export class TokenSigner {
  /** Tokens whose signature checked out, with their expiry; oldest first (Map insertion order). */
  private readonly verified = new Map<string, { principal: Principal; expMs: number }>();

  constructor(private readonly key: Buffer) {}

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }

  issue(principal: Principal, now: Date, ttlSeconds: number): string {
    const p: Payload = principal.kind === 'subscriber'
      ? { k: 's', id: principal.subscriberId, exp: Math.floor(now.getTime() / 1000) + ttlSeconds }
      : { k: 'u', id: principal.staffId, r: principal.roles, exp: Math.floor(now.getTime() / 1000) + ttlSeconds };
    const body = Buffer.from(JSON.stringify(p)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The principal a token stands for, or null when it is forged, malformed or expired. */
  verify(token: string, now: Date): Principal | null {
    const known = this.verified.get(token);
    if (known) {
      if (known.expMs > now.getTime()) return known.principal;
      this.verified.delete(token);
      return null;
    }
    const p = this.check(token);
    if (!p || p.exp * 1000 <= now.getTime()) return null;
    const principal: Principal = Object.freeze(p.k === 's'
      ? { kind: 'subscriber', subscriberId: p.id }
      : { kind: 'staff', staffId: p.id, roles: Object.freeze([...(p.r ?? [])]) as StaffRole[] });
    // Only genuine tokens are remembered, so forged ones cannot push real ones out.
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { principal, expMs: p.exp * 1000 });
    return principal;
  }

  /** The payload of a token whose signature is right, or null. */
  private check(token: string): Payload | null {
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    const body = token.slice(0, dot);
    const sig = Buffer.from(token.slice(dot + 1), 'base64url');
    const want = Buffer.from(this.sign(body), 'base64url');
    if (sig.length !== want.length || !timingSafeEqual(sig, want)) return null;
    let p: Payload;
    try {
      p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
    } catch {
      return null;
    }
    if (typeof p.exp !== 'number' || !Number.isSafeInteger(p.id) || (p.k !== 's' && p.k !== 'u')) return null;
    return p;
  }
}

/** The signing key every node shares: created once, then read from the `setting` table. */
export async function loadTokenKey(db: Db, random: Random): Promise<Buffer> {
  await db.insertInto('setting').values({ key: 'token_key', value: random.token(32) }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const row = await db.selectFrom('setting').select('value').where('key', '=', 'token_key').executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64url');
}
