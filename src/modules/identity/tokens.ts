// Bearer tokens: an HMAC-SHA256-signed payload, so any omnihall node can check one without a
// database round trip. The key lives in the shared database, created by the first node. Each
// token names its session (`sid`) and its principal's generation (`g`), so a sign-out or a
// change to a staff user ends it on every node (sessions.ts keeps each node's view of that).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../platform/db/index.ts';
import type { Principal, StaffRole } from '../../platform/principal.ts';
import type { Random } from '../../platform/ports.ts';

interface Payload {
  /** 's' subscriber, 'u' staff user. */
  k: 's' | 'u';
  id: number;
  r?: StaffRole[];
  exp: number;
  /** The session: a sign-out ends this one token. */
  sid: string;
  /** The principal's generation when issued: a higher one now (a disabled user, new roles, a new password) ends it. */
  g: number;
}

/** What a token says about its session, for signing it out. */
export interface TokenSession {
  kind: 's' | 'u';
  id: number;
  sid: string;
  generation: number;
  /** When it expires, in ms since the epoch. */
  expMs: number;
}

/** Answers whether a genuine, unexpired token has been revoked since it was issued (sessions.ts). */
export interface RevocationCheck {
  revoked(t: TokenSession): boolean;
}

export const SUBSCRIBER_TOKEN_TTL_S = 24 * 3600;
export const STAFF_TOKEN_TTL_S = 8 * 3600;

/** How many verified tokens a node remembers, so a client's next request skips the HMAC. */
const VERIFIED_CACHE_SIZE = 10_000;
/** An HMAC-SHA256 in base64url without padding: 32 bytes are exactly 43 characters. */
const SIGNATURE = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
/** A payload in base64url without padding (a JSON object of a few hundred bytes at most). */
const BODY = /^[A-Za-z0-9_-]{8,2048}$/;
/** A session id: 16 random bytes in base64url. */
const SID = /^[A-Za-z0-9_-]{22}$/;

const NO_REVOCATION: RevocationCheck = { revoked: () => false };

export class TokenSigner {
  /** Tokens whose signature checked out, with what they say; oldest first (Map insertion order). */
  private readonly verified = new Map<string, { principal: Principal; session: TokenSession }>();
  private revocations: RevocationCheck = NO_REVOCATION;

  constructor(private readonly key: Buffer) {}

  /** Where verify asks whether a token was revoked; checked on every call, the cache included. */
  checkRevocationsWith(r: RevocationCheck): void {
    this.revocations = r;
  }

  private sign(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest();
  }

  /**
   * A signed token for a principal, in session `sid` at the principal's `generation` (sign-in goes
   * through AuthSessions.issue, which knows the generation; without one, a new session at 0).
   */
  issue(principal: Principal, now: Date, ttlSeconds: number, session: { sid: string; generation: number } = { sid: randomBytes(16).toString('base64url'), generation: 0 }): string {
    if (!SID.test(session.sid) || !Number.isSafeInteger(session.generation) || session.generation < 0) throw new Error('a token needs a session id and a generation');
    const exp = Math.floor(now.getTime() / 1000) + ttlSeconds;
    const p: Payload = principal.kind === 'subscriber'
      ? { k: 's', id: principal.subscriberId, exp, sid: session.sid, g: session.generation }
      : { k: 'u', id: principal.staffId, r: principal.roles, exp, sid: session.sid, g: session.generation };
    const body = Buffer.from(JSON.stringify(p)).toString('base64url');
    return `${body}.${this.sign(body).toString('base64url')}`;
  }

  /** The principal a token stands for, or null when it is forged, malformed, expired or revoked. */
  verify(token: string, now: Date): Principal | null {
    const known = this.checked(token);
    if (!known) return null;
    if (known.session.expMs <= now.getTime() || this.revocations.revoked(known.session)) {
      this.verified.delete(token);
      return null;
    }
    return known.principal;
  }

  /** What a genuine token says about its session (whether or not it has expired or been revoked), or null. */
  session(token: string): TokenSession | null {
    return this.checked(token)?.session ?? null;
  }

  private checked(token: string): { principal: Principal; session: TokenSession } | null {
    const known = this.verified.get(token);
    if (known) return known;
    const p = this.check(token);
    if (!p) return null;
    const principal: Principal = Object.freeze(p.k === 's'
      ? { kind: 'subscriber', subscriberId: p.id }
      : { kind: 'staff', staffId: p.id, roles: Object.freeze([...(p.r ?? [])]) as StaffRole[] });
    const entry = { principal, session: Object.freeze({ kind: p.k, id: p.id, sid: p.sid, generation: p.g, expMs: p.exp * 1000 }) };
    // Only genuine tokens are remembered, so forged ones cannot push real ones out.
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, entry);
    return entry;
  }

  /**
   * The payload of a token whose signature is right, or null. Decoded strictly: exactly one dot,
   * the body and the signature in canonical base64url (no padding, no other characters, the
   * signature exactly 43 characters whose last one carries no stray bits), so one token has one
   * spelling; the signatures compared in constant time.
   */
  private check(token: string): Payload | null {
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    const body = token.slice(0, dot);
    const sigText = token.slice(dot + 1);
    if (!BODY.test(body) || !SIGNATURE.test(sigText)) return null;
    const sig = Buffer.from(sigText, 'base64url');
    const want = this.sign(body);
    if (sig.length !== want.length || !timingSafeEqual(sig, want)) return null;
    const raw = Buffer.from(body, 'base64url');
    if (raw.toString('base64url') !== body) return null;
    let p: Payload;
    try {
      p = JSON.parse(raw.toString('utf8')) as Payload;
    } catch {
      return null;
    }
    if (typeof p !== 'object' || p === null) return null;
    if (!Number.isSafeInteger(p.exp) || !Number.isSafeInteger(p.id) || (p.k !== 's' && p.k !== 'u')) return null;
    if (typeof p.sid !== 'string' || !SID.test(p.sid) || !Number.isSafeInteger(p.g) || p.g < 0) return null;
    if (p.k === 'u' && !Array.isArray(p.r)) return null;
    return p;
  }
}

/** The signing key every node shares: created once, then read from the `setting` table. */
export async function loadTokenKey(db: Db, random: Random): Promise<Buffer> {
  await db.insertInto('setting').values({ key: 'token_key', value: random.token(32) }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const row = await db.selectFrom('setting').select('value').where('key', '=', 'token_key').executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64url');
}
