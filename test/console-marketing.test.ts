// The console's marketing API as a city branch's marketer and their reviewer use it: a segment
// with its live count, an offer reviewed by a second person, one subscriber's decision explained,
// the contact policy and the do-not-disturb list; bad input answered with stable codes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, staffToken, startTestEnv, type TestEnv } from './helpers.ts';

let env: TestEnv;
let marketer: string;
let reviewer: string;
let agent: string;
let msisdn: string;

const call = (token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  env.app.inject({ method, url: `/api/v1/console${url}`, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });

before(async () => {
  env = await startTestEnv({ now: new Date('2026-11-20T04:00:00Z') });
  [marketer, reviewer, agent] = await Promise.all([staffToken(env, ['marketing']), staffToken(env, ['marketing']), staffToken(env, ['agent'])]);
  const plan = await env.db.selectFrom('offering').select('dataMb').where('id', '=', 'PLAN-4G-58').executeTakeFirstOrThrow();
  const s = await addSubscriber(env.db, { planId: 'PLAN-4G-58' });
  msisdn = s.msisdn;
  await env.db.insertInto('usageCounter').values({ subscriberId: s.id, cycle: '2026-11', dataMbUsed: plan.dataMb, voiceMinUsed: 0, smsUsed: 0, updatedAt: new Date() }).execute();
  await addSubscriber(env.db, { planId: 'PLAN-4G-38' });
  await env.s.marketing.mart.refreshAll();
});
after(async () => { await env.close(); });

test('a segment is counted live, saved, and a bad rule is refused with its path', async () => {
  const rule = { all: [{ feature: 'planFeeFen', op: 'ge', value: 5800 }, { feature: 'dataUsageRatio', op: 'ge', value: 0.9 }] };
  const count = await call(marketer, 'POST', '/marketing/segments/count', { rule });
  assert.equal(count.statusCode, 200);
  assert.equal(count.json().count, 1);
  const bad = await call(marketer, 'POST', '/marketing/segments', { nameZh: '坏', nameEn: 'Bad', rule: { all: [{ feature: 'planFeeFen', op: 'ge', value: 'lots' }] } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().code, 'SEGMENT_RULE_INVALID');
  assert.equal(bad.json().path, 'all.0');
  const made = await call(marketer, 'POST', '/marketing/segments', { nameZh: '58元以上流量用尽', nameEn: '58+ out of data', rule });
  assert.equal(made.statusCode, 201);
  assert.equal(made.json().size, 1);
  const features = await call(agent, 'GET', `/marketing/features/${msisdn}`);
  assert.equal(features.statusCode, 200);
  assert.equal(features.json().planFeeFen, 5800);
  assert.equal((await call(agent, 'POST', '/marketing/segments', { nameZh: '甲', nameEn: 'A', rule })).statusCode, 403);
});

test('an offer goes live only after a second person approves it, and the decision explains itself', async () => {
  const segs = (await call(marketer, 'GET', '/marketing/segments')).json().items as { id: number }[];
  const body = {
    offeringId: 'PK-DATA-3G', nameZh: '3GB流量包特惠', nameEn: '3 GB pack deal', pitchZh: '流量快用完？3GB仅需10元', pitchEn: 'Low on data? 3 GB for ¥10',
    priceFen: 1000, validityDays: 30, budget: 500, segmentIds: [segs[0]!.id], marginFen: 600, startsAt: '2026-11-20T00:00:00Z', endsAt: '2026-12-20T00:00:00Z',
  };
  assert.equal((await call(marketer, 'POST', '/marketing/offers', { ...body, priceFen: 10.5 })).json().code, 'INVALID_INPUT');
  const o = (await call(marketer, 'POST', '/marketing/offers', body)).json() as { id: number; status: string };
  assert.equal(o.status, 'draft');
  assert.equal((await call(marketer, 'POST', `/marketing/offers/${o.id}/submit`)).json().status, 'pending');
  assert.equal((await call(marketer, 'POST', `/marketing/offers/${o.id}/approve`)).json().code, 'SELF_REVIEW');
  assert.equal((await call(reviewer, 'POST', `/marketing/offers/${o.id}/approve`)).json().status, 'active');
  const d = (await call(marketer, 'GET', `/marketing/decisions/${msisdn}?channel=ussd`)).json() as { ranked: { offer: { id: number }; factors: Record<string, number> }[] };
  assert.deepEqual(d.ranked.map((r) => r.offer.id), [o.id]);
  assert.deepEqual(d.ranked[0]!.factors, { propensity: 0.26, context: 1.5, value: 6, lever: 1 });
  const web = (await call(marketer, 'GET', `/marketing/decisions/${msisdn}?channel=web`)).json() as { ranked: { factors: { propensity: number } }[] };
  assert.equal(web.ranked[0]!.factors.propensity, 0.1);
  const audit = await env.db.selectFrom('auditEntry').select('action').where('entityType', '=', 'offer').orderBy('id').execute();
  assert.deepEqual(audit.map((a) => a.action), ['offer.create', 'offer.submit', 'offer.review.approve']);
});

test('the contact policy: proposed, approved by another; do-not-disturb and an agent-recorded opt-out', async () => {
  const policy = (await call(marketer, 'GET', '/marketing/contact-policy')).json().rules;
  const proposed = await call(marketer, 'POST', '/marketing/contact-policy', { policy: { ...policy, minGapMinutes: 600 } });
  assert.equal(proposed.statusCode, 201);
  assert.equal((await call(marketer, 'POST', `/marketing/contact-policy/${proposed.json().id}/approve`)).json().code, 'SELF_REVIEW');
  assert.equal((await call(reviewer, 'POST', `/marketing/contact-policy/${proposed.json().id}/approve`)).json().status, 'active');
  assert.equal((await call(marketer, 'GET', '/marketing/contact-policy')).json().rules.minGapMinutes, 600);
  assert.equal((await call(marketer, 'POST', '/marketing/contact-policy', { policy: { ...policy, quietHours: { start: '9pm', end: '8am' } } })).statusCode, 400);
  assert.equal((await call(agent, 'PUT', `/marketing/dnd/${msisdn}`, { reason: '客户要求' })).statusCode, 204);
  assert.equal((await call(agent, 'PUT', `/marketing/opt-outs/${msisdn}/sms`)).statusCode, 204);
  assert.equal((await call(agent, 'PUT', '/marketing/dnd/abc', { reason: 'x' })).statusCode, 400);
  const actions = (await env.db.selectFrom('auditEntry').select('action').where('action', 'like', 'contact%').orderBy('id').execute()).map((a) => a.action);
  assert.deepEqual(actions, ['contact-policy.propose', 'contact-policy.approve', 'contact.dnd.add', 'contact.opt-out']);
});
