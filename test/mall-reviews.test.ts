// Reviews (业务评价) end to end over REST: only a buyer may write one (goods once delivered, an
// offering once held seven days), one per purchase, bad input refused with stable codes and nothing
// written, the same Idempotency-Key answered once; a sensitive word holds a review for a moderator,
// who sees the words and where they are, approves, rejects with the reason its writer sees, or
// replies, each audited; the average and counts per star; a helpful vote once per subscriber.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, callBusiness, signIn, staffToken, startTestEnv, type TestEnv } from './helpers.ts';
import type { ProductView } from '../src/modules/goods/index.ts';
import type { OrderView } from '../src/modules/checkout/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let pm: Actor;
let ops: Actor;
let cable: ProductView;
let video: ProductView;
let opsToken: string;
let agentToken: string;
/** The writer of both cable reviews (test 1), who may not vote for them. */
let cableBuyer: { id: number; msisdn: string; token: string };
const NOW = new Date('2026-12-02T02:00:00Z');
const HOME = { name: '张三', phone: '13800000001', province: '广东省', city: '广州市', district: '天河区', detail: '天河路 1 号' };
const PHOTO = 'https://img.example.com/reviews/cable-1.jpg';

async function listed(k: string, saleFen: number, reviewer: Actor, over: { kind?: 'virtual'; delivery?: 'credit' } = {}): Promise<ProductView> {
  const p = await env.s.goods.products.create(pm, {
    kind: over.kind ?? 'physical', ...(over.delivery ? { delivery: over.delivery } : {}), nameZh: `评价商品${k}`, nameEn: `Reviewed item ${k}`, brand: '测试',
    skus: [{ code: `RV-${k}`, listFen: saleFen, saleFen }],
  });
  const c = await env.s.goods.products.submit(pm, p.id, 'listing', { channel: 'web', listedFrom: NOW.toISOString() });
  await env.s.goods.products.review(reviewer, c.id, { approve: true });
  return env.s.goods.products.get(p.id);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
async function call(method: 'GET' | 'POST', url: string, token?: string, body?: unknown, key?: string): Promise<{ status: number; json: any }> {
  const r = await env.app.inject({
    method, url: `/api/v1${url}`,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(key ? { 'idempotency-key': key } : {}) },
    ...(body !== undefined ? { payload: body as object } : {}),
  });
  return { status: r.statusCode, json: r.json() };
}

async function subscriber(): Promise<{ id: number; msisdn: string; token: string }> {
  const s = await addSubscriber(env.db, { balanceFen: 1_000_000 });
  return { ...s, token: await signIn(env, s.msisdn) };
}

/** Buys one of a product from the balance; a shipped one is also shipped and signed for when `deliver`. */
async function buy(who: { token: string }, p: ProductView, key: string, deliver: boolean): Promise<OrderView> {
  await env.app.inject({ method: 'PUT', url: '/api/v1/mall/cart/lines', headers: { authorization: `Bearer ${who.token}` }, payload: { productId: p.id, skuId: p.skus[0]!.id, quantity: 1 } });
  const q = await call('POST', '/mall/checkout/quote', who.token, { address: HOME });
  const r = await call('POST', '/mall/orders', who.token, { address: HOME, method: 'balance', expectedTotalFen: q.json.totalFen, confirm: true }, key);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const o: OrderView = r.json.order;
  if (deliver && o.shipmentId) {
    const shipped = await env.s.delivery.ship(ops, o.shipmentId, {});
    await env.s.delivery.carrierEvent('demo', { eventId: `ev-${key}`, trackingNo: shipped.trackingNo!, state: 'delivered', at: env.clock.now() });
  }
  return o;
}

const reviewRows = async () => Number((await env.db.selectFrom('productReview').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
const audits = (id: number) => env.db.selectFrom('auditEntry').select(['action', 'reason', 'actorId']).where('entityType', '=', 'product_review').where('entityId', '=', String(id)).orderBy('id').execute();
const consoleCall = (method: 'GET' | 'POST', url: string, token: string, body?: unknown) => call(method, `/console${url}`, token, body);

before(async () => {
  env = await startTestEnv({ now: NOW });
  pm = { id: await createStaffUser(env.db, { username: 'rv-pm1', displayName: '产品经理甲', password: 'correct horse battery', roles: ['product'] }), name: '产品经理甲', roles: ['product'] };
  const pm2: Actor = { id: await createStaffUser(env.db, { username: 'rv-pm2', displayName: '产品经理乙', password: 'correct horse battery', roles: ['product'] }), name: '产品经理乙', roles: ['product'] };
  ops = { id: await createStaffUser(env.db, { username: 'rv-ops', displayName: '运维', password: 'correct horse battery', roles: ['ops'] }), name: '运维', roles: ['ops'] };
  await env.s.inventory.addWarehouse(ops, { id: 'GZ', nameZh: '广州仓', nameEn: 'Guangzhou warehouse', city: '广州' }).catch(() => undefined);
  cable = await listed('C', 4_900, pm2);
  video = await listed('V', 2_500, pm2, { kind: 'virtual', delivery: 'credit' });
  await env.s.inventory.adjust(pm, { skuId: cable.skus[0]!.id, warehouseId: 'GZ', kind: 'receive', quantity: 20, reason: '到货入库' });
  [opsToken, agentToken] = await Promise.all([staffToken(env, ['ops']), staffToken(env, ['agent'])]);
});
after(() => env.close());

test('goods: not bought or not yet delivered is refused, bad input has stable codes, nothing is written; then one review per delivered line', async () => {
  const stranger = await subscriber();
  const buyer = cableBuyer = await subscriber();
  const url = `/mall/products/${cable.id}/reviews`;
  const good = { rating: 5, text: '线材很结实，充电快', photos: [PHOTO] };
  assert.deepEqual([(await call('POST', url, stranger.token, good, 'rv-key-0001')).json.code], ['REVIEW_NOT_PURCHASED']);
  const o = await buy(buyer, cable, 'rv-order-0001', false);
  const early = await call('POST', url, buyer.token, good, 'rv-key-0002');
  assert.deepEqual([early.status, early.json.code], [403, 'REVIEW_NOT_PURCHASED'], 'paid but not signed for');
  const shipped = await env.s.delivery.ship(ops, o.shipmentId!, {});
  await env.s.delivery.carrierEvent('demo', { eventId: 'rv-ev-1', trackingNo: shipped.trackingNo!, state: 'delivered', at: env.clock.now() });

  assert.deepEqual([(await call('POST', url, buyer.token, good)).json.code], ['IDEMPOTENCY_KEY_REQUIRED']);
  assert.equal((await call('POST', url, undefined, good, 'rv-key-0003')).status, 401);
  for (const [body, code] of [
    [{ ...good, rating: 6 }, 'INVALID_RATING'], [{ ...good, rating: 0 }, 'INVALID_RATING'], [{ ...good, rating: 4.5 }, 'INVALID_RATING'],
    [{ ...good, text: '好'.repeat(501) }, 'REVIEW_TEXT_TOO_LONG'],
    [{ ...good, photos: ['http://img.example.com/a.jpg'] }, 'REVIEW_PHOTO_INVALID'],
    [{ ...good, photos: ['https://img.example.com/a.exe'] }, 'REVIEW_PHOTO_INVALID'],
    [{ ...good, photos: Array.from({ length: 7 }, (_, i) => `https://img.example.com/${i}.png`) }, 'REVIEW_PHOTO_INVALID'],
  ] as const) {
    const r = await call('POST', url, buyer.token, body, `rv-bad-${code}-${JSON.stringify(body).length}`);
    assert.deepEqual([r.status, r.json.code], [400, code], JSON.stringify(body).slice(0, 80));
  }
  assert.equal(await reviewRows(), 0, 'nothing written by any refusal');

  const made = await call('POST', url, buyer.token, good, 'rv-key-0004');
  assert.equal(made.status, 201, JSON.stringify(made.json));
  assert.deepEqual([made.json.state, made.json.verified, made.json.rating, made.json.photos, made.json.skuId], ['published', true, 5, [PHOTO], cable.skus[0]!.id]);
  assert.equal(made.json.author, `${buyer.msisdn.slice(0, 3)}****${buyer.msisdn.slice(7)}`);
  const again = await call('POST', url, buyer.token, good, 'rv-key-0004');
  assert.deepEqual([again.status, again.json.id], [200, made.json.id]);
  assert.deepEqual([(await call('POST', url, buyer.token, { rating: 1 }, 'rv-key-0004')).json.code], ['IDEMPOTENCY_KEY_REUSED']);
  const second = await call('POST', url, buyer.token, { rating: 4, text: '再评一次' }, 'rv-key-0005');
  assert.deepEqual([second.status, second.json.code], [409, 'REVIEW_EXISTS']);
  assert.equal(await reviewRows(), 1);

  // A second delivered order of the same product is a purchase of its own.
  await buy(buyer, cable, 'rv-order-0002', true);
  const next = await call('POST', url, buyer.token, { rating: 3, text: '第二根也还行' }, 'rv-key-0006');
  assert.deepEqual([next.status, next.json.state], [201, 'published']);

  const list = await call('GET', url);
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.summary, { average: 4, count: 2, stars: { 1: 0, 2: 0, 3: 1, 4: 0, 5: 1 } });
  assert.deepEqual(list.json.items.map((r: { rating: number }) => r.rating), [3, 5], 'newest first');
  assert.deepEqual((await call('GET', `${url}?sort=best`)).json.code, 'INVALID_INPUT');
});

test('a sensitive word holds a review for moderation; approve, reject with a reason and reply are audited, by one moderator', async () => {
  const url = `/mall/products/${video.id}/reviews`;
  const [a, b] = [await subscriber(), await subscriber()];
  await buy(a, video, 'rv-order-0101', true);
  await buy(b, video, 'rv-order-0102', true);
  const text = '会员好用，加微信可以刷 单返现';
  const held = await call('POST', url, a.token, { rating: 4, text }, 'rv-key-0101');
  assert.deepEqual([held.status, held.json.state], [201, 'pending']);
  assert.deepEqual((await call('GET', url)).json.summary.count, 0, 'not shown while held');

  assert.equal((await consoleCall('GET', '/mall/reviews', agentToken)).status, 403);
  const queue = await consoleCall('GET', '/mall/reviews?state=pending', opsToken);
  const item = queue.json.items.find((r: { id: number }) => r.id === held.json.id);
  assert.deepEqual(item.hits.map((h: { word: string; start: number; end: number }) => [h.word, text.slice(h.start, h.end)]), [['刷单', '刷 单']]);

  const approved = await consoleCall('POST', `/mall/reviews/${held.json.id}/approve`, opsToken);
  assert.deepEqual([approved.status, approved.json.state], [200, 'published']);
  assert.deepEqual((await consoleCall('POST', `/mall/reviews/${held.json.id}/approve`, opsToken)).json.code, 'REVIEW_NOT_IN_STATE');
  const replied = await consoleCall('POST', `/mall/reviews/${held.json.id}/reply`, opsToken, { text: '感谢您的评价，我们会加强管理' });
  assert.equal(replied.status, 200);
  const shown = (await call('GET', url)).json;
  assert.deepEqual([shown.summary.count, shown.items[0].reply.text, shown.items[0].verified], [1, '感谢您的评价，我们会加强管理', true]);
  assert.deepEqual((await audits(held.json.id)).map((x) => x.action), ['mall.review.approve', 'mall.review.reply']);

  const other = await call('POST', url, b.token, { rating: 1, text: '这里有人代开发票' }, 'rv-key-0102');
  assert.equal(other.json.state, 'pending');
  assert.deepEqual((await consoleCall('POST', `/mall/reviews/${other.json.id}/reject`, opsToken, { reason: ' ' })).json.code, 'INVALID_INPUT');
  const rejected = await consoleCall('POST', `/mall/reviews/${other.json.id}/reject`, opsToken, { reason: '含有违规广告信息' });
  assert.deepEqual([rejected.status, rejected.json.state], [200, 'rejected']);
  assert.deepEqual((await consoleCall('POST', `/mall/reviews/${other.json.id}/reply`, opsToken, { text: '您好' })).json.code, 'REVIEW_NOT_IN_STATE');
  const mine = await call('GET', '/mall/reviews/mine', b.token);
  assert.deepEqual([mine.json.total, mine.json.items[0].state, mine.json.items[0].rejectReason], [1, 'rejected', '含有违规广告信息']);
  assert.deepEqual((await audits(other.json.id)).map((x) => [x.action, x.reason]), [['mall.review.reject', '含有违规广告信息']]);
  assert.deepEqual((await call('GET', url)).json.summary.count, 1);
});

test('helpful: once per subscriber, never one\'s own, only a published review; most helpful first', async () => {
  const url = `/mall/products/${cable.id}/reviews`;
  const [older, newer] = (await call('GET', url)).json.items.reverse();
  const voters = [await subscriber(), await subscriber()];
  const v = await call('POST', `/mall/reviews/${older.id}/helpful`, voters[0]!.token);
  assert.deepEqual([v.status, v.json.helpfulCount], [200, 1]);
  const twice = await call('POST', `/mall/reviews/${older.id}/helpful`, voters[0]!.token);
  assert.deepEqual([twice.status, twice.json.code], [409, 'REVIEW_ALREADY_VOTED']);
  assert.deepEqual((await call('POST', `/mall/reviews/${older.id}/helpful`, voters[1]!.token)).json.helpfulCount, 2);
  assert.equal((await call('POST', `/mall/reviews/${older.id}/helpful`)).status, 401);
  const byHelpful = (await call('GET', `${url}?sort=helpful`)).json.items;
  assert.deepEqual(byHelpful.map((r: { id: number; helpfulCount: number }) => [r.id, r.helpfulCount]), [[older.id, 2], [newer.id, 0]]);
  // The writer of a review cannot vote for it; a rejected one cannot be voted for.
  const rejected = (await env.db.selectFrom('productReview').select(['id']).where('state', '=', 'rejected').executeTakeFirstOrThrow()).id;
  assert.deepEqual((await call('POST', `/mall/reviews/${rejected}/helpful`, voters[0]!.token)).json.code, 'REVIEW_NOT_FOUND');
  assert.deepEqual((await call('POST', `/mall/reviews/${older.id}/helpful`, cableBuyer.token)).json.code, 'REVIEW_OWN_VOTE');
  assert.equal((await env.db.selectFrom('productReviewVote').selectAll().where('reviewId', '=', older.id).execute()).length, 2);
});

test('offerings: reviewed after holding one for seven days, once per subscription; no photos', async () => {
  const holder = await subscriber();
  const stranger = await subscriber();
  const done = await callBusiness(env, holder.token, 'pack.subscribe', { input: { packId: 'PK-DATA-3G' }, confirm: true }, 'rv-pack-0001');
  assert.equal(done.statusCode, 200, done.body);
  const url = '/mall/offerings/PK-DATA-3G/reviews';
  const soon = await call('POST', url, holder.token, { rating: 5, text: '流量够用' }, 'rv-key-0201');
  assert.deepEqual([soon.status, soon.json.code], [409, 'REVIEW_TOO_EARLY']);
  assert.equal(soon.json.reviewableFrom, new Date(NOW.getTime() + 7 * 86_400_000).toISOString());
  assert.deepEqual((await call('POST', url, stranger.token, { rating: 5 }, 'rv-key-0202')).json.code, 'REVIEW_NOT_PURCHASED');
  assert.deepEqual((await call('POST', '/mall/offerings/NO-SUCH-PACK/reviews', holder.token, { rating: 5 }, 'rv-key-0203')).json.code, 'OFFERING_NOT_FOUND');
  assert.deepEqual((await call('POST', url, holder.token, { rating: 5, photos: [PHOTO] }, 'rv-key-0204')).json.code, 'REVIEW_PHOTO_INVALID');
  const before = await reviewRows();

  env.clock.advance(7 * 86_400_000);
  const token = await signIn(env, holder.msisdn);
  const made = await call('POST', url, token, { rating: 4, text: '流量够用，网速稳定' }, 'rv-key-0205');
  assert.deepEqual([made.status, made.json.subject, made.json.offeringId, made.json.state], [201, 'offering', 'PK-DATA-3G', 'published']);
  assert.equal(await reviewRows(), before + 1);
  assert.deepEqual((await call('POST', url, token, { rating: 2 }, 'rv-key-0206')).json.code, 'REVIEW_EXISTS');
  const list = (await call('GET', url)).json;
  assert.deepEqual([list.summary.average, list.summary.count, list.items[0].text, list.items[0].verified], [4, 1, '流量够用，网速稳定', true]);
});
