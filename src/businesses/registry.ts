// The business registry: every business (业务) declared once, served on every channel.
import { z } from 'zod';
import type { Db } from '../platform/db/index.ts';
import type { Subscriber } from '../modules/subscriber/index.ts';
import type { AccountView, Bss } from '../modules/subscriber/index.ts';
import type { L10n } from '../platform/i18n.ts';
import type { Clock, Random } from '../platform/ports.ts';
import type { OfferDecisions, OfferService } from '../modules/marketing/index.ts';

import type { Principal, StaffRole } from '../platform/principal.ts';

export { STAFF_ROLES, type Principal, type StaffRole } from '../platform/principal.ts';

/** What a charging business will do, shown to the subscriber before they confirm. */
export interface Quote {
  businessId: string;
  summary: L10n;
  /** What it costs, in fen; 0 when nothing is charged now. */
  priceFen: number;
  /** A monthly fee it commits the subscriber to from `effectiveFrom`, in fen (plan.change). */
  recurringFen?: number;
  /** Points it spends (points.redeem). */
  costPoints?: number;
  /** When it takes effect, `YYYY-MM-DD`, when not at once. */
  effectiveFrom?: string;
  /**
   * Every amount the subscriber agrees to, as one string (`fen=500;monthly=0;points=0`). A
   * confirmation that sends it back is refused with PRICE_CHANGED if any amount is now different.
   */
  terms: string;
}

/** A quote as a business states it; the entry point adds its `terms`. */
export type QuoteDraft = Omit<Quote, 'terms'>;

/** The terms for these amounts: what a confirmation agrees to, nothing else. */
export function quoteTerms(a: { priceFen: number; recurringFen?: number; costPoints?: number }): string {
  return `fen=${a.priceFen};monthly=${a.recurringFen ?? 0};points=${a.costPoints ?? 0}`;
}

/** The quote with its terms. */
export function withTerms(q: QuoteDraft): Quote {
  return { ...q, terms: quoteTerms(q) };
}

export interface BusinessText {
  /** Fits one 70-character SMS or a USSD screen. */
  short: L10n;
  /** The full answer for a page or a spoken prompt. */
  long: L10n;
}

export interface BusinessResult<R = unknown> {
  data: R;
  text: BusinessText;
}

export interface BusinessContext {
  bss: Bss;
  /** The handler's transaction (transactions) or the database (queries). */
  db: Db;
  subscriber: Subscriber;
  account: AccountView;
  channel: string;
  now: Date;
  idempotencyKey: string | null;
  random: Random;
  /** My exclusive offers: the next-best-offer decisions and the offers' budgets (offers.mine, offer.accept). */
  marketing?: MarketingPort;
  /** The mall's goods listed on the channel and its orders (mall.cards, mall.buy, mall.orders). */
  mall?: MallPort;
}

/** A SKU listed on a channel as the mall businesses see it. */
export interface MallItem {
  productId: number;
  skuId: number;
  /** The SKU's code (`RC-30`): what a menu sends back and a subscriber may type. */
  code: string;
  kind: string;
  delivery: string;
  names: L10n;
  saleFen: number;
  /** Codes or stock left; null when not counted (credited at once, a catalogue offering). */
  saleable: number | null;
  /** The catalogue offering a pack sold in the mall subscribes (delivery `subscribe`), else null. */
  offeringId: string | null;
}

/** A mall order as the mall businesses tell it. */
export interface MallOrderBrief {
  id: number;
  orderNo: string;
  state: string;
  totalFen: number;
  placedAtLocal: string;
  lines: { names: L10n; quantity: number; delivery: string; codes?: string[] }[];
}

/**
 * What the mall businesses use of the goods and checkout modules. `buy` places one SKU as an
 * order and pays it, in checkout's own transactions (so a business using it runs with
 * `ownTransactions`); the same key again answers the same order and charges nothing more.
 */
export interface MallPort {
  /** The SKUs that may be bought on a text channel now (not shipped: codes, credits, offerings), in a stable order. */
  listed(channel: string): Promise<MallItem[]>;
  buy(input: { subscriberId: number; channel: string; item: MallItem; quantity: number; idempotencyKey: string }): Promise<MallOrderBrief>;
  /** The subscriber's latest orders, newest first. */
  latest(subscriberId: number, limit: number): Promise<MallOrderBrief[]>;
}

/** A home-menu entry that gathers businesses under one name (商城), after the ungrouped ones. */
export interface MenuGroup {
  id: string;
  names: L10n;
  /** The menu channels it is shown on (all when absent): the mall's goods are listed on USSD, not read out on the IVR. */
  channels?: readonly string[];
}

/** What the offer businesses use of the marketing module. */
export interface MarketingPort {
  decisions: Pick<OfferDecisions, 'show' | 'check'>;
  offers: Pick<OfferService, 'view' | 'claim'>;
}

/** Where a form or menu gets the choices for an input, e.g. `packId` from `packs.list`. */
export interface OptionsSource {
  business: string;
  /** The array in that business's result data. */
  list: string;
  value: string;
}

export interface Business<S extends z.ZodObject = z.ZodObject> {
  id: string;
  kind: 'query' | 'transaction';
  names: L10n;
  descriptions: L10n;
  input: S;
  /** Must the subscriber confirm a quote first (anything that charges money or points)? */
  confirm: boolean;
  /** Staff roles that may run it on behalf of a subscriber. */
  staffRoles: readonly StaffRole[];
  /** Choices for inputs, by input name. */
  options?: Partial<Record<keyof z.infer<S> & string, OptionsSource>>;
  /** How people ask for it, Chinese and English (查话费, 'top up'): the hall's one search box finds it by these. */
  keywords?: readonly string[];
  /** Optional inputs the USSD and IVR menus do not ask for (recharge's other number: typed on the web, SMS or API). */
  menuSkips?: readonly (keyof z.infer<S> & string)[];
  /** The menus show it inside this group's entry rather than on the home menu. */
  menuGroup?: MenuGroup;
  /**
   * A transaction that opens its own database transactions (it calls a service that runs a
   * workflow, as checkout does), so the entry point cannot wrap it in one. The entry point still
   * checks who, where, the input and the confirmed terms, and records the answer under the key
   * afterwards; the business must itself be idempotent on `ctx.idempotencyKey` (the same key
   * again does nothing more), since a retry after a crash between its work and that record runs
   * it again. `ctx.db` is then the database, not a transaction. Not runnable through `prepare`.
   */
  ownTransactions?: boolean;
  quote?(ctx: BusinessContext, input: z.infer<S>): Promise<QuoteDraft>;
  run(ctx: BusinessContext, input: z.infer<S>): Promise<BusinessResult>;
}

/** Declares a business with its input type inferred from the schema. */
export function defineBusiness<S extends z.ZodObject>(b: Business<S>): Business<S> {
  if (b.confirm && !b.quote) throw new Error(`business ${b.id} needs confirmation but has no quote`);
  return b;
}

export class Registry {
  private readonly byId = new Map<string, Business>();

  constructor(businesses: readonly Business[]) {
    for (const b of businesses) {
      if (this.byId.has(b.id)) throw new Error(`business ${b.id} declared twice`);
      this.byId.set(b.id, b);
    }
  }

  get(id: string): Business | undefined {
    return this.byId.get(id);
  }

  list(): Business[] {
    return [...this.byId.values()];
  }
}

/** The input schema as JSON Schema (draft 2020-12), with the options each input draws from. */
export function inputJsonSchema(b: Business): Record<string, unknown> {
  const schema = z.toJSONSchema(b.input, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  if (b.options) {
    const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [name, source] of Object.entries(b.options)) {
      if (props[name]) props[name]['x-options'] = source;
    }
  }
  return schema;
}
