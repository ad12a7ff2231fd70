// The demo operator's marketing: segments with members, live offers with a history, and at least
// one exclusive offer for 13800000001 on USSD and on the web; seeding twice writes nothing more.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestEnv, type TestEnv } from './helpers.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { seedDemoMarketing } from '../src/modules/marketing/index.ts';

let env: TestEnv;
before(async () => {
  env = await startTestEnv({ now: new Date('2026-11-20T04:00:00Z') });
  // More than one batch of the mart's passes, and more rows than PGlite takes parameters for in one statement.
  await seedDemo(env.db, { subscribers: 1600, seed: 7, now: env.clock.now() });
});
after(async () => { await env.close(); });

test('segments, offers with outcomes, and an exclusive offer for 13800000001', async () => {
  const r = await seedDemoMarketing(env.db, env.s.marketing.mart, env.s.audit, env.clock.now());
  assert.equal(r.created, true);
  const rows = await env.db.selectFrom('marketingFeature').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(rows.n), 1600);
  const segments = await env.s.marketing.segments.list();
  assert.equal(segments.length, 5);
  assert.ok(segments.some((s) => s.size > 0));
  const offers = await env.s.marketing.offers.list({ status: 'active' });
  // five by segment, and the event triggers' offer (SMS only)
  assert.equal(offers.length, 6);
  assert.equal((await env.s.triggers.list({ status: 'active' })).length, 2, 'the two demo triggers are live');
  const li = (await env.s.marketing.mart.byMsisdn('13800000001'))!;
  for (const channel of ['ussd', 'web'] as const) {
    const d = await env.s.marketing.decisions.decide(li.subscriberId, channel);
    assert.ok(d.ranked.length >= 1, `${channel}: ${JSON.stringify(d.removed.map((x) => [x.offer.id, x.gate, x.reason]))}`);
  }
  // The history gives USSD a higher learned propensity than the web for the same offer.
  const ussd = (await env.s.marketing.decisions.decide(li.subscriberId, 'ussd')).ranked[0]!;
  const web = (await env.s.marketing.decisions.decide(li.subscriberId, 'web')).ranked.find((x) => x.offer.id === ussd.offer.id)!;
  assert.ok(ussd.factors.propensity > web.factors.propensity);
  assert.equal((await seedDemoMarketing(env.db, env.s.marketing.mart, env.s.audit, env.clock.now())).created, false);
  assert.equal((await env.s.marketing.segments.list()).length, 5);
});
