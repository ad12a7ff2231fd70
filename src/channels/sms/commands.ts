// The SMS hall's command table (zh-CN words, pinyin codes, English) and the parser that turns a
// subscriber's text into a business call. Operators may pass their own table; any business in the
// registry is also reachable by its id (`plans.list`, `points.redeem RW-1`) with no table entry.
import { z } from 'zod';
import type { Business, Registry } from '../../businesses/registry.ts';
import { l10n, type L10n, type Lang } from '../../platform/i18n.ts';
import { readYuan } from '../../platform/money.ts';
import { localTime } from '../../platform/dates.ts';

/** How a command's argument is read: an offering code or id, an amount in yuan, a month, a phone number, or a count of items (`3`, `3件`). */
export type ArgKind = 'code' | 'yuan' | 'month' | 'msisdn' | 'count';

/** Replies the hall composes itself rather than a single business's text. */
export type HallAction = 'help' | 'subscribed' | 'optout';

export interface CommandArg {
  /** The business input it fills, e.g. `packId`. */
  name: string;
  kind: ArgKind;
  /** When the argument is missing: the hall action to show instead (else the usage text). */
  orElse?: HallAction;
  optional?: boolean;
}

export interface SmsCommand {
  /** Words that run it, as typed after normalisation (upper case, half-width). */
  keywords: readonly string[];
  /** English words for it: the reply is then in English whatever the subscriber's language. */
  english?: readonly string[];
  /** `then`: an optional second word after the argument (`CZ 50 13800000002`: recharge another number; `GM 1 3`: three of the first item). */
  target: { business: string; arg?: CommandArg; then?: CommandArg } | { hall: HallAction };
  /** Its item in the help menu, e.g. `YE余额`; none = not listed. */
  help?: L10n;
  /** How to use it, shown when its argument is wrong or missing. */
  usage?: L10n;
  /** Which of the business's texts to send: `long` (default) or `short`. */
  reply?: 'short' | 'long';
}

/** The default table; the first keyword of each listed command is the one shown in help. */
export const DEFAULT_COMMANDS: readonly SmsCommand[] = [
  {
    keywords: ['YE', 'CXYE', '余额', '查余额', '话费', '查话费', '话费余额', '查询余额', '查询话费'],
    english: ['BAL', 'BALANCE'],
    target: { business: 'balance.query' },
    help: l10n('YE余额', 'BAL balance'),
  },
  {
    keywords: ['LL', 'CXLL', '流量', '查流量', '余量', '查余量', '套餐余量', '查询流量'],
    english: ['DATA', 'USAGE'],
    target: { business: 'usage.query' },
    help: l10n('LL流量', 'DATA usage'),
  },
  {
    keywords: ['ZD', 'CXZD', '账单', '查账单', '查询账单'],
    english: ['BILL'],
    target: { business: 'bill.query', arg: { name: 'month', kind: 'month', optional: true } },
    help: l10n('ZD账单', 'BILL'),
    usage: l10n('查账单请发送ZD，或ZD加月份，如ZD 202610', 'Send BILL, or BILL and a month, e.g. BILL 202610'),
  },
  {
    keywords: ['TC', 'CXTC', '套餐', '查套餐', '我的套餐'],
    english: ['PLAN'],
    target: { business: 'subscriptions.query' },
    help: l10n('TC套餐', 'PLAN'),
  },
  {
    keywords: ['JF', 'CXJF', '积分', '查积分', '查询积分'],
    english: ['POINTS'],
    target: { business: 'points.query' },
    help: l10n('JF积分', 'POINTS'),
  },
  {
    keywords: ['0000', '已订业务', '查已订业务', '我的业务'],
    target: { hall: 'subscribed' },
    help: l10n('0000已订', '0000 my packs'),
  },
  {
    keywords: ['LLB', '流量包', '办流量包', '订流量包', '可订业务', '办业务', '订业务'],
    english: ['PACKS'],
    target: { business: 'packs.list' },
    reply: 'short',
    help: l10n('LLB流量包', 'PACKS'),
  },
  {
    keywords: ['KT', '开通', '订购', '办理', 'DG'],
    english: ['ORDER'],
    target: { business: 'pack.subscribe', arg: { name: 'packId', kind: 'code' } },
    help: l10n('KT订购', 'ORDER+code'),
    usage: l10n('订购请发送KT加业务代码，如KT LL1G；发送LLB查看可订业务', 'Send ORDER and a code, e.g. ORDER LL1G; send PACKS for the list'),
  },
  {
    keywords: ['QX', '退订', '取消'],
    english: ['CANCEL'],
    target: { business: 'pack.unsubscribe', arg: { name: 'packId', kind: 'code', orElse: 'subscribed' } },
    help: l10n('QX退订', 'CANCEL+code'),
    usage: l10n('退订请发送QX加业务代码，如QX LL1G；发送0000查看已订业务', 'Send CANCEL and a code, e.g. CANCEL LL1G; send 0000 for your packs'),
  },
  {
    // `TD` alone is the marketing opt-out every Chinese marketing text offers (回复TD退订);
    // `TD LL1G` still cancels a pack, as it always has.
    keywords: ['TD', '退订短信', '退订营销'],
    english: ['STOP'],
    target: { business: 'pack.unsubscribe', arg: { name: 'packId', kind: 'code', orElse: 'optout' } },
  },
  {
    keywords: ['YH', '优惠', '我的优惠', '专属优惠', '查优惠'],
    english: ['OFFERS'],
    target: { business: 'offers.mine' },
    reply: 'short',
    help: l10n('YH优惠', 'OFFERS'),
  },
  {
    keywords: ['BL', '办理优惠', '领取优惠'],
    english: ['TAKE'],
    target: { business: 'offer.accept', arg: { name: 'offerId', kind: 'code' } },
    usage: l10n('办理优惠请发送BL加优惠编号，如BL 12；发送YH查看我的优惠', 'Send TAKE and the offer number, e.g. TAKE 12; send OFFERS for your offers'),
  },
  {
    keywords: ['CZ', '充值', '缴费', '交话费', '充话费'],
    english: ['TOPUP', 'RECHARGE'],
    target: { business: 'recharge', arg: { name: 'amount', kind: 'yuan' }, then: { name: 'msisdn', kind: 'msisdn', optional: true } },
    help: l10n('CZ充值', 'TOPUP+amount'),
    usage: l10n('充值请发送CZ加金额（元，1至5000，最多两位小数），如CZ 50；为他人充值加上号码，如CZ 50 13800000002', 'Send TOPUP and an amount in yuan (1 to 5000, at most 2 decimals), e.g. TOPUP 50; for another number add it, e.g. TOPUP 50 13800000002'),
  },
  {
    // The mall (商城): `GM` alone lists what can be bought here, `GM 1` buys the first. Two entries
    // share the word: the one without an argument comes first, so the bare word is the list.
    keywords: ['GM', '商城', '购买', '买充值卡'],
    english: ['SHOP', 'MALL', 'BUY'],
    target: { business: 'mall.cards' },
    reply: 'short',
    help: l10n('GM商城', 'GM shop'),
  },
  {
    keywords: ['GM', '购买'],
    english: ['BUY'],
    target: { business: 'mall.buy', arg: { name: 'item', kind: 'code' }, then: { name: 'quantity', kind: 'count', optional: true } },
    usage: l10n('购买请发送GM加序号，如GM 1；买多件加数量（1至5件），如GM 1 3；发送GM查看可买商品', 'Send GM and a number, e.g. GM 1; for more than one add how many (1 to 5), e.g. GM 1 3; send GM for what you can buy'),
  },
  {
    keywords: ['DD', '订单', '我的订单', '查订单', '商城订单'],
    english: ['ORDERS'],
    target: { business: 'mall.orders' },
    reply: 'short',
    // Not in the help menu, which must stay one SMS (70 characters in Chinese): the mall's list and
    // every purchase name it.
  },
  {
    keywords: ['KXTC', '可选套餐', '换套餐'],
    english: ['PLANS'],
    target: { business: 'plans.list' },
  },
  {
    keywords: ['BG', '变更套餐', '改套餐'],
    english: ['CHANGE'],
    target: { business: 'plan.change', arg: { name: 'planId', kind: 'code' } },
    usage: l10n('变更套餐请发送BG加套餐代码，如BG TC58；发送KXTC查看可选套餐', 'Send CHANGE and a plan code, e.g. CHANGE TC58; send PLANS for the list'),
  },
  {
    keywords: ['帮助', '菜单', '?', 'BZ', 'H'],
    english: ['HELP', 'MENU'],
    target: { hall: 'help' },
  },
];

/** What a text asks for. */
export type ParsedCommand =
  | { kind: 'business'; businessId: string; input: Record<string, unknown>; command: SmsCommand | null; lang: Lang | null }
  | { kind: 'hall'; action: HallAction; lang: Lang | null }
  | { kind: 'bad_argument'; command: SmsCommand | null; reason: L10n | null; lang: Lang | null }
  | { kind: 'unknown' };

/** Full-width to half-width (ＹＥ→YE, １２→12, ideographic space→space), one space, upper case. */
export function normaliseText(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/gu, ' ').trim().toUpperCase();
}

// Polite openings and closings people wrap around a command ("我要办流量包", "查余额。").
const PREFIXES = ['我要', '我想', '帮我', '请帮我', '请', '麻烦', '给我', '需要'];
const TRAILING = /[。.!！~～,，;；]+$/u;

/** `50`, `50.5`, `50.05`, `50元`, `50YUAN` → fen; more than two decimals is an error, never rounded. */
export function parseYuan(arg: string): { fen: number } | { error: L10n } {
  const r = readYuan(arg.replace(/\s*(?:YUAN|RMB)$/u, ''));
  if ('fen' in r) return r;
  switch (r.problem) {
    case 'decimals':
      return { error: l10n('金额最多两位小数（精确到分）', 'At most two decimals (whole fen)') };
    case 'range':
      return { error: l10n('金额过大', 'The amount is too large') };
    case 'format':
      return { error: l10n('金额格式有误', 'The amount is not a number') };
  }
}

/** `202610`, `2026-10`, `2026年10月` → `2026-10`; `10` or `10月` → the latest October up to now. */
export function parseMonth(arg: string, now: Date): string | null {
  const full = /^(\d{4})[-./年]?(\d{1,2})月?$/u.exec(arg);
  const bare = /^(\d{1,2})月?$/u.exec(arg);
  let year: number;
  let month: number;
  if (full) {
    year = Number(full[1]);
    month = Number(full[2]);
  } else if (bare) {
    // Bills are in the operator's time zone; a month later than the current one means last year's.
    const local = localTime(now);
    month = Number(bare[1]);
    year = month > local.month ? local.year - 1 : local.year;
  } else {
    return null;
  }
  if (month < 1 || month > 12) return null;
  return `${year}-${String(month).padStart(2, '0')}`;
}

interface Keyword {
  word: string;
  command: SmsCommand;
  lang: Lang | null;
}

/** Parses texts against one command table and the registry. */
export class CommandParser {
  private readonly keywords: Keyword[];

  constructor(private readonly registry: Registry, readonly commands: readonly SmsCommand[] = DEFAULT_COMMANDS) {
    const kws: Keyword[] = [];
    for (const command of commands) {
      for (const w of command.keywords) kws.push({ word: normaliseText(w), command, lang: null });
      for (const w of command.english ?? []) kws.push({ word: normaliseText(w), command, lang: 'en' });
    }
    // Longest first, so `CXYE` is not read as `CX` + `YE` and `LLB` wins over `LL`.
    this.keywords = kws.sort((a, b) => b.word.length - a.word.length);
  }

  parse(text: string, now: Date): ParsedCommand {
    const t = normaliseText(text).replace(TRAILING, '');
    const direct = this.match(t, now);
    if (direct.kind !== 'unknown') return direct;
    for (const p of PREFIXES) {
      if (t.startsWith(p) && t.length > p.length) {
        const r = this.match(t.slice(p.length).trim(), now);
        if (r.kind !== 'unknown') return r;
      }
    }
    return this.byBusinessId(t, now);
  }

  private match(t: string, now: Date): ParsedCommand {
    for (const k of this.keywords) {
      if (t === k.word) return this.build(k, '', now);
      const target = k.command.target;
      if (!('business' in target) || !target.arg || !t.startsWith(k.word)) continue;
      const rest = t.slice(k.word.length);
      // `KTLL1G` and `KT LL1G` both work; `开通LL1G` too. People also type the `+` of `KT+代码`.
      const arg = rest.replace(/^[\s+:：,，]+/u, '').trim();
      if (arg) return this.build(k, arg, now);
    }
    return { kind: 'unknown' };
  }

  private build(k: Keyword, arg: string, now: Date): ParsedCommand {
    const target = k.command.target;
    if ('hall' in target) return arg ? { kind: 'unknown' } : { kind: 'hall', action: target.hall, lang: k.lang };
    const spec = target.arg;
    if (!spec) return arg ? { kind: 'unknown' } : { kind: 'business', businessId: target.business, input: {}, command: k.command, lang: k.lang };
    if (!arg) {
      if (spec.optional) return { kind: 'business', businessId: target.business, input: {}, command: k.command, lang: k.lang };
      if (spec.orElse) return { kind: 'hall', action: spec.orElse, lang: k.lang };
      return { kind: 'bad_argument', command: k.command, reason: null, lang: k.lang };
    }
    // A second argument is a last word of digits (`50 13800000002`; `50 元` is still one amount; a
    // count is a short one, `1 3` or `1 3件`); the business checks it itself, so a wrong one is
    // refused in its words.
    const second = !target.then ? null
      : target.then.kind === 'count' ? /^(.+?)\s+(\d{1,3}件?)$/u.exec(arg)
        : /^(.+?)\s+(\+?\d[\d-]{3,})$/u.exec(arg);
    const value = readArg(spec.kind, second ? second[1]! : arg, now);
    if ('error' in value) return { kind: 'bad_argument', command: k.command, reason: value.error, lang: k.lang };
    const input: Record<string, unknown> = { [spec.name]: value.value };
    if (second && target.then) {
      const extra = readArg(target.then.kind, second[2]!, now);
      if ('error' in extra) return { kind: 'bad_argument', command: k.command, reason: extra.error, lang: k.lang };
      input[target.then.name] = extra.value;
    }
    return { kind: 'business', businessId: target.business, input, command: k.command, lang: k.lang };
  }

  /** `<business id> [argument]` for any business, so a new one needs no table entry to be usable. */
  private byBusinessId(t: string, now: Date): ParsedCommand {
    const [head, ...restWords] = t.split(' ');
    const business = this.registry.list().find((b) => b.id.toUpperCase() === head);
    if (!business) return { kind: 'unknown' };
    const rest = restWords.join(' ');
    const field = singleField(business);
    if (!rest) return { kind: 'business', businessId: business.id, input: {}, command: null, lang: null };
    if (!field) return { kind: 'bad_argument', command: null, reason: null, lang: null };
    const value = field.numeric ? (/^\d+$/u.test(rest) ? Number(rest) : rest) : rest;
    return { kind: 'business', businessId: business.id, input: { [field.name]: value }, command: null, lang: null };
  }
}

function readArg(kind: ArgKind, arg: string, now: Date): { value: unknown } | { error: L10n } {
  switch (kind) {
    case 'code':
      return { value: arg.replace(/\s+/gu, '') };
    case 'msisdn':
      return { value: arg };
    case 'count': {
      const n = Number(arg.replace(/件$/u, ''));
      return Number.isInteger(n) ? { value: n } : { error: l10n('数量应为整数', 'The quantity must be a whole number') };
    }
    case 'yuan': {
      const r = parseYuan(arg);
      return 'error' in r ? r : { value: r.fen };
    }
    case 'month': {
      const m = parseMonth(arg, now);
      return m ? { value: m } : { error: l10n('月份格式有误', 'The month is not valid') };
    }
  }
}

/** The one input a business takes, if it takes exactly one, and whether it is a number. */
function singleField(b: Business): { name: string; numeric: boolean } | null {
  const entries = Object.entries(b.input.shape);
  if (entries.length !== 1) return null;
  const [name, schema] = entries[0]!;
  const type = (z.toJSONSchema(schema, { unrepresentable: 'any' }) as { type?: unknown }).type;
  return { name, numeric: type === 'number' || type === 'integer' };
}

/** The short menu: the table's listed commands, in table order. */
export function helpMenu(commands: readonly SmsCommand[], lang: Lang): string {
  return commands.filter((c) => c.help).map((c) => c.help![lang]).join(lang === 'en' ? ', ' : ' ');
}
