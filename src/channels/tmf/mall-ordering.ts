// The mall's orders as TMF622 productOrders, for the operator's other systems: read-only (they are
// placed in the halls, on SMS and USSD), told apart from the catalogue's orders by the id prefix
// `mall-` and `category: "mall"`. Each order line is a productOrderItem with its quantity and
// its prices in the TMF Price shape (yuan from integer fen).
import type { OrderView } from '../../modules/checkout/index.ts';
import type { Services } from '../../container.ts';
import { fenToYuanNumber } from '../../platform/money.ts';
import type { Lang } from '../../platform/i18n.ts';
import { href } from './common.ts';
import { customerHref } from './customer.ts';

export const MALL_CATEGORY = 'mall';
const PREFIX = 'mall-';

/** `mall-123` → 123; undefined for any other id (a catalogue order's). */
export function mallOrderIdOf(id: string): number | undefined {
  const m = /^mall-([1-9]\d{0,15})$/.exec(id);
  return m ? Number(m[1]) : undefined;
}

export type TmfOrderState = 'acknowledged' | 'inProgress' | 'completed' | 'cancelled' | 'failed';

/**
 * An order's state in TMF622 terms: awaiting payment → acknowledged; paid and on its way (or
 * awaiting delivery, cash on delivery) → inProgress; delivered or completed → completed;
 * cancelled by the subscriber, expired, returned or refunded → cancelled; cancelled because a step
 * refused it (the balance too low, the last codes gone: the run's error) → failed.
 */
export function tmfOrderState(o: Pick<OrderView, 'state' | 'workflow'>): TmfOrderState {
  switch (o.state) {
    case 'awaiting_payment': return 'acknowledged';
    case 'awaiting_delivery': case 'paid': case 'shipped': return 'inProgress';
    case 'delivered': case 'completed': return 'completed';
    // The run's error: a refusal's code, or `timeout` / `cancelled:<who>` for an order closed unrefused.
    case 'cancelled': return o.workflow.error && o.workflow.error !== 'timeout' && !o.workflow.error.startsWith('cancelled:') ? 'failed' : 'cancelled';
    case 'expired': case 'returned': case 'refunded': return 'cancelled';
  }
}

const price = (fen: number) => ({ '@type': 'Price' as const, taxIncludedAmount: { unit: 'CNY' as const, value: fenToYuanNumber(fen) } });

/** The order as a TMF622 ProductOrder (the fields the catalogue's orders have, and the mall's prices). */
export function toMallProductOrder(o: OrderView, orderPath: string, lang: Lang) {
  const state = tmfOrderState(o);
  const last = o.deliveredAt ?? o.paidAt ?? o.placedAt;
  const channel = o.source.startsWith('channel:') ? o.source.slice('channel:'.length) : o.source.startsWith('flash:') ? 'flash-sale' : 'hall';
  return {
    id: `${PREFIX}${o.id}`,
    href: href(orderPath, `${PREFIX}${o.id}`),
    category: MALL_CATEGORY,
    description: lang === 'en' ? `Mall order ${o.orderNo}` : `商城订单${o.orderNo}`,
    state,
    orderDate: o.placedAt,
    ...(state === 'completed' && o.deliveredAt ? { completionDate: o.deliveredAt } : {}),
    lastUpdate: last,
    channel: [{ role: 'orderCapture', channel: { id: channel, name: channel, '@referredType': 'SalesChannel' }, '@type': 'RelatedChannel' as const }],
    relatedParty: [{ id: String(o.subscriberId), href: customerHref(String(o.subscriberId)), role: 'Customer', '@referredType': 'Customer' }],
    orderTotalPrice: [{ '@type': 'OrderPrice' as const, name: 'total', priceType: 'oneTime' as const, price: price(o.totalFen) }],
    productOrderItem: o.lines.map((l) => ({
      id: String(l.lineId),
      action: 'add' as const,
      quantity: l.quantity,
      state,
      product: {
        '@type': 'Product' as const,
        name: l.names[lang],
        productCharacteristic: [
          { name: 'productId', valueType: 'string', value: String(l.productId) },
          { name: 'skuId', valueType: 'string', value: String(l.skuId) },
          ...Object.entries(l.attrs).map(([name, value]) => ({ name, valueType: 'string', value })),
        ],
      },
      itemPrice: [{ '@type': 'OrderPrice' as const, name: 'unit', priceType: 'oneTime' as const, price: price(l.unitFen) }],
      itemTotalPrice: [{ '@type': 'OrderPrice' as const, name: 'line', priceType: 'oneTime' as const, price: price(l.lineFen) }],
      '@type': 'ProductOrderItem' as const,
    })),
    // What of the money part went back (a partial refund leaves the order in progress or completed; all of it, with the points: refunded, cancelled).
    omnihall: { orderNo: o.orderNo, state: o.state, ...(o.refundedFen > 0 ? { refundedPrice: price(o.refundedFen) } : {}) },
    '@type': 'ProductOrder' as const,
  };
}

/** The order states a TMF state is read from (failed and cancelled then told apart by the run). */
const ROW_STATES: Record<TmfOrderState, readonly OrderView['state'][]> = {
  acknowledged: ['awaiting_payment'],
  inProgress: ['awaiting_delivery', 'paid'],
  completed: ['delivered', 'completed'],
  cancelled: ['cancelled', 'expired', 'returned', 'refunded'],
  failed: ['cancelled'],
};
const TMF_STATES = Object.keys(ROW_STATES) as TmfOrderState[];

/** Orders read through checkout's search at most, for a filter it cannot apply itself. */
export const MAX_SCANNED = 1000;

/**
 * One page of the mall's orders, newest first: of one subscriber or of the named customers (none:
 * every order, for agents), in any of `states`. Without a state filter and for at most one
 * customer checkout's own paging answers; otherwise the newest MAX_SCANNED orders of each
 * customer and state are read and filtered.
 */
export async function mallOrders(s: Pick<Services, 'checkout'>, f: { customers?: number[]; states?: string[] }, p: { offset: number; limit: number }): Promise<{ rows: OrderView[]; total: number }> {
  const orders = s.checkout.orders;
  const customers: (number | undefined)[] = f.customers ?? [undefined];
  const wanted = f.states?.filter((x): x is TmfOrderState => (TMF_STATES as string[]).includes(x));
  if (f.states && !wanted?.length) return { rows: [], total: 0 };
  if (!wanted && customers.length === 1) {
    const r = await orders.search({ subscriberId: customers[0] }, p);
    return { rows: r.items, total: r.total };
  }
  const rowStates = wanted ? [...new Set(wanted.flatMap((w) => ROW_STATES[w]))] : [undefined];
  const found = new Map<number, OrderView>();
  for (const subscriberId of customers) {
    for (const state of rowStates) {
      for (let offset = 0; offset < MAX_SCANNED; offset += 100) {
        const r = await orders.search({ subscriberId, state }, { offset, limit: 100 });
        for (const o of r.items) if (!wanted || wanted.includes(tmfOrderState(o))) found.set(o.id, o);
        if (r.items.length < 100) break;
      }
    }
  }
  const rows = [...found.values()].sort((a, b) => b.placedAt.localeCompare(a.placedAt) || b.id - a.id);
  return { rows: rows.slice(p.offset, p.offset + p.limit), total: rows.length };
}
