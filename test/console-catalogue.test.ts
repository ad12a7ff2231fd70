// The console's catalogue over HTTP, as the web console calls it (docs/console-api.md): who may
// read and write, ETag / If-Match on edits, reviews, bad input refused with nothing changed, the
// businesses × channels table and its switches, and the role home page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, callBusiness, signIn, staffToken, startTestEnv, type TestEnv } from './helpers.ts';

let env: TestEnv;
let pmA: string;
let pmB: string;
let marketing: string;
let ops: string;
before(async () => {
  env = await startTestEnv();
  [pmA, pmB, marketing, ops] = await Promise.all([staffToken(env, ['product']), staffToken(env, ['product']), staffToken(env, ['marketing']), staffToken(env, ['ops'])]);
});
after(async () => {
  await env.close();
});

function call(token: string | null, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  return env.app.inject({
    method, url: `/api/v1/console${url}`, ...(payload === undefined ? {} : { payload: payload as object }),
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
}

async function offeringCount(): Promise<number> {
  const r = await env.db.selectFrom('offering').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('who may read and write the catalogue', () => {
  test('no token: 401; every staff role reads; only product staff write', async () => {
    assert.equal((await call(null, 'GET', '/offerings')).statusCode, 401);
    for (const t of [pmA, marketing, ops]) assert.equal((await call(t, 'GET', '/offerings?limit=5')).statusCode, 200);
    const n = await offeringCount();
    const refused = await call(marketing, 'POST', '/offerings', { nameZh: '营销不能建' });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().code, 'FORBIDDEN');
    assert.equal(await offeringCount(), n, 'nothing created');
    const subscriber = await signIn(env, (await addSubscriber(env.db)).msisdn);
    assert.equal((await call(subscriber, 'GET', '/offerings')).statusCode, 403, 'a subscriber is not staff');
  });
});

describe('an offering edited with its ETag', () => {
  test('created with only a Chinese name; a stale If-Match is 409 and the first save stands', async () => {
    const created = await call(pmA, 'POST', '/offerings', { nameZh: '端午流量包' });
    assert.equal(created.statusCode, 201, created.body);
    const o = created.json();
    assert.equal(o.lifecycleStatus, 'In design');
    assert.equal(created.headers.etag, `"${o.revision}"`);
    const got = await call(marketing, 'GET', `/offerings/${o.id}`);
    assert.equal(got.headers.etag, `"${o.revision}"`);

    const first = await call(pmB, 'PATCH', `/offerings/${o.id}`, { nameEn: 'Dragon Boat data', kind: 'data_pack', code: 'dw3g', priceFen: 1500, dataMb: 3072, validityDays: 3 }, { 'if-match': `"${o.revision}"` });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().code, 'DW3G');
    const stale = await call(pmA, 'PATCH', `/offerings/${o.id}`, { nameEn: 'overwritten' }, { 'if-match': `"${o.revision}"` });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().code, 'CONFLICT');
    assert.equal((await call(pmA, 'GET', `/offerings/${o.id}`)).json().nameEn, 'Dragon Boat data', 'nothing lost');
    const bad = await call(pmA, 'PATCH', `/offerings/${o.id}`, { nameEn: 'x' }, { 'if-match': 'yesterday' });
    assert.equal(bad.statusCode, 400);

    const list = await call(pmA, 'GET', '/offerings?q=端午&limit=5');
    assert.deepEqual(list.json().items.map((x: { id: string }) => x.id), [o.id], 'found by its Chinese name');
    assert.equal((await call(pmA, 'GET', '/offerings?q=dw3g')).json().total, 1, 'and by its code');
  });

  test('bad bodies are 400 with the field named, and change nothing', async () => {
    const n = await offeringCount();
    for (const body of [
      {}, { nameZh: '' }, { nameZh: 'a\u0000b' }, { nameZh: '\ud800' }, { nameZh: '价格小数', priceFen: 9.5 }, { nameZh: '负价', priceFen: -1 },
      { nameZh: '多余字段', color: 'red' }, { nameZh: '错类别', kind: 'phone' }, { nameZh: '错编码', code: 'A B' }, { nameZh: 12 },
    ]) {
      const r = await call(pmA, 'POST', '/offerings', body);
      assert.equal(r.statusCode, 400, `${JSON.stringify(body)}: ${r.body}`);
      assert.equal(r.json().code, 'INVALID_INPUT');
    }
    assert.equal((await call(pmA, 'POST', '/offerings', 'not json', { 'content-type': 'application/json' })).statusCode, 400);
    assert.equal(await offeringCount(), n);
  });
});

describe('reviews over HTTP', () => {
  test('submit, SELF_REVIEW for the author, approve by another; reject needs a reason; home counts what waits', async () => {
    const o = (await call(pmA, 'POST', '/offerings', { nameZh: '审核包', kind: 'sms_pack', code: 'SH100', priceFen: 500, sms: 100, validityDays: 30 })).json();
    const incomplete = (await call(pmA, 'POST', '/offerings', { nameZh: '缺价格' })).json();
    const noPrice = await call(pmA, 'POST', `/offerings/${incomplete.id}/submit`, { to: 'In test' });
    assert.equal(noPrice.statusCode, 400);
    assert.equal(noPrice.json().code, 'INCOMPLETE');
    const jump = await call(pmA, 'POST', `/offerings/${o.id}/submit`, { to: 'Launched', channels: ['ussd'] });
    assert.equal(jump.statusCode, 409, 'In design cannot go straight to Launched');
    assert.equal(jump.json().code, 'INVALID_TRANSITION');

    const submitted = await call(pmA, 'POST', `/offerings/${o.id}/submit`, { to: 'In test', channels: ['ussd'], reason: '请审核' });
    assert.equal(submitted.statusCode, 201, submitted.body);
    const review = submitted.json();
    const homeB = (await call(pmB, 'GET', '/home')).json();
    assert.ok(homeB.pendingReviews >= 1, 'B sees it waiting');
    assert.ok((await call(pmA, 'GET', '/home')).json().myPendingSubmissions >= 1, 'A sees it as theirs');
    const queue = (await call(pmB, 'GET', '/reviews')).json().items;
    assert.ok(queue.some((r: { id: number }) => r.id === review.id));

    const self = await call(pmA, 'POST', `/reviews/${review.id}/approve`, {});
    assert.equal(self.statusCode, 409);
    assert.equal(self.json().code, 'SELF_REVIEW');
    assert.match(self.json().messages['zh-CN'], /不能审核自己/u);
    assert.equal((await call(marketing, 'POST', `/reviews/${review.id}/approve`, {})).statusCode, 403);
    assert.equal((await call(pmB, 'POST', `/reviews/${review.id}/reject`, {})).statusCode, 400, 'a rejection needs a reason');
    const approved = await call(pmB, 'POST', `/reviews/${review.id}/approve`, { reason: '同意' });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(approved.json().status, 'approved');
    assert.equal(approved.json().decidedBy.id !== approved.json().requestedBy.id, true);
    const page = (await call(pmA, 'GET', `/offerings/${o.id}`)).json();
    assert.equal(page.lifecycleStatus, 'In test');
    assert.deepEqual(page.history.filter((h: { kind: string }) => h.kind === 'status').map((h: { to: string }) => h.to), ['In design', 'In test']);
    assert.equal((await call(pmB, 'POST', `/reviews/${review.id}/approve`, {})).json().code, 'REVIEW_NOT_PENDING');

    const tn = await call(pmA, 'PUT', `/offerings/${o.id}/test-numbers`, { msisdns: ['+86 138 0000 0009', '１３８００００００１０'] });
    assert.deepEqual(tn.json().testNumbers, ['13800000009', '13800000010']);
    assert.equal((await call(pmA, 'PUT', `/offerings/${o.id}/test-numbers`, { msisdns: ['1380000abcd'] })).statusCode, 400);
  });
});

describe('businesses × channels', () => {
  test('each cell says on or off with the last hour’s calls; ops withdraws and restores with a reason, audited', async () => {
    const sub = await addSubscriber(env.db);
    const token = await signIn(env, sub.msisdn);
    assert.equal((await callBusiness(env, token, 'balance.query')).statusCode, 200);
    await env.s.interactions.flush();
    const table = (await call(ops, 'GET', '/businesses')).json();
    assert.deepEqual(table.channels, ['web', 'mobile', 'kiosk', 'sms', 'ussd', 'ivr', 'agent', 'api']);
    const balance = table.items.find((b: { id: string }) => b.id === 'balance.query');
    assert.equal(balance.names['zh-CN'], '话费余额查询');
    assert.ok(balance.cells.api.calls >= 1);
    assert.equal(balance.cells.api.okRate, 1);
    assert.equal(balance.cells.ivr.enabled, true);

    assert.equal((await call(marketing, 'PUT', '/businesses/recharge/channels/kiosk', { enabled: false, reason: '维护' })).statusCode, 403);
    assert.equal((await call(ops, 'PUT', '/businesses/recharge/channels/kiosk', { enabled: false })).statusCode, 400, 'a reason is required');
    assert.equal((await call(ops, 'PUT', '/businesses/no.such/channels/kiosk', { enabled: false, reason: 'x' })).statusCode, 404);
    assert.equal((await call(ops, 'PUT', '/businesses/recharge/channels/fax', { enabled: false, reason: 'x' })).statusCode, 400);
    const off = await call(ops, 'PUT', '/businesses/recharge/channels/kiosk', { enabled: false, reason: '自助终端充值维护' });
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(off.json().enabled, false);
    const kiosk = await callBusiness(env, token, 'recharge', { input: { amount: 1000 }, confirm: true }, 'kiosk-recharge-1');
    assert.equal(kiosk.statusCode, 200, 'the open API is another channel: still offered');
    const refused = await env.app.inject({
      method: 'POST', url: '/api/v1/businesses/recharge', payload: { input: { amount: 1000 }, confirm: true },
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'kiosk-recharge-2', 'x-omnihall-channel': 'kiosk' },
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().code, 'NOT_OFFERED_ON_CHANNEL');
    const listed = (await env.app.inject({ method: 'GET', url: '/api/v1/businesses?channel=kiosk' })).json().businesses.map((b: { id: string }) => b.id);
    assert.ok(!listed.includes('recharge'), 'the kiosk no longer lists it');
    assert.equal((await call(ops, 'GET', '/businesses')).json().items.find((b: { id: string }) => b.id === 'recharge').cells.kiosk.reason, '自助终端充值维护');
    assert.equal((await call(ops, 'PUT', '/businesses/recharge/channels/kiosk', { enabled: true, reason: '恢复' })).json().enabled, true);
    const audit = await env.db.selectFrom('auditEntry').select(['action', 'before', 'after', 'reason']).where('entityId', '=', 'recharge@kiosk').orderBy('id').execute();
    assert.deepEqual(audit.map((a) => [a.action, a.before, a.after, a.reason]), [
      ['business.channel.withdraw', { enabled: true }, { enabled: false }, '自助终端充值维护'],
      ['business.channel.restore', { enabled: false }, { enabled: true }, '恢复'],
    ]);
  });
});
