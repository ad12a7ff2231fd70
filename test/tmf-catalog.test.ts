// TMF620 v4 complete: offerings that start as a name, their lifecycle by PATCH (reviews by a
// second product manager), If-Match, specifications, categories and catalogs; and the faults:
// invalid steps, self-review, unknown or wrong-typed attributes and staff without the product
// role all get a stable code in the TMF error shape and change nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestEnv, staffToken, type TestEnv } from './helpers.ts';

const CATALOG = '/tmf-api/productCatalogManagement/v4';
const ORIGIN = 'http://localhost:80';

let env: TestEnv;
let product: string;
let reviewer: string;
before(async () => {
  env = await startTestEnv();
  product = await staffToken(env, ['product']);
  reviewer = await staffToken(env, ['product']);
});
after(async () => {
  await env.close();
});

type Res = { statusCode: number; headers: Record<string, unknown>; json(): any; body: string };

function get(url: string): Promise<Res> {
  return env.app.inject({ method: 'GET', url });
}

function send(method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, token = product, headers: Record<string, string> = {}): Promise<Res> {
  return env.app.inject({ method, url, payload: payload as Record<string, unknown>, headers: { authorization: `Bearer ${token}`, ...headers } });
}

function assertTmfError(r: Res, status: number, code: string): void {
  assert.equal(r.statusCode, status, r.body);
  const e = r.json();
  assert.equal(e['@type'], 'Error');
  assert.equal(e.status, String(status));
  assert.equal(e.code, code);
  assert.equal(typeof e.message, 'string');
}

/** What a refused request must leave as it was. */
async function snapshot() {
  const [offerings, events, audit, reviews, specs, cats, catalogs, prices] = await Promise.all([
    env.db.selectFrom('offering').select(['id', 'lifecycleStatus', 'revision', 'nameZh']).orderBy('id').execute(),
    env.s.catalogueService.lastEventId(),
    env.db.selectFrom('auditEntry').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    env.db.selectFrom('offeringReview').select(['id', 'status']).orderBy('id').execute(),
    env.db.selectFrom('productSpecification').selectAll().orderBy('id').execute(),
    env.db.selectFrom('category').selectAll().orderBy('id').execute(),
    env.db.selectFrom('catalog').selectAll().orderBy('id').execute(),
    env.db.selectFrom('offeringPrice').selectAll().orderBy('id').execute(),
  ]);
  return { offerings, events, audit: Number(audit.n), reviews, specs, cats, catalogs, prices };
}

async function pendingReview(offeringId: string) {
  return (await env.s.catalogueService.reviews({ status: 'pending' })).find((r) => r.offeringId === offeringId);
}

async function approve(offeringId: string, token = reviewer): Promise<Res> {
  const r = await pendingReview(offeringId);
  assert.ok(r, 'a pending review');
  return send('POST', `/api/v1/console/reviews/${r.id}/approve`, {}, token);
}

/** A complete offering In design: a kind, a code and a priced price. */
async function completeOffering(code: string) {
  const price = await send('POST', `${CATALOG}/productOfferingPrice`, { name: `${code}价格`, priceType: 'oneTime', price: { unit: 'CNY', value: '3.50' } });
  assert.equal(price.statusCode, 201, price.body);
  const o = await send('POST', `${CATALOG}/productOffering`, {
    name: `${code}包`, channel: [{ id: 'api' }, { id: 'web' }], productOfferingPrice: [{ id: price.json().id }],
    omnihall: { kind: 'data_pack', code, allowance: { dataMb: 300 }, validityDays: 7 },
  });
  assert.equal(o.statusCode, 201, o.body);
  return { offering: o.json(), price: price.json() };
}

async function launched(code: string) {
  const made = await completeOffering(code);
  for (const to of ['In test', 'Launched']) {
    const r = await send('PATCH', made.offering.href, { lifecycleStatus: to });
    assert.equal(r.statusCode, 202, r.body);
    assert.equal((await approve(made.offering.id)).statusCode, 200);
  }
  return made;
}

describe('TMF620 productOffering', () => {
  test('a name alone makes an offering In design, not sellable until it is complete', async () => {
    const r = await send('POST', `${CATALOG}/productOffering`, { name: '只有名字' });
    assert.equal(r.statusCode, 201, r.body);
    const o = r.json();
    assert.equal(r.headers.location, o.href);
    assert.equal(o.href, `${ORIGIN}${CATALOG}/productOffering/${o.id}`);
    assert.equal(o.lifecycleStatus, 'In design');
    assert.equal(o.isSellable, false);
    assert.deepEqual(o.category, []);
    assert.deepEqual(o.productOfferingPrice, []);
    assert.match(o.omnihall.code, /^P[A-Z0-9]{5}$/, 'a free code until one is chosen');
    assert.equal(r.headers.etag, `"${o.omnihall.revision}"`);

    // Not complete: it cannot go to test.
    assertTmfError(await send('PATCH', o.href, { lifecycleStatus: 'In test' }), 400, 'INCOMPLETE');

    const price = await send('POST', `${CATALOG}/productOfferingPrice`, { name: '待定价', priceType: 'recurring' });
    assert.equal(price.statusCode, 201, price.body);
    assert.equal(price.json().lifecycleStatus, 'In design');
    assert.equal(price.json().price, undefined, 'no amount yet');
    const kinded = await send('PATCH', o.href, { category: [{ id: 'vas' }], productOfferingPrice: [{ id: price.json().id }], omnihall: { code: 'only1' } });
    assert.equal(kinded.statusCode, 200, kinded.body);
    assert.equal(kinded.json().isSellable, false, 'the price has no amount');
    assert.equal((await send('PATCH', price.json().href, { price: { unit: 'CNY', value: 9 } })).statusCode, 200);
    const complete = (await get(o.href)).json();
    assert.equal(complete.isSellable, true);
    assert.equal(complete.omnihall.kind, 'vas');
    assert.equal(complete.omnihall.code, 'ONLY1');
    assert.equal(complete.category[0].id, 'vas');
  });

  test('lifecycle by PATCH: review steps answer 202 and wait for a second product manager; direct steps are taken at once', async () => {
    const { offering: o } = await completeOffering('LIFE1');
    const submitted = await send('PATCH', o.href, { lifecycleStatus: 'In test' }, product, { 'content-type': 'application/merge-patch+json' });
    assert.equal(submitted.statusCode, 202, submitted.body);
    assert.equal(submitted.json().lifecycleStatus, 'In design', 'as it is until approved');

    const own = await snapshot();
    const self = await approve(o.id, product);
    assert.equal(self.statusCode, 409, self.body);
    assert.equal(self.json().code, 'SELF_REVIEW', 'the console answers in problem JSON with the same stable code');
    assert.deepEqual(await snapshot(), own, 'approving one’s own change changes nothing');

    assert.equal((await approve(o.id)).statusCode, 200);
    assert.equal((await get(o.href)).json().lifecycleStatus, 'In test');
    assert.equal((await send('PATCH', o.href, { lifecycleStatus: 'Launched' })).statusCode, 202);
    assert.equal((await approve(o.id)).statusCode, 200);
    assert.equal((await get(o.href)).json().lifecycleStatus, 'Launched');

    const retired = await send('PATCH', o.href, { lifecycleStatus: 'Retired' });
    assert.equal(retired.statusCode, 200, retired.body);
    assert.equal(retired.json().lifecycleStatus, 'Retired');

    const before = await snapshot();
    for (const to of ['In test', 'In design', 'In study']) {
      const r = await send('PATCH', o.href, { lifecycleStatus: to });
      assertTmfError(r, 409, 'INVALID_TRANSITION');
    }
    assert.deepEqual(await snapshot(), before, 'an invalid step changes nothing');

    const fresh = await send('POST', `${CATALOG}/productOffering`, { name: '跳步' });
    assertTmfError(await send('PATCH', fresh.json().href, { lifecycleStatus: 'Launched' }), 409, 'INVALID_TRANSITION');
    assertTmfError(await send('POST', `${CATALOG}/productOffering`, { name: '直接上线', lifecycleStatus: 'Launched' }), 409, 'INVALID_TRANSITION');
    assert.equal((await get(fresh.json().href)).json().lifecycleStatus, 'In design');
  });

  test('a launched offering’s content is not edited, nor its price; its channels are', async () => {
    const { offering: o, price } = await launched('SOLD1');
    const before = await snapshot();
    assertTmfError(await send('PATCH', o.href, { name: '改名' }), 409, 'NOT_EDITABLE');
    assertTmfError(await send('PATCH', o.href, { omnihall: { allowance: { dataMb: 1 } } }), 409, 'NOT_EDITABLE');
    assertTmfError(await send('PATCH', price.href, { price: { unit: 'CNY', value: 1 } }), 409, 'NOT_EDITABLE');
    assertTmfError(await send('DELETE', price.href), 409, 'NOT_EDITABLE');
    assert.deepEqual(await snapshot(), before);

    const withdrawn = await send('PATCH', o.href, { channel: [{ id: 'api' }] });
    assert.equal(withdrawn.statusCode, 200, withdrawn.body);
    assert.deepEqual(withdrawn.json().channel.map((c: { id: string }) => c.id), ['api']);
    const more = await send('PATCH', o.href, { channel: [{ id: 'api' }, { id: 'ussd' }] });
    assert.equal(more.statusCode, 202, 'a new channel for what is on sale is reviewed');
    assert.deepEqual(more.json().channel.map((c: { id: string }) => c.id), ['api']);
    assert.equal((await approve(o.id)).statusCode, 200);
    assert.deepEqual((await get(o.href)).json().channel.map((c: { id: string }) => c.id), ['api', 'ussd']);
  });

  test('If-Match: the ETag is the revision; a stale one is a CONFLICT and changes nothing', async () => {
    const o = (await send('POST', `${CATALOG}/productOffering`, { name: '版本测试' })).json();
    const read = await get(o.href);
    const etag = String(read.headers.etag);
    const ok = await send('PATCH', o.href, { description: '第一次' }, product, { 'if-match': etag });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.notEqual(ok.headers.etag, etag);
    const before = await snapshot();
    assertTmfError(await send('PATCH', o.href, { description: '过期' }, product, { 'if-match': etag }), 409, 'CONFLICT');
    assertTmfError(await send('PATCH', o.href, { lifecycleStatus: 'In study' }, product, { 'if-match': etag }), 409, 'CONFLICT');
    assertTmfError(await send('PATCH', o.href, { description: 'x' }, product, { 'if-match': 'yesterday' }), 400, 'INVALID_INPUT');
    assert.deepEqual(await snapshot(), before);
    assert.equal((await get(o.href)).json().description, '第一次');
  });

  test('two PATCHes with the same If-Match at once: exactly one wins, the other is a CONFLICT', async () => {
    for (let round = 0; round < 5; round++) {
      const o = (await send('POST', `${CATALOG}/productOffering`, { name: `并发${round}` })).json();
      const etag = String((await get(o.href)).headers.etag);
      const [a, b] = await Promise.all(['甲', '乙'].map((who) => send('PATCH', o.href, { description: who }, product, { 'if-match': etag })));
      const codes = [a!.statusCode, b!.statusCode].sort();
      assert.deepEqual(codes, [200, 409], `${a!.body} / ${b!.body}`);
      const loser = a!.statusCode === 409 ? a! : b!;
      assert.equal(loser.json().code, 'CONFLICT');
      const winner = a!.statusCode === 200 ? a! : b!;
      const now = (await get(o.href)).json();
      assert.equal(now.description, winner.json().description);
      assert.equal(now.omnihall.revision, o.omnihall.revision + 1, 'one change, not two');
    }
  });
});

describe('TMF620 productSpecification, category and catalog', () => {
  test('the offering kinds are categories, in the seeded catalog', async () => {
    const cats = await get(`${CATALOG}/category?id=plan,data_pack,voice_pack,sms_pack,vas,broadband`);
    assert.equal(cats.statusCode, 200, cats.body);
    assert.equal(cats.headers['x-total-count'], '6');
    const byId = Object.fromEntries((cats.json() as { id: string; name: string; omnihall: { kind: string } }[]).map((c) => [c.id, c]));
    assert.equal(byId.data_pack!.name, '流量包');
    assert.equal(byId.plan!.name, '套餐');
    assert.equal(byId.vas!.omnihall.kind, 'vas');
    const catalogs = (await get(`${CATALOG}/catalog`)).json() as { id: string; href: string; category: { id: string }[] }[];
    const main = catalogs.find((c) => c.id === 'omnihall')!;
    assert.equal(main.href, `${ORIGIN}${CATALOG}/catalog/omnihall`);
    assert.deepEqual(main.category.map((c) => c.id).sort(), ['broadband', 'data_pack', 'plan', 'sms_pack', 'vas', 'voice_pack']);
    assert.equal((await get(`${CATALOG}/catalog?category.id=plan&fields=name`)).json()[0].id, 'omnihall');

    const before = await snapshot();
    assertTmfError(await send('DELETE', `${CATALOG}/category/plan`), 409, 'NOT_EDITABLE');
    assertTmfError(await send('PATCH', `${CATALOG}/category/plan`, { lifecycleStatus: 'Retired' }), 409, 'NOT_EDITABLE');
    assert.deepEqual(await snapshot(), before);
  });

  test('specifications: create with a name, refer offerings to them, filter, retire when used', async () => {
    const r = await send('POST', `${CATALOG}/productSpecification`, {
      name: '5G流量', brand: 'omnihall', productSpecCharacteristic: [{ name: '速率', valueType: 'string', productSpecCharacteristicValue: [{ value: '1Gbps', isDefault: true }] }],
    });
    assert.equal(r.statusCode, 201, r.body);
    const spec = r.json();
    assert.equal(r.headers.location, spec.href);
    assert.equal(spec.lifecycleStatus, 'In design');
    assert.equal(spec.productSpecCharacteristic[0].name, '速率');
    const o = (await send('POST', `${CATALOG}/productOffering`, { name: '5G包', productSpecification: { id: spec.id } })).json();
    assert.deepEqual(o.productSpecification, { id: spec.id, href: spec.href, name: '5G流量', '@referredType': 'ProductSpecification' });
    const found = await get(`${CATALOG}/productOffering?productSpecification.id=${spec.id}`);
    assert.deepEqual((found.json() as { id: string }[]).map((x) => x.id), [o.id]);
    assertTmfError(await send('POST', `${CATALOG}/productOffering`, { name: '无规格', productSpecification: { id: 'NOPE' } }), 400, 'INVALID_INPUT');

    const patched = await send('PATCH', spec.href, { description: '五代', lifecycleStatus: 'Launched' });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().description, '五代');
    assert.equal((await send('DELETE', spec.href)).statusCode, 204);
    assert.equal((await get(spec.href)).json().lifecycleStatus, 'Retired', 'an offering refers to it');
    const unused = (await send('POST', `${CATALOG}/productSpecification`, { name: '没人用' })).json();
    assert.equal((await send('DELETE', unused.href)).statusCode, 204);
    assertTmfError(await get(unused.href), 404, 'NOT_FOUND');
    assertTmfError(await send('PATCH', unused.href, { name: 'x' }), 404, 'NOT_FOUND');
  });

  test('categories: sub-categories, offerings in them, and deletes', async () => {
    const r = await send('POST', `${CATALOG}/category`, { name: '夜间流量', parentId: 'data_pack' });
    assert.equal(r.statusCode, 201, r.body);
    const night = r.json();
    assert.equal(night.isRoot, false);
    assert.equal(night.parentId, 'data_pack');
    assert.ok((await get(`${CATALOG}/category/data_pack`)).json().subCategory.some((c: { id: string }) => c.id === night.id));
    const child = (await send('POST', `${CATALOG}/category`, { name: '周末夜间', parentId: night.id })).json();
    assertTmfError(await send('PATCH', night.href, { parentId: child.id }), 400, 'INVALID_INPUT');
    assertTmfError(await send('POST', `${CATALOG}/category`, { name: '孤儿', parentId: 'NOPE' }), 400, 'INVALID_INPUT');

    const o = (await send('POST', `${CATALOG}/productOffering`, { name: '夜猫包', category: [{ id: 'data_pack' }, { id: night.id }] })).json();
    assert.deepEqual(o.category.map((c: { id: string }) => c.id), ['data_pack', night.id]);
    assert.equal(o.omnihall.kind, 'data_pack');
    const inNight = await get(`${CATALOG}/productOffering?category.id=${night.id}`);
    assert.deepEqual((inNight.json() as { id: string }[]).map((x) => x.id), [o.id]);

    assertTmfError(await send('DELETE', night.href), 409, 'NOT_EDITABLE');
    assert.equal((await send('DELETE', child.href)).statusCode, 204);
    assert.equal((await send('DELETE', night.href)).statusCode, 204);
    assert.deepEqual((await get(o.href)).json().category.map((c: { id: string }) => c.id), ['data_pack'], 'the offering leaves a deleted category');
    assertTmfError(await send('DELETE', night.href), 404, 'NOT_FOUND');
  });

  test('catalogs: create, patch its categories, delete', async () => {
    const r = await send('POST', `${CATALOG}/catalog`, { name: '校园目录', category: [{ id: 'plan' }] });
    assert.equal(r.statusCode, 201, r.body);
    const c = r.json();
    assert.equal(c.lifecycleStatus, 'In design');
    assert.deepEqual(c.category, [{ id: 'plan', href: `${ORIGIN}${CATALOG}/category/plan`, name: '套餐', '@referredType': 'Category' }]);
    const p = await send('PATCH', c.href, { category: [{ id: 'plan' }, { id: 'data_pack' }], lifecycleStatus: 'Launched' });
    assert.equal(p.statusCode, 200, p.body);
    assert.deepEqual(p.json().category.map((x: { id: string }) => x.id), ['data_pack', 'plan']);
    assertTmfError(await send('PATCH', c.href, { category: [{ id: 'NOPE' }] }), 400, 'INVALID_INPUT');
    assert.equal((await send('DELETE', c.href)).statusCode, 204);
    assertTmfError(await get(c.href), 404, 'NOT_FOUND');
  });

  test('every write is audited and recorded as a catalogue event', async () => {
    const from = await env.s.catalogueService.lastEventId();
    const spec = (await send('POST', `${CATALOG}/productSpecification`, { name: '审计规格' })).json();
    await send('PATCH', spec.href, { name: '审计规格2' });
    const events = await env.s.catalogueService.eventsAfter(from, 100);
    assert.deepEqual(events.map((e) => e.eventType), ['ProductSpecificationCreateEvent', 'ProductSpecificationAttributeValueChangeEvent']);
    const audit = await env.db.selectFrom('auditEntry').select('action').where('entityId', '=', spec.id).orderBy('id').execute();
    assert.deepEqual(audit.map((a) => a.action), ['specification.create', 'specification.update']);
  });
});

describe('TMF620 refusals', () => {
  test('unknown or wrong-typed attributes are a 400 in the TMF error shape, and change nothing', async () => {
    const o = (await send('POST', `${CATALOG}/productOffering`, { name: '拒绝测试' })).json();
    const before = await snapshot();
    for (const [url, method, body] of [
      [`${CATALOG}/productOffering`, 'POST', { name: 7 }],
      [`${CATALOG}/productOffering`, 'POST', { name: 'x', colour: 'red' }],
      [`${CATALOG}/productOffering`, 'POST', { name: 'x', omnihall: { kind: 'tv' } }],
      [`${CATALOG}/productOffering`, 'POST', { name: 'x', omnihall: { flavour: 1 } }],
      [`${CATALOG}/productOffering`, 'POST', { name: 'x', channel: [{ id: 'fax' }] }],
      [`${CATALOG}/productOffering`, 'POST', { name: 'x', category: [{ id: 'NOPE' }] }],
      [`${CATALOG}/productOffering`, 'POST', { name: 'x', omnihall: { kind: 'plan' }, category: [{ id: 'vas' }] }],
      [o.href, 'PATCH', { version: 2 }],
      [o.href, 'PATCH', { isBundle: true }],
      [o.href, 'PATCH', { lifecycleStatus: 'Active' }],
      [`${CATALOG}/productOfferingPrice`, 'POST', { name: 'x', priceType: 'weekly' }],
      [`${CATALOG}/productOfferingPrice`, 'POST', { name: 'x', priceType: 'oneTime', price: { unit: 'CNY', value: 30_000_000 } }],
      [`${CATALOG}/productSpecification`, 'POST', { name: 'x', productSpecCharacteristic: 'fast' }],
      [`${CATALOG}/productSpecification`, 'POST', { brand: 'no name' }],
      [`${CATALOG}/category`, 'POST', { name: 'x', isRoot: true, parentId: 'plan' }],
      [`${CATALOG}/category`, 'POST', { name: 'x', subCategory: [] }],
      [`${CATALOG}/catalog`, 'POST', { name: 'x', category: 'plan' }],
    ] as const) {
      assertTmfError(await send(method, url, body), 400, 'INVALID_INPUT');
    }
    assertTmfError(await get(`${CATALOG}/category?colour=red`), 400, 'INVALID_INPUT');
    assertTmfError(await get(`${CATALOG}/productSpecification?brand=x`), 400, 'INVALID_INPUT');
    assert.deepEqual(await snapshot(), before);
  });

  test('marketing, ops and agent staff cannot write the catalogue', async () => {
    const o = (await send('POST', `${CATALOG}/productOffering`, { name: '权限测试' })).json();
    const spec = (await send('POST', `${CATALOG}/productSpecification`, { name: '权限规格' })).json();
    const tokens = { marketing: await staffToken(env, ['marketing']), ops: await staffToken(env, ['ops']), agent: await staffToken(env, ['agent']) };
    const before = await snapshot();
    for (const role of ['marketing', 'ops', 'agent'] as const) {
      const token = tokens[role];
      for (const [method, url, body] of [
        ['POST', `${CATALOG}/productOffering`, { name: '越权' }],
        ['PATCH', o.href, { name: '越权' }],
        ['PATCH', o.href, { lifecycleStatus: 'In study' }],
        ['DELETE', o.href, undefined],
        ['POST', `${CATALOG}/productOfferingPrice`, { name: '越权', priceType: 'oneTime' }],
        ['POST', `${CATALOG}/productSpecification`, { name: '越权' }],
        ['PATCH', spec.href, { name: '越权' }],
        ['DELETE', spec.href, undefined],
        ['POST', `${CATALOG}/category`, { name: '越权' }],
        ['POST', `${CATALOG}/catalog`, { name: '越权' }],
        ['DELETE', `${CATALOG}/catalog/omnihall`, undefined],
      ] as const) {
        assertTmfError(await send(method, url, body, token), 403, 'FORBIDDEN');
      }
    }
    assert.deepEqual(await snapshot(), before);
  });
});
