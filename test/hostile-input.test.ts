// Hostile input: text PostgreSQL cannot store (NUL, unpaired surrogates) is refused at the edge of
// every channel in that channel's form and changes nothing, and a TMF622 order and its charges
// commit together or not at all.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { InjectOptions } from 'fastify';
import { addSubscriber, balanceAndLedger, signIn, startTestEnv, staffToken, type TestEnv } from './helpers.ts';

const ORDERS = '/tmf-api/productOrderingManagement/v4/productOrder';
const OFFERINGS = '/tmf-api/productCatalogManagement/v4/productOffering';
const CUSTOMERS = '/tmf-api/customerManagement/v4/customer';

let env: TestEnv;
before(async () => { env = await startTestEnv(); });
after(async () => { await env.close(); });

async function holdings(subscriberId: number): Promise<string[]> {
  const rows = await env.db.selectFrom('subscription').select('offeringId').where('subscriberId', '=', subscriberId).execute();
  return rows.map((r) => r.offeringId).sort();
}

async function orderRows(): Promise<number> {
  const r = await env.db.selectFrom('productOrder').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

for (const [field, value] of [['description', 'x\u0000y'], ['externalId', 'ext\u0000id'], ['description', 'lone \ud800 surrogate']] as const) {
  test(`a TMF622 order with ${JSON.stringify(value)} in ${field} is refused with 400 and charges nothing, on every try`, async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const token = await signIn(env, sub.msisdn);
    const before = await balanceAndLedger(env.db, sub.id);
    const held = await holdings(sub.id);
    const orders = await orderRows();
    // The JSON text carries the escape itself, as a client sends it.
    const payload = `{"${field}":${JSON.stringify(value)},"productOrderItem":[{"id":"1","action":"add","productOffering":{"id":"PK-DATA-500M"}}]}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = await env.app.inject({
        method: 'POST', url: ORDERS, payload,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `nul-${field}-${sub.id}` },
      });
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json()['@type'], 'Error');
      assert.equal(r.json().code, 'INVALID_INPUT');
    }
    assert.deepEqual(await balanceAndLedger(env.db, sub.id), before);
    assert.deepEqual(await holdings(sub.id), held);
    assert.equal(await orderRows(), orders);
  });
}

test('a TMF622 order whose row cannot be stored charges nothing: the order and its charges commit together or not at all', async () => {
  const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
  const token = await signIn(env, sub.msisdn);
  const before = await balanceAndLedger(env.db, sub.id);
  const held = await holdings(sub.id);
  // A real refusal from the database as the order is stored with its outcome, after its items ran.
  await sql`create function refuse_order() returns trigger language plpgsql as $$ begin if new.state <> 'inProgress' then raise exception 'order refused by test'; end if; return new; end $$`.execute(env.db);
  await sql`create trigger refuse_order before insert or update on product_order for each row execute function refuse_order()`.execute(env.db);
  try {
    const r = await env.app.inject({
      method: 'POST', url: ORDERS,
      payload: { productOrderItem: [{ id: '1', action: 'add', productOffering: { id: 'PK-DATA-500M' } }] },
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': `refused-${sub.id}` },
    });
    assert.equal(r.statusCode, 500, r.body);
    assert.deepEqual(await balanceAndLedger(env.db, sub.id), before);
    assert.deepEqual(await holdings(sub.id), held);
    assert.equal((await env.db.selectFrom('productOrder').select('id').where('subscriberId', '=', sub.id).execute()).length, 0);
  } finally {
    await sql`drop trigger refuse_order on product_order`.execute(env.db);
    await sql`drop function refuse_order()`.execute(env.db);
  }
  // Once the database takes the order again, the same key places it and charges once.
  const r = await env.app.inject({
    method: 'POST', url: ORDERS,
    payload: { productOrderItem: [{ id: '1', action: 'add', productOffering: { id: 'PK-DATA-500M' } }] },
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': `refused-${sub.id}` },
  });
  assert.equal(r.statusCode, 201, r.body);
  assert.equal(r.json().state, 'completed');
  assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, before.balanceFen - 500);
});


/** A TMF v4 Error 400 INVALID_INPUT. */
function assertTmf400(r: { statusCode: number; body: string; json(): Record<string, unknown> }, what: string): void {
  assert.equal(r.statusCode, 400, `${what}: ${r.body}`);
  assert.equal(r.json()['@type'], 'Error', what);
  assert.equal(r.json().code, 'INVALID_INPUT', what);
}

test('TMF: a NUL in the path or the query, and a NUL or lone surrogate in a PATCH body, answer a TMF Error 400 and change nothing', async () => {
  const agent = await staffToken(env, ['agent']);
  const product = await staffToken(env, ['product']);
  assertTmf400(await env.app.inject({ method: 'GET', url: `${OFFERINGS}/a%00b` }), 'offering id');
  assertTmf400(await env.app.inject({ method: 'GET', url: `${CUSTOMERS}?name=a%00b`, headers: { authorization: `Bearer ${agent}` } }), 'customer name filter');
  const before = await env.db.selectFrom('offering').select(['id', 'nameZh', 'nameEn']).where('id', '=', 'PK-DATA-1G').executeTakeFirstOrThrow();
  for (const body of ['{"name":"a\\u0000b"}', '{"name":"a\\ud800b"}', '{"description":"x","omnihall":{"nameEn":"\\udc00"}}']) {
    const r = await env.app.inject({
      method: 'PATCH', url: `${OFFERINGS}/PK-DATA-1G`, payload: body,
      headers: { authorization: `Bearer ${product}`, 'content-type': 'application/merge-patch+json' },
    });
    assertTmf400(r, body);
  }
  assert.deepEqual(await env.db.selectFrom('offering').select(['id', 'nameZh', 'nameEn']).where('id', '=', 'PK-DATA-1G').executeTakeFirstOrThrow(), before);
  const pending = await env.db.selectFrom('offeringReview').select((eb) => eb.fn.countAll().as('n')).where('offeringId', '=', 'PK-DATA-1G').executeTakeFirstOrThrow();
  assert.equal(Number(pending.n), 0, 'no review was opened');
});

test('REST and console: text that cannot be stored, in a body, a path or a header, answers problem JSON 400 INVALID_INPUT', async () => {
  const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
  const token = await signIn(env, sub.msisdn);
  const before = await balanceAndLedger(env.db, sub.id);
  const admin = await staffToken(env, ['admin']);
  for (const [what, req] of [
    ['a NUL in a business input', { method: 'POST', url: '/api/v1/businesses/pack.subscribe', payload: '{"packId":"PK-DATA-500M\\u0000","confirm":true}', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'nul-rest' } }],
    ['a lone surrogate in an idempotency key', { method: 'POST', url: '/api/v1/businesses/pack.subscribe', payload: '{"packId":"PK-DATA-500M","confirm":true}', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'k\u0000' } }],
    ['a NUL in a console path', { method: 'GET', url: '/api/v1/console/offerings/a%00b', headers: { authorization: `Bearer ${admin}` } }],
    ['a NUL in a console body', { method: 'PATCH', url: '/api/v1/console/offerings/PK-DATA-1G', payload: '{"nameZh":"a\\u0000b"}', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' } }],
  ] as const) {
    const r = await env.app.inject(req as InjectOptions);
    assert.equal(r.statusCode, 400, `${what}: ${r.body}`);
    assert.match(String(r.headers['content-type']), /^application\/problem\+json/, what);
    assert.equal(r.json().code, 'INVALID_INPUT', what);
  }
  assert.deepEqual(await balanceAndLedger(env.db, sub.id), before);
  assert.deepEqual(await holdings(sub.id), []);
});

test('USSD: a sessionId with a NUL is answered END with a clear message, at every hop, and charges nothing', async () => {
  const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
  const before = await balanceAndLedger(env.db, sub.id);
  const hop = (text: string) => env.app.inject({
    method: 'POST', url: '/channels/ussd/africastalking', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `sessionId=a%00b&serviceCode=*100%23&phoneNumber=${sub.msisdn}&text=${encodeURIComponent(text)}`,
  });
  // Walk to the confirming hop the way a handset does: dial, 订购业务, the first pack, 1 to confirm.
  let text = '';
  const answers: { status: number; body: string }[] = [];
  let r = await hop(text);
  answers.push({ status: r.statusCode, body: r.body });
  const order = /(\d+)\.订购业务/.exec(r.body)?.[1];
  if (order) {
    for (const input of [order, '1', '1']) {
      text = text ? `${text}*${input}` : input;
      r = await hop(text);
      answers.push({ status: r.statusCode, body: r.body });
    }
  }
  for (const a of answers) {
    assert.equal(a.status, 400, a.body);
    assert.match(a.body, /^END 请求无效/);
  }
  assert.deepEqual(await balanceAndLedger(env.db, sub.id), before);
});

test('SMS: a text with a NUL gets the hall\'s SMS reply for a text it cannot read, and nothing is done', async () => {
  const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
  const before = await balanceAndLedger(env.db, sub.id);
  const r = await env.app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${sub.msisdn}&to=10086&text=DG%20PK%00` });
  assert.equal(r.statusCode, 200, r.body);
  assert.match(r.body, /无法识别该短信/);
  assert.deepEqual(await balanceAndLedger(env.db, sub.id), before);
});

test('IVR: unreadable digits are a key that is not an option (the no-match prompt); a NUL in the caller is a spoken apology in VoiceXML', async () => {
  const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
  const root = await env.app.inject({ method: 'GET', url: `/channels/ivr/vxml?caller=${sub.msisdn}` });
  assert.equal(root.statusCode, 200, root.body);
  // The document submits call, h and caller (its variables) with the digits d.
  const v = (name: string) => new RegExp(`<var name="${name}" expr="'([^']*)'"/>`).exec(root.body)?.[1];
  assert.ok(v('call'), root.body);
  const next = `/channels/ivr/vxml/step?call=${v('call')}&h=${v('h')}&caller=${v('caller')}`;
  const step = await env.app.inject({ method: 'GET', url: `${next}&d=1%00` });
  assert.equal(step.statusCode, 200, step.body);
  assert.match(String(step.headers['content-type']), /voicexml/);
  assert.match(step.body, /选项无效/);
  const bad = await env.app.inject({ method: 'GET', url: '/channels/ivr/vxml?caller=1380000%000001' });
  assert.equal(bad.statusCode, 200, bad.body);
  assert.match(String(bad.headers['content-type']), /voicexml/);
  assert.match(bad.body, /请求无效/);
  assert.doesNotMatch(bad.body, /系统繁忙/);
});
