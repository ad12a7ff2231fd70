// The demo's past outbound campaign: a closed call list for 139 Mail whose rows give seed 003's
// three rates after the reorganisation (contact 44%, sales 66%, handling 29%), with a holdout never
// called that took the offer by itself less often than the called group.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestEnv, type TestEnv } from './helpers.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { seedDemoMarketing } from '../src/modules/marketing/index.ts';

let env: TestEnv;
before(async () => {
  env = await startTestEnv({ now: new Date('2026-11-20T04:00:00Z') });
  await seedDemo(env.db, { subscribers: 1200, seed: 11, now: env.clock.now() });
  await seedDemoMarketing(env.db, env.s.marketing.mart, env.s.audit, env.clock.now());
});
after(async () => { await env.close(); });

test('a closed call list with worked rows at the seeds\' rates, and uplift against its holdout', async () => {
  const [list] = await env.s.marketing.callLists.list();
  assert.ok(list, 'the demo has a call list');
  assert.equal(list.status, 'closed');
  assert.ok(list.size > 50, `${list.size} rows`);
  assert.ok(list.holdoutSize > 0 && list.counts.holdout === list.holdoutSize);
  assert.ok(list.suppressed.CAP_CHANNEL_WEEK! > 0);
  const r = list.rates;
  // Exact up to one call in the run (every 1/rate-th call is a yes).
  assert.ok(Math.abs(r.contactRate - 0.44) <= 1 / r.called, `contact ${r.contactRate}`);
  assert.ok(Math.abs(r.salesRate - 0.66) <= 1 / r.reached, `sales ${r.salesRate}`);
  assert.ok(Math.abs(r.handlingRate - 0.44 * 0.66) <= 2 / r.called, `handling ${r.handlingRate}`);
  const d = await env.s.marketing.callLists.detail(list.id);
  assert.ok(d.uplift.treated.rate > d.uplift.holdout.rate && d.uplift.uplift > 0, JSON.stringify(d.uplift));
  const held = await env.s.marketing.callLists.rows(list.id, { status: 'holdout', limit: 1000 });
  assert.ok(held.every((x) => x.attempts === 0 && x.agentId === null));
  // Its calls are in the results on the agent channel.
  const res = await env.s.marketing.results.query({ offerId: list.offerId });
  assert.ok(res.items.some((c) => c.channel === 'agent' && c.accepts === r.accepted));
  assert.equal((await seedDemoMarketing(env.db, env.s.marketing.mart, env.s.audit, env.clock.now())).created, false);
  assert.equal((await env.s.marketing.callLists.list()).length, 1);
});
