// The channel-neutral menu that USSD and IVR both render: a home menu of the registry's
// businesses, choice lists drawn from each input's options, free inputs, the quote with an
// explicit confirmation, and the result. A business added to the registry appears here unchanged;
// businesses that share a `menuGroup` (商城) sit behind its one entry, after the other businesses.
import { z } from 'zod';
import { monthInput } from '../businesses/common.ts';
import type { Invoker } from '../businesses/invoke.ts';
import { inputJsonSchema, type Business, type BusinessText, type MenuGroup, type OptionsSource, type Quote } from '../businesses/registry.ts';
import type { Config } from '../config.ts';
import { isAppError } from '../platform/errors.ts';
import { l10n, yuan, type L10n } from '../platform/i18n.ts';
import { parseYuanToFen } from '../platform/money.ts';
import { normaliseMsisdn } from '../platform/msisdn.ts';

/** One numbered choice on a screen; `key` is what the channel hands back when it is chosen. */
export interface MenuItem {
  key: string;
  label: L10n;
}

/**
 * How a free input is typed. `money` is asked in yuan and handed to the business in integer fen;
 * `month` as six digits (`202610`), which a phone keypad can enter.
 */
export type FieldKind = 'money' | 'month' | 'integer' | 'text';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  optional: boolean;
  /** The most keys a value takes: sizes DTMF grammars and caps what a caller can type. */
  maxDigits: number;
}

/** What a channel shows or says now. */
export interface Screen {
  kind: 'home' | 'choice' | 'input' | 'confirm' | 'result';
  /** The heading, prompt, quote or short result: fits a USSD screen or an SMS. */
  title: L10n;
  /** The full text for channels with room (spoken results); the same as `title` otherwise. */
  long: L10n;
  items: MenuItem[];
  field?: FieldSpec;
  /** A short notice about the last input (an invalid option, a cancellation). */
  notice?: L10n;
  /** A finished transaction: channels that can end the dialogue end it here. */
  final: boolean;
}

/** An offer the marketing engine targets at this subscriber (我的优惠): a business with preset input. */
export interface MenuOffer {
  id: string;
  label: L10n;
  businessId: string;
  input: Record<string, unknown>;
}

/**
 * Where the home menu gets the subscriber's own offers. The marketing engine implements it; until
 * then no source is given and the home menu shows businesses only.
 */
export interface OffersSource {
  forSubscriber(subscriberId: number, channel: string): Promise<MenuOffer[]>;
}

interface Choice {
  value: string | number;
  label: L10n;
}

/** A business being filled in: the inputs collected so far and the optional ones passed over. */
interface Draft {
  businessId: string;
  input: Record<string, unknown>;
  skipped: string[];
}

type Step =
  | { at: 'home'; offers: MenuOffer[]; hidden?: string[] }
  /** A group's entry opened (商城): its businesses to choose from. */
  | { at: 'group'; group: string; hidden?: string[] }
  | { at: 'choice'; draft: Draft; field: string; choices: Choice[] }
  | { at: 'input'; draft: Draft; field: string }
  /** `terms`: the quote's amounts, checked again when the caller confirms; sessions saved by older versions have `priceFen`. */
  | { at: 'confirm'; draft: Draft; summary: L10n; terms?: string; priceFen?: number }
  | { at: 'result'; text: BusinessText; final: boolean };

/** A dialogue's position, JSON all the way down so a session store can keep it between hops. */
export interface MenuState {
  stack: Step[];
  notice?: L10n;
}

export type MenuAction =
  | { kind: 'select'; key: string }
  | { kind: 'value'; text: string }
  | { kind: 'back' }
  | { kind: 'home' }
  /** Input the channel could not map to anything on the screen: the same screen with a notice. */
  | { kind: 'invalid'; notice: L10n };

export interface MenuCaller {
  subscriberId: number;
  channel: string;
  /**
   * The idempotency key of the transaction this step may run: derived by the channel from its
   * dialogue id and step number, so a gateway's retry of the same step cannot run it twice.
   */
  stepKey: string;
}

export const MENU_TEXT = {
  homeTitle: l10n('请选择业务', 'Choose a service'),
  choose: (b: L10n) => l10n(`${b['zh-CN']}：请选择`, `${b.en}: choose`),
  confirm: l10n('确认办理', 'Confirm'),
  cancel: l10n('取消', 'Cancel'),
  skip: l10n('跳过', 'Skip'),
  latest: l10n('最近一期', 'Latest'),
  /** An optional quantity passed over: one of it. */
  justOne: l10n('1件', 'Just one'),
  invalidOption: l10n('选项无效，请重选', 'Invalid option'),
  invalidValue: l10n('输入有误，请重输', 'Invalid input, try again'),
  tooLong: l10n('输入过长，请重输', 'Input too long'),
  cancelled: l10n('已取消，未办理', 'Cancelled, nothing done'),
  priceChanged: l10n('价格已变化，未扣费，请确认新价格', 'The price changed; nothing charged. Confirm the new price'),
  nothingToChoose: l10n('暂无可选项', 'Nothing to choose from now'),
  notSubscriber: l10n('您好，本服务仅限本网用户使用。', 'Sorry, this service is for our subscribers only.'),
  busy: l10n('系统繁忙，请稍后再试', 'The system is busy; please try again later'),
  badRequest: l10n('请求无效', 'Invalid request'),
} as const;

export type ChannelSettingKey = 'ussdServiceCode' | 'ussdSessionIdleSeconds' | 'ivrTransferNumber' | 'ivrCallIdleSeconds';

/** A channel setting from the config as text; empty counts as unset so the channel's default applies. */
export function channelSetting(config: Config, key: ChannelSettingKey): string | undefined {
  const v = config[key];
  const text = String(v ?? '').trim();
  return text === '' ? undefined : text;
}

/**
 * The calling number a gateway or voice platform sends (`tel:+86 138-0000-0001`,
 * `sip:+8613800000001@gw`, `008613800000001`) → `13800000001`, or null when it is not one.
 */
export function callerMsisdn(raw: string): string | null {
  return normaliseMsisdn(raw.trim().replace(/^(tel|sip):/i, '').replace(/@.*$/, ''));
}


/** A price on a menu line: `10元` / `¥10`, with fen only when there are some. */
export function priceLabel(fen: number): L10n {
  const y = fen % 100 === 0 ? String(fen / 100) : yuan(fen);
  return l10n(`${y}元`, `¥${y}`);
}

const MONTH_PATTERN = (z.toJSONSchema(monthInput) as { pattern?: string }).pattern;
const MAX_CHOICES = 97; // numbers 98 and 99 are the USSD page and language keys

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isQuote(v: unknown): v is Quote {
  return isRecord(v) && typeof v.priceFen === 'number' && typeof v.terms === 'string' && isRecord(v.summary);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** An entry's `unavailableReason.messages` (packs.list), when it has one. */
function reasonOf(v: unknown): L10n | undefined {
  if (!isRecord(v) || !isRecord(v.messages)) return undefined;
  const zh = str(v.messages['zh-CN']);
  const en = str(v.messages.en);
  return zh && en ? l10n(zh, en) : undefined;
}

/** A list entry's name and price (or points) as one menu line. */
function choiceLabel(item: Record<string, unknown>, fallback: string): L10n {
  const zh = str(item.nameZh) ?? str(item.name) ?? fallback;
  const en = str(item.nameEn) ?? str(item.name) ?? zh;
  if (typeof item.priceFen === 'number') {
    const p = priceLabel(item.priceFen);
    // A monthly price says so: 8元/月 is not 8元 once.
    const [perZh, perEn] = item.priceType === 'recurring' ? ['/月', '/month'] : ['', ''];
    return l10n(`${zh} ${p['zh-CN']}${perZh}`, `${en} ${p.en}${perEn}`);
  }
  if (typeof item.costPoints === 'number') return l10n(`${zh} ${item.costPoints}积分`, `${en} ${item.costPoints} pts`);
  return l10n(zh, en);
}

interface JsonProp {
  type?: string;
  pattern?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
}

export class Menu {
  private readonly homeItems: MenuItem[];
  /** The menu groups (businesses with `menuGroup`), each one home entry after the ungrouped businesses. */
  private readonly groups = new Map<string, { group: MenuGroup; items: MenuItem[] }>();
  private readonly fields = new Map<string, { specs: FieldSpec[]; props: Record<string, JsonProp> }>();

  constructor(
    private readonly invoker: Invoker,
    private readonly opts: { offers?: OffersSource } = {},
  ) {
    // Queries first: they are what most callers want, and they change nothing. With a source of
    // the subscriber's own offers, those head the menu instead of an offers.mine item.
    const all = invoker.registry.list().filter((b) => !(opts.offers && b.id === 'offers.mine'));
    const loose = all.filter((b) => !b.menuGroup);
    const ordered = [...loose.filter((b) => b.kind === 'query'), ...loose.filter((b) => b.kind !== 'query')];
    for (const b of all) {
      if (!b.menuGroup) continue;
      const g = this.groups.get(b.menuGroup.id) ?? { group: b.menuGroup, items: [] };
      g.items.push({ key: `b:${b.id}`, label: b.names });
      this.groups.set(b.menuGroup.id, g);
    }
    this.homeItems = [...ordered.map((b) => ({ key: `b:${b.id}`, label: b.names })), ...[...this.groups.values()].map((g) => ({ key: `g:${g.group.id}`, label: g.group.names }))];
  }

  /** Whether a home or group entry is offered: a business not withdrawn, a group with one that is not. */
  private shown(item: MenuItem, hidden: readonly string[] | undefined): boolean {
    if (!hidden?.length) return true;
    const id = item.key.slice(2);
    if (item.key.startsWith('g:')) return (this.groups.get(id)?.items ?? []).some((i) => !hidden.includes(i.key.slice(2)));
    return !hidden.includes(id);
  }

  /** A fresh dialogue at the home menu, with the subscriber's own offers when there is a source. */
  async start(caller: Pick<MenuCaller, 'subscriberId' | 'channel'>): Promise<MenuState> {
    const [offers, withdrawn] = await Promise.all([this.offers(caller), this.invoker.withdrawnOn(caller.channel)]);
    const hidden = new Set(withdrawn);
    // A group not shown on this channel: its businesses are left out like withdrawn ones.
    for (const { group, items } of this.groups.values()) {
      if (group.channels && !group.channels.includes(caller.channel)) for (const i of items) hidden.add(i.key.slice(2));
    }
    return { stack: [{ at: 'home', offers, ...(hidden.size ? { hidden: [...hidden] } : {}) }] };
  }

  /** What the current step shows; no I/O, so a channel can re-render (another page, language). */
  screen(state: MenuState): Screen {
    const step = top(state);
    const notice = state.notice;
    switch (step.at) {
      case 'home': {
        // Businesses withdrawn on this channel are left out (a stale menu is still refused when called).
        const shown = this.homeItems.filter((i) => this.shown(i, step.hidden));
        const items = [...step.offers.map((o, i) => ({ key: `o:${i}`, label: o.label })), ...shown];
        return { kind: 'home', title: MENU_TEXT.homeTitle, long: MENU_TEXT.homeTitle, items, notice, final: false };
      }
      case 'group': {
        const g = this.groups.get(step.group);
        const title = g?.group.names ?? MENU_TEXT.homeTitle;
        const items = (g?.items ?? []).filter((i) => this.shown(i, step.hidden));
        return { kind: 'choice', title, long: title, items, notice, final: false };
      }
      case 'choice': {
        const b = this.business(step.draft.businessId);
        const title = MENU_TEXT.choose(b.names);
        const items = step.choices.map((c, i) => ({ key: `c:${i}`, label: c.label }));
        if (this.field(b, step.field).optional) items.push({ key: 'skip', label: MENU_TEXT.skip });
        return { kind: 'choice', title, long: title, items, notice, final: false };
      }
      case 'input': {
        const b = this.business(step.draft.businessId);
        const field = this.field(b, step.field);
        const title = this.prompt(b, field);
        const skip = field.kind === 'month' ? MENU_TEXT.latest : field.name === 'quantity' ? MENU_TEXT.justOne : MENU_TEXT.skip;
        const items = field.optional ? [{ key: 'skip', label: skip }] : [];
        return { kind: 'input', title, long: title, items, field, notice, final: false };
      }
      case 'confirm':
        return {
          kind: 'confirm', title: step.summary, long: step.summary, notice, final: false,
          items: [{ key: 'confirm', label: MENU_TEXT.confirm }, { key: 'cancel', label: MENU_TEXT.cancel }],
        };
      case 'result':
        return { kind: 'result', title: step.text.short, long: step.text.long, items: [], notice, final: step.final };
    }
  }

  /** Applies one caller action; may call businesses (options lists, quotes, the business itself). */
  async act(state: MenuState, action: MenuAction, caller: MenuCaller): Promise<MenuState> {
    const stack = state.stack;
    const step = top(state);
    const same = (notice: L10n): MenuState => ({ stack, notice });
    switch (action.kind) {
      case 'invalid':
        return same(action.notice);
      case 'home':
        return { stack: [stack[0] ?? { at: 'home', offers: [] }] };
      case 'back': {
        // After a finished transaction there is no way back to its confirmation: that would let
        // the caller confirm it again under a new step key.
        if (step.at === 'result' && step.final) return { stack: [stack[0]!] };
        return { stack: stack.length > 1 ? stack.slice(0, -1) : stack };
      }
      case 'value': {
        if (step.at !== 'input') return same(MENU_TEXT.invalidOption);
        const b = this.business(step.draft.businessId);
        const value = this.parse(b, this.field(b, step.field), action.text);
        if (value === undefined) return same(MENU_TEXT.invalidValue);
        return this.push(stack, await this.advance(withInput(step.draft, step.field, value), caller));
      }
      case 'select':
        return this.select(state, step, action.key, caller);
    }
  }

  private async select(state: MenuState, step: Step, key: string, caller: MenuCaller): Promise<MenuState> {
    const stack = state.stack;
    const invalid: MenuState = { stack, notice: MENU_TEXT.invalidOption };
    if (step.at === 'home') {
      if (key.startsWith('b:') && this.invoker.registry.get(key.slice(2))) {
        return this.push(stack, await this.advance({ businessId: key.slice(2), input: {}, skipped: [] }, caller));
      }
      if (key.startsWith('g:') && this.groups.has(key.slice(2))) {
        return this.push(stack, { at: 'group', group: key.slice(2), ...(step.hidden ? { hidden: step.hidden } : {}) });
      }
      const offer = key.startsWith('o:') ? step.offers[Number(key.slice(2))] : undefined;
      if (offer && this.invoker.registry.get(offer.businessId)) {
        return this.push(stack, await this.advance({ businessId: offer.businessId, input: { ...offer.input }, skipped: [] }, caller));
      }
      return invalid;
    }
    if (step.at === 'group') {
      const inGroup = this.groups.get(step.group)?.items.some((i) => i.key === key) ?? false;
      if (!inGroup || !this.invoker.registry.get(key.slice(2))) return invalid;
      return this.push(stack, await this.advance({ businessId: key.slice(2), input: {}, skipped: [] }, caller));
    }
    if (step.at === 'choice' || step.at === 'input') {
      if (key === 'skip') {
        const b = this.business(step.draft.businessId);
        if (!this.field(b, step.field).optional) return invalid;
        const draft = { ...step.draft, skipped: [...step.draft.skipped, step.field] };
        return this.push(stack, await this.advance(draft, caller));
      }
      const choice = step.at === 'choice' && key.startsWith('c:') ? step.choices[Number(key.slice(2))] : undefined;
      if (!choice || step.at !== 'choice') return invalid;
      return this.push(stack, await this.advance(withInput(step.draft, step.field, choice.value), caller));
    }
    if (step.at === 'confirm') {
      if (key === 'cancel') return { stack: [stack[0]!], notice: MENU_TEXT.cancelled };
      if (key !== 'confirm') return invalid;
      const b = this.business(step.draft.businessId);
      const next = await this.run(b, step.draft, caller, true, step.terms !== undefined ? { quoteTerms: step.terms } : { quotedPriceFen: step.priceFen });
      // A confirmation in answer to a confirmation: the price changed and nothing was charged.
      // It replaces the stale one, so going back cannot confirm the old price.
      if (next.at === 'confirm') return { stack: [...stack.slice(0, -1), next], notice: MENU_TEXT.priceChanged };
      return this.push(stack, next);
    }
    return invalid;
  }

  /** Asks for the next input the business still needs, or runs (or quotes) it when none is left. */
  private async advance(draft: Draft, caller: MenuCaller): Promise<Step> {
    const b = this.business(draft.businessId);
    for (const f of this.fieldsOf(b)) {
      if (f.name in draft.input || draft.skipped.includes(f.name) || (f.optional && b.menuSkips?.includes(f.name))) continue;
      const source = (b.options as Partial<Record<string, OptionsSource>> | undefined)?.[f.name];
      if (!source) return { at: 'input', draft, field: f.name };
      const choices = await this.choices(source, caller);
      if ('error' in choices) return choices.error;
      if (choices.list.length === 0 && !f.optional) return result(MENU_TEXT.nothingToChoose, false);
      return { at: 'choice', draft, field: f.name, choices: choices.list };
    }
    return this.run(b, draft, caller, false);
  }

  /** Calls the business through the one entry point; a charging one answers with its quote first. */
  private async run(b: Business, draft: Draft, caller: MenuCaller, confirm: boolean, agreed: { quoteTerms?: string; quotedPriceFen?: number } = {}): Promise<Step> {
    try {
      const out = await this.invoker.invoke({
        channel: caller.channel,
        principal: { kind: 'subscriber', subscriberId: caller.subscriberId },
        subscriberId: caller.subscriberId,
        businessId: b.id,
        input: draft.input,
        confirm,
        ...agreed,
        idempotencyKey: b.kind === 'transaction' ? caller.stepKey : null,
      });
      if (out.status === 'confirmation_required') return { at: 'confirm', draft, summary: out.quote.summary, terms: out.quote.terms };
      return { at: 'result', text: out.text, final: b.kind === 'transaction' };
    } catch (e) {
      if (isAppError(e) && e.code === 'PRICE_CHANGED' && isQuote(e.extra.quote)) {
        return { at: 'confirm', draft, summary: e.extra.quote.summary, terms: e.extra.quote.terms };
      }
      if (isAppError(e)) return result(e.text, false);
      throw e;
    }
  }

  /** The entries of the options business's list, by name and price, with the value to send. */
  private async choices(source: OptionsSource, caller: MenuCaller): Promise<{ list: Choice[] } | { error: Step }> {
    try {
      const out = await this.invoker.invoke({
        channel: caller.channel,
        principal: { kind: 'subscriber', subscriberId: caller.subscriberId },
        subscriberId: caller.subscriberId,
        businessId: source.business,
        input: {},
      });
      const data = out.status === 'ok' && isRecord(out.result) ? out.result[source.list] : undefined;
      const list = Array.isArray(data) ? data : [];
      const choices: Choice[] = [];
      let why: L10n | undefined;
      for (const item of list) {
        // The entry the subscriber already has (their current plan), or one they cannot order now, is not a choice.
        if (!isRecord(item) || item.current === true) continue;
        if (item.orderable === false) {
          why ??= reasonOf(item.unavailableReason);
          continue;
        }
        const value = item[source.value];
        if (typeof value !== 'string' && typeof value !== 'number') continue;
        choices.push({ value, label: choiceLabel(item, String(value)) });
        if (choices.length === MAX_CHOICES) break;
      }
      // Nothing to choose because of why (a suspended line): say why, not just that there is nothing.
      if (choices.length === 0 && why) return { error: result(why, false) };
      return { list: choices };
    } catch (e) {
      if (isAppError(e)) return { error: result(e.text, false) };
      throw e;
    }
  }

  private async offers(caller: Pick<MenuCaller, 'subscriberId' | 'channel'>): Promise<MenuOffer[]> {
    if (!this.opts.offers) return [];
    return (await this.opts.offers.forSubscriber(caller.subscriberId, caller.channel)).slice(0, 9);
  }

  private push(stack: Step[], next: Step): MenuState {
    return { stack: [...stack, next] };
  }

  private business(id: string): Business {
    const b = this.invoker.registry.get(id);
    if (!b) throw new Error(`menu refers to unknown business ${id}`);
    return b;
  }

  /** The inputs of a business in declaration order, with how each is typed. */
  private fieldsOf(b: Business): FieldSpec[] {
    return this.described(b).specs;
  }

  private described(b: Business): { specs: FieldSpec[]; props: Record<string, JsonProp> } {
    const cached = this.fields.get(b.id);
    if (cached) return cached;
    const schema = inputJsonSchema(b) as { properties?: Record<string, JsonProp>; required?: string[] };
    const props = schema.properties ?? {};
    const required = new Set(schema.required ?? []);
    const specs = Object.keys(b.input.shape).map((name) => fieldSpec(name, props[name] ?? {}, !required.has(name)));
    const d = { specs, props };
    this.fields.set(b.id, d);
    return d;
  }

  private field(b: Business, name: string): FieldSpec {
    const f = this.fieldsOf(b).find((x) => x.name === name);
    if (!f) throw new Error(`business ${b.id} has no input ${name}`);
    return f;
  }

  private prompt(b: Business, f: FieldSpec): L10n {
    const n = b.names;
    const p = this.prop(b, f.name);
    switch (f.kind) {
      case 'money': {
        const ranged = p.minimum !== undefined && p.maximum !== undefined;
        const zh = ranged ? `，${yuanWhole(p.minimum!)}至${yuanWhole(p.maximum!)}` : '';
        const en = ranged ? ` (${yuanWhole(p.minimum!)}-${yuanWhole(p.maximum!)})` : '';
        return l10n(`${n['zh-CN']}：请输入金额（元${zh}）`, `${n.en}: amount in yuan${en}`);
      }
      case 'month':
        return l10n(`${n['zh-CN']}：请输入年月，如202610`, `${n.en}: month as YYYYMM, e.g. 202610`);
      case 'integer':
        // A business's `quantity` is how many of the item it sells (mall.buy).
        if (f.name === 'quantity') {
          const max = p.maximum !== undefined ? p.maximum : undefined;
          return l10n(`${n['zh-CN']}：请输入数量${max ? `（1至${max}）` : ''}`, `${n.en}: how many${max ? ` (1-${max})` : ''}`);
        }
        return l10n(`${n['zh-CN']}：请输入${p.description ?? f.name}`, `${n.en}: enter ${p.description ?? f.name}`);
      default:
        return l10n(`${n['zh-CN']}：请输入${p.description ?? f.name}`, `${n.en}: enter ${p.description ?? f.name}`);
    }
  }

  private prop(b: Business, name: string): JsonProp {
    return this.described(b).props[name] ?? {};
  }

  /** Turns what the caller typed into the input value, or undefined when the business would refuse it. */
  private parse(b: Business, f: FieldSpec, raw: string): unknown {
    const text = raw.trim();
    let value: unknown;
    if (f.kind === 'money') value = parseYuanToFen(text) ?? undefined;
    else if (f.kind === 'month') {
      const m = /^(\d{4})[-./]?(\d{2})$/.exec(text);
      value = m ? `${m[1]}-${m[2]}` : undefined;
    } else if (f.kind === 'integer') value = /^-?\d{1,15}$/.test(text) ? Number(text) : undefined;
    else value = text === '' ? undefined : text;
    if (value === undefined) return undefined;
    const schema = (b.input.shape as Record<string, z.ZodType>)[f.name];
    const checked = schema?.safeParse(value);
    return checked?.success ? checked.data : undefined;
  }
}

function top(state: MenuState): Step {
  const s = state.stack[state.stack.length - 1];
  if (!s) throw new Error('empty menu state');
  return s;
}

function result(text: L10n, final: boolean): Step {
  return { at: 'result', text: { short: text, long: text }, final };
}

function withInput(d: Draft, field: string, value: unknown): Draft {
  return { ...d, input: { ...d.input, [field]: value } };
}

/**
 * How an input is typed, from its JSON Schema: a month by the shared month pattern; money when a
 * whole number says it is in fen (by name or description), since the registry has no money type.
 */
function fieldSpec(name: string, p: JsonProp, optional: boolean): FieldSpec {
  if (p.type === 'string' && p.pattern !== undefined && p.pattern === MONTH_PATTERN) return { name, kind: 'month', optional, maxDigits: 6 };
  if (p.type === 'integer' && (/fen$/i.test(name) || /\bfen\b/i.test(p.description ?? ''))) {
    const maxYuan = p.maximum !== undefined ? Math.ceil(p.maximum / 100) : 10_000_000;
    return { name, kind: 'money', optional, maxDigits: String(maxYuan).length };
  }
  if (p.type === 'integer' || p.type === 'number') {
    return { name, kind: 'integer', optional, maxDigits: p.maximum !== undefined ? String(Math.trunc(Math.abs(p.maximum))).length : 12 };
  }
  return { name, kind: 'text', optional, maxDigits: 20 };
}

function yuanWhole(fen: number): string {
  return fen % 100 === 0 ? String(fen / 100) : yuan(fen);
}
