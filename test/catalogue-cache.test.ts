// The catalogue cache: lists and quotes read it, charges read the database (and refuse a price
// that is not the one confirmed), writes through TMF620 on this node are seen at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CatalogueCache, type CatalogueLoad, type LifecycleStatus, type OfferingView } from '../src/modules/catalogue/index.ts';
import { addSubscriber, balanceAndLedger, callBusiness, signIn, staffToken, startTestEnv, type TestEnv } from './helpers.ts';

function offering(id: string, priceFen: number, lifecycleStatus: LifecycleStatus = 'Launched'): OfferingView {
  return {
    id, kind: 'data_pack', code: id, nameZh: id, nameEn: id, descriptionZh: '', descriptionEn: '', priceFen, priceType: 'oneTime',
    dataMb: 1024, voiceMin: 0, sms: 0, validityDays: 30, eligibility: {}, channels: ['ussd'], lifecycleStatus,
    testMsisdns: [], launchAt: null, retireAt: null,
  };
}

/** What the cache loads: these offerings, no business withdrawn. */
function load(offerings: OfferingView[]): CatalogueLoad {
  return { offerings, withdrawn: [] };
}

describe('CatalogueCache', () => {
  test('serves one snapshot for its TTL, then reads again; concurrent readers share one read', async () => {
    let t = 0;
    let loads = 0;
    let price = 100;
    const cache = new CatalogueCache(async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 5));
      return load([offering('A', price), offering('B', 50, 'Retired')]);
    }, 5000, () => t);
    const first = await Promise.all([cache.offering('A'), cache.offerings(['data_pack']), cache.offering('B')]);
    assert.equal(loads, 1);
    assert.equal(first[0]?.priceFen, 100);
    assert.deepEqual(first[1].map((o) => o.id), ['A'], 'only launched offerings are listed');
    assert.equal(first[2]?.lifecycleStatus, 'Retired', 'but any offering can be looked up by id');
    price = 200;
    t += 4999;
    assert.equal((await cache.offering('A'))?.priceFen, 100);
    t += 1;
    assert.equal((await cache.offering('A'))?.priceFen, 200);
    assert.equal(loads, 2);
  });

  test('invalidate drops the snapshot, and a read begun before it is not kept', async () => {
    let price = 100;
    let release: () => void = () => {};
    const cache = new CatalogueCache(async () => {
      const seen = price;
      await new Promise<void>((r) => (release = r));
      return load([offering('A', seen)]);
    }, 60_000, () => 0);
    const stale = cache.offering('A');
    price = 300;
    cache.invalidate();
    release();
    assert.equal((await stale)?.priceFen, 100, 'the caller that asked before the change gets the old read');
    const fresh = cache.offering('A');
    release();
    assert.equal((await fresh)?.priceFen, 300);
  });

  test('what it hands out cannot be changed by one caller for the others', async () => {
    const cache = new CatalogueCache(async () => load([offering('A', 100)]), 60_000, () => 0);
    const a = (await cache.offering('A'))!;
    assert.throws(() => {
      (a as { priceFen: number }).priceFen = 1;
    });
    assert.throws(() => (a.channels as string[]).push('web'));
  });

  test('a TTL of 0 reads every time', async () => {
    let loads = 0;
    const cache = new CatalogueCache(async () => {
      loads++;
      return load([offering('A', 100)]);
    }, 0, () => 0);
    await cache.offering('A');
    await cache.offering('A');
    assert.equal(loads, 2);
  });
});

describe('the catalogue cache in omnihall', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(async () => {
    await env.close();
  });

  const packIds = async (token: string): Promise<string[]> => {
    const r = await callBusiness(env, token, 'packs.list');
    assert.equal(r.statusCode, 200, r.body);
    return (r.json().result.packs as { id: string }[]).map((p) => p.id);
  };

  test('a TMF620 change on this node shows in the next list', async () => {
    const s = await addSubscriber(env.db, { balanceFen: 50_000 });
    const token = await signIn(env, s.msisdn);
    const before = await packIds(token);
    const pack = before[0]!;
    const product = await staffToken(env, ['product']);
    const r = await env.app.inject({
      method: 'PATCH', url: `/tmf-api/productCatalogManagement/v4/productOffering/${pack}`,
      headers: { authorization: `Bearer ${product}`, 'content-type': 'application/merge-patch+json' },
      payload: { lifecycleStatus: 'Retired' },
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.ok(!(await packIds(token)).includes(pack), 'the retired pack is no longer offered');
  });

  test('a charge reads the price from the database; a changed price is refused, not charged, when the quote is named', async () => {
    const s = await addSubscriber(env.db, { balanceFen: 50_000 });
    const token = await signIn(env, s.msisdn);
    const pack = (await packIds(token))[0]!;
    const o = await env.db.selectFrom('offering').select('priceId').where('id', '=', pack).executeTakeFirstOrThrow();
    const quoted = await callBusiness(env, token, 'pack.subscribe', { input: { packId: pack } });
    assert.equal(quoted.statusCode, 409, quoted.body);
    const oldPrice = quoted.json().quote.priceFen as number;
    // Another node changes the price: this node's cache still has the old one for a few seconds.
    await env.db.updateTable('offeringPrice').set({ amountFen: oldPrice + 123 }).where('id', '=', o.priceId).execute();
    const requoted = await callBusiness(env, token, 'pack.subscribe', { input: { packId: pack } });
    assert.equal(requoted.json().quote.priceFen, oldPrice, 'quotes come from the cache');

    const refused = await callBusiness(env, token, 'pack.subscribe', { input: { packId: pack }, confirm: true, quotedPriceFen: oldPrice }, `cache-${pack}-1`);
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json().code, 'PRICE_CHANGED');
    assert.equal(refused.json().quote.priceFen, oldPrice + 123, 'the new quote, read in the transaction');
    assert.deepEqual(await balanceAndLedger(env.db, s.id), { balanceFen: 50_000, ledgerFen: 50_000 }, 'nothing charged');
    const subs = await env.db.selectFrom('subscription').select('id').where('subscriberId', '=', s.id).execute();
    assert.equal(subs.length, 0, 'nothing subscribed');

    const done = await callBusiness(env, token, 'pack.subscribe', { input: { packId: pack }, confirm: true, quotedPriceFen: oldPrice + 123 }, `cache-${pack}-1`);
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().result.priceFen, oldPrice + 123, 'the price confirmed is the price charged');
    const money = await balanceAndLedger(env.db, s.id);
    assert.equal(money.balanceFen, 50_000 - oldPrice - 123);
    assert.equal(money.balanceFen, money.ledgerFen);
  });
});
