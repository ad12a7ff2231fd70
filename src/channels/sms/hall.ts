// The SMS hall (短信营业厅): one mobile-originated text in, one reply text out. Both SMS links
// (SMPP and Kannel HTTP) call this; it knows nothing of either. Charging businesses take two
// steps: a quote with a random 4-digit code, then that code from the same number within 10 minutes.
import { z } from 'zod';
import type { Principal, Quote } from '../../businesses/registry.ts';
import type { InvokeOutcome } from '../../businesses/invoke.ts';
import { isAppError, type AppError, type ErrorCode } from '../../platform/errors.ts';
import { l10n, type L10n, type Lang } from '../../platform/i18n.ts';
import { silentLog, type SmsLog } from '../../platform/log.ts';
import { normaliseMsisdn } from '../../platform/msisdn.ts';
import type { Services } from '../../container.ts';
import { CommandParser, DEFAULT_COMMANDS, helpMenu, normaliseText, type SmsCommand } from './commands.ts';
import { partsNeeded } from '../../platform/sms/gsm-encoding.ts';

export const CHANNEL = 'sms';
export const CONFIRM_TTL_MS = 10 * 60_000;
export const MAX_MO_CHARS = 1000;
const MAX_WRONG_CODES = 3;
/** How long a number's subscriber id and language are reused before being read again. */

/** A text a subscriber sent: `text` is null when it was binary (8-bit data, not characters). */
export interface MoMessage {
  from: string;
  text: string | null;
}

/** A logger in pino's shape, so the hall logs wherever the app does. */
export { silentLog, type SmsLog } from '../../platform/log.ts';

export interface SmsHallOptions {
  commands?: readonly SmsCommand[];
  /** Accept 是 / Y as the confirmation instead of the 4-digit code (SMS_CONFIRM_WITH_YES). */
  confirmWithYes?: boolean;
  /** Send a business's long text when it fits in this many parts, else its short text. */
  maxReplyParts?: number;
  log?: SmsLog;
}

/** The marketing module, when there is one: `TD` records the opt-out with its contact policy. */
export type SmsHallDeps = Pick<Services, 'invoker' | 'registry' | 'sessions' | 'random' | 'clock' | 'callers'> & Partial<Pick<Services, 'marketing'>>;

/** A charging business waiting for its code, kept in the session store under the number. */
interface PendingConfirmation {
  id: string;
  code: string;
  businessId: string;
  input: Record<string, unknown>;
  summary: L10n;
  /** The quote's amounts; the confirmation is refused, not charged, if any has changed since. */
  terms?: string;
  /** Kept by older versions in place of `terms`: the price alone. */
  priceFen?: number;
  lang: Lang;
  expiresAt: number;
  wrong: number;
}

/** What was confirmed, kept for 10 minutes so a repeated code is told it was already used. */
interface UsedConfirmation {
  code: string;
  summary: L10n;
}

const YES_WORDS = new Set(['是', 'Y', 'YES', '确认', '确定', '好', 'OK']);

const T = {
  notSubscriber: l10n(
    '您好，该号码不是本网用户，无法通过短信营业厅办理业务。This number is not one of our subscribers.',
    'Sorry, this number is not one of our subscribers, so the SMS hall cannot serve it.',
  ),
  empty: l10n('您发送的短信是空的。', 'Your message was empty.'),
  tooLong: l10n(`短信过长（超过${MAX_MO_CHARS}字），未办理任何业务，请发送简短指令。`, `Your message is over ${MAX_MO_CHARS} characters; nothing was done. Send a short command.`),
  binary: l10n('无法识别该短信（非文字内容），未办理任何业务，请发送文字指令。', 'That message was not text; nothing was done. Send a text command.'),
  emoji: l10n('短信营业厅不识别表情符号，未办理任何业务，请发送文字指令。', 'The SMS hall does not read emoji; nothing was done. Send a text command.'),
  unknown: l10n('未能识别您的指令。', 'Sorry, we did not understand that.'),
  helpTitle: l10n('短信营业厅：', 'SMS hall: '),
  noPending: l10n('没有待确认的业务，或验证码已过期（10分钟内有效），未办理任何业务。', 'There is nothing waiting for a code, or the code has expired (10 minutes); nothing was done.'),
  alreadyUsed: l10n('该验证码已使用，业务已办理，请勿重复回复。', 'That code has already been used; the request was done once. No need to reply again.'),
  tooManyWrong: l10n('验证码错误次数过多，本次办理已取消，未扣费。', 'Too many wrong codes: the request is cancelled and nothing was charged.'),
  busy: l10n('系统繁忙，未办理任何业务，请稍后再试。', 'The system is busy; nothing was done. Please try again later.'),
  nothingSubscribed: l10n('您目前没有可退订的业务。', 'You have no packs or services to cancel.'),
  optedOut: l10n('您已退订营销短信，今后不再向您发送优惠推荐。账单、验证码等服务短信不受影响。退订业务请发送QX加业务代码。', 'You will get no more marketing texts. Service texts such as bills and sign-in codes still come. To cancel a pack, send CANCEL and its code.'),
  priceChanged: l10n('价格已变化，未扣费。', 'The price has changed; nothing was charged. '),
} as const;

/** What to add after an error so the subscriber knows the next step. */
const ERROR_HINTS: Partial<Record<ErrorCode, L10n>> = {
  OFFERING_NOT_FOUND: l10n('发送LLB查看可订业务。', 'Send PACKS for what you can order.'),
  NOT_SUBSCRIBED: l10n('发送0000查看已订业务。', 'Send 0000 for what you have.'),
  INSUFFICIENT_BALANCE: l10n('发送CZ加金额充值，如CZ 50。', 'Send TOPUP and an amount, e.g. TOPUP 50.'),
  BILL_NOT_FOUND: l10n('发送ZD查最近账单。', 'Send BILL for your latest bill.'),
  OUT_OF_STOCK: l10n('发送GM查看其他商品。', 'Send GM for other items.'),
};

/** The quote a PRICE_CHANGED refusal carries. */
const quoteSchema = z.object({
  businessId: z.string(),
  summary: z.object({ 'zh-CN': z.string(), en: z.string() }),
  priceFen: z.number().int(),
  recurringFen: z.number().int().optional(),
  costPoints: z.number().int().optional(),
  effectiveFrom: z.string().optional(),
  terms: z.string(),
});

const subscribedData = z.object({
  plan: z.object({ nameZh: z.string(), nameEn: z.string() }).nullable(),
  subscriptions: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() })),
});

function sentence(zhOrEn: Lang, ...parts: string[]): string {
  return parts.filter(Boolean).join(zhOrEn === 'en' ? ' ' : '');
}

export class SmsHall {
  readonly parser: CommandParser;
  private readonly confirmWithYes: boolean;
  private readonly maxReplyParts: number;
  private readonly log: SmsLog;
  /**
   * Number → subscriber for a minute: every text names its sender, and the invoker reads the
   * subscriber again anyway, so this only saves a round trip. Only numbers that are subscribers
   * are kept, so a newly activated number is served at once.
   */

  constructor(private readonly s: SmsHallDeps, opts: SmsHallOptions = {}) {
    this.parser = new CommandParser(s.registry, opts.commands ?? DEFAULT_COMMANDS);
    this.confirmWithYes = opts.confirmWithYes ?? false;
    this.maxReplyParts = opts.maxReplyParts ?? 4;
    this.log = opts.log ?? silentLog;
  }

  /** Handles one message and returns the reply. Never throws: every outcome is a text. */
  async handle(mo: MoMessage): Promise<string> {
    try {
      return await this.handleOrThrow(mo);
    } catch (err) {
      this.log.error({ err, from: mo.from }, 'sms: message failed');
      return `${T.busy['zh-CN']} ${T.busy.en}`;
    }
  }

  private async handleOrThrow(mo: MoMessage): Promise<string> {
    const msisdn = normaliseMsisdn(mo.from);
    const sub = msisdn ? await this.s.callers.find(msisdn) : null;
    if (!msisdn || !sub) return T.notSubscriber['zh-CN'];
    const own = sub.language;
    const hidden = await this.s.invoker.withdrawnOn(CHANNEL);
    const who: Who = { msisdn, subscriberId: sub.subscriberId, lang: own, hidden };

    if (mo.text === null) return T.binary[own];
    if ([...mo.text].length > MAX_MO_CHARS) return T.tooLong[own];
    const text = normaliseText(mo.text);
    if (!text) return sentence(own, T.empty[own], this.help(own, hidden));
    if (/\p{Extended_Pictographic}/u.test(text)) return sentence(own, T.emoji[own], this.help(own, hidden));
    // Control characters other than line breaks mean binary content sent as text.
    if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/u.test(text)) return T.binary[own];

    if (/^\d{4}$/u.test(text) && text !== '0000') return this.confirm(who, text);
    if (this.confirmWithYes && YES_WORDS.has(text)) return this.confirm(who, null);

    const parsed = this.parser.parse(text, this.s.clock.now());
    switch (parsed.kind) {
      case 'unknown':
        return sentence(own, T.unknown[own], this.help(own, hidden));
      case 'hall': {
        const lang = parsed.lang ?? own;
        if (parsed.action === 'optout') return this.optOut({ ...who, lang });
        return parsed.action === 'help' ? this.help(lang, who.hidden) : this.subscribed({ ...who, lang });
      }
      case 'bad_argument': {
        const lang = parsed.lang ?? own;
        return sentence(lang, parsed.reason ? `${parsed.reason[lang]}${lang === 'en' ? '.' : '。'}` : '', parsed.command?.usage?.[lang] ?? this.help(lang, who.hidden));
      }
      case 'business': {
        const lang = parsed.lang ?? own;
        return this.run({ ...who, lang }, parsed.businessId, parsed.input, parsed.command);
      }
    }
  }

  /** The help menu, without the commands of businesses withdrawn on SMS. */
  help(lang: Lang, hidden: ReadonlySet<string> = new Set()): string {
    const offered = hidden.size ? this.parser.commands.filter((c) => !('business' in c.target) || !hidden.has(c.target.business)) : this.parser.commands;
    return `${T.helpTitle[lang]}${helpMenu(offered, lang)}`;
  }

  private principal(subscriberId: number): Principal {
    return { kind: 'subscriber', subscriberId };
  }

  private async run(who: Who, businessId: string, input: Record<string, unknown>, command: SmsCommand | null): Promise<string> {
    let out: InvokeOutcome;
    try {
      out = await this.s.invoker.invoke({
        channel: CHANNEL, principal: this.principal(who.subscriberId), subscriberId: who.subscriberId, businessId, input,
        // A transaction that needs no confirmation (a cancellation) still needs a key; each text is a new request.
        idempotencyKey: `sms:${who.msisdn}:${this.s.random.uuid()}`,
      });
    } catch (err) {
      return this.error(err, who.lang, command);
    }
    if (out.status === 'ok') return this.render(out.text, who.lang, command?.reply ?? 'long');
    return this.askToConfirm(who, businessId, input, out.quote);
  }

  private async askToConfirm(who: Who, businessId: string, input: Record<string, unknown>, quote: Quote): Promise<string> {
    const summary = quote.summary;
    // Never 0000: that is the "what have I subscribed" command.
    const code = String(this.s.random.int(1000, 10_000));
    const pending: PendingConfirmation = {
      id: this.s.random.uuid(), code, businessId, input, summary, terms: quote.terms, lang: who.lang,
      expiresAt: this.s.clock.now().getTime() + CONFIRM_TTL_MS, wrong: 0,
    };
    await this.s.sessions.set(confirmKey(who.msisdn), pending, CONFIRM_TTL_MS);
    const how = this.confirmWithYes
      ? l10n('确认办理请在10分钟内回复“是”，不回复则不办理。', 'To go ahead, reply Y within 10 minutes; otherwise nothing happens.')
      : l10n(`确认办理请在10分钟内回复验证码${code}，不回复则不办理。`, `To go ahead, reply ${code} within 10 minutes; otherwise nothing happens.`);
    return who.lang === 'en' ? `${summary.en}. ${how.en}` : `${summary['zh-CN']}。${how['zh-CN']}`;
  }

  /** A reply to a quote: `code` is the 4 digits typed, or null for a yes word. */
  private async confirm(who: Who, code: string | null): Promise<string> {
    const key = confirmKey(who.msisdn);
    const pending = await this.s.sessions.get<PendingConfirmation>(key);
    const now = this.s.clock.now().getTime();
    if (!pending || pending.expiresAt <= now) {
      const used = await this.s.sessions.get<UsedConfirmation>(usedKey(who.msisdn));
      if (used && (code === null || used.code === code)) return T.alreadyUsed[who.lang];
      return T.noPending[who.lang];
    }
    const lang = pending.lang;
    if (code !== null && code !== pending.code) {
      const wrong = pending.wrong + 1;
      if (wrong >= MAX_WRONG_CODES) {
        await this.s.sessions.delete(key);
        return T.tooManyWrong[lang];
      }
      await this.s.sessions.set(key, { ...pending, wrong }, pending.expiresAt - now);
      const left = Math.max(1, Math.ceil((pending.expiresAt - now) / 60_000));
      return lang === 'en'
        ? `That code is wrong; nothing was done. Reply the 4-digit code from our last message within ${left} min.`
        : `验证码不正确，未办理任何业务。请在${left}分钟内回复上一条短信中的4位验证码。`;
    }
    // Only the one reply that takes the entry runs the business; a duplicate finds nothing.
    const taken = await this.s.sessions.take<PendingConfirmation>(key);
    if (!taken || taken.expiresAt <= now) return T.noPending[lang];
    if (taken.id !== pending.id && code !== null && taken.code !== code) {
      // A new quote replaced the one this code was for between the read and the take: keep it.
      await this.s.sessions.set(key, taken, taken.expiresAt - now);
      return T.noPending[lang];
    }
    try {
      const out = await this.s.invoker.invoke({
        channel: CHANNEL, principal: this.principal(who.subscriberId), subscriberId: who.subscriberId,
        businessId: taken.businessId, input: taken.input, confirm: true,
        quoteTerms: taken.terms, quotedPriceFen: taken.terms === undefined ? taken.priceFen : undefined,
        // Tied to this confirmation: however often it is replayed, it charges once.
        idempotencyKey: `sms:confirm:${taken.id}`,
      });
      if (out.status !== 'ok') return T.busy[lang];
      await this.s.sessions.set<UsedConfirmation>(usedKey(who.msisdn), { code: taken.code, summary: taken.summary }, CONFIRM_TTL_MS);
      return this.render(out.text, lang, 'long');
    } catch (err) {
      const quote = isAppError(err) && err.code === 'PRICE_CHANGED' ? quoteSchema.safeParse(err.extra.quote) : undefined;
      if (quote?.success) {
        // Nothing was charged: a new code for the new price.
        const again = await this.askToConfirm({ ...who, lang }, taken.businessId, taken.input, quote.data);
        return `${T.priceChanged[lang]}${again}`;
      }
      return this.error(err, lang, null);
    }
  }

  /** 0000: the plan and every pack with how to cancel it. */
  /** `TD`: no more marketing on any channel, for good (the contact policy holds it). */
  private async optOut(who: Who): Promise<string> {
    if (!this.s.marketing) return T.busy[who.lang];
    try {
      await this.s.marketing.contacts.optOut(who.subscriberId, 'all', 'sms');
    } catch (err) {
      return this.error(err, who.lang, null);
    }
    return T.optedOut[who.lang];
  }

  private async subscribed(who: Who): Promise<string> {
    let out: InvokeOutcome;
    try {
      out = await this.s.invoker.invoke({
        channel: CHANNEL, principal: this.principal(who.subscriberId), subscriberId: who.subscriberId, businessId: 'subscriptions.query', input: {},
      });
    } catch (err) {
      return this.error(err, who.lang, null);
    }
    if (out.status !== 'ok') return T.busy[who.lang];
    const data = subscribedData.safeParse(out.result);
    if (!data.success) return this.render(out.text, who.lang, 'long');
    const { plan, subscriptions } = data.data;
    const en = who.lang === 'en';
    const planText = plan ? (en ? `Plan: ${plan.nameEn}. ` : `套餐：${plan.nameZh}。`) : '';
    if (subscriptions.length === 0) return `${planText}${T.nothingSubscribed[who.lang]}`;
    // The business's own text: prices per month, dates in Beijing time and, on SMS, the QX code of each.
    return this.render(out.text, who.lang, 'long');
  }

  private render(text: { short: L10n; long: L10n }, lang: Lang, prefer: 'short' | 'long'): string {
    if (prefer === 'short') return text.short[lang];
    const long = text.long[lang];
    return partsNeeded(long) <= this.maxReplyParts ? long : text.short[lang];
  }

  private error(err: unknown, lang: Lang, command: SmsCommand | null): string {
    if (!isAppError(err)) throw err;
    const e: AppError = err;
    if (e.code === 'INVALID_INPUT') {
      return sentence(lang, lang === 'en' ? 'That is not quite right.' : '指令格式有误。', command?.usage?.[lang] ?? this.help(lang));
    }
    const stop = lang === 'en' ? '.' : '。';
    const base = e.text[lang].replace(/[。.]$/u, '') + stop;
    return sentence(lang, base, ERROR_HINTS[e.code]?.[lang] ?? '');
  }
}

interface Who {
  msisdn: string;
  subscriberId: number;
  lang: Lang;
  /** Businesses withdrawn on SMS: their commands are not offered in help. */
  hidden: ReadonlySet<string>;
}

function confirmKey(msisdn: string): string {
  return `sms:confirm:${msisdn}`;
}

function usedKey(msisdn: string): string {
  return `sms:confirmed:${msisdn}`;
}
