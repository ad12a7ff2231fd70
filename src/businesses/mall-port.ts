// The mall as the mall businesses reach it (MallPort, src/businesses/registry.ts): the goods a text
// channel may sell, one SKU bought as an order paid from the phone balance, and the latest orders.
// Thin over the goods and checkout modules' public services; wired in src/container.ts.
import type { Db } from '../platform/db/index.ts';
import { AppError } from '../platform/errors.ts';
import { l10n } from '../platform/i18n.ts';
import type { Checkout, OrderSourceHandler, OrderView } from '../modules/checkout/index.ts';
import { MALL_CHANNELS, type Goods, type MallChannel } from '../modules/goods/index.ts';
import type { MallItem, MallOrderBrief, MallPort } from './registry.ts';

/**
 * The `source` prefix of the orders a channel places for one SKU (`channel:sms`). They are
 * checkout's held orders (placed, then paid) of goods with no stock of their own to hold or
 * release, so their seller has nothing to do when they are paid or closed.
 */
export const CHANNEL_ORDER_SOURCE = 'channel:';
export const channelOrders: OrderSourceHandler = {
  async paid() {},
  async released() {},
};

/** What a text channel may sell: goods delivered without an address (a code, a credit, a catalogue offering). */
const TEXT_DELIVERIES: ReadonlySet<string> = new Set(['code', 'credit', 'subscribe']);
/** Listed at most: a USSD screen's worth of pages, an SMS of the first few. */
const MAX_LISTED = 30;

const isMallChannel = (c: string): c is MallChannel => (MALL_CHANNELS as readonly string[]).includes(c);

function brief(o: OrderView): MallOrderBrief {
  return {
    id: o.id, orderNo: o.orderNo, state: o.state, totalFen: o.totalFen, placedAtLocal: o.placedAtLocal,
    // Codes revoked with a full refund are not shown as if they could still be used.
    lines: o.lines.map((l) => ({ names: l.names, quantity: l.quantity, delivery: l.delivery, ...(l.codes && !l.codesVoidedAt ? { codes: l.codes } : {}) })),
  };
}

/**
 * Runs `work` after any earlier work under the same key on this node has ended, so two requests
 * with one key never interleave here (across nodes, the order's and the payment's own keys keep it
 * to one order and one charge).
 */
const inFlight = new Map<string, Promise<unknown>>();
async function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const run = (inFlight.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
  inFlight.set(key, run);
  try {
    return await run;
  } finally {
    if (inFlight.get(key) === run) inFlight.delete(key);
  }
}

export function mallPort(deps: () => { db: Db; goods: Goods; checkout: Checkout }): MallPort {
  return {
    async listed(channel) {
      // TMF and the open API sell as `api`, as the catalogue's availability does.
      const sold = channel === 'tmf' ? 'api' : channel;
      if (!isMallChannel(sold)) return [];
      const { goods } = deps();
      const { items } = await goods.products.list({ channel: sold }, { offset: 0, limit: 100 });
      // Oldest first, so the numbers a subscriber is shown stay put when a product is added.
      const products = items.filter((p) => TEXT_DELIVERIES.has(p.delivery)).sort((a, b) => a.id - b.id);
      const stock = await goods.stock(products);
      const out: MallItem[] = [];
      for (const p of products) {
        for (const s of p.skus) {
          // Points gifts are paid in points, which the text channels do not take.
          if (s.points !== null) continue;
          const attrs = Object.values(s.attrs).join(' ');
          out.push({
            productId: p.id, skuId: s.id, code: s.code, kind: p.kind, delivery: p.delivery,
            names: attrs ? l10n(`${p.names['zh-CN']} ${attrs}`, `${p.names.en} ${attrs}`) : p.names,
            saleFen: s.saleFen, saleable: stock.get(s.id)?.saleable ?? null, offeringId: p.offeringId,
          });
        }
      }
      return out.slice(0, MAX_LISTED);
    },

    // One buy per subscriber and key at a time on this node: a confirmation delivered twice at
    // once waits for the first's answer and then reads the same order, instead of finding it still
    // unpaid mid-payment and closing it.
    buy: (input) => oneAtATime(`${input.subscriberId}:${input.idempotencyKey}`, () => buyOnce(input)),

    async latest(subscriberId, limit) {
      const { items } = await deps().checkout.orders.list(subscriberId, { offset: 0, limit });
      return items.map(brief);
    },
  };

  async function buyOnce({ subscriberId, channel, item, quantity, idempotencyKey }: Parameters<MallPort['buy']>[0]): Promise<MallOrderBrief> {
    const { db, checkout } = deps();
    const orders = checkout.orders;
    // The same key again finds the same order (placeHeld), and the same payment (pay). Two
    // requests with one key at once: the one that lost the insert (CONFLICT) reads the winner's.
    const place = () => db.transaction().execute((tx) => orders.placeHeld(tx, {
      subscriberId, source: `${CHANNEL_ORDER_SOURCE}${channel}`, idempotencyKey,
      lines: [{ productId: item.productId, skuId: item.skuId, quantity, unitFen: item.saleFen }],
    }));
    const placed = await place().catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'CONFLICT') return place();
      throw e;
    });
    if (placed.state === 'awaiting_payment') {
      try {
        await orders.pay(subscriberId, placed.id, { method: 'balance', confirm: true }, idempotencyKey);
      } catch (e) {
        // Refused with nothing charged (a balance too low): the order is closed so it waits for nothing.
        await orders.cancel(subscriberId, placed.id).catch(() => undefined);
        throw e;
      }
    }
    const o = await orders.get(placed.id);
    if (o.state === 'awaiting_payment') {
      // Paid, but the commit refused (the last code went to another order meanwhile): the payment
      // module has given the money back; the order is closed.
      await orders.cancel(subscriberId, placed.id).catch(() => undefined);
      // A pack's commit refuses only when it is held by then (subscribed on another channel meanwhile).
      if (item.delivery === 'subscribe') {
        throw new AppError('ALREADY_SUBSCRIBED', { detail: l10n(`您已订购${item.names['zh-CN']}，已退回扣款`, `You already have ${item.names.en}; the payment was given back`) });
      }
      throw new AppError('OUT_OF_STOCK', { detail: l10n(`${item.names['zh-CN']}已售罄，已退回扣款`, `${item.names.en} has just sold out; the payment was given back`) });
    }
    if (o.state === 'cancelled' || o.state === 'expired') {
      throw new AppError('ORDER_NOT_PAYABLE', { detail: l10n(`订单${o.orderNo}未能支付，已取消，未扣费`, `Order ${o.orderNo} could not be paid and is cancelled; nothing was charged`) });
    }
    return brief(o);
  }
}
