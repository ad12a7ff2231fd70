// TMF680 queryProductRecommendation as another system of the operator's asks it: the subscriber's
// live offers best first with their offering and price in yuan, by GET and by POST; a subscriber
// asks only about themselves; bad input gets a TMF Error; asking records no impression.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, signIn, staffToken, startTestEnv, type TestEnv } from './helpers.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let heavy: { id: number; msisdn: string };
let other: { id: number; msisdn: string };
let agent: string;
let ops: string;
const offers: number[] = [];
const NOW = new Date('2026-11-20T04:00:00Z');
const URL = '/tmf-api/recommendationManagement/v4/queryProductRecommendation';

const get = (token: string | null, query: string) => env.app.inject({ method: 'GET', url: `${URL}${query}`, headers: token ? { authorization: `Bearer ${token}` } : {} });

before(async () => {
  env = await startTestEnv({ now: NOW });
  const m = env.s.marketing;
  const creator: Actor = { id: await createStaffUser(env.db, { username: 'mk1', displayName: 'mk1', password: 'correct horse battery', roles: ['marketing'] }), name: 'mk1', roles: ['marketing'] };
  const reviewer: Actor = { id: await createStaffUser(env.db, { username: 'mk2', displayName: 'mk2', password: 'correct horse battery', roles: ['marketing'] }), name: 'mk2', roles: ['marketing'] };
  heavy = await addSubscriber(env.db, { planId: 'PLAN-4G-58' });
  other = await addSubscriber(env.db, { planId: 'PLAN-4G-58' });
  const plan = await env.db.selectFrom('offering').select('dataMb').where('id', '=', 'PLAN-4G-58').executeTakeFirstOrThrow();
  await env.db.insertInto('usageCounter').values({ subscriberId: heavy.id, cycle: '2026-11', dataMbUsed: plan.dataMb, voiceMinUsed: 0, smsUsed: 0, updatedAt: NOW }).execute();
  await m.mart.refreshAll();
  const seg = await m.segments.create(creator, { nameZh: '流量用尽', nameEn: 'Out of data', rule: { feature: 'dataUsageRatio', op: 'ge', value: 0.9 } });
  const terms = { startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-31T00:00:00Z', budget: 100 };
  for (const o of [
    { offeringId: 'PK-DATA-3G', nameZh: '3GB流量包特惠', nameEn: '3 GB pack deal', pitchZh: '3GB仅需10元', pitchEn: '3 GB for ¥10', priceFen: 1000, validityDays: 7, segmentIds: [seg.id], marginFen: 600 },
    { offeringId: 'VAS-139MAIL', nameZh: '139邮箱首月1元', nameEn: '139 Mail for ¥1', pitchZh: '首月仅1元', pitchEn: '¥1 the first month', priceFen: 100, marginFen: 200 },
  ]) {
    const made = await m.offers.create(creator, { ...terms, ...o });
    await m.offers.submit(creator, made.id);
    await m.offers.review(reviewer, made.id, { approve: true });
    offers.push(made.id);
  }
  m.decisions.invalidate();
  agent = await staffToken(env, ['agent']);
  ops = await staffToken(env, ['ops']);
});
after(async () => { await env.close(); });

test('GET: the offers for one number on one channel, best first, as TMF680 items with offering and price in yuan', async () => {
  const r = await get(agent, `?relatedParty.id=${heavy.msisdn}&channel.id=ussd`);
  assert.equal(r.statusCode, 200, r.body);
  const [q] = r.json() as [{ '@type': string; state: string; href: string; id: string; channel: { id: string }; relatedParty: { id: string; href: string }[]; recommendationItem: { id: string; priority: number; offering: { id: string; href: string; name: string }; price: { price: { taxIncludedAmount: { unit: string; value: number } } }; '@type': string }[] }];
  assert.equal(q['@type'], 'QueryProductRecommendation');
  assert.equal(q.state, 'done');
  assert.equal(q.href, `${URL}/${q.id}`);
  assert.equal(q.channel.id, 'ussd');
  assert.deepEqual(q.relatedParty.map((p) => p.id), [String(heavy.id)]);
  assert.equal(q.relatedParty[0]!.href, `/tmf-api/customerManagement/v4/customer/${heavy.id}`);
  // The data pack earns more and is what they are running out of: it ranks first.
  assert.deepEqual(q.recommendationItem.map((i) => [i.id, i.priority, i.offering.id]), [[String(offers[0]), 1, 'PK-DATA-3G'], [String(offers[1]), 2, 'VAS-139MAIL']]);
  assert.deepEqual(q.recommendationItem[0]!.price.price.taxIncludedAmount, { unit: 'CNY', value: 10 });
  assert.equal(q.recommendationItem[0]!.offering.href, '/tmf-api/productCatalogManagement/v4/productOffering/PK-DATA-3G');
  assert.equal(q.recommendationItem[0]!.offering.name, '3GB流量包特惠');
  const en = await env.app.inject({ method: 'GET', url: `${URL}?relatedParty.id=${heavy.id}&limit=1`, headers: { authorization: `Bearer ${agent}`, 'accept-language': 'en' } });
  assert.deepEqual(en.json()[0].recommendationItem.map((i: { offering: { name: string } }) => i.offering.name), ['3 GB pack deal']);
  // The other number uses little data: only the mailbox offer is for them.
  const o = (await get(agent, `?relatedParty.id=${other.msisdn}`)).json()[0];
  assert.deepEqual(o.recommendationItem.map((i: { id: string }) => i.id), [String(offers[1])]);
  assert.equal(await env.db.selectFrom('offerImpression').select('id').execute().then((x) => x.length), 0, 'asking shows nothing to anyone');
});

test('POST: a QueryProductRecommendation task answered at once with the same items', async () => {
  const r = await env.app.inject({
    method: 'POST', url: URL, headers: { authorization: `Bearer ${agent}` },
    payload: { relatedParty: [{ id: heavy.msisdn, role: 'Customer' }], channel: { id: 'web' }, '@type': 'QueryProductRecommendation' },
  });
  assert.equal(r.statusCode, 201, r.body);
  assert.equal(r.json().state, 'done');
  assert.equal(r.json().channel.id, 'web');
  assert.deepEqual(r.json().recommendationItem.map((i: { id: string }) => i.id), offers.map(String));
});

test('a subscriber asks only about themselves; bad input and strangers get a TMF Error', async () => {
  const token = await signIn(env, heavy.msisdn);
  const mine = await get(token, '');
  assert.equal(mine.statusCode, 200);
  assert.equal(mine.json()[0].recommendationItem.length, 2);
  const theirs = await get(token, `?relatedParty.id=${other.msisdn}`);
  assert.equal(theirs.statusCode, 403);
  assert.equal(theirs.json()['@type'], 'Error');
  assert.equal((await get(token, '?relatedParty.id=13000000000')).statusCode, 403, 'no telling whether another number exists');
  const none = await get(agent, '?relatedParty.id=13000000000');
  assert.equal(none.statusCode, 404);
  assert.equal(none.json().code, 'NOT_A_SUBSCRIBER');
  assert.equal((await get(agent, '')).json().code, 'INVALID_INPUT');
  assert.equal((await get(agent, `?relatedParty.id=${heavy.msisdn}&channel.id=fax`)).json().code, 'INVALID_INPUT');
  assert.equal((await get(agent, `?relatedParty.id=${heavy.msisdn}&limit=0`)).statusCode, 400);
  assert.equal((await get(agent, `?relatedParty.id=abc`)).statusCode, 404);
  assert.equal((await get(null, `?relatedParty.id=${heavy.msisdn}`)).statusCode, 401);
  assert.equal((await get(ops, `?relatedParty.id=${heavy.msisdn}`)).statusCode, 403);
});
