// The hall's marketing settings (营销信息设置): a subscriber stops or allows offers per channel or on
// all of them; the contact policy then suppresses marketing there (OPT_OUT_CHANNEL, or OPT_OUT for all) and still lets service
// messages through; what the hall shows agrees with what TD by SMS recorded; bad input changes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, signIn, staffToken, startTestEnv, type TestEnv } from './helpers.ts';

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env.close();
});

type Prefs = { channels: { channel: string; receive: boolean; optedOutAt: string | null; source: string | null }[] };

async function prefs(token: string): Promise<Prefs> {
  const r = await env.app.inject({ method: 'GET', url: '/api/v1/me/contact-preferences', headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.statusCode, 200, r.body);
  return r.json() as Prefs;
}

function set(token: string, body: unknown) {
  return env.app.inject({ method: 'PUT', url: '/api/v1/me/contact-preferences', headers: { authorization: `Bearer ${token}` }, payload: body as object });
}

const receives = (p: Prefs) => Object.fromEntries(p.channels.map((c) => [c.channel, c.receive]));

async function decide(subscriberId: number, channel: 'sms' | 'call', kind: 'marketing' | 'service' = 'marketing') {
  const d = await env.s.marketing.contacts.request(env.db, { subscriberId, channel, kind, purpose: kind === 'service' ? 'bill' : 'offer:1' });
  return d.outcome === 'suppress' ? d.rule : d.outcome;
}

describe('marketing contact settings in the hall', () => {
  test('everything is allowed until the subscriber says no; a channel said no to is suppressed as OPT_OUT_CHANNEL, others are not', async () => {
    const sub = await addSubscriber(env.db);
    const token = await signIn(env, sub.msisdn);
    assert.deepEqual(receives(await prefs(token)), { all: true, sms: true, call: true, ussd: true, push: true });

    const r = await set(token, { channel: 'call', receive: false });
    assert.equal(r.statusCode, 200, r.body);
    const after = r.json() as Prefs;
    assert.equal(receives(after).call, false);
    const call = after.channels.find((c) => c.channel === 'call')!;
    assert.equal(call.source, 'hall');
    assert.ok(call.optedOutAt && !Number.isNaN(Date.parse(call.optedOutAt)));

    assert.equal(await decide(sub.id, 'call'), 'OPT_OUT_CHANNEL');
    assert.equal(await decide(sub.id, 'sms'), 'send');
    // Saying it again changes nothing (the first time is kept).
    assert.equal((await set(token, { channel: 'call', receive: false })).statusCode, 200);
    assert.equal((await prefs(token)).channels.find((c) => c.channel === 'call')!.optedOutAt, call.optedOutAt);

    // Allowed again: calls may come once more.
    assert.equal((await set(token, { channel: 'call', receive: true })).statusCode, 200);
    assert.equal(receives(await prefs(token)).call, true);
    assert.notEqual(await decide(sub.id, 'call'), 'OPT_OUT_CHANNEL');
  });

  test('no marketing at all stops every channel, but a bill still arrives; TD by SMS shows in the hall', async () => {
    const sub = await addSubscriber(env.db);
    const token = await signIn(env, sub.msisdn);
    assert.equal((await set(token, { channel: 'all', receive: false })).statusCode, 200);
    assert.equal(await decide(sub.id, 'sms'), 'OPT_OUT');
    assert.equal(await decide(sub.id, 'call'), 'OPT_OUT');
    assert.equal(await decide(sub.id, 'sms', 'service'), 'send');

    const other = await addSubscriber(env.db);
    const r = await env.app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${other.msisdn}&to=10086&text=TD` });
    assert.equal(r.statusCode, 200, r.body);
    const shown = (await prefs(await signIn(env, other.msisdn))).channels.find((c) => c.channel === 'all')!;
    assert.equal(shown.receive, false);
    assert.equal(shown.source, 'sms');
  });

  test('bad input, no sign-in or a staff token: a problem answer and nothing recorded', async () => {
    const sub = await addSubscriber(env.db);
    const token = await signIn(env, sub.msisdn);
    for (const body of [{ channel: 'fax', receive: false }, { channel: 'sms' }, { channel: 'sms', receive: 'no' }, { channel: 'sms', receive: false, extra: 1 }]) {
      const r = await set(token, body);
      assert.equal(r.statusCode, 400, JSON.stringify(body));
      assert.equal((r.json() as { code: string }).code, 'INVALID_INPUT');
    }
    assert.equal((await env.app.inject({ method: 'GET', url: '/api/v1/me/contact-preferences' })).statusCode, 401);
    const staff = await staffToken(env, ['marketing']);
    assert.equal((await set(staff, { channel: 'sms', receive: false })).statusCode, 403);
    assert.deepEqual(await env.s.marketing.contacts.optOuts(sub.id), []);
  });
});
