// Promotions and coupons over REST (src/channels/api/mall-promotions.ts, src/channels/console/
// promotion-routes.ts): the public activity zone in the caller's language, the wallet, a claim under
// an Idempotency-Key (201, then 200 the same coupon; 409 at a limit, when none are left or it is not
// live; 400 for bad input; nothing changed on any of them); staff's promotions drafted, submitted and
// approved only by a second person, each step audited; the demo's promotions seeded once. On
// PostgreSQL (DATABASE_URL), subscribers really race for the last coupons.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, startTestEnv, type TestEnv } from './helpers.ts';
import { SUBSCRIBER_TOKEN_TTL_S } from '../src/modules/identity/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import { seedDemoGoods } from '../src/modules/goods/index.ts';
import { DEMO_REVIEWER, seedDemoPromotions } from '../src/modules/promotion/index.ts';

let env: TestEnv;
const tokens: Record<'pm' | 'mk' | 'agent', string> = { pm: '', mk: '', agent: '' };
const staffIds: Record<'pm' | 'mk', number> = { pm: 0, mk: 0 };
const NOW = new Date('2026-12-02T02:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;
const onPostgres = process.env.DATABASE_URL ? false : 'PGlite runs one statement at a time, so it cannot show a race: this runs on PostgreSQL (DATABASE_URL)';
const window = { startsAt: new Date(NOW.getTime() - DAY).toISOString(), endsAt: new Date(NOW.getTime() + 30 * DAY).toISOString() };
let accessories = 0;
let n = 0;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
async function call(method: 'GET' | 'POST' | 'PUT', url: string, o: { token?: string; body?: unknown; key?: string; lang?: string } = {}): Promise<{ status: number; json: any; headers: Record<string, unknown> }> {
  const r = await env.app.inject({
    method, url: `/api/v1${url}`,
    headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.key ? { 'idempotency-key': o.key } : {}), ...(o.lang ? { 'accept-language': o.lang } : {}) },
    ...(o.body !== undefined ? { payload: o.body as object } : {}),
  });
  return { status: r.statusCode, json: r.json(), headers: r.headers };
}

async function subscriber(): Promise<{ id: number; token: string }> {
  const s = await addSubscriber(env.db);
  return { id: s.id, token: await env.s.authSessions.issue({ kind: 'subscriber', subscriberId: s.id }, SUBSCRIBER_TOKEN_TTL_S) };
}

/** A promotion made in the console by the product manager and approved by marketing. */
async function livePromotion(input: Record<string, unknown>): Promise<number> {
  const made = await call('POST', '/console/mall/promotions', { token: tokens.pm, body: { mode: 'auto', nameZh: `测试${++n}`, nameEn: `Test ${n}`, benefit: 'amount', offFen: 1_000, ...window, ...input } });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  assert.equal((await call('POST', `/console/mall/promotions/${made.json.id}/submit`, { token: tokens.pm, body: {} })).status, 200);
  const ok = await call('POST', `/console/mall/promotions/${made.json.id}/approve`, { token: tokens.mk, body: {} });
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  return made.json.id as number;
}
const coupons = (templateId: number) => env.db.selectFrom('coupon').select(['id', 'subscriberId']).where('promotionId', '=', templateId).execute();
const audits = (id: number) => env.db.selectFrom('auditEntry').select(['action', 'actorId', 'reason']).where('entityType', '=', 'promotion').where('entityId', '=', String(id)).orderBy('id').execute();

before(async () => {
  env = await startTestEnv({ now: NOW });
  await seedDemoGoods(env.db, env.s.audit, NOW);
  accessories = (await env.db.selectFrom('goodsCategory').select('id').where('code', '=', 'accessories').executeTakeFirstOrThrow()).id;
  for (const [who, roles] of [['pm', ['product']], ['mk', ['marketing']], ['agent', ['agent']]] as const) {
    const id = await createStaffUser(env.db, { username: `promo-${who}`, displayName: who, password: 'correct horse battery', roles: [...roles] });
    if (who !== 'agent') staffIds[who] = id;
    const r = await env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/token', payload: { username: `promo-${who}`, password: 'correct horse battery' } });
    tokens[who] = r.json().token;
  }
});
after(() => env.close());

// First, before the other tests make theirs: the demo seeds only where there are no promotions.
test('the demo promotions: 满300减30 on phones, 9折 on accessories, a ¥10 coupon, approved by a second id; a second start adds nothing', async () => {
  const first = await seedDemoPromotions(env.db, env.s.goods, env.s.promotions, NOW);
  assert.equal(first.created, 3);
  assert.deepEqual(await seedDemoPromotions(env.db, env.s.goods, env.s.promotions, NOW), { created: 0 });
  const live = (await call('GET', '/mall/promotions')).json;
  assert.deepEqual(live.promotions.map((p: { rule: string; categories: { name: string }[] }) => [p.rule, p.categories.map((c) => c.name)]), [['满300元减30元', ['手机']], ['9折，最高减100元', ['配件']]]);
  assert.deepEqual(live.coupons.map((p: { rule: string; perSubscriberLimit: number }) => [p.rule, p.perSubscriberLimit]), [['满99元减10元', 1]]);
  const rows = await env.db.selectFrom('promotion').select(['createdBy', 'reviewedBy', 'status']).execute();
  assert.ok(rows.every((r) => r.status === 'active' && r.createdBy !== r.reviewedBy && r.reviewedBy === DEMO_REVIEWER.id));
  const me = await subscriber();
  const claimed = await call('POST', '/mall/coupons', { token: me.token, body: { templateId: live.coupons[0].id }, key: 'demo-claim-01' });
  assert.equal(claimed.status, 201);
});

describe('the console', () => {
  test('a draft, edited, submitted, refused to its creator (SELF_REVIEW), approved by a second person: every step audited', async () => {
    const body = { mode: 'auto', nameZh: '配件满200减20', nameEn: 'Accessories: ¥20 off ¥200', benefit: 'amount', offFen: 2_000, minSpendFen: 20_000, categoryIds: [accessories], globalLimit: 500, perSubscriberLimit: 2, ...window };
    const made = await call('POST', '/console/mall/promotions', { token: tokens.pm, body });
    assert.equal(made.status, 201, JSON.stringify(made.json));
    assert.equal(made.json.status, 'draft');
    assert.deepEqual(made.json.terms, { 'zh-CN': '满200元减20元', en: '¥20 off ¥200' });
    const id = made.json.id as number;
    assert.equal((await call('GET', '/mall/promotions')).json.promotions.some((p: { id: number }) => p.id === id), false, 'a draft is not public');

    const edited = await call('PUT', `/console/mall/promotions/${id}`, { token: tokens.pm, body: { ...body, offFen: 2_500 } });
    assert.equal(edited.status, 200, JSON.stringify(edited.json));
    assert.equal(edited.json.terms['zh-CN'], '满200元减25元');
    assert.equal((await call('POST', `/console/mall/promotions/${id}/submit`, { token: tokens.pm, body: {} })).json.status, 'pending');
    assert.equal((await call('PUT', `/console/mall/promotions/${id}`, { token: tokens.pm, body })).json.code, 'NOT_EDITABLE');

    const self = await call('POST', `/console/mall/promotions/${id}/approve`, { token: tokens.pm, body: {} });
    assert.deepEqual([self.status, self.json.code], [409, 'SELF_REVIEW']);
    assert.equal((await call('GET', `/console/mall/promotions/${id}`, { token: tokens.mk })).json.status, 'pending', 'the refusal changed nothing');
    const ok = await call('POST', `/console/mall/promotions/${id}/approve`, { token: tokens.mk, body: {} });
    assert.equal(ok.status, 200);
    assert.deepEqual([ok.json.status, ok.json.reviewedBy, ok.json.left], ['active', staffIds.mk, 500]);
    const listed = await call('GET', '/console/mall/promotions?status=active', { token: tokens.pm });
    assert.ok(listed.json.items.some((p: { id: number }) => p.id === id));
    assert.equal((await call('POST', `/console/mall/promotions/${id}/pause`, { token: tokens.mk, body: { reason: '库存不足' } })).json.status, 'paused');
    assert.equal((await call('POST', `/console/mall/promotions/${id}/resume`, { token: tokens.pm, body: {} })).json.status, 'active');

    assert.deepEqual((await audits(id)).map((a) => [a.action, a.actorId]), [
      ['promotion.create', staffIds.pm], ['promotion.update', staffIds.pm], ['promotion.submit', staffIds.pm],
      ['promotion.review.approve', staffIds.mk], ['promotion.pause', staffIds.mk], ['promotion.resume', staffIds.pm],
    ]);
  });

  test('a rejection needs a reason and goes back to its creator; other roles and bad input are refused, nothing written', async () => {
    const made = await call('POST', '/console/mall/promotions', { token: tokens.mk, body: { mode: 'code', code: 'shop10', nameZh: '口令减10', nameEn: 'Code ¥10 off', benefit: 'amount', offFen: 1_000, ...window } });
    assert.equal(made.status, 201, JSON.stringify(made.json));
    assert.equal(made.json.code, 'SHOP10');
    const id = made.json.id as number;
    await call('POST', `/console/mall/promotions/${id}/submit`, { token: tokens.mk, body: {} });
    assert.equal((await call('POST', `/console/mall/promotions/${id}/reject`, { token: tokens.pm, body: {} })).status, 400);
    assert.equal((await call('POST', `/console/mall/promotions/${id}/reject`, { token: tokens.pm, body: { reason: '   ' } })).json.code, 'INVALID_INPUT');
    const no = await call('POST', `/console/mall/promotions/${id}/reject`, { token: tokens.pm, body: { reason: '口令与去年活动重复' } });
    assert.deepEqual([no.status, no.json.status, no.json.reviewReason], [200, 'rejected', '口令与去年活动重复']);
    assert.deepEqual((await audits(id)).map((a) => [a.action, a.reason || null]), [['promotion.create', null], ['promotion.submit', null], ['promotion.review.reject', '口令与去年活动重复']]);

    const before = await env.db.selectFrom('promotion').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal((await call('GET', '/console/mall/promotions', { token: tokens.agent })).status, 403);
    assert.equal((await call('GET', '/console/mall/promotions')).status, 401);
    const base = { mode: 'auto', nameZh: '坏', nameEn: 'Bad', benefit: 'amount', offFen: 1_000, ...window };
    for (const [bad, code] of [
      [{ ...base, offFen: 10.5 }, 'INVALID_INPUT'],
      [{ ...base, startsAt: '2026-12-01 10:00' }, 'INVALID_INPUT'],
      [{ ...base, extra: 1 }, 'INVALID_INPUT'],
      [{ ...base, endsAt: window.startsAt, startsAt: window.endsAt }, 'INVALID_INPUT'],
      [{ ...base, benefit: 'percent' }, 'INVALID_INPUT'],
      [{ ...base, code: 'NOPE1' }, 'INVALID_INPUT'],
      [{ ...base, categoryIds: [999_999] }, 'CATEGORY_NOT_FOUND'],
      [{ ...base, productIds: [999_999] }, 'PRODUCT_NOT_FOUND'],
      [{ ...base, mode: 'code', code: 'SHOP10' }, 'CONFLICT'],
    ] as const) {
      const r = await call('POST', '/console/mall/promotions', { token: tokens.pm, body: bad });
      assert.ok(r.status >= 400 && r.status < 500, JSON.stringify(r.json));
      assert.equal(r.json.code, code, JSON.stringify(bad));
    }
    const mixed = await call('POST', '/console/mall/promotions', { token: tokens.pm, body: { ...base, benefit: 'percent' } });
    assert.deepEqual(mixed.json.messages, { 'zh-CN': '促销信息有误：折扣需要填写优惠比例，且不填减免金额', en: 'Invalid promotion at percentOff: a percentage off needs percentOff, and no offFen' }, 'each language in its own words');
    assert.equal((await call('POST', '/console/mall/promotions', { token: tokens.agent, body: base })).status, 403);
    const after = await env.db.selectFrom('promotion').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n));
  });
});

describe('the subscriber', () => {
  test('the activity zone: live promotions and coupons to claim, their rule in the caller\'s language, nothing unapproved', async () => {
    const auto = await livePromotion({ benefit: 'percent', offFen: null, percentOff: 10, capFen: 5_000, categoryIds: [accessories], nameZh: '配件九折', nameEn: 'Accessories 10% off' });
    const wallet = await livePromotion({ mode: 'wallet', offFen: 500, minSpendFen: 5_000, perSubscriberLimit: 1, globalLimit: 3, validDays: 7 });
    const later = await livePromotion({ startsAt: new Date(NOW.getTime() + DAY).toISOString() });
    const zh = (await call('GET', '/mall/promotions')).json;
    const p = zh.promotions.find((x: { id: number }) => x.id === auto);
    assert.deepEqual([p.name, p.rule, p.wholeShop, p.categories], ['配件九折', '9折，最高减50元', false, [{ id: accessories, name: '配件' }]]);
    assert.equal(p.startsAtLocal, '2026-12-01 10:00');
    const c = zh.coupons.find((x: { id: number }) => x.id === wallet);
    assert.deepEqual([c.mode, c.rule, c.wholeShop, c.left, c.perSubscriberLimit, c.validDays], ['wallet', '满50元减5元', true, 3, 1, 7]);
    assert.equal(zh.promotions.some((x: { id: number }) => x.id === later), false, 'not started yet');
    const en = (await call('GET', '/mall/promotions', { lang: 'en-GB,en;q=0.9' })).json;
    const pe = en.promotions.find((x: { id: number }) => x.id === auto);
    assert.deepEqual([pe.name, pe.rule, pe.categories[0].name], ['Accessories 10% off', '10% off, at most ¥50', 'Accessories']);
  });

  test('a claim: 201, the same key 200 the same coupon, then the limit; bad input 400 and nothing claimed', async () => {
    const t = await livePromotion({ mode: 'wallet', nameZh: '五元券', nameEn: '¥5 coupon', offFen: 500, perSubscriberLimit: 1, globalLimit: 10, validDays: 7 });
    const other = await livePromotion({ mode: 'wallet', offFen: 300 });
    const me = await subscriber();
    assert.equal((await call('POST', '/mall/coupons', { body: { templateId: t }, key: 'claim-anon-1' })).status, 401);
    for (const [body, key, code] of [
      [{ templateId: t }, undefined, 'IDEMPOTENCY_KEY_REQUIRED'],
      [{ templateId: String(t) }, 'claim-bad-1', 'INVALID_INPUT'],
      [{ templateId: -1 }, 'claim-bad-2', 'INVALID_INPUT'],
      [{ templateId: t, extra: true }, 'claim-bad-3', 'INVALID_INPUT'],
      [{}, 'claim-bad-4', 'INVALID_INPUT'],
    ] as const) {
      const r = await call('POST', '/mall/coupons', { token: me.token, body, key });
      assert.deepEqual([r.status, r.json.code], [400, code], JSON.stringify(body));
    }
    assert.equal((await coupons(t)).length, 0, 'bad input claims nothing');

    const first = await call('POST', '/mall/coupons', { token: me.token, body: { templateId: t }, key: 'claim-key-0001' });
    assert.equal(first.status, 201, JSON.stringify(first.json));
    assert.match(first.json.coupon.code, /^CP[A-Z2-9]{10}$/);
    assert.deepEqual([first.json.coupon.name, first.json.coupon.rule, first.json.coupon.state, first.json.coupon.validUntilLocal], ['五元券', '无门槛减5元', 'usable', '2026-12-09 10:00']);
    const again = await call('POST', '/mall/coupons', { token: me.token, body: { templateId: t }, key: 'claim-key-0001', lang: 'en' });
    assert.deepEqual([again.status, again.headers['idempotent-replayed'], again.json.coupon.code, again.json.coupon.rule], [200, 'true', first.json.coupon.code, '¥5 off']);
    const limit = await call('POST', '/mall/coupons', { token: me.token, body: { templateId: t }, key: 'claim-key-0002' });
    assert.deepEqual([limit.status, limit.json.code], [409, 'COUPON_LIMIT_REACHED']);
    const reused = await call('POST', '/mall/coupons', { token: me.token, body: { templateId: other }, key: 'claim-key-0001' });
    assert.deepEqual([reused.status, reused.json.code], [422, 'IDEMPOTENCY_KEY_REUSED']);
    assert.deepEqual((await coupons(t)).map((c) => c.subscriberId), [me.id]);
    assert.equal((await call('GET', `/console/mall/promotions/${t}`, { token: tokens.pm })).json.issued, 1);

    const wallet = await call('GET', '/mall/coupons', { token: me.token });
    assert.equal(wallet.status, 200);
    assert.deepEqual([wallet.json.usable.map((c: { code: string }) => c.code), wallet.json.used, wallet.json.expired], [[first.json.coupon.code], [], []]);
    assert.equal((await call('GET', '/mall/coupons')).status, 401);
    assert.equal((await call('GET', '/mall/coupons', { token: tokens.pm })).status, 403);
  });

  test('none left, not live: 409 with stable codes; a draft is not on offer (404); nothing claimed', async () => {
    const one = await livePromotion({ mode: 'wallet', offFen: 500, globalLimit: 1 });
    assert.equal((await call('POST', '/mall/coupons', { token: (await subscriber()).token, body: { templateId: one }, key: 'sold-out-0001' })).status, 201);
    const gone = await call('POST', '/mall/coupons', { token: (await subscriber()).token, body: { templateId: one }, key: 'sold-out-0002' });
    assert.deepEqual([gone.status, gone.json.code], [409, 'COUPON_SOLD_OUT']);
    assert.equal((await call('GET', '/mall/promotions')).json.coupons.some((c: { id: number }) => c.id === one), false, 'none left: not offered');

    const paused = await livePromotion({ mode: 'wallet', offFen: 500 });
    await call('POST', `/console/mall/promotions/${paused}/pause`, { token: tokens.pm, body: {} });
    const soon = await livePromotion({ mode: 'wallet', offFen: 500, startsAt: new Date(NOW.getTime() + DAY).toISOString() });
    const draft = (await call('POST', '/console/mall/promotions', { token: tokens.pm, body: { mode: 'wallet', nameZh: '草稿券', nameEn: 'Draft', benefit: 'amount', offFen: 500, ...window } })).json.id as number;
    const autoOne = await livePromotion({});
    const me = await subscriber();
    for (const [templateId, status, code] of [[paused, 409, 'COUPON_PAUSED'], [soon, 409, 'COUPON_NOT_STARTED'], [draft, 404, 'COUPON_NOT_FOUND'], [autoOne, 404, 'COUPON_NOT_FOUND'], [2_000_000, 404, 'COUPON_NOT_FOUND']] as const) {
      const r = await call('POST', '/mall/coupons', { token: me.token, body: { templateId }, key: `not-live-${templateId}` });
      assert.deepEqual([r.status, r.json.code], [status, code]);
    }
    const ending = await livePromotion({ mode: 'wallet', offFen: 500, endsAt: new Date(NOW.getTime() + HOUR).toISOString() });
    const kept = await call('POST', '/mall/coupons', { token: me.token, body: { templateId: ending }, key: 'ending-0001' });
    env.clock.advance(2 * HOUR);
    try {
      const ended = await call('POST', '/mall/coupons', { token: me.token, body: { templateId: ending }, key: 'ending-0002' });
      assert.deepEqual([ended.status, ended.json.code], [409, 'COUPON_EXPIRED']);
      const replay = await call('POST', '/mall/coupons', { token: me.token, body: { templateId: ending }, key: 'ending-0001' });
      assert.deepEqual([replay.status, replay.json.coupon.code, replay.json.coupon.state], [200, kept.json.coupon.code, 'expired']);
      assert.deepEqual((await call('GET', '/mall/coupons', { token: me.token })).json.expired.map((c: { code: string }) => c.code), [kept.json.coupon.code]);
    } finally {
      env.clock.set(NOW);
    }
    assert.equal((await env.db.selectFrom('coupon').select('id').where('subscriberId', '=', me.id).execute()).length, 1);
  });

  test('the last coupons claimed by many subscribers at once: exactly as many as there are (PostgreSQL)', { skip: onPostgres }, async () => {
    const t = await livePromotion({ mode: 'wallet', offFen: 500, perSubscriberLimit: 1, globalLimit: 3 });
    const people = await Promise.all(Array.from({ length: 24 }, () => subscriber()));
    const answers = await Promise.all(people.map((p, i) => call('POST', '/mall/coupons', { token: p.token, body: { templateId: t }, key: `race-${t}-${i}` })));
    const codes = answers.map((a) => a.status === 201 ? 'won' : a.json.code);
    assert.equal(codes.filter((c) => c === 'won').length, 3, JSON.stringify(codes));
    assert.deepEqual([...new Set(codes.filter((c) => c !== 'won'))], ['COUPON_SOLD_OUT']);
    assert.equal((await coupons(t)).length, 3);
    assert.equal((await call('GET', `/console/mall/promotions/${t}`, { token: tokens.pm })).json.issued, 3);
  });
});

