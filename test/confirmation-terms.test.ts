// What a confirmation agrees to: a quote's terms name every amount (the price now, a monthly fee
// it commits to, the points it spends), and a confirmation that sends them back is refused, with
// nothing changed, when any of them is different inside the charge's transaction.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinBss } from '../src/modules/subscriber/index.ts';
import { findOffering } from '../src/businesses/common.ts';
import type { BusinessContext } from '../src/businesses/registry.ts';
import { addSubscriber, balanceAndLedger, callBusiness, signIn, type TestEnv, startTestEnv } from './helpers.ts';

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env.close();
});

describe('quote terms', () => {
  test('every charging business states its terms: price, monthly fee and points', async () => {
    const s = await addSubscriber(env.db, { balanceFen: 50_000, points: 5_000 });
    const token = await signIn(env, s.msisdn);
    const packs = (await callBusiness(env, token, 'packs.list')).json().result.packs as { id: string; priceFen: number; priceType: string }[];
    const once = packs.find((p) => p.priceType === 'oneTime')!;
    const pack = await callBusiness(env, token, 'pack.subscribe', { input: { packId: once.id } });
    assert.equal(pack.statusCode, 409, pack.body);
    assert.equal(pack.json().quote.terms, `fen=${once.priceFen};monthly=0;points=0`);
    const monthly = packs.find((p) => p.priceType === 'recurring')!;
    const mq = await callBusiness(env, token, 'pack.subscribe', { input: { packId: monthly.id } });
    assert.equal(mq.json().quote.terms, `fen=${monthly.priceFen};monthly=${monthly.priceFen};points=0`, 'a monthly pack: now and every month');

    const plans = (await callBusiness(env, token, 'plans.list')).json().result.plans as { id: string; priceFen: number; current?: boolean }[];
    const other = plans.find((p) => !p.current)!;
    const plan = await callBusiness(env, token, 'plan.change', { input: { planId: other.id } });
    assert.equal(plan.statusCode, 409, plan.body);
    assert.equal(plan.json().quote.priceFen, 0, 'nothing charged now');
    assert.equal(plan.json().quote.recurringFen, other.priceFen, 'the monthly fee it commits to');
    assert.equal(plan.json().quote.terms, `fen=0;monthly=${other.priceFen};points=0`);

    const rewards = (await callBusiness(env, token, 'points.query')).json().result.rewards as { id: string; costPoints: number }[];
    const reward = rewards.find((r) => r.costPoints <= 5_000)!;
    const redeem = await callBusiness(env, token, 'points.redeem', { input: { rewardId: reward.id } });
    assert.equal(redeem.statusCode, 409, redeem.body);
    assert.equal(redeem.json().quote.costPoints, reward.costPoints);
    assert.equal(redeem.json().quote.terms, `fen=0;monthly=0;points=${reward.costPoints}`);
  });

  test('a plan whose monthly fee changed after the quote is not scheduled; the new terms are', async () => {
    const s = await addSubscriber(env.db, { balanceFen: 50_000 });
    const token = await signIn(env, s.msisdn);
    const plans = (await callBusiness(env, token, 'plans.list')).json().result.plans as { id: string; priceFen: number; current?: boolean }[];
    const other = plans.find((p) => !p.current)!;
    const quoted = (await callBusiness(env, token, 'plan.change', { input: { planId: other.id } })).json().quote;
    const { priceId } = await env.db.selectFrom('offering').select('priceId').where('id', '=', other.id).executeTakeFirstOrThrow();
    await env.db.updateTable('offeringPrice').set({ amountFen: other.priceFen + 1_000 }).where('id', '=', priceId).execute();
    try {
      const refused = await callBusiness(env, token, 'plan.change', { input: { planId: other.id }, confirm: true, quoteTerms: quoted.terms }, `plan-${s.id}-1`);
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal(refused.json().code, 'PRICE_CHANGED');
      assert.equal(refused.json().quote.recurringFen, other.priceFen + 1_000, 'the new quote, read in the transaction');
      const unchanged = await env.db.selectFrom('subscriber').select(['pendingPlanId']).where('id', '=', s.id).executeTakeFirstOrThrow();
      assert.equal(unchanged.pendingPlanId, null, 'no plan change scheduled');

      const done = await callBusiness(env, token, 'plan.change', { input: { planId: other.id }, confirm: true, quoteTerms: refused.json().quote.terms }, `plan-${s.id}-1`);
      assert.equal(done.statusCode, 200, done.body);
      assert.equal(done.json().result.monthlyFen, other.priceFen + 1_000);
      const scheduled = await env.db.selectFrom('subscriber').select(['pendingPlanId']).where('id', '=', s.id).executeTakeFirstOrThrow();
      assert.equal(scheduled.pendingPlanId, other.id);
    } finally {
      await env.db.updateTable('offeringPrice').set({ amountFen: other.priceFen }).where('id', '=', priceId).execute();
      env.s.catalogue.invalidate();
    }
  });

  test('a reward that costs more points than quoted spends nothing', async () => {
    const s = await addSubscriber(env.db, { balanceFen: 10_000, points: 50_000 });
    const token = await signIn(env, s.msisdn);
    const rewards = (await callBusiness(env, token, 'points.query')).json().result.rewards as { id: string; costPoints: number }[];
    const reward = rewards[0]!;
    const quoted = (await callBusiness(env, token, 'points.redeem', { input: { rewardId: reward.id } })).json().quote;
    await env.db.updateTable('reward').set({ costPoints: reward.costPoints + 10 }).where('id', '=', reward.id).execute();
    try {
      const refused = await callBusiness(env, token, 'points.redeem', { input: { rewardId: reward.id }, confirm: true, quoteTerms: quoted.terms }, `redeem-${s.id}`);
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal(refused.json().code, 'PRICE_CHANGED');
      assert.equal(refused.json().quote.costPoints, reward.costPoints + 10);
      const points = (await callBusiness(env, token, 'points.query')).json().result.points as number;
      assert.equal(points, 50_000, 'no points spent');
      assert.deepEqual(await balanceAndLedger(env.db, s.id), { balanceFen: 10_000, ledgerFen: 10_000 }, 'no credit given');
    } finally {
      await env.db.updateTable('reward').set({ costPoints: reward.costPoints }).where('id', '=', reward.id).execute();
    }
  });

  test('terms that do not match are refused even when the price alone would', async () => {
    const s = await addSubscriber(env.db, { balanceFen: 50_000 });
    const token = await signIn(env, s.msisdn);
    const packs = (await callBusiness(env, token, 'packs.list')).json().result.packs as { id: string; priceFen: number }[];
    const r = await callBusiness(env, token, 'pack.subscribe', {
      input: { packId: packs[0]!.id }, confirm: true, quotedPriceFen: packs[0]!.priceFen, quoteTerms: 'fen=1;monthly=0;points=0',
    }, `terms-check-${s.id}`);
    assert.equal(r.statusCode, 409, r.body);
    assert.equal(r.json().code, 'PRICE_CHANGED');
    assert.deepEqual(await balanceAndLedger(env.db, s.id), { balanceFen: 50_000, ledgerFen: 50_000 });
  });
});

describe('one read of an offering per transaction', () => {
  test('an offering found by its code in a list is the same offering when read again by id or code', async () => {
    const s = await addSubscriber(env.db);
    const row = await env.db.selectFrom('offering').innerJoin('offeringPrice as p', 'p.id', 'offering.priceId')
      .select(['offering.id', 'offering.code', 'p.id as priceId', 'p.amountFen']).where('offering.kind', '=', 'data_pack')
      .where('offering.lifecycleStatus', '=', 'Launched').orderBy('offering.id').executeTakeFirstOrThrow();
    try {
      await env.db.transaction().execute(async (trx) => {
        const bss = builtinBss(trx, { catalogue: env.s.catalogueReader });
        const customer = (await bss.customer(s.id))!;
        const ctx = { bss, db: trx, ...customer } as unknown as BusinessContext;
        const first = await findOffering(ctx, row.code!.toLowerCase());
        assert.equal(first.priceFen, row.amountFen!);
        // Inside the same transaction the price moves (as another commit would between two reads).
        await trx.updateTable('offeringPrice').set({ amountFen: row.amountFen! + 500 }).where('id', '=', row.priceId).execute();
        assert.equal((await findOffering(ctx, row.code!)).priceFen, row.amountFen!, 'by code: the first read stands');
        assert.equal((await bss.offering(row.id))?.priceFen, row.amountFen!, 'by id: the first read stands');
        throw new Rollback();
      });
    } catch (e) {
      if (!(e instanceof Rollback)) throw e;
    }
    const now = await env.db.selectFrom('offeringPrice').select('amountFen').where('id', '=', row.priceId).executeTakeFirstOrThrow();
    assert.equal(now.amountFen, row.amountFen!);
  });
});

class Rollback extends Error {}

describe('confirmations kept by older versions', () => {
  test('a USSD or IVR confirmation saved with only its price is still checked against the price now', async () => {
    const { Menu } = await import('../src/channels/menu.ts');
    const s = await addSubscriber(env.db, { balanceFen: 50_000 });
    const menu = new Menu(env.s.invoker);
    const caller = { subscriberId: s.id, channel: 'ussd', stepKey: `legacy-${s.id}` };
    let state = await menu.start(caller);
    state = await menu.act(state, { kind: 'select', key: 'b:pack.subscribe' }, caller);
    state = await menu.act(state, { kind: 'select', key: 'c:0' }, caller);
    const top = state.stack.at(-1) as unknown as { at: string; draft: { input: { packId: string } }; terms?: string; priceFen?: number };
    assert.equal(top.at, 'confirm');
    const packId = top.draft.input.packId;
    const o = await env.db.selectFrom('offering').innerJoin('offeringPrice as p', 'p.id', 'offering.priceId')
      .select(['p.id as priceId', 'p.amountFen']).where('offering.id', '=', packId).executeTakeFirstOrThrow();
    // As an older version stored it: the price, no terms.
    delete top.terms;
    top.priceFen = o.amountFen!;
    await env.db.updateTable('offeringPrice').set({ amountFen: o.amountFen! + 300 }).where('id', '=', o.priceId).execute();
    try {
      const after = await menu.act(state, { kind: 'select', key: 'confirm' }, caller);
      assert.equal(after.stack.at(-1)?.at, 'confirm', 'asked again');
      assert.ok(after.notice, 'with a notice that the price changed');
      assert.deepEqual(await balanceAndLedger(env.db, s.id), { balanceFen: 50_000, ledgerFen: 50_000 }, 'nothing charged');
    } finally {
      await env.db.updateTable('offeringPrice').set({ amountFen: o.amountFen! }).where('id', '=', o.priceId).execute();
      env.s.catalogue.invalidate();
    }
  });
});
