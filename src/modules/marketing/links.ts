// One-click links (一键登录): an SMS or a broadcast carries a short link, `/o/<code>`, that opens one
// offer in the mobile hall with its subscriber already known, for that offer alone. The code is a
// random id and its HMAC (the key kept in the database, shared by every node), so a forged code is
// refused before any lookup; the table row gives its offer, subscriber and expiry, and signs in
// once: the exchange marks it used under a conditional update, so two taps race to one winner.
// What the exchange gives is an offer pass, not a session: it names the offer and the subscriber,
// and only the offer link routes read it (viewing and taking that one offer, still confirmed).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Clock, Random } from '../../platform/ports.ts';

/** How long a link may sign its subscriber in. */
export const OFFER_LINK_TTL_HOURS = 72;
/** How long the pass an exchange gives lasts: long enough to read the offer and confirm it. */
export const OFFER_PASS_TTL_S = 30 * 60;
/** 6 random bytes and 6 of the signature, each 8 base64url characters: a 16-character code. */
const CODE = /^[A-Za-z0-9_-]{16}$/;
const PASS = /^[A-Za-z0-9_-]{8,200}\.[A-Za-z0-9_-]{43}$/;
const HOUR = 3_600_000;

export interface OfferLink {
  code: string;
  /** Root-relative, for the sender to put behind the operator's own host: `/o/<code>`. */
  path: string;
  expiresAt: string;
}

/** Who an offer pass stands for, and the one offer it opens. */
export interface OfferPass {
  offerId: number;
  subscriberId: number;
  /** Seconds since the epoch. */
  exp: number;
}

export class OfferLinks {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly deps: { db: Db; clock: Clock; random: Random }) {}

  /** The signing key: created by the first node that needs it, then read from the table. */
  private signingKey(): Promise<Buffer> {
    if (!this.key) {
      this.key = (async () => {
        const { db, random } = this.deps;
        await db.insertInto('offerLinkKey').values({ id: 1, key: random.token(32) }).onConflict((oc) => oc.column('id').doNothing()).execute();
        const r = await db.selectFrom('offerLinkKey').select('key').where('id', '=', 1).executeTakeFirstOrThrow();
        return Buffer.from(r.key, 'base64url');
      })();
      this.key.catch(() => { this.key = undefined; });
    }
    return this.key;
  }

  private async mac(domain: 'code' | 'pass', text: string): Promise<Buffer> {
    return createHmac('sha256', await this.signingKey()).update(`${domain}\n${text}`).digest();
  }

  /**
   * A link for one subscriber to one offer, for a broadcast or an SMS to carry (in its sender's
   * transaction when it passes one).
   *
   *   const { path } = await links.mint(offerId, subscriberId, 'broadcast:3')  // '/o/Xk2…'
   */
  async mint(offerId: number, subscriberId: number, purpose: string, opts: { ttlHours?: number; q?: Db } = {}): Promise<OfferLink> {
    const id = this.deps.random.token(6);
    if (!/^[A-Za-z0-9_-]{8}$/.test(id)) throw new Error('an offer link id is 6 random bytes in base64url');
    const code = `${id}${(await this.mac('code', id)).subarray(0, 6).toString('base64url')}`;
    const at = this.deps.clock.now();
    const expiresAt = new Date(at.getTime() + (opts.ttlHours ?? OFFER_LINK_TTL_HOURS) * HOUR);
    await (opts.q ?? this.deps.db).insertInto('offerLink').values({ code, offerId, subscriberId, purpose: purpose.slice(0, 60), createdAt: at, expiresAt, usedAt: null }).execute();
    return { code, path: `/o/${code}`, expiresAt: expiresAt.toISOString() };
  }

  /** Whether a code is one this operator signed (no lookup). */
  private async genuine(code: string): Promise<boolean> {
    if (!CODE.test(code)) return false;
    const want = (await this.mac('code', code.slice(0, 8))).subarray(0, 6);
    const got = Buffer.from(code.slice(8), 'base64url');
    return got.length === want.length && timingSafeEqual(got, want);
  }

  /**
   * Signs the link's subscriber in for its offer, once: OFFER_LINK_INVALID for a forged or unknown
   * code, OFFER_LINK_EXPIRED after its time, OFFER_LINK_USED when it has signed in before.
   */
  async exchange(code: string): Promise<{ pass: string; expiresInSeconds: number; offerId: number; subscriberId: number }> {
    if (!(await this.genuine(code))) throw new AppError('OFFER_LINK_INVALID');
    const at = this.deps.clock.now();
    const used = await this.deps.db.updateTable('offerLink').set({ usedAt: at })
      .where('code', '=', code).where('usedAt', 'is', null).where('expiresAt', '>', at)
      .returning(['offerId', 'subscriberId']).executeTakeFirst();
    if (!used) {
      const link = await this.deps.db.selectFrom('offerLink').select(['usedAt', 'expiresAt']).where('code', '=', code).executeTakeFirst();
      if (!link) throw new AppError('OFFER_LINK_INVALID');
      throw new AppError(link.usedAt ? 'OFFER_LINK_USED' : 'OFFER_LINK_EXPIRED');
    }
    const p: OfferPass = { offerId: used.offerId, subscriberId: used.subscriberId, exp: Math.floor(at.getTime() / 1000) + OFFER_PASS_TTL_S };
    const body = Buffer.from(JSON.stringify({ o: p.offerId, s: p.subscriberId, exp: p.exp })).toString('base64url');
    return { pass: `${body}.${(await this.mac('pass', body)).toString('base64url')}`, expiresInSeconds: OFFER_PASS_TTL_S, offerId: p.offerId, subscriberId: p.subscriberId };
  }

  /** What a pass opens, or null when it is forged, malformed or expired. */
  async verifyPass(pass: string): Promise<OfferPass | null> {
    if (!PASS.test(pass)) return null;
    const [body, sig] = pass.split('.') as [string, string];
    const want = await this.mac('pass', body);
    const got = Buffer.from(sig, 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
    let p: { o?: unknown; s?: unknown; exp?: unknown };
    try { p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof p; } catch { return null; }
    if (!Number.isSafeInteger(p.o) || !Number.isSafeInteger(p.s) || !Number.isSafeInteger(p.exp)) return null;
    if ((p.exp as number) * 1000 <= this.deps.clock.now().getTime()) return null;
    return { offerId: p.o as number, subscriberId: p.s as number, exp: p.exp as number };
  }
}
