// TMF681 communicationMessage: another system texts subscribers through omnihall. A marketing
// message obeys the contact policy (the opted-out and the do-not-disturb list get nothing, and the
// receiver says why) and refuses sensitive words; a service message passes every rule; a retried
// POST with its Idempotency-Key sends nothing twice; bad input is a TMF error that changes
// nothing; DELETE stops what has not gone; list, get and fields= as every TMF resource here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, signIn, staffToken, startTestEnv, type TestEnv } from './helpers.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';

let env: TestEnv;
let marketer: string;
const PATH = '/tmf-api/communicationManagement/v4/communicationMessage';

const bj = (s: string) => new Date(`${s}+08:00`);

const post = (payload: unknown, headers: Record<string, string> = {}, token = marketer) =>
  env.app.inject({ method: 'POST', url: PATH, headers: { authorization: `Bearer ${token}`, ...headers }, payload: payload as object });
const get = (url: string, token = marketer) => env.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

async function texts(msisdn: string): Promise<string[]> {
  return (await env.db.selectFrom('smsOutbox').select('text').where('msisdn', '=', msisdn).where('purpose', '=', 'broadcast').orderBy('id').execute()).map((r) => r.text);
}

before(async () => {
  env = await startTestEnv({ now: bj('2026-11-16T10:00:00') });
  marketer = await staffToken(env, ['marketing']);
});
after(async () => { await env.close(); });

test('a marketing message goes to those the policy allows, once; the others are told apart on their receiver', async () => {
  const [ok, optedOut, dnd] = [await addSubscriber(env.db), await addSubscriber(env.db), await addSubscriber(env.db)];
  await env.s.marketing.contacts.optOut(optedOut.id, 'all', 'sms');
  const staff = await createStaffUser(env.db, { username: 'carol', displayName: 'Carol', password: 'correct horse battery', roles: ['marketing'] });
  await env.s.marketing.contacts.addToDnd({ id: staff, name: 'Carol', roles: ['marketing'] }, dnd.id, '投诉');
  const r = await post({
    '@type': 'CommunicationMessage', messageType: 'SMS', content: '{name}您好，本月流量包优惠已上线。回TD退订',
    receiver: [{ phoneNumber: ok.msisdn }, { phoneNumber: `+86${optedOut.msisdn}` }, { phoneNumber: dnd.msisdn }],
  }, { 'idempotency-key': 'crm-1' });
  assert.equal(r.statusCode, 201, r.body);
  const m = r.json();
  assert.equal(m['@type'], 'CommunicationMessage');
  assert.equal(m.state, 'inProgress');
  assert.equal(m.priority, 'marketing');
  assert.equal(r.headers.location, m.href);
  assert.equal(m.href, `${PATH}/${m.id}`);
  await env.s.broadcastRunner.drain();
  const done = (await get(`${PATH}/${m.id}`)).json();
  assert.equal(done.state, 'completed');
  assert.ok(done.sendTime && done.sendTimeComplete);
  const byNumber = Object.fromEntries(done.receiver.map((x: { phoneNumber: string; deliveryState: string; reason?: string }) => [x.phoneNumber, [x.deliveryState, x.reason ?? null]]));
  assert.deepEqual(byNumber, { [ok.msisdn]: ['sent', null], [optedOut.msisdn]: ['suppressed', 'OPT_OUT'], [dnd.msisdn]: ['suppressed', 'DO_NOT_DISTURB'] });
  assert.deepEqual(await texts(ok.msisdn), ['测试用户您好，本月流量包优惠已上线。回TD退订']);
  assert.deepEqual(await texts(optedOut.msisdn), []);
  assert.deepEqual(await texts(dnd.msisdn), []);
  // The same POST again (a retry after a lost answer): the first message, nothing sent twice.
  const again = await post({ messageType: 'SMS', content: '{name}您好，本月流量包优惠已上线。回TD退订', receiver: [{ phoneNumber: ok.msisdn }] }, { 'idempotency-key': 'crm-1' });
  assert.equal(again.statusCode, 201);
  assert.equal(again.json().id, m.id);
  await env.s.broadcastRunner.drain();
  assert.equal((await texts(ok.msisdn)).length, 1);
  // A delivery receipt shows on the receiver.
  const row = await env.db.selectFrom('broadcastRecipient').select(['messageId']).where('broadcastId', '=', Number(m.id)).where('subscriberId', '=', ok.id).executeTakeFirstOrThrow();
  const at = env.clock.now();
  await env.s.sms.receipts.record({ messageId: row.messageId!, msisdn: ok.msisdn, state: 'DELIVRD', errorCode: null, submittedAt: at, doneAt: at, raw: '' }, at);
  await env.s.broadcastRunner.syncReceipts();
  const delivered = (await get(`${PATH}/${m.id}?fields=receiver,state`)).json();
  assert.deepEqual(Object.keys(delivered).sort(), ['@type', 'href', 'id', 'receiver', 'state']);
  assert.equal(delivered.receiver.find((x: { phoneNumber: string }) => x.phoneNumber === ok.msisdn).deliveryState, 'delivered');
});

test('a service message passes every rule: opted-out, at night, capped', async () => {
  const s = await addSubscriber(env.db);
  await env.s.marketing.contacts.optOut(s.id, 'all', 'sms');
  env.clock.set(bj('2026-11-16T23:30:00'));
  marketer = await staffToken(env, ['marketing']);
  const r = await post({ messageType: 'SMS', priority: 'service', content: '您本月账单已出，请及时缴费。', receiver: [{ phoneNumber: s.msisdn }] });
  assert.equal(r.statusCode, 201, r.body);
  await env.s.broadcastRunner.drain();
  assert.deepEqual(await texts(s.msisdn), ['您本月账单已出，请及时缴费。']);
  // A marketing one to the same number at the same hour gets nothing and says why.
  const s2 = await addSubscriber(env.db);
  const m = (await post({ messageType: 'SMS', content: '流量包优惠', receiver: [{ phoneNumber: s2.msisdn }] })).json();
  await env.s.broadcastRunner.drain();
  const held = (await get(`${PATH}/${m.id}`)).json();
  assert.equal(held.state, 'inProgress');
  assert.deepEqual(held.receiver.map((x: { deliveryState: string; reason: string }) => [x.deliveryState, x.reason]), [['held', 'QUIET_HOURS']]);
  assert.deepEqual(await texts(s2.msisdn), []);
  // DELETE: it never goes, and it is no longer there.
  const del = await env.app.inject({ method: 'DELETE', url: `${PATH}/${m.id}`, headers: { authorization: `Bearer ${marketer}` } });
  assert.equal(del.statusCode, 204);
  assert.equal((await get(`${PATH}/${m.id}`)).statusCode, 404);
  env.clock.set(bj('2026-11-17T08:30:00'));
  marketer = await staffToken(env, ['marketing']);
  await env.s.broadcastRunner.drain();
  assert.deepEqual(await texts(s2.msisdn), []);
});

test('bad input is a TMF error and nothing is sent', async () => {
  const s = await addSubscriber(env.db);
  const cases: [unknown, number, string][] = [
    [{ messageType: 'SMS', content: '本店全网最低价，赌 博请回复', receiver: [{ phoneNumber: s.msisdn }] }, 422, 'SENSITIVE_WORDS'],
    [{ messageType: 'SMS', content: '{nmae}您好', receiver: [{ phoneNumber: s.msisdn }] }, 422, 'TEMPLATE_UNKNOWN_VARIABLE'],
    [{ messageType: 'Email', content: '您好', receiver: [{ phoneNumber: s.msisdn }] }, 400, 'INVALID_INPUT'],
    [{ messageType: 'SMS', content: '您好', receiver: [{ phoneNumber: '12345' }] }, 400, 'INVALID_INPUT'],
    [{ messageType: 'SMS', content: '您好', receiver: [{ phoneNumber: '13012345678' }] }, 404, 'NOT_A_SUBSCRIBER'],
    [{ messageType: 'SMS', content: '您好', receiver: [] }, 400, 'INVALID_INPUT'],
    [{ messageType: 'SMS', content: '   ', receiver: [{ phoneNumber: s.msisdn }] }, 400, 'INVALID_INPUT'],
    [{ messageType: 'SMS', content: '您好', receiver: [{ phoneNumber: s.msisdn }], priority: 'urgent' }, 400, 'INVALID_INPUT'],
  ];
  const before = (await get(PATH)).headers['x-total-count'];
  for (const [body, status, code] of cases) {
    const r = await post(body);
    assert.equal(r.statusCode, status, `${JSON.stringify(body)}: ${r.body}`);
    assert.equal(r.json()['@type'], 'Error');
    assert.equal(r.json().code, code);
  }
  assert.equal((await get(PATH)).headers['x-total-count'], before);
  await env.s.broadcastRunner.drain();
  assert.deepEqual(await texts(s.msisdn), []);
  // Only marketing staff send; a subscriber is refused; an unknown id is 404.
  const subscriber = await signIn(env, s.msisdn);
  assert.equal((await post({ messageType: 'SMS', content: '您好', receiver: [{ phoneNumber: s.msisdn }] }, {}, subscriber)).statusCode, 403);
  assert.equal((await post({ messageType: 'SMS', content: '您好', receiver: [{ phoneNumber: s.msisdn }] }, {}, await staffToken(env, ['agent']))).statusCode, 403);
  assert.equal((await get(`${PATH}/abc`)).json().code, 'NOT_FOUND');
  assert.equal((await get(`${PATH}/999999`)).statusCode, 404);
});

test('the list pages with the TMF headers and fields=', async () => {
  const r = await get(`${PATH}?limit=1&fields=state`);
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers['x-result-count'], '1');
  assert.ok(Number(r.headers['x-total-count']) >= 2);
  assert.deepEqual(Object.keys(r.json()[0]).sort(), ['@type', 'href', 'id', 'state']);
  assert.equal((await get(`${PATH}?colour=red`)).statusCode, 400);
});
