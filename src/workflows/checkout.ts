// The checkout workflow (docs/mall.md, "Checkout: orders"): an order's steps from placed to paid,
// each with its compensation, on the platform's runner, and the payment's and delivery's
// callbacks that move it on.
//
//   open-order → reserve-stock → reserve-numbers → redeem-promotions → create-payment (remote;
//   waits until payBy) → commit
//
// Placing writes the order and begins the run in one transaction, where the local steps up to the
// payment take the order's stock, numbers and promotions (a refusal leaves nothing); each owns
// its release. The payment's `paid` resumes the run inside the settling
// transaction, so the order is committed with the payment or not at all; after payBy the run is
// undone in reverse and a late payment answered `gone`, which the payment module refunds. Once
// every fen and point of the order's payment is refunded (by staff, or after a return), the
// refund's own transaction moves the order to refunded, and it goes no further.
import type { Db } from '../platform/db/index.ts';
import { withSavepoint } from '../platform/db/index.ts';
import { AppError } from '../platform/errors.ts';
import { l10n } from '../platform/i18n.ts';
import { SYSTEM_ACTOR } from '../platform/audit.ts';
import type { Step, WorkflowRunner } from '../platform/workflow/index.ts';
import type { Goods } from '../modules/goods/index.ts';
import type { InventoryService } from '../modules/inventory/index.ts';
import type { Payment, Payments } from '../modules/payment/index.ts';
import type { Delivery, ReturnRequest, Shipment } from '../modules/delivery/index.ts';
import type { Bss } from '../modules/subscriber/index.ts';
import { CHECKOUT_WORKFLOW, ORDER_REF, orderIdOf, orderRef, type OrderFacts, type OrderService, type OrderSources, type PromotionPort, type QuoteService, type MallOrderLine } from '../modules/checkout/index.ts';

/** The run's data: the order, and the payment that paid it (set by `paid`). */
export type CheckoutData = Partial<OrderFacts> & {
  orderId: number;
  paymentId?: string;
  paid?: { paymentId: string; method: string; points: number; pointsFen: number; amountFen: number; paidAt: string };
};

export interface CheckoutDeps {
  db: Db;
  runner: WorkflowRunner;
  orders: OrderService;
  sources: OrderSources;
  quotes: QuoteService;
  goods: Goods;
  inventory: InventoryService;
  payments: Payments;
  delivery: Delivery;
  promotions?: PromotionPort;
  /**
   * The core's subscriptions and ledger in the commit's transaction: a catalogue offering bought
   * in the mall (`subscribe`) is subscribed, a recharge card credited at once (`credit`) tops up
   * the balance by its face value. Paid already through the order's payment: nothing is charged here.
   */
  core: (q: Db) => Pick<Bss, 'offering' | 'subscribe' | 'recharge'>;
}

/** The warehouse a parcel leaves from when the order holds no stock of its own (a number card's SIM). */
const DEFAULT_WAREHOUSE = 'GZ';

const shippedLine = (l: MallOrderLine) => l.delivery === 'ship';

/**
 * What a line that is neither shipped nor coded gives at commit: a catalogue offering's
 * subscription (ALREADY_SUBSCRIBED or OFFERING_NOT_FOUND refuse the commit, and the payment goes
 * back), or a recharge card's face value (its list price) on the balance. Other credited goods
 * (a cloud-storage year) are the partner's to grant; the paid order line is their record.
 */
async function creditLine(d: CheckoutDeps, q: Db, o: { subscriberId: number; orderNo: string }, l: MallOrderLine, at: Date): Promise<void> {
  const core = d.core(q);
  if (l.delivery === 'subscribe') {
    const { offeringId } = await d.goods.products.get(l.productId, {}, q);
    const offering = offeringId ? await core.offering(offeringId) : undefined;
    if (!offering) throw new AppError('OFFERING_NOT_FOUND');
    await core.subscribe(o.subscriberId, offering, at);
  } else if (l.delivery === 'credit' && l.kind === 'recharge_card') {
    const { sku } = await d.goods.products.sku(l.productId, l.skuId, {}, q);
    await core.recharge(o.subscriberId, sku.listFen * l.quantity, {
      channel: 'mall', reference: `${orderRef(Number(l.orderId))}:line:${l.id}`, at,
      noteZh: `商城充值卡到账（订单${o.orderNo}）`, noteEn: `Recharge card credited (order ${o.orderNo})`,
    });
  }
}

export function defineCheckout(d: CheckoutDeps): void {
  const load = async (q: Db, id: number) => {
    const o = await d.orders.row(id, q);
    if (!o) throw new Error(`order ${id} is gone`);
    return { o, lines: await d.orders.lineRows(id, q) };
  };
  // The order's facts as placed, from the run's data (a run started without them reads the rows).
  const facts = async (q: Db, data: CheckoutData): Promise<OrderFacts> => {
    if (data.order && data.lines) return { order: data.order, lines: data.lines };
    const { o, lines } = await load(q, data.orderId);
    return {
      order: { id: Number(o.id), held: o.held, payBy: new Date(o.payBy).toISOString(), subscriberId: o.subscriberId, method: o.method, totalFen: o.totalFen, points: o.points, subject: await d.orders.subject(o, lines) },
      lines,
    };
  };

  const steps: Step<CheckoutData>[] = [
    {
      name: 'open-order',
      // The order was written when it was placed; undoing the run closes it.
      async run() {},
      async compensate({ q, data, reason }) {
        const why = reason === 'timeout' ? 'expired' : 'cancelled';
        const closed = await d.orders.update(q, data.orderId, { state: why }, ['awaiting_payment']);
        if (closed) await d.sources.of(closed.source)?.released(q, await d.orders.view(closed, q), why);
      },
    },
    {
      name: 'reserve-stock',
      async run({ q, data, fresh }) {
        const f = await facts(q, data);
        await d.orders.reserveStock(q, f.order, f.lines, { fresh });
      },
      async compensate({ q, data }) {
        await d.inventory.release(orderRef(data.orderId), q);
      },
    },
    {
      name: 'reserve-numbers',
      async run({ q, data }) {
        const f = await facts(q, data);
        await d.orders.reserveNumbers(q, f.order, f.lines);
      },
      async compensate({ q, data }) {
        for (const l of (await facts(q, data)).lines) if (l.number) await d.goods.numbers.release(l.number, orderRef(data.orderId), q);
      },
    },
    ...(d.promotions ? [redeemPromotions(d, d.promotions)] : []),
    {
      name: 'create-payment',
      remote: true,
      // Outside the run's transaction (the payment writes in its own), keyed by the order, so a
      // retry after a crash is the same payment. Paid at once (the balance, points), its `paid`
      // comes inside this call, and the payment's settling transaction completes this step and
      // commits the order (`completedByResume`); cash on delivery does not wait at all.
      completedByResume: true,
      async run({ q, data }) {
        const { order: o } = await facts(q, data);
        if (!o.method) return { waitUntil: new Date(o.payBy) }; // a held order: paid through POST /mall/orders/{id}/payment
        const r = await d.payments.create({
          subscriberId: o.subscriberId, orderRef: orderRef(data.orderId), method: o.method as Payment['method'], totalFen: o.totalFen, points: o.points,
          subject: o.subject, idempotencyKey: `${orderRef(data.orderId)}:checkout`,
        });
        // Paid and committed already, the order has it.
        if (r.payment.state !== 'paid') await d.orders.update(q, data.orderId, { paymentId: r.payment.id });
        if (o.method === 'cod') return { data: { paymentId: r.payment.id } };
        return { data: { paymentId: r.payment.id }, waitUntil: new Date(o.payBy) };
      },
      // A payment already paid is given back once the undoing commits (the refund needs its own
      // transaction); one not paid yet is answered `gone` if it ever is, and refunded then.
      async compensate({ q, data }) {
        const o = await d.orders.row(data.orderId, q);
        const paymentId = data.paid?.paymentId ?? o?.paymentId;
        if (!paymentId) return;
        const p = await d.payments.get(paymentId, q);
        if (p.state === 'paid' || p.state === 'partially_refunded') await d.orders.update(q, data.orderId, { refundDue: paymentId });
      },
    },
    {
      name: 'commit',
      // In the payment's settling transaction (or the run's, when it was paid at once): codes
      // first (they put back what they took when too few are left, so a refusal writes nothing),
      // then the stock and the numbers, the shipment, and the order paid.
      async run({ q, data, at }) {
        const { o, lines } = await load(q, data.orderId);
        const ref = orderRef(data.orderId);
        for (const l of lines) if (l.delivery === 'code') await d.orders.setLineCodes(q, Number(l.id), await d.goods.codes.issue(l.skuId, ref, l.quantity, q));
        const committed = !o.held && lines.some(shippedLine) ? await d.inventory.commit(ref, q) : [];
        for (const l of lines) if (l.number) await d.goods.numbers.sell(l.number, ref, q);
        const paidAt = data.paid ? new Date(data.paid.paidAt) : at;
        for (const l of lines) await creditLine(d, q, o, l, paidAt);
        const cod = o.method === 'cod';
        let shipmentId: number | null = null;
        if (lines.some((l) => l.delivery === 'ship' || l.delivery === 'number')) {
          const s = await d.delivery.createShipment(ref, { subscriberId: o.subscriberId, warehouse: committed[0]?.warehouseId ?? DEFAULT_WAREHOUSE, address: o.address!, codFen: cod ? o.payFen : 0 }, q);
          shipmentId = s.id;
        }
        const paid = data.paid;
        const after = await d.orders.update(q, data.orderId, {
          state: cod ? 'awaiting_delivery' : shipmentId ? 'paid' : 'completed',
          shipmentId,
          ...(paid ? { paymentId: paid.paymentId, method: paid.method, points: paid.points, pointsFen: paid.pointsFen, payFen: paid.amountFen, paidAt: new Date(paid.paidAt) } : {}),
          ...(!shipmentId && !cod ? { deliveredAt: paid ? new Date(paid.paidAt) : at } : {}),
        });
        const seller = d.sources.of(o.source);
        if (!cod && seller) await seller.paid(q, await d.orders.view(after!, q));
      },
    },
  ];
  d.runner.define<CheckoutData>({ name: CHECKOUT_WORKFLOW, steps });
  d.orders.stepNames = steps.map((s) => s.name);

  // ---- The payment's callbacks ------------------------------------------------------------------
  d.payments.register(ORDER_REF, {
    async describe(q, ref, subscriberId) {
      const id = orderIdOf(ref);
      const o = id === undefined ? undefined : await d.orders.row(id, q);
      if (!o || o.subscriberId !== subscriberId || o.state !== 'awaiting_payment') return undefined;
      return { totalFen: o.totalFen, subject: await d.orders.subject(o) };
    },
    // In the refund's transaction: the order records what went back, and a return's refund (its
    // reason `return:<id>`) marks that return refunded. Once it is all back the order is refunded:
    // a parcel not handed over yet is cancelled (out of the warehouse's queue, its goods back on the
    // shelf), a number card's number not yet bound goes back to the pool (a SIM on its way is not
    // activated; one bound on signing stays its subscriber's), the codes issued are revoked, and a
    // seller of held stock hears of it. The parcel's row is taken before the order's, as shipping
    // and the carrier's events take them, so neither waits on the other in a circle.
    async refunded(q, p, refund) {
      const id = orderIdOf(p.orderRef);
      if (id === undefined) return;
      const all = p.refundedFen === p.amountFen && p.refundedPoints === p.points;
      const placed = all ? await d.orders.row(id, q) : undefined;
      const parcel = placed?.shipmentId ? await d.delivery.get(Number(placed.shipmentId), q, true) : undefined;
      const r = await d.orders.recordRefund(q, { id: p.id, orderId: id, amountFen: p.amountFen, points: p.points, refundedFen: p.refundedFen, refundedPoints: p.refundedPoints });
      const ofReturn = /^return:(\d+)$/.exec(refund.reason);
      if (r && ofReturn && r.order.shipmentId) await d.delivery.returnRefunded(q, Number(ofReturn[1]), Number(r.order.shipmentId));
      if (!r?.refunded) return;
      const o = r.order;
      const lines = await d.orders.lineRows(id, q);
      if (parcel && await d.delivery.cancel(q, parcel.id, l10n(`订单${o.orderNo}已全额退款`, `order ${o.orderNo} was refunded in full`))) {
        for (const l of lines) {
          if (shippedLine(l)) await d.inventory.putBack(q, SYSTEM_ACTOR, { skuId: l.skuId, warehouseId: parcel.warehouse, quantity: l.quantity, reason: `退款未发货入库 ${p.orderRef} (${o.orderNo})` });
        }
      }
      for (const l of lines) if (l.number) await d.goods.numbers.release(l.number, p.orderRef, q);
      if (lines.some((l) => l.codes?.length) && (await d.goods.codes.revoke(p.orderRef, q)).length) await d.orders.voidLineCodes(q, id);
      await d.sources.of(o.source)?.released(q, await d.orders.view(o, q), 'refunded');
    },
    // In the settling transaction. The run's remaining steps (commit) run here; the order expired
    // or already paid by another payment: `gone`, and this payment is refunded.
    async paid(q, p) {
      const id = orderIdOf(p.orderRef);
      const o = id === undefined ? undefined : await d.orders.row(id, q);
      if (!o) return 'gone';
      if (o.method === 'cod' && o.paymentId === p.id) {
        // Cash on delivery: the order was committed when placed; now it is paid too.
        await d.orders.update(q, Number(o.id), { paidAt: p.paidAt ?? new Date() });
        return 'ok';
      }
      const paid = { paymentId: p.id, method: p.method, points: p.points, pointsFen: p.pointsFen, amountFen: p.amountFen, paidAt: new Date(p.paidAt ?? p.updatedAt).toISOString() };
      try {
        const r = await withSavepoint(q, (sq) => d.runner.resume(sq, CHECKOUT_WORKFLOW, p.orderRef, { paid }));
        if (r === 'gone') return 'gone';
        if (r === 'completed') return o.paymentId === p.id && o.paidAt ? 'ok' : 'gone';
        return 'ok';
      } catch (e) {
        // The commit refused (the last codes went to another order meanwhile): this payment goes back.
        if (e instanceof AppError) return 'gone';
        throw e;
      }
    },
  });

  // ---- The delivery's callbacks ----------------------------------------------------------------
  const orderOf = async (q: Db, s: Shipment, lock = false) => {
    const id = orderIdOf(s.orderRef);
    const o = id === undefined ? undefined : await d.orders.row(id, q, lock);
    if (!o) throw new Error(`no order for shipment ${s.id}`);
    return o;
  };
  d.delivery.register(ORDER_REF, {
    // Signed for: delivered, and a number card's number bound to the buyer; unless the order was
    // refunded in full meanwhile: it stays refunded and its number is not bound (it went back to the pool).
    async delivered(q, s) {
      const o = await orderOf(q, s);
      const deliveredAt = s.deliveredAt ?? new Date();
      const moved = await d.orders.update(q, Number(o.id), { state: 'delivered', deliveredAt }, ['paid', 'awaiting_delivery']);
      if (!moved) await d.orders.update(q, Number(o.id), { deliveredAt });
      for (const l of await d.orders.lineRows(Number(o.id), q)) {
        if (l.number) await (o.state === 'refunded' ? d.goods.numbers.release(l.number, s.orderRef, q) : d.goods.numbers.bind(l.number, s.orderRef, o.subscriberId, q));
      }
    },
    async afterDelivered(s) {
      const o = await orderOf(d.db, s);
      if (o.method !== 'cod' || !o.paymentId || o.paidAt) return;
      try {
        await d.payments.settleOnDelivery(o.paymentId);
      } catch (e) {
        if (!(e instanceof AppError && e.code === 'PAYMENT_NOT_PAYABLE')) throw e;
      }
    },
    // In the transaction that receives the goods (once per return): the shipped goods back in
    // stock, the order returned, and the refund decided — the returned lines' share of what was
    // paid in money (the payment gives the points back in proportion), the whole order when the
    // return names no lines, never more than is left to give back; nothing for cash never taken,
    // nor for an order refunded in full already (it stays refunded).
    async returned(q, s, r: ReturnRequest) {
      const o = await orderOf(q, s, true);
      const lines = await d.orders.lineRows(Number(o.id), q);
      const back = r.lines.length ? r.lines : lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity }));
      for (const b of back) {
        const l = lines.find((x) => x.skuId === b.skuId);
        const quantity = Math.min(b.quantity, l?.quantity ?? 0);
        if (!l || !shippedLine(l) || quantity < 1) continue;
        await d.inventory.putBack(q, SYSTEM_ACTOR, { skuId: l.skuId, warehouseId: s.warehouse, quantity, reason: `退货入库 return:${r.id} (${o.orderNo})` });
      }
      if (o.state === 'refunded') return { refundFen: 0 };
      await d.orders.update(q, Number(o.id), { state: 'returned' });
      if (!o.paidAt || !o.paymentId) return { refundFen: 0 };
      const left = o.payFen - o.refundedFen;
      if (!r.lines.length) return { refundFen: left };
      const fen = r.lines.reduce((n, rl) => n + Math.min(rl.quantity, lines.find((l) => l.skuId === rl.skuId)?.quantity ?? 0) * (lines.find((l) => l.skuId === rl.skuId)?.unitFen ?? 0), 0);
      return { refundFen: Math.min(left, Math.floor((fen * o.payFen) / Math.max(1, o.goodsFen))) };
    },
    // After that commit: the refund decided, once per return (its reason names the return), and
    // where it stands: refunding until it is paid out (a second person's approval above the
    // threshold, the provider), when the refund's own transaction marks the return refunded and,
    // once every fen is back, the order. Under a key made of the return and how many of its refunds
    // failed or were rejected, so two staff running it at once ask once (the payment's row lock and
    // its unique key per payment), and a refund rejected or failed may be asked for again.
    async refund(s, r, actor) {
      const o = await orderOf(d.db, s);
      if (!o.paymentId || !((r.refundFen ?? 0) > 0)) return 'refunded';
      const reason = `return:${r.id}`;
      const tried = (await d.payments.history(o.paymentId)).refunds.filter((x) => x.reason === reason);
      const ended = tried.filter((x) => x.state === 'rejected' || x.state === 'failed').length;
      const refund = tried.find((x) => x.state !== 'rejected' && x.state !== 'failed')
        ?? (await d.payments.requestRefund(actor.id === SYSTEM_ACTOR.id ? SYSTEM_ACTOR : actor, o.paymentId, { amountFen: r.refundFen!, reason, idempotencyKey: ended ? `${reason}:${ended}` : reason })).refund;
      if (refund.state === 'failed' || refund.state === 'rejected') throw new AppError('PAYMENT_PROVIDER_FAILED');
      return refund.state === 'succeeded' ? 'refunded' : 'refunding';
    },
    // An order refunded in full is neither shipped nor returned.
    async refusal(q, s, action) {
      if ((await orderOf(q, s, true)).state !== 'refunded') return undefined;
      return new AppError('ORDER_REFUNDED', {
        detail: action === 'ship'
          ? l10n('该订单已全额退款，包裹不再发出', 'The order has been refunded in full: the parcel is not to be shipped')
          : l10n('该订单已全额退款，无需退货', 'The order has been refunded in full: there is nothing left to return it for'),
      });
    },
  });
}

/** Records the order's promotions against their limits (placing did, so this finds them recorded); the compensation gives the uses back. */
function redeemPromotions(d: CheckoutDeps, promotions: PromotionPort): Step<CheckoutData> {
  return {
    name: 'redeem-promotions',
    async run({ q, data }) {
      if (data.order?.discounted === false) return;
      const o = await d.orders.row(data.orderId, q);
      if (o) await d.orders.redeemPromotions(q, o, await d.orders.lineRows(data.orderId, q));
    },
    async compensate({ q, data }) {
      await promotions.release(q, orderRef(data.orderId));
    },
  };
}
