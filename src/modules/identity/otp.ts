// One-time SMS codes for subscriber sign-in: 6 digits, valid 5 minutes, at most 5 tries, at
// most 1 code a minute and 5 an hour per number; limits per source address on asking for codes
// and on wrong codes, and on wrong codes per number across codes (rate-limit.ts).
//
// Whether a number is a subscriber's is never told: a request for any well-formed number is
// answered 202 with the same body after the same database work (the same limits, a challenge
// stored); only a subscriber's challenge holds a code that can be typed, and only a subscriber is
// sent one. The text is queued in the transaction (the outbox) or, over an SMS centre link, sent
// after the answer, so the link's round trip is not on the request's path either.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n, type L10n } from '../../platform/i18n.ts';
import type { Clock, Random } from '../../platform/ports.ts';
import { outboxSender, type SmsSender } from '../../platform/sms/outbox.ts';
import type { SubscriberService } from '../subscriber/index.ts';
import { addressSubject, rateLimited, type LimitRule, type RateLimiter } from './rate-limit.ts';

export const OTP_TTL_MS = 5 * 60_000;
export const OTP_MAX_ATTEMPTS = 5;
export const OTP_PER_MINUTE = 1;
export const OTP_PER_HOUR = 5;

/**
 * The limits on asking for codes and typing them. Per address they are generous, as many
 * subscribers may share one (a carrier's NAT, an office), and tight enough that one client
 * cannot send hundreds of texts or try hundreds of codes.
 */
export const OTP_LIMITS = {
  /** Codes asked for from one address: 10 in 10 minutes, then blocked 1 minute, doubling to an hour. */
  sendPerAddress: { name: 'otp.send.address', limit: 10, windowS: 600, blockS: 60, maxBlockS: 3600 },
  /** Wrong codes from one address: 10 in 10 minutes (right ones are taken back), then 1 minute, doubling. */
  verifyPerAddress: { name: 'otp.verify.address', limit: 10, windowS: 600, blockS: 60, maxBlockS: 3600 },
  /** Wrong codes for one number, whatever code they were for: 10 an hour, then 5 minutes, doubling to an hour. */
  verifyPerNumber: { name: 'otp.verify.number', limit: 10, windowS: 3600, blockS: 300, maxBlockS: 3600 },
} as const satisfies Record<string, LimitRule>;

/** The answer to a request for a code, the same whether or not the number is a subscriber's. */
export const OTP_SENT_MESSAGE: L10n = l10n('如果这是本网号码，验证码已发送', 'If this is an omnihall number, a code is on its way');

export interface OtpOptions {
  /** The sign-in limits per address and per number; none without one (unit tests of the code rules). */
  limiter?: RateLimiter;
  /**
   * Whether `sms.send` is a queue that belongs in the request's transaction (the outbox), or a link
   * to an SMS centre, used after the answer. The outbox's sender is the one queued by default.
   */
  sendInTransaction?: boolean;
  /** A code sent after the answer could not go out (its challenge is withdrawn, so a new one may be asked for at once). */
  onSendError?: (e: unknown) => void;
}

export class OtpService {
  private readonly sendInTransaction: boolean;
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly subscribers: SubscriberService,
    private readonly key: Buffer,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly sms: SmsSender = outboxSender,
    private readonly opts: OtpOptions = {},
  ) {
    this.sendInTransaction = opts.sendInTransaction ?? sms === outboxSender;
  }

  private hash(msisdn: string, code: string): string {
    return createHmac('sha256', this.key).update(`otp:${msisdn}:${code}`).digest('base64url');
  }

  /**
   * Sends a new code if the number is a subscriber's (not closed); the same answer either way.
   * RATE_LIMITED (with `retryAfter`) when the number or the source address has asked too often.
   */
  async request(msisdn: string, sourceIp?: string): Promise<{ expiresInSeconds: number; messages: L10n }> {
    // The SMS centre link down: no code could go out to anyone, so every number is told so alike
    // (503, try again shortly) rather than waiting for a text that never comes.
    if (this.sms.ready && !this.sms.ready()) throw new AppError('UNAVAILABLE', { extra: { retryAfter: 30 } });
    await this.opts.limiter?.hitAddress(OTP_LIMITS.sendPerAddress, sourceIp);
    const now = this.clock.now();
    const out = await this.db.transaction().execute(async (trx) => {
      const sub = await this.subscribers.byMsisdn(msisdn, trx);
      const real = !!sub && sub.status !== 'closed';
      // Serialise requests for one number so two at once cannot both pass the limits.
      await sql`select pg_advisory_xact_lock(hashtext(${`otp:${msisdn}`}))`.execute(trx);
      const recent = await trx.selectFrom('otpChallenge').select('createdAt')
        .where('msisdn', '=', msisdn).where('createdAt', '>', new Date(now.getTime() - 3600_000))
        .orderBy('createdAt', 'desc').execute();
      const lastMinute = recent.filter((r) => r.createdAt.getTime() > now.getTime() - 60_000);
      if (lastMinute.length >= OTP_PER_MINUTE || recent.length >= OTP_PER_HOUR) {
        const oldest = lastMinute.length >= OTP_PER_MINUTE ? lastMinute[lastMinute.length - 1]! : recent[recent.length - 1]!;
        const window = lastMinute.length >= OTP_PER_MINUTE ? 60_000 : 3600_000;
        this.opts.limiter?.counted('otp.send.number');
        throw rateLimited(Math.max(1, Math.ceil((oldest.createdAt.getTime() + window - now.getTime()) / 1000)));
      }
      const code = String(this.random.int(0, 1_000_000)).padStart(6, '0');
      // Not a subscriber's number: a challenge all the same (the limits count it alike), holding
      // a hash of nothing anyone was told, so no code can ever match it.
      const codeHash = real ? this.hash(msisdn, code) : this.hash(msisdn, this.random.token(32));
      const row = await trx.insertInto('otpChallenge').values({
        msisdn, codeHash, attempts: 0, createdAt: now, expiresAt: new Date(now.getTime() + OTP_TTL_MS),
      }).returning('id').executeTakeFirstOrThrow();
      // Challenges older than a day are no use to any limit.
      await trx.deleteFrom('otpChallenge').where('msisdn', '=', msisdn).where('createdAt', '<', new Date(now.getTime() - 24 * 3600_000)).execute();
      const text = `【omnihall】您的登录验证码是${code}，5分钟内有效，请勿告诉他人。Your sign-in code is ${code}, valid 5 minutes.`;
      if (real && this.sendInTransaction) await this.sms.send(trx, msisdn, text, 'otp');
      return real && !this.sendInTransaction ? { id: row.id, text } : null;
    });
    if (out) this.sendLater(msisdn, out.id, out.text);
    return { expiresInSeconds: OTP_TTL_MS / 1000, messages: OTP_SENT_MESSAGE };
  }

  private sendLater(msisdn: string, challengeId: number, text: string): void {
    const p = (async () => {
      try {
        await this.sms.send(this.db, msisdn, text, 'otp');
      } catch (e) {
        this.opts.onSendError?.(e);
        await this.db.deleteFrom('otpChallenge').where('id', '=', challengeId).execute().catch((err: unknown) => this.opts.onSendError?.(err));
      }
    })();
    this.sending.add(p);
    void p.finally(() => this.sending.delete(p));
  }

  /** Resolves once every code being sent after its answer has gone out or been withdrawn. */
  async settled(): Promise<void> {
    while (this.sending.size > 0) await Promise.all([...this.sending]);
  }

  /**
   * Checks a code; returns the subscriber id when it is right. RATE_LIMITED while the source
   * address or the number has had too many wrong codes.
   */
  async verify(msisdn: string, code: string, sourceIp?: string): Promise<number> {
    const limiter = this.opts.limiter;
    const address = addressSubject(sourceIp);
    const addressCounted = (await limiter?.hitAddress(OTP_LIMITS.verifyPerAddress, sourceIp)) ?? false;
    await limiter?.hit(OTP_LIMITS.verifyPerNumber, msisdn);
    const now = this.clock.now();
    const result = await this.db.transaction().execute(async (trx) => {
      const c = await trx.selectFrom('otpChallenge').selectAll()
        .where('msisdn', '=', msisdn).where('consumedAt', 'is', null).where('expiresAt', '>', now)
        .orderBy('createdAt', 'desc').limit(1).forUpdate().executeTakeFirst();
      type Verdict = { error: 'OTP_INVALID' | 'OTP_TOO_MANY_ATTEMPTS'; subscriberId?: undefined } | { error?: undefined; subscriberId: number };
      const fail = (error: 'OTP_INVALID' | 'OTP_TOO_MANY_ATTEMPTS'): Verdict => ({ error });
      if (!c) return fail('OTP_INVALID');
      if (c.attempts >= OTP_MAX_ATTEMPTS) return fail('OTP_TOO_MANY_ATTEMPTS');
      const given = Buffer.from(this.hash(msisdn, code));
      const want = Buffer.from(c.codeHash);
      if (given.length !== want.length || !timingSafeEqual(given, want)) {
        // Counted even though the answer is an error: the transaction must commit.
        await trx.updateTable('otpChallenge').set({ attempts: c.attempts + 1 }).where('id', '=', c.id).execute();
        return fail(c.attempts + 1 >= OTP_MAX_ATTEMPTS ? 'OTP_TOO_MANY_ATTEMPTS' : 'OTP_INVALID');
      }
      await trx.updateTable('otpChallenge').set({ consumedAt: now }).where('id', '=', c.id).execute();
      const sub = await this.subscribers.byMsisdn(msisdn, trx);
      if (!sub || sub.status === 'closed') return fail('OTP_INVALID');
      const ok: Verdict = { subscriberId: sub.id };
      return ok;
    });
    if (result.error) throw new AppError(result.error);
    // Only wrong codes count against the address and the number.
    if (addressCounted) await limiter?.refund(OTP_LIMITS.verifyPerAddress, address);
    await limiter?.refund(OTP_LIMITS.verifyPerNumber, msisdn);
    return result.subscriberId;
  }
}
