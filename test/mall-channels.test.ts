// The mall on the text channels and in TMF622: recharge cards and codes listed on SMS (GM) and
// USSD (商城) and bought from the balance with an explicit confirmation, once however often it is
// confirmed; sold out and unknown items refused with nothing charged; the latest orders (DD); and
// the mall's orders read as TMF622 productOrders beside the catalogue's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, signIn, staffToken, startTestEnv, type TestEnv } from './helpers.ts';
import { seedDemoGoods, type ProductView } from '../src/modules/goods/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';
import { SmsHall } from '../src/channels/sms/hall.ts';
import { splitMessage } from '../src/platform/sms/gsm-encoding.ts';
import { measure } from '../src/channels/ussd/render.ts';

const NOW = new Date('2026-12-02T02:00:00Z');
const ORDERS = '/tmf-api/productOrderingManagement/v4/productOrder';
let env: TestEnv;
let hall: SmsHall;
let pm: Actor;
/** A card with a single code, listed on SMS and USSD only. */
let last: ProductView;

before(async () => {
  env = await startTestEnv({ now: NOW });
  await seedDemoGoods(env.db, env.s.audit, new Date(NOW.getTime() - 86_400_000));
  pm = { id: await createStaffUser(env.db, { username: 'pm1', displayName: '产品经理甲', password: 'correct horse battery', roles: ['product'] }), name: '产品经理甲', roles: ['product'] };
  const reviewer: Actor = { id: await createStaffUser(env.db, { username: 'pm2', displayName: '产品经理乙', password: 'correct horse battery', roles: ['product'] }), name: '产品经理乙', roles: ['product'] };
  const p = await env.s.goods.products.create(pm, {
    kind: 'recharge_card', delivery: 'code', nameZh: '末张充值卡', nameEn: 'Last card', brand: '测试', skus: [{ code: 'RC-LAST', listFen: 1_000, saleFen: 900 }],
  });
  for (const channel of ['sms', 'ussd'] as const) {
    const c = await env.s.goods.products.submit(pm, p.id, 'listing', { channel, listedFrom: NOW.toISOString() });
    await env.s.goods.products.review(reviewer, c.id, { approve: true });
  }
  await env.s.goods.codes.load(pm, p.skus[0]!.id, 'LAST-0001');
  last = await env.s.goods.products.get(p.id);
  hall = new SmsHall(env.s, { confirmWithYes: true });
});
after(() => env.close());

const sms = (from: string, text: string) => hall.handle({ from, text });
const balance = async (id: number) => (await balanceAndLedger(env.db, id)).balanceFen;
const orderCount = async (id: number) => Number((await env.db.selectFrom('mallOrder').select((eb) => eb.fn.countAll<number>().as('n')).where('subscriberId', '=', id).executeTakeFirstOrThrow()).n);

describe('SMS', () => {
  test('GM lists the cards with numbers, GM 1 quotes the price, Y buys once (a second Y charges nothing), DD shows the order', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const list = await sms(sub.msisdn, 'GM');
    assert.match(list, /^商城可买：\n1\.30元话费充值卡 29\.90元\n2\.50元话费充值卡 49\.80元/u, list);
    assert.match(list, /回复GM加序号购买/u);
    const ask = await sms(sub.msisdn, 'GM 1');
    assert.match(ask, /购买30元话费充值卡1件，从话费余额支付29\.90元/u, ask);
    assert.match(ask, /回复“是”/u);
    assert.equal(await balance(sub.id), 10_000, 'a quote charges nothing');
    assert.equal(await orderCount(sub.id), 0, 'a quote places nothing');

    const done = await sms(sub.msisdn, 'Y');
    assert.match(done, /您已购买30元话费充值卡，从话费扣款29\.90元，卡密：RC-30-\d{6}-\d{4}。订单号MO\d{16}/u, done);
    assert.equal(await balance(sub.id), 10_000 - 2_990);
    const again = await sms(sub.msisdn, '是');
    assert.match(again, /已使用/u, again);
    assert.equal(await balance(sub.id), 10_000 - 2_990, 'charged once');
    assert.equal(await orderCount(sub.id), 1, 'one order');

    const orderNo = /订单号(MO\d{16})/u.exec(done)![1]!;
    const dd = await sms(sub.msisdn, 'DD');
    assert.equal(dd, `最近订单：${orderNo}已完成`);
    assert.equal(splitMessage(dd, 0).parts.length, 1);
    const en = await sms(sub.msisdn, 'ORDERS');
    assert.equal(en, `Orders: ${orderNo} completed`);
  });
});

/** The number `GM` shows before an item, e.g. `3` for `3.末张充值卡 9.00元`. */
async function numberOf(msisdn: string, name: string): Promise<string> {
  const list = await sms(msisdn, 'GM');
  const line = list.split('\n').find((l) => l.includes(name));
  assert.ok(line, `${name} in: ${list}`);
  return line.split('.')[0]!;
}

describe('SMS: more than one', () => {
  test('GM 1 3 quotes and buys three cards for three times the price, each its own code, charged once; GM 1 3件 reads the same', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 20_000 });
    const ask = await sms(sub.msisdn, 'GM 1 3');
    assert.match(ask, /购买30元话费充值卡3件，从话费余额支付89\.70元（每件29\.90元）/u, ask);
    assert.equal(await balance(sub.id), 20_000, 'a quote charges nothing');
    const done = await sms(sub.msisdn, 'Y');
    assert.match(done, /您已购买30元话费充值卡3件，从话费扣款89\.70元，卡密：(RC-30-\d{6}-\d{4}、){2}RC-30-\d{6}-\d{4}。/u, done);
    const codes = done.match(/RC-30-\d{6}-\d{4}/gu)!;
    assert.equal(new Set(codes).size, 3, 'three different codes');
    assert.equal(await balance(sub.id), 20_000 - 3 * 2_990);
    assert.equal(await orderCount(sub.id), 1, 'one order of three');
    assert.match(await sms(sub.msisdn, 'GM 1 2件'), /购买30元话费充值卡2件，从话费余额支付59\.80元/u);
  });

  test('a count of 0 or over 5, a pack twice, and more than is left: refused in the channel\'s words, nothing quoted, nothing charged', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 50_000 });
    for (const text of ['GM 1 0', 'GM 1 6', 'GM 1 99']) {
      const r = await sms(sub.msisdn, text);
      assert.doesNotMatch(r, /回复“是”/u, `${text}: not quoted: ${r}`);
      assert.match(r, /数量|quantity|1.{0,3}5/iu, `${text}: says what is wrong: ${r}`);
    }
    const n = await numberOf(sub.msisdn, '3GB流量包');
    assert.match(await sms(sub.msisdn, `GM ${n} 2`), /3GB流量包每次限购1件，未扣费/u);
    const lastN = await numberOf(sub.msisdn, '末张充值卡');
    assert.match(await sms(sub.msisdn, `GM ${lastN} 2`), /末张充值卡仅剩1件，未扣费/u);
    assert.equal(await balance(sub.id), 50_000);
    assert.equal(await orderCount(sub.id), 0);
  });
});

describe('SMS refusals', () => {
  test('the last code bought by one subscriber: another who had its quote is refused at confirmation, charged nothing, and the list says sold out', async () => {
    const a = await addSubscriber(env.db, { balanceFen: 5_000 });
    const b = await addSubscriber(env.db, { balanceFen: 5_000 });
    const n = await numberOf(a.msisdn, '末张充值卡');
    assert.match(await sms(b.msisdn, `GM ${n}`), /购买末张充值卡1件，从话费余额支付9\.00元/u);
    assert.match(await sms(a.msisdn, `GM ${n}`), /9\.00元/u);
    assert.match(await sms(a.msisdn, 'Y'), /卡密：LAST-0001/u);
    const refused = await sms(b.msisdn, 'Y');
    assert.match(refused, /末张充值卡已售罄，未扣费/u, refused);
    assert.equal(await balance(b.id), 5_000);
    assert.equal(await orderCount(b.id), 0);
    assert.match(await sms(b.msisdn, 'GM'), new RegExp(`${n}\\.末张充值卡 9\\.00元（已售罄）`, 'u'));
    assert.match(await sms(b.msisdn, `GM ${n}`), /已售罄，未扣费/u, 'a sold-out item is not even quoted');
    assert.equal(await balance(b.id), 5_000);
  });

  test('an unknown number, a malformed one and a balance too low change nothing; a price changed since the quote is quoted again', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 1_000 });
    assert.match(await sms(sub.msisdn, 'GM 99'), /没有第99项商品，未扣费/u);
    assert.match(await sms(sub.msisdn, 'GM ?!'), /GM加序号/u);
    assert.match(await sms(sub.msisdn, 'Y'), /没有待确认的业务/u, 'nothing was waiting to be confirmed');
    assert.match(await sms(sub.msisdn, 'GM 1'), /29\.90元/u);
    const low = await sms(sub.msisdn, 'Y');
    assert.match(low, /余额不足/u, low);
    assert.equal(await balance(sub.id), 1_000);

    const rich = await addSubscriber(env.db, { balanceFen: 10_000 });
    assert.match(await sms(rich.msisdn, 'GM 1'), /29\.90元/u);
    const sku = await env.db.selectFrom('goodsSku').select(['id', 'saleFen']).where('code', '=', 'RC-30').executeTakeFirstOrThrow();
    await env.db.updateTable('goodsSku').set({ saleFen: 2_950 }).where('id', '=', sku.id).execute();
    try {
      const changed = await sms(rich.msisdn, 'Y');
      assert.match(changed, /价格已变化，未扣费。购买30元话费充值卡1件，从话费余额支付29\.50元/u, changed);
      assert.equal(await balance(rich.id), 10_000);
      assert.match(await sms(rich.msisdn, '是'), /从话费扣款29\.50元/u);
      assert.equal(await balance(rich.id), 10_000 - 2_950);
    } finally {
      await env.db.updateTable('goodsSku').set({ saleFen: sku.saleFen }).where('id', '=', sku.id).execute();
    }
    assert.equal(await orderCount(sub.id), 0);
    assert.equal(await orderCount(rich.id), 1);
  });

  test('one confirmation sent twice at once through the entry point: one order, one charge, the same answer', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const req = {
      channel: 'sms', principal: { kind: 'subscriber' as const, subscriberId: sub.id }, subscriberId: sub.id, businessId: 'mall.buy',
      input: { item: 'RC-50' }, confirm: true, idempotencyKey: `mall-twice-${sub.id}`,
    };
    const [x, y] = await Promise.all([env.s.invoker.invoke(req), env.s.invoker.invoke(req)]);
    assert.ok(x.status === 'ok' && y.status === 'ok');
    assert.deepEqual(x.result, y.result);
    assert.equal(await orderCount(sub.id), 1);
    assert.equal(await balance(sub.id), 10_000 - 4_980);
  });
});

// ---- USSD --------------------------------------------------------------------------------------

let nextSession = 0;
class Dialogue {
  text = '';
  private answers = 0;
  readonly sessionId = `ATUid_mall_${++nextSession}`;
  constructor(readonly phoneNumber: string) {}
  async send(input?: string): Promise<{ screen: string; end: boolean }> {
    if (input !== undefined) this.text = this.answers++ === 0 ? input : `${this.text}*${input}`;
    const r = await env.app.inject({
      method: 'POST', url: '/channels/ussd/africastalking', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ sessionId: this.sessionId, serviceCode: '*100#', phoneNumber: this.phoneNumber, text: this.text }).toString(),
    });
    assert.equal(r.statusCode, 200, r.body);
    const screen = r.body.slice(4);
    const m = measure(screen);
    assert.ok(m.length <= m.limit, `screen within ${m.limit}: ${screen}`);
    return { screen, end: r.body.startsWith('END ') };
  }
}
function option(screen: string, label: string): string {
  const line = screen.split('\n').find((l) => l.includes(label) && /^\d+\./.test(l));
  assert.ok(line, `"${label}" on:\n${screen}`);
  return line.split('.')[0]!;
}
/** The home menu's last page, where the mall's entry is. */
async function mallEntry(d: Dialogue): Promise<string> {
  let r = await d.send();
  assert.doesNotMatch(r.screen.split('\n')[1] ?? '', /商城/, 'not first');
  while (/98下页/.test(r.screen)) r = await d.send('98');
  const lines = r.screen.split('\n').filter((l) => /^\d+\./.test(l));
  assert.match(lines.at(-1)!, /^\d+\.商城$/, `the mall is the last entry:\n${r.screen}`);
  return option(r.screen, '商城');
}

describe('USSD', () => {
  test('商城 after the other entries: a card chosen, its price confirmed, bought once, and 我的订单 shows it', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 20_000 });
    const d = new Dialogue(`+86${sub.msisdn}`);
    const group = await d.send(await mallEntry(d));
    assert.match(group.screen, /^商城\n1\.商城商品\n2\.商城购买\n3\.我的订单/u, group.screen);
    const choices = await d.send('2');
    assert.match(choices.screen, /^商城购买：请选择\n1\.30元话费充值卡 29\.90元\n2\.50元话费充值卡 49\.80元/u, choices.screen);
    let page = choices;
    while (!page.screen.includes('100元话费充值卡') && /98下页/.test(page.screen)) page = await d.send('98');
    const howMany = await d.send(option(page.screen, '100元话费充值卡'));
    assert.match(howMany.screen, /^商城购买：请输入数量（1至5）\n1\.1件\n/u, howMany.screen);
    const confirm = await d.send('1');
    assert.match(confirm.screen, /购买100元话费充值卡1件，从话费余额支付99\.50元\n1\.确认办理\n2\.取消/u, confirm.screen);
    assert.equal(await balance(sub.id), 20_000, 'a quote charges nothing');
    const done = await d.send('1');
    assert.ok(done.end, done.screen);
    assert.match(done.screen, /已购买100元话费充值卡，卡密：RC-100-\d{6}-\d{4}/u);
    assert.equal(await balance(sub.id), 20_000 - 9_950);
    assert.equal(await orderCount(sub.id), 1);

    const again = new Dialogue(sub.msisdn);
    const g = await again.send(await mallEntry(again));
    const mine = await again.send(option(g.screen, '我的订单'));
    assert.match(mine.screen, /^最近订单：MO\d{16}已完成/u, mine.screen);
    const back = await again.send('0');
    assert.match(back.screen, /^商城\n/u, 'back to the mall');
    assert.equal(await balance(sub.id), 20_000 - 9_950, 'charged once');
  });

  test('a quantity typed at 请输入数量: two cards quoted and bought; 9 is refused on the same screen, nothing charged', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 20_000 });
    const d = new Dialogue(`+86${sub.msisdn}`);
    await d.send(await mallEntry(d));
    const choices = await d.send('2');
    const howMany = await d.send(option(choices.screen, '30元话费充值卡'));
    assert.match(howMany.screen, /请输入数量（1至5）/u);
    const bad = await d.send('9');
    assert.match(bad.screen, /请输入数量（1至5）/u, `still asking: ${bad.screen}`);
    assert.equal(await balance(sub.id), 20_000);
    const confirm = await d.send('2');
    assert.match(confirm.screen, /购买30元话费充值卡2件，从话费余额支付59\.80元/u, confirm.screen);
    const done = await d.send('1');
    assert.match(done.screen, /已购买30元话费充值卡2件/u, done.screen);
    assert.equal(await balance(sub.id), 20_000 - 5_980);
  });
});

// ---- TMF622 ------------------------------------------------------------------------------------

describe('TMF622', () => {
  test("the mall's orders are productOrders mall-<n> with their lines and prices, listed with category=mall and filters, read by id", async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const other = await addSubscriber(env.db, { balanceFen: 10_000 });
    const bought = await env.s.invoker.invoke({
      channel: 'sms', principal: { kind: 'subscriber', subscriberId: sub.id }, subscriberId: sub.id, businessId: 'mall.buy',
      input: { item: 'RC-30' }, confirm: true, idempotencyKey: `tmf-mall-${sub.id}`,
    });
    assert.equal(bought.status, 'ok');
    const orderId = (bought as { result: { orderId: number } }).result.orderId;
    const agent = await staffToken(env, ['agent']);
    const get = (url: string, token: string) => env.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

    const list = await get(`${ORDERS}?category=mall&relatedParty.id=${sub.id}`, agent);
    assert.equal(list.statusCode, 200, list.body);
    assert.equal(list.headers['x-total-count'], '1');
    const [o] = list.json();
    assert.equal(o.id, `mall-${orderId}`);
    assert.equal(o.category, 'mall');
    assert.equal(o.state, 'completed');
    assert.equal(o['@type'], 'ProductOrder');
    assert.equal(o.relatedParty[0].id, String(sub.id));
    assert.equal(o.channel[0].channel.id, 'sms');
    assert.deepEqual(o.orderTotalPrice[0].price.taxIncludedAmount, { unit: 'CNY', value: 29.9 });
    assert.equal(o.productOrderItem.length, 1);
    const item = o.productOrderItem[0];
    assert.deepEqual([item.action, item.quantity, item.state, item.product.name], ['add', 1, 'completed', '30元话费充值卡']);
    assert.deepEqual(item.itemPrice[0], { '@type': 'OrderPrice', name: 'unit', priceType: 'oneTime', price: { '@type': 'Price', taxIncludedAmount: { unit: 'CNY', value: 29.9 } } });
    assert.equal(item.itemTotalPrice[0].price.taxIncludedAmount.value, 29.9);

    assert.equal((await get(`${ORDERS}?category=mall&relatedParty.id=${sub.id}&state=completed`, agent)).json().length, 1);
    assert.equal((await get(`${ORDERS}?category=mall&relatedParty.id=${sub.id}&state=acknowledged,cancelled`, agent)).json().length, 0);
    assert.equal((await get(`${ORDERS}?category=catalogue&relatedParty.id=${sub.id}`, agent)).json().length, 0);
    const catalogue = (await get(`${ORDERS}?relatedParty.id=${sub.id}`, agent)).json() as { id: string }[];
    assert.ok(catalogue.every((x) => !x.id.startsWith('mall-')), 'the catalogue list is as it was');

    const one = await get(`${ORDERS}/mall-${orderId}`, agent);
    assert.equal(one.statusCode, 200, one.body);
    assert.deepEqual(one.json(), o);
    const token = await signIn(env, sub.msisdn);
    assert.equal((await get(`${ORDERS}/mall-${orderId}?fields=state`, token)).json().state, 'completed');
    assert.equal((await get(`${ORDERS}?category=mall`, token)).json().length, 1, 'a subscriber lists their own');
    const stranger = await signIn(env, other.msisdn);
    assert.equal((await get(`${ORDERS}/mall-${orderId}`, stranger)).statusCode, 404);
    assert.equal((await get(`${ORDERS}?category=mall&relatedParty.id=${sub.id}`, stranger)).json().length, 0);
    assert.equal((await get(`${ORDERS}/mall-999999`, agent)).statusCode, 404);
  });
});

describe('SMS packs', () => {
  test('a pack bought by SMS is subscribed; a second one is refused at GM with nothing quoted or charged', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const n = await numberOf(sub.msisdn, '3GB流量包');
    assert.match(await sms(sub.msisdn, `GM ${n}`), /购买3GB流量包1件，从话费余额支付20\.00元/u);
    assert.match(await sms(sub.msisdn, 'Y'), /您已购买3GB流量包，从话费扣款20\.00元，已开通/u);
    const held = await env.db.selectFrom('subscription').select('id').where('subscriberId', '=', sub.id).where('offeringId', '=', 'PK-DATA-3G').where('status', '=', 'active').execute();
    assert.equal(held.length, 1, 'subscribed in the core');
    const again = await sms(sub.msisdn, `GM ${n}`);
    assert.match(again, /您已订购3GB流量包，未扣费/u, again);
    // Nothing new was quoted: a Y now is the last purchase's, already used.
    assert.match(await sms(sub.msisdn, 'Y'), /已使用/u);
    assert.equal(await balance(sub.id), 10_000 - 2_000, 'charged once');
    assert.equal(await orderCount(sub.id), 1);
  });
});
