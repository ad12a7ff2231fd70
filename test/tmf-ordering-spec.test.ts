// TMF622 v4 as its clients use it: an order with only what the specification makes mandatory is
// placed; one the specification allows but omnihall cannot carry out is created `rejected` with a
// note saying why and charges nothing; a read carries every attribute mandatory in a response.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, balanceAndLedger, signIn, startTestEnv, staffToken, type TestEnv } from './helpers.ts';

const ORDERS = '/tmf-api/productOrderingManagement/v4/productOrder';

let env: TestEnv;
let agentToken: string;
before(async () => {
  env = await startTestEnv();
  agentToken = await staffToken(env, ['agent']);
});
after(async () => { await env.close(); });

function post(token: string, body: unknown, key: string) {
  return env.app.inject({ method: 'POST', url: ORDERS, payload: body as Record<string, unknown>, headers: { authorization: `Bearer ${token}`, 'idempotency-key': key } });
}

async function holdings(subscriberId: number): Promise<string[]> {
  return (await env.db.selectFrom('subscription').select('offeringId').where('subscriberId', '=', subscriberId).execute()).map((r) => r.offeringId).sort();
}

/** What TMF622 v4 makes mandatory in a ProductOrder response, checked on one order. */
function assertMandatory(o: Record<string, unknown>): void {
  for (const k of ['id', 'href', 'state', 'orderDate', '@type']) assert.equal(typeof o[k], 'string', `${k} in ${JSON.stringify(o)}`);
  const items = o.productOrderItem as Record<string, unknown>[];
  assert.ok(Array.isArray(items) && items.length > 0);
  for (const i of items) for (const k of ['id', 'action', 'state']) assert.equal(typeof i[k], 'string', `item ${k}`);
  for (const p of o.relatedParty as Record<string, unknown>[]) {
    assert.equal(typeof p.id, 'string');
    assert.equal(typeof p['@referredType'], 'string');
  }
  for (const c of o.channel as Record<string, unknown>[]) {
    assert.equal(c['@type'], 'RelatedChannel');
    assert.equal(typeof (c.channel as { id: unknown }).id, 'string', 'a RelatedChannel carries its ChannelRef');
  }
}

test('an order with only the mandatory attributes (items with id and action, relatedParty with id and @referredType, no role) is placed', async () => {
  const sub = await addSubscriber(env.db, { balanceFen: 5000 });
  const token = await signIn(env, sub.msisdn);
  const r = await post(token, {
    productOrderItem: [{ id: '1', action: 'add', productOffering: { id: 'PK-DATA-500M' } }],
    relatedParty: [{ id: String(sub.id), '@referredType': 'Individual' }],
  }, `minimal-${sub.id}`);
  assert.equal(r.statusCode, 201, r.body);
  assert.equal(r.json().state, 'completed');
  assertMandatory(r.json());
  assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 4500);

  // An agent names the customer the same way, without a role.
  const forIt = await post(agentToken, {
    productOrderItem: [{ id: 'a', action: 'add', productOffering: { id: 'PK-DATA-1G' } }],
    relatedParty: [{ id: String(sub.id), '@referredType': 'Customer' }],
  }, `minimal-agent-${sub.id}`);
  assert.equal(forIt.statusCode, 201, forIt.body);
  assert.equal(forIt.json().state, 'completed', forIt.body);
  assert.equal(forIt.json().relatedParty[0].id, String(sub.id));
  assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 3500);

  const read = await env.app.inject({ method: 'GET', url: r.json().href, headers: { authorization: `Bearer ${token}` } });
  assert.deepEqual(read.json(), r.json());
  const list = await env.app.inject({ method: 'GET', url: ORDERS, headers: { authorization: `Bearer ${token}` } });
  for (const o of list.json() as Record<string, unknown>[]) assertMandatory(o);
});

test('an order the specification allows but omnihall cannot carry out is created rejected, with a note, and charges nothing', async () => {
  const sub = await addSubscriber(env.db, { balanceFen: 5000 });
  const other = await addSubscriber(env.db);
  const token = await signIn(env, sub.msisdn);
  const good = { id: 'ok', action: 'add', productOffering: { id: 'PK-DATA-500M' } };
  for (const [what, body, note] of [
    ['an item without productOffering', { productOrderItem: [good, { id: '2', action: 'add' }] }, /Item 2: no productOffering given/],
    ['an unknown offering', { productOrderItem: [good, { id: '2', action: 'add', productOffering: { id: 'NOPE' } }] }, /Item 2: no productOffering NOPE/],
    ['a modify item', { productOrderItem: [{ id: '1', action: 'modify', productOffering: { id: 'PK-DATA-1G' } }] }, /action modify is not supported/],
    ['deleting a plan', { productOrderItem: [{ id: '1', action: 'delete', productOffering: { id: 'PLAN-4G-38' } }] }, /a plan cannot be deleted/],
    ['a related party who is not the caller', { productOrderItem: [good], relatedParty: [{ id: String(other.id), '@referredType': 'Individual' }] }, /is not you/],
  ] as const) {
    const key = `rejected-${sub.id}-${what}`;
    const r = await env.app.inject({
      method: 'POST', url: ORDERS, payload: body as unknown as Record<string, unknown>,
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': key, 'accept-language': 'en' },
    });
    assert.equal(r.statusCode, 201, `${what}: ${r.body}`);
    const o = r.json();
    assert.equal(o.state, 'rejected', what);
    assert.ok(o.productOrderItem.every((i: { state: string }) => i.state === 'rejected'), what);
    assert.match(o.note.map((n: { text: string }) => n.text).join(' '), note, what);
    assertMandatory(o);
    const again = await env.app.inject({
      method: 'POST', url: ORDERS, payload: body as unknown as Record<string, unknown>,
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': key, 'accept-language': 'en' },
    });
    assert.equal(again.headers['idempotent-replayed'], 'true', what);
    assert.deepEqual(again.json(), o, what);
    const zh = await env.app.inject({ method: 'GET', url: o.href, headers: { authorization: `Bearer ${token}` } });
    assert.match(zh.json().note[0].text, /[项您]/, 'the note in Chinese by default');
  }
  assert.deepEqual(await balanceAndLedger(env.db, sub.id), { balanceFen: 5000, ledgerFen: 5000 });
  assert.deepEqual(await holdings(sub.id), []);
  assert.deepEqual(await holdings(other.id), []);
  const rejected = await env.app.inject({ method: 'GET', url: `${ORDERS}?state=rejected`, headers: { authorization: `Bearer ${token}` } });
  assert.equal(rejected.headers['x-total-count'], '5');
});
