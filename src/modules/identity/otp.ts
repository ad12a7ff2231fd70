// One-time SMS codes for subscriber sign-in: 6 digits, valid 5 minutes, at most 5 tries, at
// most 1 code a minute and 5 an hour per number.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Clock, Random } from '../../platform/ports.ts';
import { outboxSender, type SmsSender } from '../../platform/sms/outbox.ts';
import type { SubscriberService } from '../subscriber/index.ts';

export const OTP_TTL_MS = 5 * 60_000;
export const OTP_MAX_ATTEMPTS = 5;
export const OTP_PER_MINUTE = 1;
export const OTP_PER_HOUR = 5;


export class OtpService {
  constructor(
    private readonly db: Db,
    private readonly subscribers: SubscriberService,
    private readonly key: Buffer,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly sms: SmsSender = outboxSender,
  ) {}

  private hash(msisdn: string, code: string): string {
    return createHmac('sha256', this.key).update(`otp:${msisdn}:${code}`).digest('base64url');
  }

  /** Sends a new code to a subscriber's number. */
  async request(msisdn: string): Promise<{ expiresInSeconds: number }> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const sub = await this.subscribers.byMsisdn(msisdn, trx);
      if (!sub || sub.status === 'closed') throw new AppError('NOT_A_SUBSCRIBER');
      // Serialise requests for one number so two at once cannot both pass the limits.
      await sql`select pg_advisory_xact_lock(hashtext(${`otp:${msisdn}`}))`.execute(trx);
      const recent = await trx.selectFrom('otpChallenge').select('createdAt')
        .where('msisdn', '=', msisdn).where('createdAt', '>', new Date(now.getTime() - 3600_000))
        .orderBy('createdAt', 'desc').execute();
      const lastMinute = recent.filter((r) => r.createdAt.getTime() > now.getTime() - 60_000);
      if (lastMinute.length >= OTP_PER_MINUTE || recent.length >= OTP_PER_HOUR) {
        const oldest = lastMinute.length >= OTP_PER_MINUTE ? lastMinute[lastMinute.length - 1]! : recent[recent.length - 1]!;
        const window = lastMinute.length >= OTP_PER_MINUTE ? 60_000 : 3600_000;
        const retryAfter = Math.max(1, Math.ceil((oldest.createdAt.getTime() + window - now.getTime()) / 1000));
        throw new AppError('RATE_LIMITED', { extra: { retryAfter } });
      }
      const code = String(this.random.int(0, 1_000_000)).padStart(6, '0');
      await trx.insertInto('otpChallenge').values({
        msisdn, codeHash: this.hash(msisdn, code), attempts: 0, createdAt: now, expiresAt: new Date(now.getTime() + OTP_TTL_MS),
      }).execute();
      await this.sms.send(trx, msisdn, `【omnihall】您的登录验证码是${code}，5分钟内有效，请勿告诉他人。Your sign-in code is ${code}, valid 5 minutes.`, 'otp');
      return { expiresInSeconds: OTP_TTL_MS / 1000 };
    });
  }

  /** Checks a code; returns the subscriber id when it is right. */
  async verify(msisdn: string, code: string): Promise<number> {
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
      if (!sub) return fail('OTP_INVALID');
      const ok: Verdict = { subscriberId: sub.id };
      return ok;
    });
    if (result.error) throw new AppError(result.error);
    return result.subscriberId;
  }
}
