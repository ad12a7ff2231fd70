// Customer and subscription reads outside transactions are coalesced per turn of the event loop:
// many requests, one statement, each still answered with its own rows; nothing is kept between
// turns.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KyselyPlugin } from 'kysely';
import { CoalescedReads } from '../src/modules/subscriber/index.ts';
import { coalesced } from '../src/platform/db/coalesce.ts';
import { addSubscriber, startTestEnv, type TestEnv } from './helpers.ts';

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env.close();
});

/** The database, counting the statements run through it. */
function counting(): { db: TestEnv['db']; statements: () => number } {
  let n = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (a) => a.node,
    transformResult: async (a) => {
      n++;
      return a.result;
    },
  };
  return { db: env.db.withPlugin(plugin), statements: () => n };
}

test('reads asked for in one turn are one statement; each gets its own customer, an unknown id gets nothing', async () => {
  const a = await addSubscriber(env.db, { balanceFen: 111 });
  const b = await addSubscriber(env.db, { balanceFen: 222 });
  const { db, statements } = counting();
  const reads = new CoalescedReads(db);
  const got = await Promise.all([reads.customer(a.id), reads.customer(b.id), reads.customer(a.id), reads.customer(2_000_000_000)]);
  assert.equal(statements(), 1);
  assert.deepEqual(got.map((r) => r?.msisdn), [a.msisdn, b.msisdn, a.msisdn, undefined]);
  assert.deepEqual(got.map((r) => r?.balanceFen), [111, 222, 111, undefined]);

  // The next turn reads again: a charge committed in between is seen.
  await env.db.updateTable('account').set({ balanceFen: 5 }).where('subscriberId', '=', a.id).execute();
  assert.equal((await reads.customer(a.id))?.balanceFen, 5);
  assert.equal(statements(), 2);
});

test('a batch is capped, so a flood of reads is a few statements, not one unbounded one', async () => {
  const subs = await Promise.all(Array.from({ length: 12 }, () => addSubscriber(env.db)));
  const { db, statements } = counting();
  const reads = new CoalescedReads(db, { maxBatch: 5 });
  const got = await Promise.all(subs.map((s) => reads.customer(s.id)));
  assert.equal(statements(), 3);
  assert.deepEqual(got.map((r) => r?.id), subs.map((s) => s.id));
});

test('subscriptions asked for in one turn are one statement, each live at its own time', async () => {
  const a = await addSubscriber(env.db);
  const b = await addSubscriber(env.db);
  const packs = await env.db.selectFrom('offering').select('id').where('kind', '=', 'data_pack').orderBy('id').limit(2).execute();
  const t0 = new Date('2026-11-25T00:00:00Z');
  const ends = new Date('2026-11-26T00:00:00Z');
  await env.db.insertInto('subscription').values([
    { subscriberId: a.id, offeringId: packs[0]!.id, status: 'active', startsAt: t0, endsAt: ends, createdAt: t0 },
    { subscriberId: a.id, offeringId: packs[1]!.id, status: 'active', startsAt: t0, endsAt: null, createdAt: t0 },
    { subscriberId: b.id, offeringId: packs[0]!.id, status: 'cancelled', startsAt: t0, endsAt: null, createdAt: t0 },
  ]).execute();
  const { db, statements } = counting();
  const reads = new CoalescedReads(db);
  const [before, after, none] = await Promise.all([
    reads.liveSubscriptions(a.id, new Date('2026-11-25T12:00:00Z')),
    reads.liveSubscriptions(a.id, new Date('2026-11-26T12:00:00Z')),
    reads.liveSubscriptions(b.id, t0),
  ]);
  assert.equal(statements(), 1);
  assert.deepEqual(before.map((r) => r.offeringId).sort(), [packs[0]!.id, packs[1]!.id].sort());
  assert.deepEqual(after.map((r) => r.offeringId), [packs[1]!.id], 'the pack that ran out is not live a day later');
  assert.deepEqual(none, [], 'a cancelled subscription is not live');
  assert.ok(!('subscriberId' in before[0]!), 'rows look as the single read returns them');
});

test('a burst of business calls through the entry point answers each subscriber with their own balance', async () => {
  const subs = await Promise.all(Array.from({ length: 40 }, (_, i) => addSubscriber(env.db, { balanceFen: 1000 + i })));
  const outs = await Promise.all(subs.map((s) => env.s.invoker.invoke({
    channel: 'sms', principal: { kind: 'subscriber', subscriberId: s.id }, subscriberId: s.id, businessId: 'balance.query', input: {},
  })));
  outs.forEach((o, i) => {
    assert.equal(o.status, 'ok');
    assert.equal((o as { result: { balanceFen: number } }).result.balanceFen, 1000 + i);
  });
});

test('while a batch runs, new keys wait and go together in the next one', async () => {
  const batches: number[][] = [];
  let release: () => void = () => {};
  const load = coalesced(async (keys: readonly number[]) => {
    batches.push([...keys]);
    if (batches.length === 1) await new Promise<void>((r) => (release = r));
    return keys.map((k) => k * 10);
  }, { inFlight: 1 });
  const first = load(1);
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  // The first batch is running: these three arrive in different turns and still go as one.
  const later = [load(2)];
  await new Promise((r) => setImmediate(r));
  later.push(load(3));
  await new Promise((r) => setImmediate(r));
  later.push(load(4));
  release();
  assert.deepEqual(await Promise.all([first, ...later]), [10, 20, 30, 40]);
  assert.deepEqual(batches, [[1], [2, 3, 4]]);
});
