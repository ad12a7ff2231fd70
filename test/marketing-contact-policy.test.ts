// The contact policy: caps per channel and in total per Beijing calendar day/week/month, a least
// gap, quiet hours that hold (never drop), opt-outs and do-not-disturb, service messages never
// capped, every decision recorded with its rule, a reviewed policy, and caps under concurrency.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, startTestEnv, type TestEnv } from './helpers.ts';
import { ContactPolicy, DEFAULT_CONTACT_POLICY, quietUntil, windowsOf } from '../src/modules/marketing/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let policy: ContactPolicy;
let alice: Actor;
let bob: Actor;

/** A Beijing wall-clock time as an instant. */
const bj = (s: string) => new Date(`${s}+08:00`);

before(async () => {
  env = await startTestEnv({ now: bj('2026-11-16T10:00:00') });
  policy = new ContactPolicy({ db: env.db, clock: env.clock, audit: env.s.audit });
  alice = { id: await createStaffUser(env.db, { username: 'alice', displayName: 'Alice', password: 'correct horse battery', roles: ['marketing'] }), name: 'Alice', roles: ['marketing'] };
  bob = { id: await createStaffUser(env.db, { username: 'bob', displayName: 'Bob', password: 'correct horse battery', roles: ['marketing'] }), name: 'Bob', roles: ['marketing'] };
});
after(async () => { await env.close(); });

const marketing = (subscriberId: number, channel: 'sms' | 'call' | 'ussd' | 'push' = 'sms') => policy.request(env.db, { subscriberId, channel, kind: 'marketing', purpose: 'offer:1' });

describe('Beijing calendar windows and quiet hours', () => {
  test('a day, a week (from Monday) and a month start at Beijing midnight', () => {
    const w = windowsOf(bj('2026-11-19T07:30:00')); // a Thursday
    assert.equal(w.day.toISOString(), bj('2026-11-19T00:00:00').toISOString());
    assert.equal(w.week.toISOString(), bj('2026-11-16T00:00:00').toISOString());
    assert.equal(w.month.toISOString(), bj('2026-11-01T00:00:00').toISOString());
  });

  test('21:00–08:00 spans midnight: inside, it ends at the next 08:00; outside, nothing', () => {
    assert.equal(quietUntil(DEFAULT_CONTACT_POLICY, bj('2026-11-16T22:30:00'))?.toISOString(), bj('2026-11-17T08:00:00').toISOString());
    assert.equal(quietUntil(DEFAULT_CONTACT_POLICY, bj('2026-11-17T06:59:00'))?.toISOString(), bj('2026-11-17T08:00:00').toISOString());
    assert.equal(quietUntil(DEFAULT_CONTACT_POLICY, bj('2026-11-17T08:00:00')), null);
    assert.equal(quietUntil(DEFAULT_CONTACT_POLICY, bj('2026-11-17T20:59:00')), null);
  });
});

describe('one subscriber through a day', () => {
  test('caps, the least gap, quiet hours and a new Beijing day', async () => {
    const s = (await addSubscriber(env.db)).id;
    env.clock.set(bj('2026-11-16T10:00:00'));
    assert.equal((await marketing(s, 'sms')).outcome, 'send');
    // One marketing SMS a day.
    assert.deepEqual(await marketing(s, 'sms').then((d) => [d.outcome, 'rule' in d && d.rule]), ['suppress', 'CAP_CHANNEL_DAY']);
    // Another channel, but within four hours of the last: held until the gap has passed.
    env.clock.set(bj('2026-11-16T11:00:00'));
    const held = await marketing(s, 'push');
    assert.equal(held.outcome, 'hold');
    assert.equal(held.outcome === 'hold' && held.rule, 'MIN_GAP');
    assert.equal(held.outcome === 'hold' && held.releaseAt.toISOString(), bj('2026-11-16T14:00:00').toISOString());
    // A bill is a service message: never capped, never held.
    assert.equal((await policy.request(env.db, { subscriberId: s, channel: 'sms', kind: 'service', purpose: 'bill' })).outcome, 'send');
    // At 14:00 the held push is released and sent; it is the second marketing contact today.
    env.clock.set(bj('2026-11-16T14:00:00'));
    const released = await policy.releaseDue();
    assert.equal(released.length, 1);
    assert.equal(released[0]!.subscriberId, s);
    // Two in total a day: a third, on any channel, is stopped.
    env.clock.set(bj('2026-11-16T19:00:00'));
    assert.deepEqual(await marketing(s, 'ussd').then((d) => [d.outcome, 'rule' in d && d.rule]), ['suppress', 'CAP_TOTAL_DAY']);
    // 07:30 on the 17th in Beijing is still the 16th in UTC: a new day here, but quiet hours hold it to 08:00.
    env.clock.set(bj('2026-11-17T07:30:00'));
    const night = await marketing(s, 'sms');
    assert.equal(night.outcome === 'hold' && night.rule, 'QUIET_HOURS');
    assert.equal(night.outcome === 'hold' && night.releaseAt.toISOString(), bj('2026-11-17T08:00:00').toISOString());
    env.clock.set(bj('2026-11-17T08:00:00'));
    assert.equal((await policy.releaseDue()).length, 1);
    // Every decision is recorded with the rule that held or stopped it.
    const rows = await policy.decisions({ subscriberId: s });
    assert.deepEqual(rows.map((r) => [r.channel, r.kind, r.status, r.rule]).reverse(), [
      ['sms', 'marketing', 'sent', null],
      ['sms', 'marketing', 'suppressed', 'CAP_CHANNEL_DAY'],
      ['push', 'marketing', 'released', 'MIN_GAP'],
      ['sms', 'service', 'sent', null],
      ['push', 'marketing', 'sent', null],
      ['ussd', 'marketing', 'suppressed', 'CAP_TOTAL_DAY'],
      ['sms', 'marketing', 'released', 'QUIET_HOURS'],
      ['sms', 'marketing', 'sent', null],
    ]);
  });

  test('the week cap counts from Monday in Beijing', async () => {
    const s = (await addSubscriber(env.db)).id;
    // Three SMS on three days of one week, then the fourth day's is over the weekly cap of three.
    for (const day of ['16', '17', '18']) {
      env.clock.set(bj(`2026-11-${day}T10:00:00`));
      assert.equal((await marketing(s, 'sms')).outcome, 'send');
    }
    env.clock.set(bj('2026-11-19T10:00:00'));
    assert.deepEqual(await marketing(s, 'sms').then((d) => [d.outcome, 'rule' in d && d.rule]), ['suppress', 'CAP_CHANNEL_WEEK']);
    // The next Monday starts a new week.
    env.clock.set(bj('2026-11-23T10:00:00'));
    assert.equal((await marketing(s, 'sms')).outcome, 'send');
  });
});

describe("the subscriber's word", () => {
  test('TD stops all marketing, a channel opt-out stops that channel, do-not-disturb stops it all; service messages still go', async () => {
    env.clock.set(bj('2026-11-24T10:00:00'));
    const all = (await addSubscriber(env.db)).id;
    const smsOnly = (await addSubscriber(env.db)).id;
    const dnd = (await addSubscriber(env.db)).id;
    await policy.optOut(all, 'all', 'sms');
    await policy.optOut(smsOnly, 'sms', 'hall');
    await policy.addToDnd(alice, dnd, '工信部投诉');
    assert.deepEqual(await marketing(all, 'push').then((d) => 'rule' in d && d.rule), 'OPT_OUT');
    assert.deepEqual(await marketing(smsOnly, 'sms').then((d) => 'rule' in d && d.rule), 'OPT_OUT_CHANNEL');
    assert.equal((await marketing(smsOnly, 'push')).outcome, 'send');
    assert.deepEqual(await marketing(dnd, 'call').then((d) => 'rule' in d && d.rule), 'DO_NOT_DISTURB');
    for (const s of [all, smsOnly, dnd]) assert.equal((await policy.request(env.db, { subscriberId: s, channel: 'sms', kind: 'service', purpose: 'otp' })).outcome, 'send');
    await policy.optIn(smsOnly, 'sms');
    env.clock.set(bj('2026-11-24T15:00:00'));
    assert.equal((await marketing(smsOnly, 'sms')).outcome, 'send');
  });
});

describe('changing the policy', () => {
  test('one person proposes, another approves; a bad policy and a self-approval are refused; the new caps hold at once', async () => {
    await assert.rejects(policy.propose(alice, { ...DEFAULT_CONTACT_POLICY, total: { day: 5, week: 2, month: 10 } }), { code: 'INVALID_INPUT' });
    await assert.rejects(policy.propose(alice, { ...DEFAULT_CONTACT_POLICY, quietHours: { start: '25:00', end: '08:00' } }), { code: 'INVALID_INPUT' });
    const v = await policy.propose(alice, { ...DEFAULT_CONTACT_POLICY, channels: { ...DEFAULT_CONTACT_POLICY.channels, sms: { day: 0, week: 0, month: 0 } } });
    await assert.rejects(policy.propose(bob, DEFAULT_CONTACT_POLICY), { code: 'REVIEW_PENDING' });
    await assert.rejects(policy.review(alice, v.id, { approve: true }), { code: 'SELF_REVIEW' });
    const s = (await addSubscriber(env.db)).id;
    env.clock.set(bj('2026-11-25T10:00:00'));
    assert.equal((await marketing(s, 'sms')).outcome, 'send');
    const approved = await policy.review(bob, v.id, { approve: true });
    assert.equal(approved.status, 'active');
    const s2 = (await addSubscriber(env.db)).id;
    assert.deepEqual(await marketing(s2, 'sms').then((d) => 'rule' in d && d.rule), 'CAP_CHANNEL_DAY');
    const audit = await env.db.selectFrom('auditEntry').select('action').where('entityType', '=', 'contact-policy').orderBy('id').execute();
    assert.deepEqual(audit.map((a) => a.action), ['contact-policy.propose', 'contact-policy.approve']);
    // Back to the default for the tests after.
    const back = await policy.propose(bob, DEFAULT_CONTACT_POLICY);
    await policy.review(alice, back.id, { approve: true });
  });
});

describe('under concurrency', () => {
  test('30 contacts asked at once for one subscriber: exactly the cap is sent', async () => {
    env.clock.set(bj('2026-11-26T10:00:00'));
    const s = (await addSubscriber(env.db)).id;
    const decisions = await Promise.all(Array.from({ length: 30 }, (_, i) => marketing(s, (['sms', 'push', 'ussd'] as const)[i % 3])));
    const sent = decisions.filter((d) => d.outcome === 'send').length;
    // The least gap holds every one after the first, so exactly one goes now.
    assert.equal(sent, 1);
    assert.equal(decisions.filter((d) => d.outcome === 'hold').length + decisions.filter((d) => d.outcome === 'suppress').length, 29);
    // And once released, the day's total cap still holds: one more at most.
    env.clock.set(bj('2026-11-26T14:00:00'));
    const released = await policy.releaseDue();
    assert.equal(released.length, 1);
  });
});
