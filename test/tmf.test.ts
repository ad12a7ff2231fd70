// The TM Forum Open API v4 contract: TMF620 catalogue reads and staff writes, TMF622 orders that
// charge exactly once, TMF629 customers, paging and fields=, and TMF-shaped errors that change nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fenToYuanNumber, parseYuanToFen, yuanNumberToFen } from '../src/platform/money.ts';
import { addSubscriber, balanceAndLedger, signIn, startTestEnv, staffToken, type TestEnv } from './helpers.ts';

const CATALOG = '/tmf-api/productCatalogManagement/v4';
/** Where inject's requests come to: TMF620 hrefs are absolute. */
const ORIGIN = 'http://localhost:80';
const ORDERS = '/tmf-api/productOrderingManagement/v4/productOrder';
const CUSTOMERS = '/tmf-api/customerManagement/v4/customer';

let env: TestEnv;
let productToken: string;
let agentToken: string;
/** A second product manager, who approves what the first submits. */
let reviewerToken: string;
before(async () => {
  env = await startTestEnv();
  productToken = await staffToken(env, ['product']);
  reviewerToken = await staffToken(env, ['product']);
  agentToken = await staffToken(env, ['agent']);
});
after(async () => {
  await env.close();
});

type Json = Record<string, unknown> & { id: string };

function get(url: string, token?: string) {
  return env.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

function send(method: 'POST' | 'PATCH' | 'DELETE', url: string, token: string | undefined, payload?: unknown, headers: Record<string, string> = {}) {
  return env.app.inject({
    method, url, payload: payload as Record<string, unknown>,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
}

function order(token: string, items: { id: string; action: 'add' | 'delete'; offering: string }[], key?: string, extra: Record<string, unknown> = {}) {
  return send('POST', ORDERS, token, {
    productOrderItem: items.map((i) => ({ id: i.id, action: i.action, productOffering: { id: i.offering } })),
    ...extra,
  }, key ? { 'idempotency-key': key } : {});
}

/** A TMF v4 Error with the given HTTP status and code. */
function assertTmfError(r: { statusCode: number; headers: Record<string, unknown>; json(): unknown; body: string }, status: number, code?: string) {
  assert.equal(r.statusCode, status, r.body);
  assert.match(String(r.headers['content-type']), /^application\/json/);
  const e = r.json() as Record<string, unknown>;
  assert.equal(e['@type'], 'Error');
  assert.equal(e.status, String(status));
  assert.equal(typeof e.reason, 'string');
  assert.equal(typeof e.message, 'string');
  if (code) assert.equal(e.code, code);
}

/** Takes an offering to In test and then Launched through TMF, each step approved by a second product manager. */
async function launch(offeringHref: string): Promise<void> {
  for (const to of ['In test', 'Launched']) {
    const r = await send('PATCH', offeringHref, productToken, { lifecycleStatus: to });
    assert.equal(r.statusCode, 202, r.body);
    const review = (await env.s.catalogueService.reviews({ status: 'pending' })).find((x) => x.offeringId === r.json().id)!;
    const ok = await send('POST', `/api/v1/console/reviews/${review.id}/approve`, reviewerToken, {});
    assert.equal(ok.statusCode, 200, ok.body);
  }
  assert.equal((await get(offeringHref)).json().lifecycleStatus, 'Launched');
}

async function counts() {
  const [offerings, prices, orders] = await Promise.all([
    env.db.selectFrom('offering').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    env.db.selectFrom('offeringPrice').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    env.db.selectFrom('productOrder').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { offerings: Number(offerings.n), prices: Number(prices.n), orders: Number(orders.n) };
}

async function activeSubscription(subscriberId: number, offeringId: string): Promise<boolean> {
  const r = await env.db.selectFrom('subscription').select('id')
    .where('subscriberId', '=', subscriberId).where('offeringId', '=', offeringId).where('status', '=', 'active').executeTakeFirst();
  return r !== undefined;
}

describe('money in yuan', () => {
  test('TMF yuan values become integer fen by their digits (the platform parser), and back', () => {
    assert.equal(yuanNumberToFen(19.9), 1990);
    assert.equal(yuanNumberToFen(19.90), 1990);
    assert.equal(parseYuanToFen('19.90'), 1990);
    assert.equal(yuanNumberToFen(0.1), 10);
    assert.equal(yuanNumberToFen(0.29), 29);
    assert.equal(yuanNumberToFen(1.15), 115);
    assert.equal(yuanNumberToFen(0), 0);
    for (const bad of [1.234, -1, 1e21, Number.NaN]) assert.equal(yuanNumberToFen(bad), null, String(bad));
    for (const bad of ['1,00', '1.', '', '0x10', '-1']) assert.equal(parseYuanToFen(bad), null, bad);
    assert.equal(fenToYuanNumber(1990), 19.9);
    assert.equal(fenToYuanNumber(5), 0.05);
    assert.equal(fenToYuanNumber(12345), 123.45);
    assert.equal(fenToYuanNumber(-5), -0.05);
  });
});

describe('TMF620 catalogue reads', () => {
  test('a list pages with X-Total-Count and X-Result-Count', async () => {
    const all = await get(`${CATALOG}/productOffering`);
    assert.equal(all.statusCode, 200, all.body);
    const total = Number(all.headers['x-total-count']);
    const items = all.json() as Json[];
    assert.equal(total, (await counts()).offerings);
    assert.equal(Number(all.headers['x-result-count']), items.length);
    assert.ok(total > 3);

    const pageOf2 = await get(`${CATALOG}/productOffering?offset=1&limit=2`);
    assert.equal(pageOf2.headers['x-total-count'], String(total));
    assert.equal(pageOf2.headers['x-result-count'], '2');
    assert.deepEqual((pageOf2.json() as Json[]).map((o) => o.id), items.slice(1, 3).map((o) => o.id));

    const beyond = await get(`${CATALOG}/productOffering?offset=${total}`);
    assert.deepEqual(beyond.json(), []);
    assert.equal(beyond.headers['x-result-count'], '0');
  });

  test('fields= keeps only what is asked for, plus id, href and @type', async () => {
    const r = await get(`${CATALOG}/productOffering?fields=name,lifecycleStatus&limit=3`);
    assert.equal(r.statusCode, 200, r.body);
    for (const o of r.json() as Json[]) assert.deepEqual(Object.keys(o).sort(), ['@type', 'href', 'id', 'lifecycleStatus', 'name']);
    const one = await get(`${CATALOG}/productOffering/PK-DATA-1G?fields=omnihall`);
    assert.deepEqual(Object.keys(one.json()).sort(), ['@type', 'href', 'id', 'omnihall']);
  });

  test('attribute filters narrow the list, and a comma means any of', async () => {
    const retired = await get(`${CATALOG}/productOffering?lifecycleStatus=Retired`);
    const ids = (retired.json() as Json[]).map((o) => o.id);
    assert.ok(ids.includes('PLAN-4G-18'));
    assert.ok((retired.json() as { lifecycleStatus: string }[]).every((o) => o.lifecycleStatus === 'Retired'));
    assert.equal(retired.headers['x-total-count'], String(ids.length));

    const packs = await get(`${CATALOG}/productOffering?category.id=data_pack&lifecycleStatus=Launched`);
    const list = packs.json() as { category: { id: string }[]; lifecycleStatus: string }[];
    assert.ok(list.length > 0);
    assert.ok(list.every((o) => o.category[0]!.id === 'data_pack' && o.lifecycleStatus === 'Launched'));

    const either = await get(`${CATALOG}/productOffering?id=PK-DATA-1G,PLAN-4G-18`);
    assert.deepEqual((either.json() as Json[]).map((o) => o.id).sort(), ['PK-DATA-1G', 'PLAN-4G-18']);

    const appOnly = 'id=PK-DATA-APP-5G';
    assert.deepEqual(await get(`${CATALOG}/productOffering?channel.id=kiosk&${appOnly}`).then((r) => r.json()), [], 'the app-only pack is not sold on kiosks');
    assert.equal(await get(`${CATALOG}/productOffering?channel.id=kiosk,web&${appOnly}`).then((r) => r.headers['x-total-count']), '1');

    const byName = await get(`${CATALOG}/productOffering?name=${encodeURIComponent('1GB流量包')}`);
    assert.deepEqual((byName.json() as Json[]).map((o) => o.id), ['PK-DATA-1G']);
  });

  test('an offering in TMF shape, with its price in yuan', async () => {
    const r = await get(`${CATALOG}/productOffering/PK-DATA-1G`);
    assert.equal(r.statusCode, 200, r.body);
    const o = r.json();
    assert.equal(o['@type'], 'ProductOffering');
    assert.equal(o.href, `${ORIGIN}${CATALOG}/productOffering/PK-DATA-1G`, 'an absolute href');
    assert.equal(o.name, '1GB流量包');
    assert.equal(o.isBundle, false);
    assert.equal(o.lifecycleStatus, 'Launched');
    assert.equal(o.isSellable, true);
    assert.deepEqual(o.category, [{ id: 'data_pack', href: `${ORIGIN}${CATALOG}/category/data_pack`, name: '流量包', '@referredType': 'Category' }]);
    assert.ok(o.channel.some((c: { id: string }) => c.id === 'api'));
    assert.equal(o.omnihall.code, 'LL1G');
    assert.equal(o.omnihall.nameEn, '1 GB data pack');
    assert.equal(o.omnihall.validityDays, 30);
    assert.equal(o.omnihall.allowance.dataMb, 1024);
    assert.equal(o.productOfferingPrice.length, 1);

    const price = await get(o.productOfferingPrice[0].href);
    assert.equal(price.statusCode, 200, price.body);
    assert.deepEqual(price.json().price, { unit: 'CNY', value: 10 });
    assert.equal(price.json().priceType, 'oneTime');
    assert.equal(price.json().recurringChargePeriodType, undefined);

    const monthly = await get(`${CATALOG}/productOfferingPrice?priceType=recurring&limit=1`);
    assert.equal((monthly.json() as { recurringChargePeriodType: string }[])[0]!.recurringChargePeriodType, 'month');
  });

  test('unknown ids, paths and filters answer in the TMF error shape; the REST API keeps problem JSON', async () => {
    const missing = await get(`${CATALOG}/productOffering/NOPE`);
    assertTmfError(missing, 404, 'OFFERING_NOT_FOUND');
    assert.match(missing.json().message, /NOPE/);
    assertTmfError(await get(`${CATALOG}/productOfferingPrice/NOPE`), 404, 'NOT_FOUND');
    assertTmfError(await get('/tmf-api/nothingHere/v4/thing'), 404, 'NOT_FOUND');
    assertTmfError(await send('POST', '/tmf-api/nothingHere/v4/thing', undefined, {}), 404, 'NOT_FOUND');
    assertTmfError(await get(`${CATALOG}/productOffering?colour=red`), 400, 'INVALID_INPUT');
    assertTmfError(await get(`${CATALOG}/productOffering?limit=-1`), 400, 'INVALID_INPUT');

    const rest = await get('/api/v1/nothing-here');
    assert.equal(rest.statusCode, 404);
    assert.match(String(rest.headers['content-type']), /^application\/problem\+json/);
    assert.equal(rest.json().code, 'NOT_FOUND');
  });

  test('English error messages on request', async () => {
    const r = await env.app.inject({ method: 'GET', url: `${CATALOG}/productOffering/NOPE`, headers: { 'accept-language': 'en' } });
    assert.equal(r.json().message, 'No productOffering NOPE');
  });
});

describe('TMF620 staff writes', () => {
  const newPrice = { name: '测试月费', priceType: 'recurring', price: { unit: 'CNY', value: 19.90 }, omnihall: { nameEn: 'Test monthly fee' } };

  test('only product staff and admins write; others get 401 or 403', async () => {
    const before = await counts();
    assertTmfError(await send('POST', `${CATALOG}/productOfferingPrice`, undefined, newPrice), 401, 'UNAUTHENTICATED');
    assertTmfError(await send('POST', `${CATALOG}/productOfferingPrice`, agentToken, newPrice), 403, 'FORBIDDEN');
    const { msisdn } = await addSubscriber(env.db);
    assertTmfError(await send('POST', `${CATALOG}/productOfferingPrice`, await signIn(env, msisdn), newPrice), 403, 'FORBIDDEN');
    assertTmfError(await send('PATCH', `${CATALOG}/productOffering/PK-DATA-1G`, agentToken, { name: 'x' }), 403, 'FORBIDDEN');
    assertTmfError(await send('DELETE', `${CATALOG}/productOffering/PK-DATA-1G`, agentToken), 403, 'FORBIDDEN');
    assert.deepEqual(await counts(), before);
    assert.equal((await get(`${CATALOG}/productOffering/PK-DATA-1G`)).json().name, '1GB流量包');

    const admin = await staffToken(env, ['admin']);
    const r = await send('POST', `${CATALOG}/productOfferingPrice`, admin, newPrice);
    assert.equal(r.statusCode, 201, r.body);
  });

  test('a price in yuan is stored as integer fen and read back the same', async () => {
    const r = await send('POST', `${CATALOG}/productOfferingPrice`, productToken, newPrice);
    assert.equal(r.statusCode, 201, r.body);
    const p = r.json();
    assert.equal(r.headers.location, p.href);
    assert.equal(p['@type'], 'ProductOfferingPrice');
    assert.deepEqual(p.price, { unit: 'CNY', value: 19.9 });
    assert.equal(p.recurringChargePeriodType, 'month');
    assert.equal(typeof p.lastUpdate, 'string');
    const row = await env.db.selectFrom('offeringPrice').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    assert.equal(row.amountFen, 1990);
    assert.equal(row.nameEn, 'Test monthly fee');

    const asText = await send('POST', `${CATALOG}/productOfferingPrice`, productToken, { ...newPrice, price: { unit: 'CNY', value: '0.05' } });
    assert.equal(asText.statusCode, 201, asText.body);
    assert.equal(asText.json().price.value, 0.05);
    assert.equal((await env.db.selectFrom('offeringPrice').select('amountFen').where('id', '=', asText.json().id).executeTakeFirstOrThrow()).amountFen, 5);
  });

  test('more than two decimals, another currency or a bad body is refused with 400 and nothing stored', async () => {
    const before = await counts();
    for (const body of [
      { ...newPrice, price: { unit: 'CNY', value: 1.234 } },
      { ...newPrice, price: { unit: 'CNY', value: -1 } },
      { ...newPrice, price: { unit: 'USD', value: 1 } },
      { ...newPrice, priceType: 'oneTime', recurringChargePeriodType: 'month' },
      { ...newPrice, name: '' },
      { ...newPrice, colour: 'red' },
    ]) {
      assertTmfError(await send('POST', `${CATALOG}/productOfferingPrice`, productToken, body), 400, 'INVALID_INPUT');
    }
    const bad = await send('POST', `${CATALOG}/productOfferingPrice`, productToken, { ...newPrice, price: { unit: 'CNY', value: 1.234 } });
    assert.match(bad.json().message, /price\.value/);
    const notJson = await env.app.inject({
      method: 'POST', url: `${CATALOG}/productOfferingPrice`, payload: '{"name":',
      headers: { authorization: `Bearer ${productToken}`, 'content-type': 'application/json' },
    });
    assertTmfError(notJson, 400, 'INVALID_INPUT');
    assertTmfError(await send('POST', `${CATALOG}/productOffering`, productToken, { name: '类型不对', category: 'data_pack' }), 400, 'INVALID_INPUT');
    assertTmfError(await send('POST', `${CATALOG}/productOffering`, productToken, { name: '未知属性', colour: 'red' }), 400, 'INVALID_INPUT');
    assertTmfError(await send('POST', `${CATALOG}/productOffering`, productToken, { name: '两个类别', category: [{ id: 'plan' }, { id: 'vas' }] }), 400, 'INVALID_INPUT');
    assertTmfError(await send('POST', `${CATALOG}/productOfferingPrice`, productToken, { name: '缺类型' }), 400, 'INVALID_INPUT');
    assert.deepEqual(await counts(), before);
  });

  test('create, merge-patch and delete an offering', async () => {
    const price = (await send('POST', `${CATALOG}/productOfferingPrice`, productToken, { name: '测试包价格', priceType: 'oneTime', price: { unit: 'CNY', value: 6.6 } })).json();
    const created = await send('POST', `${CATALOG}/productOffering`, productToken, {
      '@type': 'ProductOffering',
      name: '测试2GB流量包',
      description: '测试用',
      category: [{ id: 'data_pack' }],
      channel: [{ id: 'api' }, { id: 'web' }],
      productOfferingPrice: [{ id: price.id, href: price.href }],
      omnihall: { code: 'test2g', nameEn: 'Test 2 GB', allowance: { dataMb: 2048 }, validityDays: 7 },
    });
    assert.equal(created.statusCode, 201, created.body);
    const o = created.json();
    assert.equal(created.headers.location, o.href);
    assert.equal(o.lifecycleStatus, 'In design');
    assert.equal(o.version, '1.0');
    assert.equal(o.omnihall.code, 'TEST2G');
    assert.deepEqual(o.omnihall.allowance, { dataMb: 2048, voiceMin: 0, sms: 0 });
    assert.deepEqual(o.productOfferingPrice.map((p: { id: string; name: string }) => [p.id, p.name]), [[price.id, '测试包价格']]);
    assert.equal((await get(o.href)).json().name, '测试2GB流量包');

    const dup = await send('POST', `${CATALOG}/productOffering`, productToken, {
      name: '重复编码', category: [{ id: 'vas' }], productOfferingPrice: [{ id: price.id }], omnihall: { code: 'TEST2G' },
    });
    assertTmfError(dup, 400, 'INVALID_INPUT');

    env.clock.advance(60_000);
    const patched = await send('PATCH', o.href, productToken,
      { description: null, omnihall: { eligibility: { accountTypes: ['prepaid'] }, validityDays: null } },
      { 'content-type': 'application/merge-patch+json' });
    assert.equal(patched.statusCode, 200, patched.body);
    const p = patched.json();
    assert.equal(p.lifecycleStatus, 'In design');
    assert.equal(p.description, '');
    assert.equal(p.name, '测试2GB流量包', 'what the patch does not mention stays');
    assert.deepEqual(p.omnihall.eligibility, { accountTypes: ['prepaid'] });
    assert.equal(p.omnihall.validityDays, null);
    assert.ok(p.lastUpdate > o.lastUpdate);

    assertTmfError(await send('PATCH', o.href, productToken, { category: [{ id: 'plan' }, { id: 'vas' }] }), 400, 'INVALID_INPUT');
    assertTmfError(await send('PATCH', o.href, productToken, { lifecycleStatus: 'In test', name: '一起改' }), 400, 'INVALID_INPUT');
    assertTmfError(await send('PATCH', o.href, productToken, { name: null }), 400, 'INVALID_INPUT');
    assertTmfError(await send('PATCH', o.href, productToken, { productOfferingPrice: [{ id: 'NOPE' }] }), 400, 'INVALID_INPUT');
    assertTmfError(await send('PATCH', `${CATALOG}/productOffering/NOPE`, productToken, { name: 'x' }), 404, 'OFFERING_NOT_FOUND');

    const newValue = await send('PATCH', price.href, productToken, { price: { unit: 'CNY', value: 7.5 } });
    assert.equal(newValue.statusCode, 200, newValue.body);
    assert.equal((await env.db.selectFrom('offeringPrice').select('amountFen').where('id', '=', price.id).executeTakeFirstOrThrow()).amountFen, 750);

    const deleted = await send('DELETE', o.href, productToken);
    assert.equal(deleted.statusCode, 204, deleted.body);
    assertTmfError(await get(o.href), 404, 'OFFERING_NOT_FOUND');
    assertTmfError(await send('DELETE', o.href, productToken), 404, 'OFFERING_NOT_FOUND');
  });

  test('an offering subscribers hold is retired, not deleted; so is a price an offering uses', async () => {
    const price = (await send('POST', `${CATALOG}/productOfferingPrice`, productToken, { name: '退市测试价', priceType: 'oneTime', price: { unit: 'CNY', value: 1 } })).json();
    const o = (await send('POST', `${CATALOG}/productOffering`, productToken, {
      name: '退市测试包', category: [{ id: 'data_pack' }], channel: [{ id: 'api' }],
      productOfferingPrice: [{ id: price.id }], omnihall: { code: 'RETIRE1', allowance: { dataMb: 100 }, validityDays: 1 },
    })).json();
    await launch(o.href);
    assertTmfError(await send('DELETE', price.href, productToken), 409, 'NOT_EDITABLE');
    const sub = await addSubscriber(env.db, { balanceFen: 1000 });
    const bought = await order(await signIn(env, sub.msisdn), [{ id: '1', action: 'add', offering: o.id }], 'retire-test-1');
    assert.equal(bought.json().state, 'completed', bought.body);

    assert.equal((await send('DELETE', o.href, productToken)).statusCode, 204);
    const after = await get(o.href);
    assert.equal(after.statusCode, 200);
    assert.equal(after.json().lifecycleStatus, 'Retired');
    assert.ok(await activeSubscription(sub.id, o.id), 'the subscriber keeps what they have');

    assert.equal((await send('DELETE', price.href, productToken)).statusCode, 204);
    assert.equal((await get(price.href)).json().lifecycleStatus, 'Retired');
  });
});

describe('TMF622 product orders', () => {
  test('an order adds a pack and charges once, however often it is POSTed with the same key', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 5000 });
    const token = await signIn(env, sub.msisdn);
    const ordersBefore = (await counts()).orders;
    const first = await order(token, [{ id: '1', action: 'add', offering: 'PK-DATA-1G' }], 'order-once-1', { externalId: 'CRM-77' });
    assert.equal(first.statusCode, 201, first.body);
    const o = first.json();
    assert.equal(o['@type'], 'ProductOrder');
    assert.equal(o.state, 'completed');
    assert.equal(o.externalId, 'CRM-77');
    assert.equal(first.headers.location, o.href);
    assert.equal(typeof o.orderDate, 'string');
    assert.equal(typeof o.completionDate, 'string');
    assert.deepEqual(o.relatedParty.map((p: { id: string; role: string }) => [p.id, p.role]), [[String(sub.id), 'Customer']]);
    assert.equal(o.productOrderItem[0].state, 'completed');
    assert.equal(o.productOrderItem[0].productOffering.name, '1GB流量包');
    assert.equal(o.errorMessage, undefined);

    const again = await order(token, [{ id: '1', action: 'add', offering: 'PK-DATA-1G' }], 'order-once-1', { externalId: 'CRM-77' });
    assert.equal(again.statusCode, 201, again.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.json(), o);

    assert.deepEqual(await balanceAndLedger(env.db, sub.id), { balanceFen: 4000, ledgerFen: 4000 });
    assert.equal((await counts()).orders, ordersBefore + 1);
    assert.deepEqual((await get(o.href, token)).json(), o);

    const reused = await order(token, [{ id: '1', action: 'add', offering: 'PK-DATA-3G' }], 'order-once-1');
    assertTmfError(reused, 422, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 4000);
  });

  test('externalId serves as the idempotency key when there is no header; without either the order is refused', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 5000 });
    const token = await signIn(env, sub.msisdn);
    assertTmfError(await order(token, [{ id: '1', action: 'add', offering: 'PK-DATA-1G' }]), 400, 'IDEMPOTENCY_KEY_REQUIRED');
    const a = await order(token, [{ id: '1', action: 'add', offering: 'PK-DATA-1G' }], undefined, { externalId: 'EXT-1' });
    const b = await order(token, [{ id: '1', action: 'add', offering: 'PK-DATA-1G' }], undefined, { externalId: 'EXT-1' });
    assert.equal(a.statusCode, 201, a.body);
    assert.equal(b.json().id, a.json().id);
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 4000);
  });

  test('insufficient balance shows on the item and in the order state; nothing is charged', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 500 });
    const token = await signIn(env, sub.msisdn);
    const r = await order(token, [{ id: 'a', action: 'add', offering: 'PK-DATA-1G' }], 'poor-1');
    assert.equal(r.statusCode, 201, r.body);
    const o = r.json();
    assert.equal(o.state, 'failed');
    assert.equal(o.productOrderItem[0].state, 'failed');
    assert.equal(o.productOrderItem[0].omnihall.errorCode, 'INSUFFICIENT_BALANCE');
    assert.deepEqual(o.errorMessage.map((e: { code: string; status: string; productOrderItem: unknown }) => [e.code, e.status, e.productOrderItem]),
      [['INSUFFICIENT_BALANCE', '422', [{ itemId: 'a' }]]]);
    assert.deepEqual(await balanceAndLedger(env.db, sub.id), { balanceFen: 500, ledgerFen: 500 });
    assert.equal(await activeSubscription(sub.id, 'PK-DATA-1G'), false);

    const some = await order(token, [{ id: '1', action: 'add', offering: 'PK-DATA-500M' }, { id: '2', action: 'add', offering: 'PK-DATA-1G' }], 'poor-2');
    assert.equal(some.json().state, 'partial', some.body);
    assert.deepEqual(some.json().productOrderItem.map((i: { state: string }) => i.state), ['completed', 'failed']);
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 0);
  });

  test('a delete item unsubscribes; a plan item schedules the plan change', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 5000, planId: 'PLAN-4G-38' });
    const token = await signIn(env, sub.msisdn);
    assert.equal((await order(token, [{ id: '1', action: 'add', offering: 'PK-DATA-1G' }], 'del-1')).json().state, 'completed');
    assert.ok(await activeSubscription(sub.id, 'PK-DATA-1G'));
    const del = await order(token, [{ id: '1', action: 'delete', offering: 'PK-DATA-1G' }], 'del-2');
    assert.equal(del.json().state, 'completed', del.body);
    assert.equal(del.json().productOrderItem[0].action, 'delete');
    assert.equal(await activeSubscription(sub.id, 'PK-DATA-1G'), false);
    const twice = await order(token, [{ id: '1', action: 'delete', offering: 'PK-DATA-1G' }], 'del-3');
    assert.equal(twice.json().productOrderItem[0].omnihall.errorCode, 'NOT_SUBSCRIBED');

    const plan = await order(token, [{ id: '1', action: 'add', offering: 'PLAN-4G-58' }], 'plan-1');
    assert.equal(plan.json().state, 'completed', plan.body);
    const row = await env.db.selectFrom('subscriber').select(['planId', 'pendingPlanId']).where('id', '=', sub.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { planId: 'PLAN-4G-38', pendingPlanId: 'PLAN-4G-58' });
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 4000, 'a plan change charges nothing now');
  });

  test('an item that names the price the customer saw fails with PRICE_CHANGED, charging nothing, when it is no longer that price', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 5000, planId: 'PLAN-4G-38' });
    const token = await signIn(env, sub.msisdn);
    const priced = (id: string, offering: string, prices: [string, number | string][]) => ({
      id, action: 'add', productOffering: { id: offering },
      itemPrice: prices.map(([priceType, value]) => ({ priceType, price: { taxIncludedAmount: { unit: 'CNY', value } } })),
    });
    const stale = await send('POST', ORDERS, token, { productOrderItem: [priced('1', 'PK-DATA-1G', [['oneTime', 9.5]])] }, { 'idempotency-key': 'priced-1' });
    assert.equal(stale.statusCode, 201, stale.body);
    assert.equal(stale.json().productOrderItem[0].omnihall.errorCode, 'PRICE_CHANGED');
    assert.deepEqual(await balanceAndLedger(env.db, sub.id), { balanceFen: 5000, ledgerFen: 5000 });
    assert.equal(await activeSubscription(sub.id, 'PK-DATA-1G'), false);

    const current = await send('POST', ORDERS, token, {
      productOrderItem: [priced('1', 'PK-DATA-1G', [['oneTime', '10.00']]), priced('2', 'PLAN-4G-58', [['recurring', 58]])],
    }, { 'idempotency-key': 'priced-2' });
    assert.equal(current.json().state, 'completed', current.body);
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 4000);
    const plan = await send('POST', ORDERS, token, { productOrderItem: [priced('1', 'PLAN-4G-88', [['recurring', 1]])] }, { 'idempotency-key': 'priced-3' });
    assert.equal(plan.json().productOrderItem[0].omnihall.errorCode, 'PRICE_CHANGED', 'a plan\'s monthly price is part of what is agreed');

    assertTmfError(await send('POST', ORDERS, token, { productOrderItem: [priced('1', 'PK-DATA-1G', [['oneTime', 10.001]])] }, { 'idempotency-key': 'priced-4' }), 400);

    // A monthly pack is agreed at its monthly price, as the catalogue lists it.
    const monthly = await env.db.selectFrom('offering').innerJoin('offeringPrice as p', 'p.id', 'offering.priceId')
      .select(['offering.id', 'p.amountFen', 'p.priceType']).where('offering.id', '=', 'PK-VOICE-100').executeTakeFirstOrThrow();
    assert.equal(monthly.priceType, 'recurring');
    const m = await send('POST', ORDERS, token, { productOrderItem: [priced('1', monthly.id, [['recurring', monthly.amountFen! / 100]])] }, { 'idempotency-key': 'priced-5' });
    assert.equal(m.json().productOrderItem[0].state, 'completed', m.body);
    // A retry must name the same prices; other prices under the same key are a different request.
    const other = await send('POST', ORDERS, token, { productOrderItem: [priced('1', monthly.id, [['recurring', monthly.amountFen! / 100 + 1]])] }, { 'idempotency-key': 'priced-5' });
    assertTmfError(other, 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  test('an order the specification does not allow is refused with 400 and changes nothing', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 5000 });
    const token = await signIn(env, sub.msisdn);
    const before = await counts();
    for (const [body, what] of [
      [{}, 'no items'],
      [{ productOrderItem: [] }, 'empty items'],
      [{ productOrderItem: [{ id: '1', action: 'replace', productOffering: { id: 'PK-DATA-1G' } }] }, 'an action TMF622 does not have'],
      [{ productOrderItem: [{ action: 'add', productOffering: { id: 'PK-DATA-1G' } }] }, 'an item without id'],
      [{ productOrderItem: [{ id: '1', action: 'add', productOffering: { id: 'PK-DATA-1G' } }, { id: '1', action: 'add', productOffering: { id: 'PK-DATA-3G' } }] }, 'duplicate item ids'],
    ] as const) {
      const r = await send('POST', ORDERS, token, body, { 'idempotency-key': `bad-${what}` });
      assertTmfError(r, 400, 'INVALID_INPUT');
    }
    assert.deepEqual(await counts(), before);
    assert.deepEqual(await balanceAndLedger(env.db, sub.id), { balanceFen: 5000, ledgerFen: 5000 });
  });

  test('an agent orders for a named customer; other staff may not order', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 5000 });
    const forCustomer = { relatedParty: [{ id: String(sub.id), role: 'Customer', '@referredType': 'Customer' }] };
    const r = await order(agentToken, [{ id: '1', action: 'add', offering: 'PK-DATA-1G' }], 'agent-1', forCustomer);
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().state, 'completed');
    assert.equal(r.json().relatedParty[0].id, String(sub.id));
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 4000);

    assertTmfError(await order(agentToken, [{ id: '1', action: 'add', offering: 'PK-DATA-1G' }], 'agent-2'), 400, 'INVALID_INPUT');
    assertTmfError(await order(agentToken, [{ id: '1', action: 'add', offering: 'PK-DATA-1G' }], 'agent-3',
      { relatedParty: [{ id: '999999999', role: 'Customer' }] }), 404, 'NOT_A_SUBSCRIBER');
    assertTmfError(await order(productToken, [{ id: '1', action: 'add', offering: 'PK-DATA-1G' }], 'agent-4', forCustomer), 403, 'FORBIDDEN');
    const other = await addSubscriber(env.db);
    const otherToken = await signIn(env, other.msisdn);
    // A subscriber naming someone else is an order TMF622 allows and omnihall rejects (test/tmf-ordering-spec.test.ts).
    const forSomeoneElse = await order(otherToken, [{ id: '1', action: 'add', offering: 'PK-DATA-1G' }], 'agent-5', forCustomer);
    assert.equal(forSomeoneElse.json().state, 'rejected', forSomeoneElse.body);
    assertTmfError(await order('', [{ id: '1', action: 'add', offering: 'PK-DATA-1G' }], 'agent-6'), 401, 'UNAUTHENTICATED');
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 4000);
  });

  test('a subscriber reads only their own orders; agents read all', async () => {
    const alice = await addSubscriber(env.db, { balanceFen: 5000 });
    const bob = await addSubscriber(env.db, { balanceFen: 5000 });
    const aliceToken = await signIn(env, alice.msisdn);
    const bobToken = await signIn(env, bob.msisdn);
    const aliceOrder = (await order(aliceToken, [{ id: '1', action: 'add', offering: 'PK-DATA-500M' }], 'read-a')).json();
    await order(bobToken, [{ id: '1', action: 'add', offering: 'PK-DATA-500M' }], 'read-b');

    assertTmfError(await get(aliceOrder.href, bobToken), 404, 'NOT_FOUND');
    assertTmfError(await get(aliceOrder.href), 401, 'UNAUTHENTICATED');
    assertTmfError(await get(aliceOrder.href, productToken), 403, 'FORBIDDEN');
    assert.equal((await get(aliceOrder.href, agentToken)).json().id, aliceOrder.id);

    const bobs = await get(ORDERS, bobToken);
    assert.equal(bobs.statusCode, 200, bobs.body);
    assert.equal(bobs.headers['x-total-count'], '1');
    assert.deepEqual((bobs.json() as { relatedParty: { id: string }[] }[]).map((o) => o.relatedParty[0]!.id), [String(bob.id)]);

    const forAlice = await get(`${ORDERS}?relatedParty.id=${alice.id}&fields=state`, agentToken);
    assert.deepEqual(forAlice.json(), [{ id: aliceOrder.id, href: aliceOrder.href, '@type': 'ProductOrder', state: 'completed' }]);
    const all = await get(`${ORDERS}?state=completed`, agentToken);
    assert.ok(Number(all.headers['x-total-count']) >= 2);
  });
});

describe('TMF629 customers', () => {
  test('a subscriber reads themselves in TMF shape, and nobody else', async () => {
    const me = await addSubscriber(env.db, { type: 'postpaid' });
    const other = await addSubscriber(env.db);
    const token = await signIn(env, me.msisdn);
    const r = await get(`${CUSTOMERS}/${me.id}`, token);
    assert.equal(r.statusCode, 200, r.body);
    const c = r.json();
    assert.equal(c['@type'], 'Customer');
    assert.equal(c.id, String(me.id));
    assert.equal(c.href, `${CUSTOMERS}/${me.id}`);
    assert.equal(c.status, 'Active');
    assert.deepEqual(c.engagedParty, { id: String(me.id), name: '测试用户', '@referredType': 'Individual' });
    assert.deepEqual(c.contactMedium, [{ mediumType: 'mobile', preferred: true, characteristic: { contactType: 'mobile', phoneNumber: me.msisdn } }]);
    const ch = Object.fromEntries((c.characteristic as { name: string; value: unknown }[]).map((x) => [x.name, x.value]));
    assert.equal(ch.city, '广州');
    assert.equal(ch.accountType, 'postpaid');
    assert.equal(ch.realNameVerified, true);
    assert.equal(typeof ch.plan, 'string');
    assert.equal(c.account.length, 1);

    const theirs = await get(`${CUSTOMERS}/${other.id}`, token);
    assertTmfError(theirs, 404, 'NOT_FOUND');
    assert.deepEqual(theirs.json().code, (await get(`${CUSTOMERS}/999999999`, token)).json().code, 'existing and missing look alike');

    const list = await get(CUSTOMERS, token);
    assert.equal(list.headers['x-total-count'], '1');
    assert.deepEqual((list.json() as Json[]).map((x) => x.id), [String(me.id)]);
    assert.deepEqual(await get(`${CUSTOMERS}?id=${other.id}`, token).then((x) => x.json()), []);
  });

  test('staff read everyone with filters; other roles and strangers may not', async () => {
    const suspended = await addSubscriber(env.db, { status: 'suspended' });
    const marketing = await staffToken(env, ['marketing']);
    const bySuspended = await get(`${CUSTOMERS}?status=Suspended`, marketing);
    assert.equal(bySuspended.statusCode, 200, bySuspended.body);
    const list = bySuspended.json() as { id: string; status: string }[];
    assert.ok(list.some((c) => c.id === String(suspended.id)));
    assert.ok(list.every((c) => c.status === 'Suspended'));
    assert.equal(bySuspended.headers['x-total-count'], String(list.length));

    const byPhone = await get(`${CUSTOMERS}?contactMedium.characteristic.phoneNumber=${suspended.msisdn}&fields=status`, agentToken);
    assert.deepEqual(byPhone.json(), [{ id: String(suspended.id), href: `${CUSTOMERS}/${suspended.id}`, '@type': 'Customer', status: 'Suspended' }]);
    assert.equal((await get(`${CUSTOMERS}/${suspended.id}`, agentToken)).statusCode, 200);

    const paged = await get(`${CUSTOMERS}?limit=1`, agentToken);
    assert.equal(paged.headers['x-result-count'], '1');
    assert.ok(Number(paged.headers['x-total-count']) > 1);

    assertTmfError(await get(CUSTOMERS, productToken), 403, 'FORBIDDEN');
    assertTmfError(await get(`${CUSTOMERS}/${suspended.id}`), 401, 'UNAUTHENTICATED');
  });
});
