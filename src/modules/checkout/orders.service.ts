// Orders (docs/mall.md, "Checkout: orders"): the subscriber's cart placed as an order at the price
// and stock of the moment it is placed, confirmed and idempotent; an order a seller of held stock
// (a flash sale) places; payment of an order that awaits it; cancellation while unpaid; and the
// reads (the subscriber's orders, the console's search, the lines reviews may be written about).
// What happens to an order after it is placed is the checkout workflow's (src/workflows/checkout.ts):
// this service writes the order's rows for it, and nothing else writes them.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Page } from '../../platform/db/page.ts';
import { AppError, ERRORS, type ErrorCode } from '../../platform/errors.ts';
import { l10n, type L10n } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';
import { SYSTEM_ACTOR } from '../../platform/audit.ts';
import { localDay, localTime } from '../../platform/dates.ts';
import type { WorkflowRun, WorkflowRunner } from '../../platform/workflow/index.ts';
import type { CartService } from '../cart/index.ts';
import type { Delivery, Goods, ProductKind } from '../goods/index.ts';
import { checkQuantity, type InventoryService } from '../inventory/index.ts';
import type { NextStep, Payments, PaymentMethod } from '../payment/index.ts';
import { RETURN_DAYS, returnDeadline, type Delivery as DeliveryService, type ReturnState } from '../delivery/index.ts';
import { checkArea, deliveryFee, type Address } from './delivery-area.ts';
import type { Quote, QuoteService } from './quote.service.ts';
import type { MallOrder, MallOrderLine, OrderState } from './tables.ts';

/** An unpaid order waits this long for its payment, then expires (its holds are released). */
export const PAY_WITHIN_MS = 15 * 60_000;
/** Holds outlast the order's wait a little, so the run (not the expiry sweeps) is what releases them. */
const HOLD_GRACE_MS = 5 * 60_000;
/** The workflow every order runs (src/workflows/checkout.ts). */
export const CHECKOUT_WORKFLOW = 'checkout';
export const ORDER_REF = 'order:';
export const orderRef = (id: number) => `${ORDER_REF}${id}`;
/** The order id of `order:123`; undefined for any other reference. */
export function orderIdOf(ref: string): number | undefined {
  const m = /^order:(\d+)$/.exec(ref);
  return m ? Number(m[1]) : undefined;
}

/** A return in these is still being worked: its order is not completed meanwhile. */
const OPEN_RETURN_STATES: readonly ReturnState[] = ['requested', 'approved', 'received', 'refunding'];
/** The states a subscriber may still cancel in and a payment may still be made in. */
const UNPAID: readonly OrderState[] = ['awaiting_payment'];
/** The states of an order paid (or, cash on delivery, on its way to be) that a full refund moves to refunded. */
export const REFUNDABLE_STATES: readonly OrderState[] = ['paid', 'awaiting_delivery', 'delivered', 'completed', 'returned'];

/** What the workflow's steps need of an order, kept in its run's data when it is placed (so a step need not read the order's rows). */
export interface OrderFacts {
  order: {
    id: number; held: boolean; payBy: string; subscriberId: number; method: string | null; totalFen: number; points: number; subject: string;
    /** Whether a discount or a coupon is to be recorded against its promotions' limits (absent in runs begun before it was kept). */
    discounted?: boolean;
  };
  lines: { productId: number; skuId: number; quantity: number; delivery: Delivery; number: string | null }[];
}

/** The columns the workflow and the callbacks set on an order. */
export type OrderUpdate = Partial<{
  state: OrderState; method: string | null; paymentId: string | null; shipmentId: number | null; points: number; pointsFen: number; payFen: number;
  paidAt: Date | null; deliveredAt: Date | null; refundDue: string | null; refundedFen: number; refundedPoints: number;
}>;

export interface OrderLineView {
  lineId: number;
  productId: number;
  skuId: number;
  names: L10n;
  attrs: Record<string, string>;
  kind: ProductKind;
  delivery: Delivery;
  quantity: number;
  unitFen: number;
  lineFen: number;
  number?: string;
  codes?: string[];
  /** When the codes were revoked (the order refunded in full): void, no longer valid. */
  codesVoidedAt?: string;
}

export type OrderView = {
  id: number;
  orderNo: string;
  /** The buyer (not in the subscriber's own answers). */
  subscriberId: number;
  state: OrderState;
  source: string;
  lines: OrderLineView[];
  goodsFen: number;
  deliveryFen: number;
  discountFen: number;
  couponCode?: string;
  points: number;
  pointsFen: number;
  totalFen: number;
  payFen: number;
  /** What of the payment has been given back: its money part (fen) and its points. */
  refundedFen: number;
  refundedPoints: number;
  method: string | null;
  paymentId?: string;
  shipmentId?: number;
  address?: Address;
  payBy: string;
  placedAt: string;
  /** Beijing time: `2026-12-02 15:04`. */
  placedAtLocal: string;
  paidAt?: string;
  deliveredAt?: string;
  workflow: { state: string; step: string; error?: string };
};

/** What the seller of held stock (a flash sale) is told of the orders it placed, in the transaction that records it. */
export interface OrderSourceHandler {
  paid(q: Db, order: OrderView): Promise<void>;
  released(q: Db, order: OrderView, why: 'expired' | 'cancelled' | 'refunded'): Promise<void>;
}

/** The order's sellers of held stock, by the prefix of the order's `source` (`flash:`). */
export class OrderSources {
  private readonly handlers: [string, OrderSourceHandler][] = [];

  register(prefix: string, handler: OrderSourceHandler): void {
    this.handlers.push([prefix, handler]);
    this.handlers.sort((a, b) => b[0].length - a[0].length);
  }

  of(source: string): OrderSourceHandler | undefined {
    return this.handlers.find(([p]) => source.startsWith(p))?.[1];
  }
}

export interface PlaceInput {
  address?: Address;
  /** The chosen number of each number-card line, by SKU. */
  numbers?: Record<string, string>;
  couponCode?: string;
  points?: number;
  method: PaymentMethod;
  expectedTotalFen?: number;
  confirm?: boolean;
}

/** An order to write: its sums before the total, and its lines as they are sold. */
interface NewOrder {
  subscriberId: number; source: string; held: boolean; method: string | null; idempotencyKey: string; requestHash: string; at: Date; address: Address | null;
  goodsFen: number; deliveryFen: number; discountFen: number; couponCode: string | null; promotions: unknown[]; points: number; pointsFen: number;
  lines: { productId: number; skuId: number; categoryId: number | null; names: L10n; attrs: Record<string, string>; kind: ProductKind; delivery: Delivery; quantity: number; unitFen: number; number: string | null }[];
}

export interface HeldInput {
  subscriberId: number;
  source: string;
  idempotencyKey: string;
  lines: { productId: number; skuId: number; quantity: number; unitFen: number }[];
  address?: Address | null;
}

/** A quote with the points part and the money part, as POST /mall/checkout/quote answers it. */
export type OrderQuote = Quote & { points: number; pointsFen: number; payFen: number };

export interface PlacedOrder { order: OrderView; next: NextStep; replayed: boolean }

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : undefined);
const hashOf = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('base64url');
function localText(at: Date): string {
  const t = localTime(at);
  return `${t.year}-${pad(t.month)}-${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)}`;
}
const isShipped = (delivery: Delivery) => delivery === 'ship' || delivery === 'number';

export interface OrderServiceDeps {
  db: Db;
  clock: Clock;
  goods: Goods;
  inventory: InventoryService;
  cart: CartService;
  /** Shipments: an order shows `shipped` while its parcel is on the way. */
  delivery: Pick<DeliveryService, 'get' | 'search' | 'returnsOf'>;
  quotes: QuoteService;
  payments: Payments;
  runner: WorkflowRunner;
  sources: OrderSources;
  /** The subscriber's points now (the core's ledger), checked before anything is held. */
  pointsBalance(subscriberId: number): Promise<number>;
}

export class OrderService {
  constructor(private readonly deps: OrderServiceDeps) {}

  // ---- Reads ----------------------------------------------------------------------------------

  async row(id: number, q: Db = this.deps.db, lock = false): Promise<MallOrder | undefined> {
    const sel = q.selectFrom('mallOrder').selectAll().where('id', '=', id);
    return (lock ? sel.forUpdate() : sel).executeTakeFirst();
  }

  async lineRows(orderId: number, q: Db = this.deps.db): Promise<MallOrderLine[]> {
    return q.selectFrom('mallOrderLine').selectAll().where('orderId', '=', orderId).orderBy('id').execute();
  }

  /** One order (ORDER_NOT_FOUND). */
  async get(id: number, q: Db = this.deps.db): Promise<OrderView> {
    const o = await this.row(id, q);
    if (!o) throw new AppError('ORDER_NOT_FOUND');
    return this.view(o, q);
  }

  /** A subscriber's own order: ORDER_NOT_FOUND for anyone else's. */
  async ofSubscriber(id: number, subscriberId: number): Promise<OrderView> {
    const o = await this.row(id);
    if (!o || o.subscriberId !== subscriberId) throw new AppError('ORDER_NOT_FOUND');
    return this.view(o);
  }

  /** A subscriber's orders, newest first. */
  async list(subscriberId: number, page: Page): Promise<{ items: OrderView[]; total: number }> {
    return this.search({ subscriberId }, page);
  }

  /** Orders for the console: by subscriber, order number or state, newest first. */
  async search(f: { subscriberId?: number; orderNo?: string; state?: OrderState }, page: Page): Promise<{ items: OrderView[]; total: number }> {
    let q = this.deps.db.selectFrom('mallOrder');
    if (f.subscriberId !== undefined) q = q.where('subscriberId', '=', f.subscriberId);
    if (f.orderNo) q = q.where('orderNo', '=', f.orderNo);
    if (f.state === 'shipped') {
      // Shipped is the parcel's state, not one an order records: the orders of the parcels on their way.
      const onTheWay = [...await this.deps.delivery.search({ state: 'shipped', limit: 200 }), ...await this.deps.delivery.search({ state: 'in_transit', limit: 200 })];
      const ids = onTheWay.map((x) => orderIdOf(x.orderRef)).filter((id): id is number => id !== undefined);
      q = q.where('id', 'in', ids.length ? ids : [-1]).where('state', 'in', ['paid', 'awaiting_delivery']);
    } else if (f.state) q = q.where('state', '=', f.state);
    const [rows, total] = await Promise.all([
      q.selectAll().orderBy('placedAt', 'desc').orderBy('id', 'desc').offset(page.offset).limit(page.limit).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    const items: OrderView[] = [];
    for (const r of rows) items.push(await this.view(r));
    return { items, total: Number(total.n) };
  }

  /** For reviews (业务评价): the subscriber's delivered or completed order lines of a product. */
  async purchasedLines(q: Db, subscriberId: number, productId: number): Promise<{ orderId: number; lineId: number; skuId: number; deliveredAt: Date }[]> {
    const rows = await q.selectFrom('mallOrderLine as l').innerJoin('mallOrder as o', 'o.id', 'l.orderId')
      .select(['l.orderId', 'l.id as lineId', 'l.skuId', 'o.deliveredAt'])
      .where('o.subscriberId', '=', subscriberId).where('l.productId', '=', productId).where('o.state', 'in', ['delivered', 'completed'])
      .orderBy('o.deliveredAt', 'desc').orderBy('l.id').execute();
    return rows.map((r) => ({ orderId: Number(r.orderId), lineId: Number(r.lineId), skuId: r.skuId, deliveredAt: new Date(r.deliveredAt ?? 0) }));
  }

  async view(o: MallOrder, q: Db = this.deps.db, known?: { run: WorkflowRun | undefined }): Promise<OrderView> {
    const [lines, run] = await Promise.all([this.lineRows(o.id, q), known ? known.run : this.deps.runner.get(CHECKOUT_WORKFLOW, orderRef(o.id), q)]);
    let state = o.state;
    if ((state === 'paid' || state === 'awaiting_delivery') && o.shipmentId) {
      const parcel = await this.deps.delivery.get(Number(o.shipmentId), q);
      if (parcel.state === 'shipped' || parcel.state === 'in_transit') state = 'shipped';
    }
    return this.present(o, lines, run, state);
  }

  /** The order as its rows say, in the state shown (an order on its way shows the parcel's `shipped`). */
  private present(o: MallOrder, lines: readonly MallOrderLine[], run: WorkflowRun | undefined, state: OrderView['state']): OrderView {
    const placedAt = new Date(o.placedAt);
    return {
      id: Number(o.id), orderNo: o.orderNo, subscriberId: o.subscriberId, state, source: o.source,
      lines: lines.map((l) => ({
        lineId: Number(l.id), productId: l.productId, skuId: l.skuId, names: l10n(l.nameZh, l.nameEn), attrs: l.attrs, kind: l.kind, delivery: l.delivery,
        quantity: l.quantity, unitFen: l.unitFen, lineFen: l.lineFen, ...(l.number ? { number: l.number } : {}), ...(l.codes ? { codes: l.codes } : {}),
        ...(l.codesVoidedAt ? { codesVoidedAt: iso(l.codesVoidedAt) } : {}),
      })),
      goodsFen: o.goodsFen, deliveryFen: o.deliveryFen, discountFen: o.discountFen, ...(o.couponCode ? { couponCode: o.couponCode } : {}),
      points: o.points, pointsFen: o.pointsFen, totalFen: o.totalFen, payFen: o.payFen, refundedFen: o.refundedFen, refundedPoints: o.refundedPoints, method: o.method,
      ...(o.paymentId ? { paymentId: o.paymentId } : {}), ...(o.shipmentId ? { shipmentId: Number(o.shipmentId) } : {}), ...(o.address ? { address: o.address } : {}),
      payBy: new Date(o.payBy).toISOString(), placedAt: placedAt.toISOString(), placedAtLocal: localText(placedAt),
      ...(o.paidAt ? { paidAt: iso(o.paidAt) } : {}), ...(o.deliveredAt ? { deliveredAt: iso(o.deliveredAt) } : {}),
      workflow: run
        ? { state: run.state, step: this.stepName(run.step, run.state), ...(run.error ? { error: run.error } : {}) }
        : { state: 'running', step: 'open-order' },
    };
  }

  /**
   * The order's workflow steps for the console, each `done`, `waiting` (for the payment),
   * `running` (next to run, or being retried: with the last error), `pending`, `undoing` or
   * `undone` (a run undone keeps no record of how far it had gone: each step before the commit is
   * undone or was never reached, and the run's error says why).
   */
  async steps(id: number): Promise<{ name: string; state: string; error?: string }[]> {
    const run = await this.deps.runner.get(CHECKOUT_WORKFLOW, orderRef(id));
    const last = this.stepNames.length - 1;
    return this.stepNames.map((name, i) => {
      if (!run) return { name, state: 'pending' };
      const r = run.step;
      switch (run.state) {
        case 'completed': return { name, state: 'done' };
        case 'compensated': return { name, state: i === last ? 'pending' : 'undone' };
        case 'compensating': case 'failed': return { name, state: i < r ? 'undoing' : i === last ? 'pending' : 'undone', ...(i === r - 1 && run.error ? { error: run.error } : {}) };
        case 'waiting': return { name, state: i < r - 1 ? 'done' : i === r - 1 ? 'waiting' : 'pending' };
        default: return { name, state: i < r ? 'done' : i === r ? 'running' : 'pending', ...(i === r && run.error ? { error: run.error } : {}) };
      }
    });
  }

  /** The workflow's step names, set when the workflow is defined (src/workflows/checkout.ts). */
  stepNames: readonly string[] = [];

  private stepName(step: number, state: string): string {
    if (state === 'completed') return 'done';
    if (state === 'compensated') return 'undone';
    if (state === 'waiting' || state === 'compensating') return this.stepNames[step - 1] ?? 'open-order';
    return this.stepNames[step] ?? 'done';
  }

  // ---- Placing ---------------------------------------------------------------------------------

  /**
   * The cart quoted now, with the points part and the money part: what POST /mall/orders must be
   * confirmed on. POINTS_INSUFFICIENT for points over the balance; PAYMENT_AMOUNT_INVALID for
   * points that are not whole fen or worth more than the order.
   */
  async quote(subscriberId: number, input: { address?: Address; couponCode?: string; points?: number }): Promise<OrderQuote> {
    const quote = await this.deps.quotes.quote(subscriberId, input.address, { couponCode: input.couponCode });
    return this.withPoints(subscriberId, quote, input.points ?? 0);
  }

  private async withPoints<T extends { totalFen: number }>(subscriberId: number, quote: T, points: number): Promise<T & { points: number; pointsFen: number; payFen: number }> {
    const pointsFen = this.deps.payments.pointsValue(points);
    if (pointsFen > quote.totalFen) throw new AppError('PAYMENT_AMOUNT_INVALID', { detail: l10n('积分抵扣超过了订单金额', 'The points are worth more than the order') });
    if (points > 0 && (await this.deps.pointsBalance(subscriberId)) < points) throw new AppError('POINTS_INSUFFICIENT');
    return { ...quote, points, pointsFen, payFen: quote.totalFen - pointsFen };
  }

  /**
   * Places the subscriber's cart as an order. The same idempotency key again answers the first
   * order (`replayed`), another request under it IDEMPOTENCY_KEY_REUSED. Then, each refusing with
   * nothing held or charged: the quote's refusals (CART_EMPTY, OUT_OF_STOCK, PRODUCT_NOT_FOUND,
   * ADDRESS_*), COUPON_*, POINTS_INSUFFICIENT, NUMBER_REQUIRED / NUMBER_TAKEN, CONFIRMATION_REQUIRED
   * without `confirm`, PRICE_CHANGED when `expectedTotalFen` is not the total now. The order, its
   * stock and number holds and its workflow run are written in one transaction; the run then
   * makes the payment and, paid at once (the balance, points), commits the order.
   */
  async place(subscriberId: number, input: PlaceInput, idempotencyKey: string): Promise<PlacedOrder> {
    const requestHash = hashOf(['cart', input.address ?? null, input.numbers ?? {}, input.couponCode ?? null, input.points ?? 0, input.method, input.expectedTotalFen ?? null]);
    const before = await this.byKey(this.deps.db, subscriberId, idempotencyKey);
    if (before) return this.replay(before, requestHash);
    const quote = await this.quote(subscriberId, input);
    const numbers = this.numbersOf(quote, input.numbers ?? {});
    if (input.method === 'cod' && !quote.shipped) throw new AppError('PAYMENT_METHOD_UNAVAILABLE', { detail: l10n('不需要配送的商品不能货到付款', 'Goods that are not shipped cannot be paid on delivery') });
    this.deps.payments.quote({ method: input.method, totalFen: quote.totalFen, points: quote.points });
    if (!this.deps.payments.methods().some((m) => m.method === input.method)) throw new AppError('PAYMENT_METHOD_UNAVAILABLE');
    if (input.confirm !== true) throw new AppError('CONFIRMATION_REQUIRED', { detail: this.summary(quote, input.method), extra: { quote } });
    if (input.expectedTotalFen !== quote.totalFen) throw new AppError('PRICE_CHANGED', { extra: { quote } });
    const at = this.deps.clock.now();
    const placed = await this.deps.db.transaction().execute(async (tx) => {
      const written = await this.insert(tx, {
        subscriberId, source: 'cart', held: false, method: input.method, idempotencyKey, requestHash, at, address: quote.address,
        goodsFen: quote.goodsFen, deliveryFen: quote.deliveryFen, discountFen: quote.discountFen, couponCode: input.couponCode ?? null, promotions: quote.promotions,
        points: quote.points, pointsFen: quote.pointsFen,
        lines: quote.lines.map((l) => ({ productId: l.productId, skuId: l.skuId, categoryId: l.categoryId, names: l.names, attrs: l.attrs, kind: l.kind, delivery: l.delivery, quantity: l.quantity, unitFen: l.saleFen, number: numbers.get(l.skuId) ?? null })),
      });
      if (!written) return undefined;
      const { order, lines } = written;
      await this.deps.cart.clear({ subscriberId }, quote.lines.map((l) => l.skuId), tx);
      // The run's local steps take the order's stock, numbers and promotions here, so they commit
      // with the order, and a refusal of any (OUT_OF_STOCK, NUMBER_TAKEN, a limit reached since the
      // quote) writes nothing; the payment is next.
      const run = await this.deps.runner.begin(tx, CHECKOUT_WORKFLOW, orderRef(order.id), { orderId: Number(order.id), ...this.facts(order, lines) });
      return { order, run };
    }).catch(async (e: unknown) => {
      // A promotion's discount changed since the quote (a limit reached meanwhile): the new quote with it.
      if (e instanceof AppError && e.code === 'PRICE_CHANGED') throw new AppError('PRICE_CHANGED', { extra: { quote: await this.quote(subscriberId, input) } });
      throw e;
    });
    if (!placed) {
      const first = await this.byKey(this.deps.db, subscriberId, idempotencyKey);
      return this.replay(first!, requestHash);
    }
    const run = await this.deps.runner.drive(placed.run.id, placed.run) ?? await this.deps.runner.get(CHECKOUT_WORKFLOW, orderRef(placed.order.id));
    const undone = run && (run.state === 'compensated' || run.state === 'compensating');
    if (undone) await this.refundUndone();
    const o = (await this.row(placed.order.id))!;
    // Refused on the way (a balance too low, the last codes gone): the run is undone and the order
    // cancelled (anything paid given back); the subscriber hears why.
    if (undone && run.error && isErrorCode(run.error)) throw new AppError(run.error, { extra: { orderId: Number(o.id) } });
    return { order: await this.view(o, this.deps.db, { run }), next: await this.next(o), replayed: false };
  }

  /**
   * An order whose stock the caller (a flash sale) already holds, placed in the caller's
   * transaction: no stock is reserved; it awaits payment (POST /mall/orders/{id}/payment) until
   * payBy, then expires, and the caller's source handler hears of either. The same idempotency
   * key for the subscriber again answers the same order. INVALID_QUANTITY, SKU_NOT_FOUND,
   * SKU_NOT_OF_PRODUCT, ADDRESS_REQUIRED / ADDRESS_OUT_OF_AREA; nothing written on any of them.
   */
  async placeHeld(q: Db, input: HeldInput): Promise<OrderView> {
    return (await this.placeHeldMany(q, [input]))[0]!;
  }

  /**
   * Many such orders at once (a flash sale's coalesced buyers), in the caller's transaction and in
   * a fixed number of statements however many they are: one read of the keys, one of each product
   * and SKU, one of the ids, one insert each of the orders, their lines and their runs. Answers
   * each input's order, in order. A refusal of any input (the same as placeHeld's, or
   * IDEMPOTENCY_KEY_REUSED) throws, and the caller's transaction writes none of them.
   */
  async placeHeldMany(q: Db, inputs: readonly HeldInput[]): Promise<OrderView[]> {
    if (!inputs.length) return [];
    for (const input of inputs) if (!this.deps.sources.of(input.source)) throw new Error(`no order source registered for ${input.source}`);
    const hashes = inputs.map((input) => hashOf(['held', input.source, input.lines, input.address ?? null]));
    const before = await q.selectFrom('mallOrder').selectAll()
      .where('subscriberId', 'in', [...new Set(inputs.map((i) => i.subscriberId))]).where('idempotencyKey', 'in', [...new Set(inputs.map((i) => i.idempotencyKey))]).execute();
    const had = new Map(before.map((o) => [`${o.subscriberId}:${o.idempotencyKey}`, o]));
    const skus = new Map<string, Awaited<ReturnType<Goods['products']['sku']>>>();
    const fresh: { at: number; order: NewOrder }[] = [];
    const out: (OrderView | undefined)[] = [];
    const at = this.deps.clock.now();
    for (const [i, input] of inputs.entries()) {
      const prior = had.get(`${input.subscriberId}:${input.idempotencyKey}`);
      if (prior) {
        if (prior.requestHash !== hashes[i]) throw new AppError('IDEMPOTENCY_KEY_REUSED');
        out.push(await this.view(prior, q));
        continue;
      }
      if (!input.lines.length) throw new AppError('INVALID_INPUT', { detail: l10n('订单没有商品', 'The order has no lines') });
      const lines = [];
      for (const l of input.lines) {
        checkQuantity(l.quantity);
        if (!Number.isInteger(l.unitFen) || l.unitFen < 0) throw new AppError('INVALID_INPUT', { detail: l10n('单价应为非负整数（分）', 'The unit price must be whole fen, not below zero') });
        const k = `${l.productId}:${l.skuId}`;
        if (!skus.has(k)) skus.set(k, await this.deps.goods.products.sku(l.productId, l.skuId, {}, q));
        const { product, sku } = skus.get(k)!;
        if (product.delivery === 'number') throw new AppError('INVALID_INPUT', { detail: l10n('号卡需选号后下单', 'A number card is ordered with its chosen number') });
        lines.push({ productId: product.id, skuId: sku.id, categoryId: product.categoryId, names: product.names, attrs: sku.attrs, kind: product.kind, delivery: product.delivery, quantity: l.quantity, unitFen: l.unitFen, number: null });
      }
      const shipped = lines.filter((l) => isShipped(l.delivery));
      if (shipped.length && !input.address) throw new AppError('ADDRESS_REQUIRED');
      const address = shipped.length ? checkArea(input.address!) : null;
      const goodsFen = lines.reduce((n, l) => n + l.unitFen * l.quantity, 0);
      const deliveryFen = deliveryFee(shipped.reduce((n, l) => n + l.unitFen * l.quantity, 0), shipped.length > 0);
      fresh.push({ at: out.length, order: {
        subscriberId: input.subscriberId, source: input.source, held: true, method: null, idempotencyKey: input.idempotencyKey, requestHash: hashes[i]!, at, address,
        goodsFen, deliveryFen, discountFen: 0, couponCode: null, promotions: [], points: 0, pointsFen: 0, lines,
      } });
      out.push(undefined);
    }
    if (fresh.length) {
      const written = await this.insertMany(q, fresh.map((f) => f.order));
      // Another transaction placed one of them meanwhile: the caller's retry finds it by its key.
      if (!written) throw new AppError('CONFLICT');
      const runs = await this.deps.runner.startMany(q, CHECKOUT_WORKFLOW, written.map(({ order, lines }) => ({ ref: orderRef(order.id), data: { orderId: Number(order.id), ...this.facts(order, lines) } })));
      for (const [j, { order, lines }] of written.entries()) out[fresh[j]!.at] = this.present(order, lines, runs[j], order.state);
    }
    return out as OrderView[];
  }

  /**
   * Pays an order that awaits payment and has none open (a flash-sale order, or a cart order whose
   * pay page was closed): ORDER_NOT_PAYABLE otherwise, ORDER_PAYMENT_OPEN while one is still open.
   * CONFIRMATION_REQUIRED (with the quote) without `confirm`; the key makes a retry the same payment.
   */
  async pay(subscriberId: number, id: number, input: { method: PaymentMethod; points?: number; confirm?: boolean }, idempotencyKey: string): Promise<PlacedOrder> {
    let o = await this.row(id);
    if (!o || o.subscriberId !== subscriberId) throw new AppError('ORDER_NOT_FOUND');
    const key = `${orderRef(id)}:${idempotencyKey}`;
    const subject = await this.subject(o);
    const points = input.points ?? 0;
    const prior = o.paymentId ? await this.deps.payments.get(o.paymentId) : undefined;
    if (prior && prior.idempotencyKey === key) {
      // The same request again: the payment it made.
      const r = await this.deps.payments.create({ subscriberId, orderRef: orderRef(id), method: input.method, totalFen: o.totalFen, points, subject, idempotencyKey: key });
      return { order: await this.get(id), next: r.next, replayed: true };
    }
    if (!UNPAID.includes(o.state)) throw new AppError('ORDER_NOT_PAYABLE');
    if (prior && (prior.state === 'created' || prior.state === 'pending')) throw new AppError('ORDER_PAYMENT_OPEN', { extra: { paymentId: prior.id } });
    if (input.method === 'cod') throw new AppError('PAYMENT_METHOD_UNAVAILABLE');
    const quote = await this.withPoints(subscriberId, { totalFen: o.totalFen }, points);
    const split = this.deps.payments.quote({ method: input.method, totalFen: o.totalFen, points });
    if (input.confirm !== true) throw new AppError('CONFIRMATION_REQUIRED', { detail: split.summary, extra: { quote: { ...quote, method: input.method } } });
    // Bring the run to its wait first (a held order's run may not have been ticked yet).
    const run = await this.deps.runner.get(CHECKOUT_WORKFLOW, orderRef(id));
    if (run) await this.deps.runner.drive(run.id);
    const r = await this.deps.payments.create({ subscriberId, orderRef: orderRef(id), method: input.method, totalFen: o.totalFen, points, subject, idempotencyKey: key });
    if (r.payment.state === 'pending') {
      await this.deps.db.updateTable('mallOrder').set({ paymentId: r.payment.id, method: input.method, updatedAt: this.deps.clock.now() })
        .where('id', '=', id).where('state', '=', 'awaiting_payment').execute();
    }
    o = (await this.row(id))!;
    return { order: await this.view(o), next: r.next, replayed: r.replayed };
  }

  /** Cancels an unpaid order: everything it holds is released (ORDER_NOT_CANCELLABLE once paid or closed). */
  async cancel(subscriberId: number, id: number): Promise<OrderView> {
    const o = await this.row(id);
    if (!o || o.subscriberId !== subscriberId) throw new AppError('ORDER_NOT_FOUND');
    if (!UNPAID.includes(o.state) || !(await this.deps.runner.cancel(CHECKOUT_WORKFLOW, orderRef(id), 'subscriber'))) throw new AppError('ORDER_NOT_CANCELLABLE');
    return this.get(id);
  }

  /** What the subscriber does next for an order: pay on a page, nothing (paid), or wait for the courier. */
  async next(o: MallOrder): Promise<NextStep> {
    if (o.state === 'awaiting_delivery') return { kind: 'pending' };
    if (o.state !== 'awaiting_payment' || !o.paymentId) return { kind: 'paid' };
    const p = await this.deps.payments.get(o.paymentId);
    if (p.state === 'pending' && p.nextUrl) return { kind: 'redirect', url: p.nextUrl };
    return p.state === 'pending' ? { kind: 'pending' } : { kind: 'paid' };
  }

  /** The payment's subject: the first line's name, and how many more. */
  async subject(o: MallOrder, lines?: MallOrderLine[]): Promise<string> {
    const all = lines ?? await this.lineRows(o.id);
    const first = all[0]?.nameZh ?? '商城订单';
    return `${first}${all.length > 1 ? `等${all.length}件` : ''}（订单${o.orderNo}）`;
  }

  private facts(o: MallOrder, lines: MallOrderLine[]): OrderFacts {
    const first = lines[0]?.nameZh ?? '商城订单';
    return {
      order: {
        id: Number(o.id), held: o.held, payBy: new Date(o.payBy).toISOString(), subscriberId: o.subscriberId, method: o.method, totalFen: o.totalFen, points: o.points,
        discounted: o.discountFen > 0 || Boolean(o.couponCode),
        subject: `${first}${lines.length > 1 ? `等${lines.length}件` : ''}（订单${o.orderNo}）`,
      },
      lines: lines.map((l) => ({ productId: l.productId, skuId: l.skuId, quantity: l.quantity, delivery: l.delivery, number: l.number })),
    };
  }

  private summary(q: OrderQuote, method: string): L10n {
    const s = this.deps.payments.quote({ method: method as PaymentMethod, totalFen: q.totalFen, points: q.points }).summary;
    return l10n(`订单合计${(q.totalFen / 100).toFixed(2)}元：${s['zh-CN']}`, `Order total ¥${(q.totalFen / 100).toFixed(2)}: ${s.en}`);
  }

  /** Each number-card line's chosen number: NUMBER_REQUIRED when missing, INVALID_QUANTITY for more than one card a line. */
  private numbersOf(quote: Quote, chosen: Record<string, string>): Map<number, string> {
    const out = new Map<number, string>();
    const numberLines = new Set(quote.lines.filter((l) => l.delivery === 'number').map((l) => l.skuId));
    for (const sku of Object.keys(chosen)) {
      if (!numberLines.has(Number(sku))) throw new AppError('INVALID_INPUT', { detail: l10n('所选号码不对应购物车中的号卡', 'A chosen number is for no number card in the cart'), extra: { skuId: Number(sku) } });
    }
    for (const l of quote.lines) {
      if (l.delivery !== 'number') continue;
      if (l.quantity !== 1) throw new AppError('INVALID_QUANTITY', { detail: l10n('每张号卡需单独选号，数量应为1', 'Each number card has its own number: a quantity of 1'), extra: { skuId: l.skuId } });
      const n = chosen[String(l.skuId)];
      if (!n) throw new AppError('NUMBER_REQUIRED', { extra: { skuId: l.skuId } });
      out.set(l.skuId, n);
    }
    return out;
  }

  private async byKey(q: Db, subscriberId: number, key: string): Promise<MallOrder | undefined> {
    return q.selectFrom('mallOrder').selectAll().where('subscriberId', '=', subscriberId).where('idempotencyKey', '=', key).executeTakeFirst();
  }

  private async replay(o: MallOrder, requestHash: string): Promise<PlacedOrder> {
    if (o.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    return { order: await this.view(o), next: await this.next(o), replayed: true };
  }

  private async insert(q: Db, o: NewOrder): Promise<{ order: MallOrder; lines: MallOrderLine[] } | undefined> {
    return (await this.insertMany(q, [o]))?.[0];
  }

  /**
   * The orders and their lines in three statements (their ids, the orders, the lines), each with
   * its lines in order; undefined when any of them is already there under its key (and then the
   * orders written are the caller's to roll back).
   */
  private async insertMany(q: Db, orders: readonly NewOrder[]): Promise<{ order: MallOrder; lines: MallOrderLine[] }[] | undefined> {
    const { rows } = await sql<{ id: string }>`select nextval(pg_get_serial_sequence('mall_order', 'id')) as id from generate_series(1, ${orders.length}::int)`.execute(q);
    const ids = rows.map((r) => Number(r.id));
    const placed = await q.insertInto('mallOrder').values(orders.map((o, i) => {
      const id = ids[i]!;
      const totalFen = o.goodsFen + o.deliveryFen - o.discountFen;
      return {
        id, orderNo: `MO${localDay(o.at).replaceAll('-', '')}${String(id).padStart(8, '0')}`, subscriberId: o.subscriberId, source: o.source, state: 'awaiting_payment' as const,
        goodsFen: o.goodsFen, deliveryFen: o.deliveryFen, discountFen: o.discountFen, couponCode: o.couponCode, promotions: JSON.stringify(o.promotions),
        points: o.points, pointsFen: o.pointsFen, totalFen, payFen: totalFen - o.pointsFen, method: o.method, paymentId: null, shipmentId: null,
        address: o.address ? JSON.stringify(o.address) : null, held: o.held, idempotencyKey: o.idempotencyKey, requestHash: o.requestHash,
        payBy: new Date(o.at.getTime() + PAY_WITHIN_MS), placedAt: o.at, paidAt: null, deliveredAt: null, refundDue: null, updatedAt: o.at,
      };
    })).onConflict((oc) => oc.columns(['subscriberId', 'idempotencyKey']).doNothing()).returningAll().execute();
    if (placed.length !== orders.length) return undefined;
    const lines = await q.insertInto('mallOrderLine').values(orders.flatMap((o, i) => o.lines.map((l) => ({
      orderId: ids[i]!, productId: l.productId, skuId: l.skuId, categoryId: l.categoryId, nameZh: l.names['zh-CN'], nameEn: l.names.en, attrs: JSON.stringify(l.attrs), kind: l.kind, delivery: l.delivery,
      quantity: l.quantity, unitFen: l.unitFen, lineFen: l.unitFen * l.quantity, number: l.number, codes: null,
    })))).returningAll().execute();
    const byId = new Map(placed.map((o) => [Number(o.id), o]));
    return ids.map((id) => ({ order: byId.get(id)!, lines: lines.filter((l) => Number(l.orderId) === id).sort((a, b) => Number(a.id) - Number(b.id)) }));
  }

  // ---- The workflow's writes (src/workflows/checkout.ts) --------------------------------------

  /** Until when an order's stock and numbers are held: a little past payBy. */
  holdUntil(o: { payBy: Date | string }): Date {
    return new Date(new Date(o.payBy).getTime() + HOLD_GRACE_MS);
  }

  /**
   * The shipped lines' stock, held for the order (not for a held order: its seller holds it). The
   * same order again: what it holds. `fresh`: the order was written by this transaction, so it
   * holds nothing yet.
   */
  async reserveStock(q: Db, o: OrderFacts['order'] | MallOrder, lines: readonly OrderFacts['lines'][number][], opts: { fresh?: boolean } = {}): Promise<void> {
    const ship = lines.filter((l) => l.delivery === 'ship');
    if (!o.held && ship.length) await this.deps.inventory.reserve(orderRef(Number(o.id)), ship.map((l) => ({ skuId: l.skuId, quantity: l.quantity })), this.holdUntil(o), q, opts);
  }

  /**
   * The order's promotions recorded against their limits (a use per order ref, the same ref again
   * answering what it recorded): COUPON_LIMIT_REACHED and the like when a limit was reached since
   * the quote, PRICE_CHANGED when the discount is no longer the one confirmed. Nothing without
   * promotions wired, a discount or a coupon.
   */
  async redeemPromotions(q: Db, o: MallOrder, lines: MallOrderLine[]): Promise<void> {
    const promotions = this.deps.quotes.promotions;
    if (!promotions || o.held || (o.discountFen === 0 && !o.couponCode)) return;
    const r = await promotions.redeem(q, orderRef(Number(o.id)), this.deps.quotes.promotionInput(o.subscriberId, lines, o.goodsFen, o.couponCode ?? undefined, new Date(o.placedAt)));
    if (r.discountFen !== o.discountFen) throw new AppError('PRICE_CHANGED');
  }

  /** Each number card's chosen number, held for the order (NUMBER_TAKEN, NUMBER_NOT_FOUND). */
  async reserveNumbers(q: Db, o: OrderFacts['order'] | MallOrder, lines: readonly OrderFacts['lines'][number][]): Promise<void> {
    for (const l of lines) if (l.number) await this.deps.goods.numbers.reserve({ productId: l.productId, number: l.number, ref: orderRef(Number(o.id)), expiresAt: this.holdUntil(o) }, q);
  }

  /** Sets an order's columns (the workflow's steps, the payment and delivery callbacks). */
  async update(q: Db, id: number, set: OrderUpdate, from?: readonly OrderState[]): Promise<MallOrder | undefined> {
    let u = q.updateTable('mallOrder').set({ ...set, updatedAt: this.deps.clock.now() }).where('id', '=', id);
    if (from) u = u.where('state', 'in', [...from]);
    return u.returningAll().executeTakeFirst();
  }

  /**
   * A refund of a payment recorded on the order it paid for, in the refund's transaction (the
   * payment's `refunded`): the order's refunded totals copied from the payment after it, and the
   * order refunded once every fen and point is back (from any of REFUNDABLE_STATES). Nothing for a
   * payment that did not pay the order (paid late, or a second one: it was refunded as `gone`).
   * The order's row is locked, so shipping or a return asked for at once sees one or the other.
   */
  async recordRefund(q: Db, p: { id: string; orderId: number; amountFen: number; points: number; refundedFen: number; refundedPoints: number }): Promise<{ order: MallOrder; refunded: boolean } | undefined> {
    const o = await this.row(p.orderId, q, true);
    if (!o || o.paymentId !== p.id || !o.paidAt) return undefined;
    const refunded = p.refundedFen === p.amountFen && p.refundedPoints === p.points && REFUNDABLE_STATES.includes(o.state);
    const order = await this.update(q, p.orderId, { refundedFen: p.refundedFen, refundedPoints: p.refundedPoints, ...(refunded ? { state: 'refunded' as const } : {}) });
    return { order: order!, refunded };
  }

  async setLineCodes(q: Db, lineId: number, codes: string[]): Promise<void> {
    await q.updateTable('mallOrderLine').set({ codes: JSON.stringify(codes) }).where('id', '=', lineId).execute();
  }

  /** The order's lines with codes show them voided from now (the goods module revoked them: the order was refunded in full). */
  async voidLineCodes(q: Db, orderId: number): Promise<void> {
    await q.updateTable('mallOrderLine').set({ codesVoidedAt: this.deps.clock.now() }).where('orderId', '=', orderId).where('codes', 'is not', null).where('codesVoidedAt', 'is', null).execute();
  }

  /**
   * Orders paid before they kept their refunded totals (marked by migration 0004): the payment
   * service tells each again where its refunds stand (`payments.replayRefunded`, which runs the
   * payment's `refunded` callback as a refund would: the totals copied, the order refunded in full
   * with all that follows), then the mark is cleared. Safe on every node at once (the payment's row
   * is held while it tells, and hearing it twice changes nothing more); the mall sweep runs it, an
   * index probe once none is left.
   */
  async catchUpRefunds(limit = 100): Promise<number> {
    const due = await this.deps.db.selectFrom('mallOrder').select(['id', 'paymentId']).where('refundsUnchecked', '=', true).orderBy('id').limit(limit).execute();
    for (const o of due) {
      if (o.paymentId) await this.deps.payments.replayRefunded(o.paymentId);
      await this.deps.db.updateTable('mallOrder').set({ refundsUnchecked: false }).where('id', '=', o.id).execute();
    }
    return due.length;
  }

  /**
   * Completes (已完成) the signed-for orders whose seven-day return window (七天无理由, delivery's
   * `returnDeadline`) has closed with no return open: after it no return can be asked for, so the
   * order is done. An order with a return still open waits for it (a rejected one completes at the
   * next sweep; a refunded one is returned or refunded instead). Every node runs it with the mall
   * sweep: each order moves by a conditional update (delivered → completed), so two nodes at once
   * complete it once. Returns how many were completed.
   */
  async completeDue(limit = 100): Promise<number> {
    const at = this.deps.clock.now();
    // The window is at least RETURN_DAYS whole days: older deliveries are the candidates, each checked exactly.
    const rows = await this.deps.db.selectFrom('mallOrder').select(['id', 'shipmentId', 'deliveredAt']).where('state', '=', 'delivered')
      .where('deliveredAt', '<=', new Date(at.getTime() - RETURN_DAYS * 86_400_000)).orderBy('deliveredAt').orderBy('id').limit(limit).execute();
    let done = 0;
    for (const r of rows) {
      if (!r.deliveredAt || returnDeadline(new Date(r.deliveredAt)).getTime() > at.getTime()) continue;
      if (r.shipmentId && (await this.deps.delivery.returnsOf(Number(r.shipmentId))).some((x) => OPEN_RETURN_STATES.includes(x.state))) continue;
      if (await this.update(this.deps.db, Number(r.id), { state: 'completed' }, ['delivered'])) done++;
    }
    return done;
  }

  /**
   * Gives back the payments of orders undone after they were paid (written by the undoing, run
   * after it commits: a refund needs its own transaction). A refund already made answers
   * REFUND_NOT_ALLOWED, so two nodes at once refund once. Every node runs it with the expiry sweep.
   */
  async refundUndone(limit = 50): Promise<number> {
    const due = await this.deps.db.selectFrom('mallOrder').select(['id', 'refundDue']).where('refundDue', 'is not', null).orderBy('id').limit(limit).execute();
    for (const o of due) {
      try {
        await this.deps.payments.refund(SYSTEM_ACTOR, o.refundDue!, { reason: `order_undone:${o.id}` });
      } catch (e) {
        if (!(e instanceof AppError && e.code === 'REFUND_NOT_ALLOWED')) throw e;
      }
      await this.deps.db.updateTable('mallOrder').set({ refundDue: null, updatedAt: this.deps.clock.now() }).where('id', '=', o.id).where('refundDue', '=', o.refundDue).execute();
    }
    return due.length;
  }
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERRORS, code);
}
