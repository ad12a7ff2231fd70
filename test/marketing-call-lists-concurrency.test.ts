// Call lists under concurrency (proven on PostgreSQL; PGlite runs the same one at a time): two
// marketers handing out rows at once never give one row twice; one accept sent five times at once
// under one key charges once and answers the same; five accepts under five keys charge once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, startTestEnv, type TestEnv } from './helpers.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { StaffRole } from '../src/platform/principal.ts';

let env: TestEnv;
let listId: number;
let agent: { id: number; token: string };
let marketers: { id: number; token: string }[];
const NOW = new Date('2026-11-20T04:00:00Z');

const call = (token: string, method: 'GET' | 'POST', url: string, payload?: unknown, key?: string) =>
  env.app.inject({ method, url: `/api/v1/console${url}`, headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) }, ...(payload === undefined ? {} : { payload: payload as object }) });

async function staff(roles: StaffRole[]) {
  const username = `c${Math.random().toString(36).slice(2, 10)}`;
  const id = await createStaffUser(env.db, { username, displayName: username, password: 'correct horse battery', roles });
  const r = await env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/token', payload: { username, password: 'correct horse battery' } });
  return { id, token: r.json().token as string };
}

before(async () => {
  env = await startTestEnv({ now: NOW });
  marketers = [await staff(['marketing']), await staff(['marketing'])];
  agent = await staff(['agent']);
  const subs = [];
  for (let i = 0; i < 20; i++) subs.push(await addSubscriber(env.db, { planId: 'PLAN-4G-58' }));
  await env.s.marketing.mart.refreshAll();
  const seg = (await call(marketers[0]!.token, 'POST', '/marketing/segments/import', { nameZh: '并发', nameEn: 'Concurrency', csv: subs.map((s) => s.msisdn).join('\n') })).json().segment.id;
  const offer = (await call(marketers[0]!.token, 'POST', '/marketing/offers', {
    offeringId: 'VAS-139MAIL', nameZh: '139邮箱首月1元', nameEn: '139 Mail for ¥1', pitchZh: '首月仅1元', pitchEn: '¥1 the first month',
    priceFen: 100, budget: 1000, marginFen: 300, startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-31T00:00:00Z',
  })).json().id;
  await call(marketers[0]!.token, 'POST', `/marketing/offers/${offer}/submit`);
  await call(marketers[1]!.token, 'POST', `/marketing/offers/${offer}/approve`);
  listId = (await call(marketers[0]!.token, 'POST', '/marketing/call-lists', { nameZh: '并发外呼', nameEn: 'Concurrent calls', offerId: offer, segmentId: seg, holdoutPct: 0 })).json().id;
  await call(marketers[1]!.token, 'POST', `/marketing/call-lists/${listId}/approve`);
});
after(async () => { await env.close(); });

test('two marketers handing out rows at once give each row once', async () => {
  const [a, b] = await Promise.all(marketers.map((m) => call(m.token, 'POST', `/marketing/call-lists/${listId}/assign`, { agentIds: [agent.id], limit: 6 })));
  assert.equal(a!.statusCode, 200, a!.body);
  assert.equal(b!.statusCode, 200, b!.body);
  assert.equal(a!.json().assigned + b!.json().assigned, 12);
  const rows = await env.db.selectFrom('callListRow').select(['id', 'subscriberId']).where('callListId', '=', listId).where('status', '=', 'assigned').execute();
  assert.equal(rows.length, 12);
  const asked = await env.db.selectFrom('contact').select('subscriberId').where('purpose', '=', `call-list:${listId}`).execute();
  assert.equal(asked.length, 12, 'each handed-out row put to the contact policy once');
});

test('one accept five times at once under one key charges once; under five keys, once', async () => {
  const mine = (await call(agent.token, 'GET', '/marketing/calls/mine')).json().items as { id: number; subscriberId: number }[];
  const [one, two] = mine;
  const accept = (rowId: number, key: string) => call(agent.token, 'POST', `/marketing/calls/${rowId}/outcome`, { outcome: 'accepted', confirm: true }, key);

  const before1 = await balanceAndLedger(env.db, one!.subscriberId);
  const same = await Promise.all(Array.from({ length: 5 }, () => accept(one!.id, 'same-key-000001')));
  assert.deepEqual(same.map((r) => r.statusCode), [200, 200, 200, 200, 200], same.map((r) => r.body).join('\n'));
  assert.equal(same.filter((r) => !r.json().replayed).length, 1);
  assert.equal(new Set(same.map((r) => r.json().row.subscriptionId)).size, 1);
  assert.equal((await balanceAndLedger(env.db, one!.subscriberId)).balanceFen, before1.balanceFen - 100);

  const before2 = await balanceAndLedger(env.db, two!.subscriberId);
  const many = await Promise.all(Array.from({ length: 5 }, (_, i) => accept(two!.id, `many-keys-00000${i}`)));
  assert.deepEqual(many.map((r) => r.statusCode).sort(), [200, 409, 409, 409, 409], many.map((r) => r.body).join('\n'));
  assert.ok(many.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'CALL_ROW_DONE'));
  const after2 = await balanceAndLedger(env.db, two!.subscriberId);
  assert.equal(after2.balanceFen, before2.balanceFen - 100);
  assert.equal(after2.balanceFen, after2.ledgerFen);
});
