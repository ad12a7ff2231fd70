// Customer reads outside transactions are coalesced per turn of the event loop: many requests,
// one statement, each still answered with its own subscriber; nothing is kept between turns.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KyselyPlugin } from 'kysely';
import { CustomerReads } from '../src/core/builtin-bss.ts';
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
  const reads = new CustomerReads(db);
  const got = await Promise.all([reads.load(a.id), reads.load(b.id), reads.load(a.id), reads.load(2_000_000_000)]);
  assert.equal(statements(), 1);
  assert.deepEqual(got.map((r) => r?.msisdn), [a.msisdn, b.msisdn, a.msisdn, undefined]);
  assert.deepEqual(got.map((r) => r?.balanceFen), [111, 222, 111, undefined]);

  // The next turn reads again: a charge committed in between is seen.
  await env.db.updateTable('account').set({ balanceFen: 5 }).where('subscriberId', '=', a.id).execute();
  assert.equal((await reads.load(a.id))?.balanceFen, 5);
  assert.equal(statements(), 2);
});

test('a batch is capped, so a flood of reads is a few statements, not one unbounded one', async () => {
  const subs = await Promise.all(Array.from({ length: 12 }, () => addSubscriber(env.db)));
  const { db, statements } = counting();
  const reads = new CustomerReads(db, 5);
  const got = await Promise.all(subs.map((s) => reads.load(s.id)));
  assert.equal(statements(), 3);
  assert.deepEqual(got.map((r) => r?.id), subs.map((s) => s.id));
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
