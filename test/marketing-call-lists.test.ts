// Outbound call lists as a marketer, their reviewer and two agents use them: a list from a segment
// for one offer with a holdout that is never called (the same members every time), approved by a
// second person before anyone is called, handed out through the contact policy (do-not-disturb,
// opted out, capped rows suppressed with their rule; a row inside the least gap held) to agents
// chosen by name among the active ones, each agent seeing and working only their own rows; an
// accept charged once whatever the retries; and the three rates exact per list, per agent and per
// offer on a known set of outcomes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, startTestEnv, type TestEnv } from './helpers.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import { inHoldout, splitHoldout } from '../src/modules/marketing/index.ts';
import type { StaffRole } from '../src/platform/principal.ts';

let env: TestEnv;
const NOW = new Date('2026-11-20T04:00:00Z'); // 12:00 in Beijing, outside quiet hours
let marketer: { id: number; token: string };
let reviewer: { id: number; token: string };
let agentA: { id: number; token: string };
let agentB: { id: number; token: string };
let offerId: number;
let segmentId: number;
let listId: number;
const subs: { id: number; msisdn: string }[] = [];

const call = (token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, key?: string) =>
  env.app.inject({ method, url: `/api/v1/console${url}`, headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) }, ...(payload === undefined ? {} : { payload: payload as object }) });

async function staff(roles: StaffRole[]) {
  const username = `u${Math.random().toString(36).slice(2, 10)}`;
  const id = await createStaffUser(env.db, { username, displayName: username, password: 'correct horse battery', roles });
  const r = await env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/token', payload: { username, password: 'correct horse battery' } });
  return { id, token: r.json().token as string };
}

before(async () => {
  env = await startTestEnv({ now: NOW });
  [marketer, reviewer, agentA, agentB] = [await staff(['marketing']), await staff(['marketing']), await staff(['agent']), await staff(['agent'])];
  for (let i = 0; i < 40; i++) subs.push(await addSubscriber(env.db, { planId: 'PLAN-4G-58' }));
  await env.s.marketing.mart.refreshAll();
  const seg = await call(marketer.token, 'POST', '/marketing/segments/import', { nameZh: '外呼测试', nameEn: 'Call test', csv: subs.map((s) => s.msisdn).join('\n') });
  segmentId = seg.json().segment.id;
  const o = await call(marketer.token, 'POST', '/marketing/offers', {
    offeringId: 'VAS-139MAIL', nameZh: '139邮箱首月1元', nameEn: '139 Mail: first month ¥1', pitchZh: '首月仅1元', pitchEn: '¥1 the first month',
    priceFen: 100, budget: 1000, marginFen: 300, startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-31T00:00:00Z',
  });
  offerId = o.json().id;
  await call(marketer.token, 'POST', `/marketing/offers/${offerId}/submit`);
  assert.equal((await call(reviewer.token, 'POST', `/marketing/offers/${offerId}/approve`)).json().status, 'active');
});
after(async () => { await env.close(); });

test('a holdout is a seeded hash: the same members every time, about its share, another seed another set', () => {
  const ids = Array.from({ length: 2000 }, (_, i) => i + 1);
  const a = splitHoldout('call-list:7', ids, 10);
  assert.deepEqual(splitHoldout('call-list:7', ids, 10), a);
  assert.ok(a.holdout.length > 140 && a.holdout.length < 260, `${a.holdout.length} of 2000 at 10%`);
  assert.equal(a.holdout.length + a.treated.length, 2000);
  assert.notDeepEqual(splitHoldout('call-list:8', ids, 10).holdout, a.holdout);
  assert.equal(splitHoldout('call-list:7', ids, 0).holdout.length, 0);
  assert.throws(() => inHoldout('x', 1, 60), RangeError);
});

test('a call list is built pending; only a second person approves it, and nobody is handed a row before', async () => {
  assert.equal((await call(agentA.token, 'POST', '/marketing/call-lists', { nameZh: '甲', nameEn: 'A', offerId, segmentId })).statusCode, 403);
  const bad = await call(marketer.token, 'POST', '/marketing/call-lists', { nameZh: '甲', nameEn: 'A', offerId, segmentId, holdoutPct: 80 });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().code, 'INVALID_INPUT');
  assert.equal((await call(marketer.token, 'POST', '/marketing/call-lists', { nameZh: '甲', nameEn: 'A', offerId: 99999, segmentId })).json().code, 'OFFER_NOT_FOUND');
  const made = await call(marketer.token, 'POST', '/marketing/call-lists', { nameZh: '139邮箱外呼', nameEn: '139 Mail calls', offerId, segmentId, holdoutPct: 20 });
  assert.equal(made.statusCode, 201, made.body);
  const list = made.json();
  listId = list.id;
  assert.equal(list.status, 'pending');
  assert.equal(list.size, 40);
  const expected = subs.filter((s) => inHoldout(`call-list:${listId}`, s.id, 20)).map((s) => s.id).sort((x, y) => x - y);
  assert.ok(expected.length > 0 && expected.length < 20);
  assert.equal(list.holdoutSize, expected.length);
  const rows = (await call(marketer.token, 'GET', `/marketing/call-lists/${listId}/rows?status=holdout&limit=1000`)).json().items as { subscriberId: number }[];
  assert.deepEqual(rows.map((r) => r.subscriberId), expected);

  assert.equal((await call(marketer.token, 'POST', `/marketing/call-lists/${listId}/assign`, { agentIds: [agentA.id] })).json().code, 'CALL_LIST_NOT_ACTIVE');
  assert.equal((await call(marketer.token, 'POST', `/marketing/call-lists/${listId}/approve`)).json().code, 'SELF_REVIEW');
  assert.equal((await call(agentA.token, 'POST', `/marketing/call-lists/${listId}/approve`)).statusCode, 403);
  const ok = await call(reviewer.token, 'POST', `/marketing/call-lists/${listId}/approve`);
  assert.equal(ok.json().status, 'active');
  assert.equal((await call(reviewer.token, 'POST', `/marketing/call-lists/${listId}/approve`)).json().code, 'REVIEW_NOT_PENDING');
  const audit = await env.db.selectFrom('auditEntry').select(['action', 'actorId']).where('entityType', '=', 'call-list').orderBy('id').execute();
  assert.deepEqual(audit.map((a) => a.action), ['call-list.create', 'call-list.review.approve']);
  assert.deepEqual(audit.map((a) => a.actorId), [marketer.id, reviewer.id]);
});

test('marketing chooses among the active agents by name; an agent cannot list them', async () => {
  const gone = await staff(['agent']);
  await env.db.updateTable('staffUser').set({ active: false }).where('id', '=', gone.id).execute();
  const r = await call(marketer.token, 'GET', '/marketing/agents');
  assert.equal(r.statusCode, 200, r.body);
  const items = r.json().items as { id: number; displayName: string }[];
  assert.deepEqual(items.map((a) => a.id).filter((id) => [agentA.id, agentB.id, gone.id, marketer.id, reviewer.id].includes(id)), [agentA.id, agentB.id]);
  assert.deepEqual(Object.keys(items[0]!).sort(), ['displayName', 'id'], 'a name to choose by, nothing more of the user');
  assert.equal((await call(agentA.token, 'GET', '/marketing/agents')).statusCode, 403);
});

test('rows go to agents through the contact policy; the holdout is never called; each agent sees only their own', async () => {
  const treated = subs.filter((s) => !inHoldout(`call-list:${listId}`, s.id, 20));
  const [dnd, optedOut, capped, recent] = treated;
  await call(marketer.token, 'PUT', `/marketing/dnd/${dnd!.msisdn}`, { reason: '客户要求' });
  await call(marketer.token, 'PUT', `/marketing/opt-outs/${optedOut!.msisdn}/call`);
  // Today's call already went to one; another heard from us an hour ago (the least gap is four hours).
  await env.db.insertInto('contact').values([
    { subscriberId: capped!.id, channel: 'call', kind: 'marketing', purpose: 'campaign:1', status: 'sent', rule: null, releaseAt: null, at: new Date(NOW.getTime() - 5 * 3_600_000) },
    { subscriberId: recent!.id, channel: 'sms', kind: 'marketing', purpose: 'campaign:1', status: 'sent', rule: null, releaseAt: null, at: new Date(NOW.getTime() - 3_600_000) },
  ]).execute();
  assert.equal((await call(marketer.token, 'POST', `/marketing/call-lists/${listId}/assign`, { agentIds: [agentA.id, marketer.id] })).json().code, 'AGENT_NOT_FOUND');
  assert.equal((await call(marketer.token, 'POST', `/marketing/call-lists/${listId}/assign`, { agentIds: [agentA.id, 999_999] })).json().code, 'AGENT_NOT_FOUND');
  const r = await call(marketer.token, 'POST', `/marketing/call-lists/${listId}/assign`, { agentIds: [agentA.id, agentB.id] });
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(r.json(), { assigned: treated.length - 4, held: 1, suppressed: 3 });
  const suppressed = (await call(marketer.token, 'GET', `/marketing/call-lists/${listId}/rows?status=suppressed`)).json().items as { subscriberId: number; rule: string; agentId: number | null }[];
  assert.deepEqual(Object.fromEntries(suppressed.map((x) => [x.subscriberId, x.rule])), { [dnd!.id]: 'DO_NOT_DISTURB', [optedOut!.id]: 'OPT_OUT_CHANNEL', [capped!.id]: 'CAP_CHANNEL_DAY' });
  assert.ok(suppressed.every((x) => x.agentId === null));
  const detail = (await call(marketer.token, 'GET', `/marketing/call-lists/${listId}`)).json();
  assert.deepEqual(detail.suppressed, { CAP_CHANNEL_DAY: 1, DO_NOT_DISTURB: 1, OPT_OUT_CHANNEL: 1 });

  const holdout = subs.filter((s) => inHoldout(`call-list:${listId}`, s.id, 20)).map((s) => s.id);
  const asked = await env.db.selectFrom('contact').select('subscriberId').where('purpose', '=', `call-list:${listId}`).execute();
  assert.equal(asked.length, treated.length);
  assert.ok(asked.every((a) => !holdout.includes(a.subscriberId)), 'no holdout member was put to the contact policy, let alone called');
  const holdRows = (await call(marketer.token, 'GET', `/marketing/call-lists/${listId}/rows?status=holdout`)).json().items as { agentId: number | null; attempts: number }[];
  assert.ok(holdRows.every((x) => x.agentId === null && x.attempts === 0));

  const mineA = (await call(agentA.token, 'GET', '/marketing/calls/mine')).json().items as { id: number; agentId: number; subscriberId: number; notBefore: string | null; rule: string | null }[];
  const mineB = (await call(agentB.token, 'GET', '/marketing/calls/mine')).json().items as { id: number; agentId: number; subscriberId: number }[];
  assert.equal(mineA.length + mineB.length, treated.length - 3);
  assert.ok(mineA.every((x) => x.agentId === agentA.id) && mineB.every((x) => x.agentId === agentB.id));
  assert.ok(!mineA.some((x) => mineB.some((y) => y.id === x.id)));
  const held = [...mineA, ...mineB].find((x) => x.subscriberId === recent!.id) as unknown as { id: number; agentId: number; rule: string; notBefore: string };
  assert.equal(held.rule, 'MIN_GAP');
  assert.equal(held.notBefore, new Date(NOW.getTime() + 3 * 3_600_000).toISOString());
  const heldToken = held.agentId === agentA.id ? agentA.token : agentB.token;
  assert.equal((await call(heldToken, 'POST', `/marketing/calls/${held.id}/outcome`, { outcome: 'declined' })).json().code, 'CALL_NOT_YET');
  // Someone else's row: neither read nor worked.
  assert.equal((await call(agentB.token, 'GET', `/marketing/calls/${mineA[0]!.id}`)).json().code, 'CALL_ROW_NOT_YOURS');
  assert.equal((await call(agentB.token, 'POST', `/marketing/calls/${mineA[0]!.id}/outcome`, { outcome: 'declined' })).json().code, 'CALL_ROW_NOT_YOURS');
  assert.equal((await call(agentB.token, 'POST', `/marketing/calls/${mineA[0]!.id}/outcome`, { outcome: 'accepted', confirm: true }, 'key-not-yours-1')).json().code, 'CALL_ROW_NOT_YOURS');
  assert.equal((await call(agentB.token, 'POST', `/marketing/calls/${mineA[0]!.id}/outcome`, { outcome: 'maybe' })).statusCode, 400);
});

test('an agent reads their own calls a page at a time, named and in full with the offer; marketing reads every number masked', async () => {
  type Mine = { items: { id: number; agentId: number; subscriberId: number; msisdn: string; subscriberName: string | null; notBefore: string | null; list: { id: number; offer: { priceFen: number } } }[]; counts: { queue: number; today: number } };
  const all = (await call(agentA.token, 'GET', '/marketing/calls/mine')).json() as Mine;
  assert.ok(all.items.length >= 4, `${all.items.length} rows`);
  assert.equal(all.counts.queue, all.items.length);
  assert.equal(all.counts.today, 0);
  const byId = new Map(subs.map((x) => [x.id, x.msisdn]));
  for (const r of all.items) {
    assert.equal(r.agentId, agentA.id);
    assert.equal(r.msisdn, byId.get(r.subscriberId), 'the agent dials the number in full');
    assert.ok(r.subscriberName && r.subscriberName.length > 0, 'with whom they are calling');
    assert.equal(r.list.id, listId);
    assert.equal(r.list.offer.priceFen, 100);
  }
  // Held rows last: none after the first held one is free to call.
  const firstHeld = all.items.findIndex((r) => r.notBefore !== null);
  if (firstHeld >= 0) assert.ok(all.items.slice(firstHeld).every((r) => r.notBefore !== null));
  // Two at a time, each page after the last id of the one before: the same rows in the same order.
  const paged: number[] = [];
  for (let after = 0; ;) {
    const page = (await call(agentA.token, 'GET', `/marketing/calls/mine?limit=2${after ? `&afterId=${after}` : ''}`)).json() as Mine;
    if (page.items.length === 0) break;
    assert.ok(page.items.length <= 2);
    paged.push(...page.items.map((r) => r.id));
    after = page.items[page.items.length - 1]!.id;
  }
  assert.deepEqual(paged, all.items.map((r) => r.id));

  // The calls are the agents': marketing has its list's rows instead.
  const asMarketer = await call(marketer.token, 'GET', '/marketing/calls/mine');
  assert.equal(asMarketer.statusCode, 403);
  assert.equal(asMarketer.json().code, 'FORBIDDEN');
  assert.equal((await call(agentA.token, 'GET', '/marketing/calls/mine?view=later')).statusCode, 400);

  const rows = await call(marketer.token, 'GET', `/marketing/call-lists/${listId}/rows?limit=1000`);
  assert.equal(rows.statusCode, 200);
  const items = rows.json().items as { subscriberId: number; msisdn: string }[];
  assert.equal(items.length, subs.length);
  for (const r of items) assert.equal(r.msisdn, `${byId.get(r.subscriberId)!.slice(0, 3)}****${byId.get(r.subscriberId)!.slice(7)}`);
  assert.ok(subs.every((x) => !rows.body.includes(x.msisdn)), 'no full number anywhere in the answer');
  assert.ok(!/1\d{10}/.test(rows.body), 'nor any eleven-digit number');
  // One row: masked for marketing, in full for its agent.
  const one = all.items[0]!;
  const read = await call(marketer.token, 'GET', `/marketing/calls/${one.id}`);
  assert.equal(read.statusCode, 200);
  assert.equal(read.json().msisdn, `${one.msisdn.slice(0, 3)}****${one.msisdn.slice(7)}`);
  assert.ok(!read.body.includes(one.msisdn));
  assert.equal((await call(agentA.token, 'GET', `/marketing/calls/${one.id}`)).json().msisdn, one.msisdn);
});

test('an accept is quoted first, charged once on the spoken yes, the same key replayed; the three rates exact', async () => {
  const queue = async (a: { token: string }) => ((await call(a.token, 'GET', '/marketing/calls/mine')).json().items as { id: number; subscriberId: number; notBefore: string | null }[]).filter((x) => x.notBefore === null);
  const qa = await queue(agentA);
  const qb = await queue(agentB);
  assert.ok(qa.length >= 5 && qb.length >= 4, `${qa.length} and ${qb.length} rows`);

  // The accept: the quote to read out first, nothing changed by it.
  const first = qa[0]!;
  const quote = await call(agentA.token, 'POST', `/marketing/calls/${first.id}/outcome`, { outcome: 'accepted' }, 'accept-key-0001');
  assert.equal(quote.statusCode, 409);
  assert.equal(quote.json().code, 'CONFIRMATION_REQUIRED');
  assert.equal(quote.json().quote.priceFen, 100);
  assert.equal((await call(agentA.token, 'POST', `/marketing/calls/${first.id}/outcome`, { outcome: 'accepted', confirm: true })).json().code, 'IDEMPOTENCY_KEY_REQUIRED');
  const before = await balanceAndLedger(env.db, first.subscriberId);
  const took = await call(agentA.token, 'POST', `/marketing/calls/${first.id}/outcome`, { outcome: 'accepted', confirm: true, quoteTerms: quote.json().quote.terms, note: '客户同意' }, 'accept-key-0001');
  assert.equal(took.statusCode, 200, took.body);
  assert.equal(took.json().row.outcome, 'accepted');
  assert.equal(took.json().replayed, false);
  const again = await call(agentA.token, 'POST', `/marketing/calls/${first.id}/outcome`, { outcome: 'accepted', confirm: true, quoteTerms: quote.json().quote.terms }, 'accept-key-0001');
  assert.equal(again.statusCode, 200, again.body);
  assert.equal(again.json().replayed, true);
  assert.equal(again.json().row.subscriptionId, took.json().row.subscriptionId);
  assert.equal((await call(agentA.token, 'POST', `/marketing/calls/${first.id}/outcome`, { outcome: 'accepted', confirm: true }, 'accept-key-0002')).json().code, 'CALL_ROW_DONE');
  assert.equal((await call(agentA.token, 'POST', `/marketing/calls/${first.id}/outcome`, { outcome: 'declined' })).json().code, 'CALL_ROW_DONE');
  const afterIt = await balanceAndLedger(env.db, first.subscriberId);
  assert.equal(afterIt.balanceFen, before.balanceFen - 100, 'charged once');
  assert.equal(afterIt.balanceFen, afterIt.ledgerFen);
  const subsHeld = await env.db.selectFrom('subscription').select('id').where('subscriberId', '=', first.subscriberId).where('offeringId', '=', 'VAS-139MAIL').execute();
  assert.equal(subsHeld.length, 1);

  // A known set of outcomes. A: accepted (above), declined, not reached, accepted, declined.
  // B: not reached, not reached, declined, accepted.
  const work = async (a: { token: string }, rowId: number, outcome: string, n: number) => {
    if (outcome !== 'accepted') return call(a.token, 'POST', `/marketing/calls/${rowId}/outcome`, { outcome });
    return call(a.token, 'POST', `/marketing/calls/${rowId}/outcome`, { outcome, confirm: true }, `accept-key-${rowId}-${n}`);
  };
  const planA = ['declined', 'not_reached', 'accepted', 'declined'];
  const planB = ['not_reached', 'not_reached', 'declined', 'accepted'];
  for (const [i, o] of planA.entries()) assert.equal((await work(agentA, qa[i + 1]!.id, o, i)).statusCode, 200);
  for (const [i, o] of planB.entries()) assert.equal((await work(agentB, qb[i]!.id, o, i)).statusCode, 200);
  // A row not reached may be tried again; it counts as called once.
  assert.equal((await work(agentA, qa[2]!.id, 'not_reached', 9)).json().row.attempts, 2);

  const d = (await call(marketer.token, 'GET', `/marketing/call-lists/${listId}`)).json();
  assert.deepEqual(d.rates, { called: 9, reached: 6, accepted: 3, contactRate: 0.6667, salesRate: 0.5, handlingRate: 0.3333 });
  const byAgent = Object.fromEntries((d.byAgent as { agentId: number }[]).map(({ agentId, ...r }) => [agentId, r]));
  assert.deepEqual(byAgent[agentA.id], { called: 5, reached: 4, accepted: 2, contactRate: 0.8, salesRate: 0.5, handlingRate: 0.4 });
  assert.deepEqual(byAgent[agentB.id], { called: 4, reached: 2, accepted: 1, contactRate: 0.5, salesRate: 0.5, handlingRate: 0.25 });
  const perOffer = (await call(marketer.token, 'GET', '/marketing/call-lists/rates?by=offer')).json().items;
  assert.deepEqual(perOffer, [{ key: offerId, called: 9, reached: 6, accepted: 3, contactRate: 0.6667, salesRate: 0.5, handlingRate: 0.3333 }]);
  const perAgent = (await call(marketer.token, 'GET', '/marketing/call-lists/rates?by=agent')).json().items as { key: number; handlingRate: number }[];
  assert.deepEqual(perAgent.map((x) => [x.key, x.handlingRate]), [[agentA.id, 0.4], [agentB.id, 0.25]].sort((x, y) => x[0]! - y[0]!));
  assert.equal(d.offer.priceFen, 100);

  const calls = await env.db.selectFrom('auditEntry').select('action').where('action', '=', 'call-list.call').execute();
  assert.equal(calls.length, 10, "every call recorded once; the replay adds none");
  const responses = await env.db.selectFrom('offerResponse').select(['response', 'channel']).where('offerId', '=', offerId).execute();
  assert.deepEqual(responses.map((r) => `${r.channel}:${r.response}`).sort(), ['agent:accepted', 'agent:accepted', 'agent:accepted', 'agent:declined', 'agent:declined', 'agent:declined']);
});

test('an agent reads what they worked today, the latest first; every call is in the audit log as its agent', async () => {
  type Row = { id: number; agentId: number; status: string; outcome: string | null; attempts: number; workedAt: string };
  const today = (await call(agentA.token, 'GET', '/marketing/calls/mine?view=today')).json() as { items: Row[]; counts: { queue: number; today: number } };
  // A worked five rows today (one of them twice); B's are not in it.
  assert.equal(today.items.length, 5);
  assert.equal(today.counts.today, 5);
  assert.ok(today.items.every((r) => r.agentId === agentA.id));
  const times = today.items.map((r) => Date.parse(r.workedAt));
  assert.deepEqual(times, [...times].sort((x, y) => y - x), 'latest first');
  // The row not reached twice is still to call again: in both the queue and today's.
  const again = today.items.find((r) => r.outcome === 'not_reached')!;
  assert.equal(again.status, 'assigned');
  assert.equal(again.attempts, 2);
  const queue = (await call(agentA.token, 'GET', '/marketing/calls/mine')).json() as { items: Row[]; counts: { queue: number } };
  assert.ok(queue.items.some((r) => r.id === again.id));
  assert.equal(queue.counts.queue, queue.items.length);
  assert.ok(!queue.items.some((r) => today.items.some((d) => d.id === r.id && d.status === 'done')), 'a row done has left the queue');
  const paged: number[] = [];
  for (let after = 0; ;) {
    const page = (await call(agentA.token, 'GET', `/marketing/calls/mine?view=today&limit=2${after ? `&afterId=${after}` : ''}`)).json() as { items: Row[] };
    if (page.items.length === 0) break;
    paged.push(...page.items.map((r) => r.id));
    after = page.items[page.items.length - 1]!.id;
  }
  assert.deepEqual(paged, today.items.map((r) => r.id));

  // Each call, by the agent who made it, with what it changed.
  const audit = await env.db.selectFrom('auditEntry').select(['actorId', 'entityType', 'entityId', 'after']).where('action', '=', 'call-list.call').orderBy('id').execute();
  const mine = audit.filter((a) => a.actorId === agentA.id);
  assert.equal(mine.length, 6, "A's six calls (one row twice)");
  assert.equal(audit.filter((a) => a.actorId === agentB.id).length, 4);
  assert.ok(audit.every((a) => a.entityType === 'call-list-row'));
  for (const r of today.items) {
    const last = mine.filter((a) => a.entityId === String(r.id)).at(-1)!;
    assert.ok(last, `row ${r.id} is audited`);
    const after = (typeof last.after === 'string' ? JSON.parse(last.after) : last.after) as { outcome: string; status: string; callListId: number };
    assert.deepEqual(after, { outcome: r.outcome, status: r.status, callListId: listId });
  }
});
