// Fixed-shape queries compiled once: each call binds its own values, constants stay, transactions work.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FixedQuery } from '../src/platform/db/fixed-query.ts';
import { addSubscriber, startTestEnv, type TestEnv } from './helpers.ts';

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env.close();
});

test('one compilation serves every call with that call’s own values', async () => {
  const byMsisdn = new FixedQuery((q, msisdn: string) =>
    q.selectFrom('subscriber').select(['id', 'msisdn']).where('status', '=', 'active').where('msisdn', '=', msisdn));
  const a = await addSubscriber(env.db);
  const b = await addSubscriber(env.db);
  const c = await addSubscriber(env.db, { status: 'suspended' });
  const found = await Promise.all([a, b, c].map((s) => byMsisdn.first(env.db, s.msisdn)));
  assert.deepEqual(found, [{ id: a.id, msisdn: a.msisdn }, { id: b.id, msisdn: b.msisdn }, undefined], 'the constant status stays bound');
  assert.equal(await byMsisdn.first(env.db, '10000000000'), undefined);
});

test('it runs inside a transaction and sees that transaction’s writes', async () => {
  const balance = new FixedQuery((q, subscriberId: number) => q.selectFrom('account').select('balanceFen').where('subscriberId', '=', subscriberId));
  const s = await addSubscriber(env.db, { balanceFen: 1000 });
  await env.db.transaction().execute(async (trx) => {
    await trx.updateTable('account').set({ balanceFen: 2500 }).where('subscriberId', '=', s.id).execute();
    assert.deepEqual(await balance.first(trx, s.id), { balanceFen: 2500 });
  });
  assert.deepEqual(await balance.first(env.db, s.id), { balanceFen: 2500 });
});

test('an argument the query does not bind is refused when it is compiled', async () => {
  const wrong = new FixedQuery((q, _id: number) => q.selectFrom('subscriber').select('id').where('id', '=', 1));
  await assert.rejects(wrong.execute(env.db, 5), /argument 0 is not a bound value/);
});
