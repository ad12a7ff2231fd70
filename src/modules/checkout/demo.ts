// The demo operator's past orders (`npm start`): 李明 (13800000001) with an order in every state
// — completed, delivered, shipped, paid and waiting for the warehouse, cash on delivery, awaiting
// payment, cancelled, expired, refunded after a return — placed through the real checkout from his
// cart over the last two weeks, paid from a balance he first topped up on the sandbox gateway's
// page, shipped, signed for and returned through the delivery module. The caller hands in
// services built on a clock this moves (src/main.ts); written once, whichever node starts first.
import type { Db } from '../../platform/db/index.ts';
import type { ManualClock } from '../../platform/ports.ts';
import { SYSTEM_ACTOR } from '../../platform/audit.ts';
import type { CartService } from '../cart/index.ts';
import type { Delivery } from '../delivery/index.ts';
import type { Goods, ProductView } from '../goods/index.ts';
import type { PaidRecharges, Payments, PaymentMethod } from '../payment/index.ts';
import type { WorkflowRunner } from '../../platform/workflow/index.ts';
import type { Checkout } from './checkout.ts';
import type { OrderView } from './orders.service.ts';

export interface DemoOrderServices {
  db: Db;
  clock: ManualClock;
  checkout: Checkout;
  cart: CartService;
  goods: Goods;
  payments: Payments;
  paidRecharges: PaidRecharges;
  delivery: Delivery;
  workflows: WorkflowRunner;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DEMO_MSISDN = '13800000001';
const HOME = { name: '李明', phone: DEMO_MSISDN, province: '广东省', city: '广州市', district: '天河区', detail: '天河路 385 号 12 楼' };
const KEY = 'demo-order-';

/**
 * Places the demo's orders once; `created` false when they were there already (another node's
 * first order is the claim), or there is no demo subscriber or shop.
 */
export async function seedDemoOrders(s: DemoOrderServices, now: Date): Promise<{ created: boolean }> {
  const me = await s.db.selectFrom('subscriber').select('id').where('msisdn', '=', DEMO_MSISDN).executeTakeFirst();
  if (!me) return { created: false };
  const listed: ProductView[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await s.goods.products.list({ listed: true }, { offset, limit: 100 });
    listed.push(...page.items);
    if (offset + 100 >= page.total) break;
  }
  const bySku = (code: string) => listed.find((p) => p.skus.some((k) => k.code === code));
  const g = { charger: bySku('ACC-HW-66W'), cable: bySku('ACC-IP15-CASE'), bank: bySku('ACC-MI-PB10K'), cloud: bySku('VIP-CLOUD-1T'), video: bySku('VIP-MIGU-1M'), sim: bySku('CARD-MZONE-5G') };
  if (Object.values(g).some((p) => !p)) return { created: false };
  return seed(s, me.id, now, g as Record<keyof typeof g, ProductView>);
}

async function seed(s: DemoOrderServices, subscriberId: number, now: Date, g: Record<'charger' | 'cable' | 'bank' | 'cloud' | 'video' | 'sim', ProductView>): Promise<{ created: boolean }> {
  const at = (daysAgo: number, hour = 10) => new Date(now.getTime() - daysAgo * DAY + (hour - 10) * HOUR);
  // The subscriber pays on the sandbox gateway's page; the gateway's signed notification reaches the payment module.
  const payOnPage = async (paymentId: string) => {
    const p = await s.payments.get(paymentId);
    const tradeNo = p.nextUrl!.split('/').pop()!;
    await s.payments.sandbox!.decide(tradeNo, true);
    await s.payments.notify('sandbox', s.payments.sandbox!.notification((await s.payments.sandbox!.trade(tradeNo))!, s.clock.now()));
  };
  // First his balance is topped up online (the orders below are paid from it, so each is paid
  // inside its own placing and no node's runner can time one out meanwhile).
  s.clock.set(at(13));
  const top = await s.paidRecharges.start({ subscriberId, amountFen: 100_000, method: 'sandbox', idempotencyKey: `${KEY}recharge` });
  if (top.replayed) return { created: false };
  s.clock.set(at(13, 11));
  await payOnPage(top.payment.id);

  let n = 0;
  const place = async (when: Date, lines: [ProductView, number][], method: PaymentMethod, extra: { numbers?: Record<string, string> } = {}): Promise<OrderView> => {
    s.clock.set(when);
    await s.cart.clear({ subscriberId });
    for (const [p, quantity] of lines) await s.cart.put({ subscriberId }, { productId: p.id, skuId: p.skus[0]!.id, quantity });
    const shipped = lines.some(([p]) => p.delivery === 'ship' || p.delivery === 'number');
    const quote = await s.checkout.orders.quote(subscriberId, { address: shipped ? HOME : undefined });
    const r = await s.checkout.orders.place(subscriberId, { address: shipped ? HOME : undefined, method, expectedTotalFen: quote.totalFen, confirm: true, ...extra }, `${KEY}${++n}`);
    return r.order;
  };
  const shipAt = async (o: OrderView, when: Date) => {
    s.clock.set(when);
    const sh = await s.delivery.ship(SYSTEM_ACTOR, (await s.checkout.orders.get(o.id)).shipmentId!, {});
    return sh.trackingNo!;
  };
  const event = async (tracking: string, state: 'in_transit' | 'delivered', when: Date, place: string) => {
    s.clock.set(when);
    await s.delivery.carrierEvent('demo', { eventId: `${tracking}-${state}`, trackingNo: tracking, state, at: when, place });
  };

  // Refunded: a power bank signed for ten days ago and sent back (七天无理由) two days later.
  const returned = await place(at(12), [[g.bank, 1]], 'balance');
  let t = await shipAt(returned, at(12, 16));
  await event(t, 'in_transit', at(11, 8), '广州转运中心');
  await event(t, 'delivered', at(10, 15), '广州市天河区');
  s.clock.set(at(8, 20));
  const ret = await s.delivery.requestReturn(subscriberId, (await s.checkout.orders.get(returned.id)).shipmentId!, { reason: '不想要了' }, `${KEY}return-1`);
  s.clock.set(at(8, 21));
  await s.delivery.approveReturn(SYSTEM_ACTOR, ret.request.id);
  s.clock.set(at(6, 11));
  await s.delivery.receiveReturn(SYSTEM_ACTOR, ret.request.id);

  // Completed: a cloud-storage year, credited the moment it was paid.
  await place(at(9, 21), [[g.cloud, 1]], 'balance');

  // Delivered: a charger and a 5G number card (its number bound to him on signing).
  const free = (await s.goods.numbers.available(g.sim.id, {}, { offset: 0, limit: 1 })).items[0]?.number;
  const delivered = await place(at(7), free ? [[g.charger, 1], [g.sim, 1]] : [[g.charger, 1]], 'balance', free ? { numbers: { [g.sim.skus[0]!.id]: free } } : {});
  t = await shipAt(delivered, at(7, 17));
  await event(t, 'in_transit', at(6, 9), '广州转运中心');
  await event(t, 'delivered', at(5, 14), '广州市天河区');

  // Expired: a video membership left unpaid on its pay page; fifteen minutes later the run undid it.
  const expired = await place(at(3, 22), [[g.video, 1]], 'sandbox');
  s.clock.set(new Date(new Date(expired.payBy).getTime() + 1_000));
  await s.workflows.tick();

  // Shipped: a phone case paid two days ago, on its way.
  const onItsWay = await place(at(2), [[g.cable, 1]], 'balance');
  t = await shipAt(onItsWay, at(1, 18));
  await event(t, 'in_transit', at(1, 23), '广州转运中心');

  // Cash on delivery, waiting for the warehouse.
  await place(at(1, 9), [[g.charger, 1]], 'cod');

  // Paid two hours ago, waiting for the warehouse.
  await place(at(0, 8), [[g.bank, 1]], 'balance');

  // Cancelled by him a few minutes after placing it.
  const cancelled = await place(new Date(now.getTime() - 9 * 60_000), [[g.cable, 2]], 'sandbox');
  s.clock.set(new Date(now.getTime() - 7 * 60_000));
  await s.checkout.orders.cancel(subscriberId, cancelled.id);

  // Awaiting payment: placed a few minutes ago, its pay page still open (it expires on its own).
  await place(new Date(now.getTime() - 5 * 60_000), [[g.video, 1]], 'sandbox');
  s.clock.set(now);
  return { created: true };
}
