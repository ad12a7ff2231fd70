// Dates a subscriber sees are in the operator's time zone (Beijing unless OPERATOR_TIME_ZONE says
// otherwise), in one format per language, and validity is counted in its calendar days: an order
// at 04:20 on 2 December in Beijing (20:20 UTC on 1 December) says the same day in its own text, in
// 我的业务 and in the instant the hall formats.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cycleOf, nextCycleStart, validityEnd } from '../src/platform/cycle.ts';
import { dateText, operatorTimeZone, setOperatorTimeZone } from '../src/platform/dates.ts';
import { addSubscriber, startTestEnv, type TestEnv } from './helpers.ts';

const AT = new Date('2026-12-01T20:20:00Z');
let env: TestEnv;
before(async () => {
  env = await startTestEnv({ now: AT });
});
after(async () => {
  await env.close();
});

let keys = 0;
async function run(subscriberId: number, channel: string, businessId: string, input: Record<string, unknown> = {}, confirm = false) {
  const out = await env.s.invoker.invoke({
    channel, principal: { kind: 'subscriber', subscriberId }, subscriberId, businessId, input, confirm, idempotencyKey: confirm ? `bj-${++keys}` : null,
  });
  return out as { status: string; result: Record<string, unknown>; text: { short: Record<'zh-CN' | 'en', string>; long: Record<'zh-CN' | 'en', string> } };
}

async function thirtyDayPack(): Promise<{ id: string; code: string | null }> {
  return env.db.selectFrom('offering').select(['id', 'code']).where('validityDays', '=', 30).where('kind', '=', 'data_pack')
    .where('lifecycleStatus', '=', 'Launched').orderBy('id').executeTakeFirstOrThrow();
}

test('a 30-day pack ordered at 04:20 Beijing time is valid until 31 December, in the order, in 我的业务 and in the data', async () => {
  const sub = await addSubscriber(env.db, { balanceFen: 50_000 });
  const pack = await thirtyDayPack();
  const done = await run(sub.id, 'web', 'pack.subscribe', { packId: pack.id }, true);
  assert.equal(done.status, 'ok');
  assert.match(done.text.long['zh-CN'], /有效期至2026年12月31日/);
  assert.match(done.text.long.en, /valid until 31 Dec 2026/);
  assert.equal(done.result.endsAt, '2026-12-31T15:59:59.000Z', 'the last second of 31 December in Beijing');
  const mine = await run(sub.id, 'web', 'subscriptions.query');
  assert.match(mine.text.long['zh-CN'], /至2026年12月31日/);
  assert.match(mine.text.long.en, /until 31 Dec 2026/);
  const item = (mine.result.subscriptions as { offeringId: string; endsAt: string }[]).find((s) => s.offeringId === pack.id)!;
  assert.equal(item.endsAt, done.result.endsAt);
  for (const t of [done.text.long, mine.text.long]) {
    assert.doesNotMatch(`${t['zh-CN']} ${t.en}`, /\d{4}-\d{2}-\d{2}/, 'no ISO dates in texts');
  }
});

test('at that instant it is already December in Beijing: usage is December’s, a plan change starts on 1 January', async () => {
  const sub = await addSubscriber(env.db, { balanceFen: 10_000, planId: 'PLAN-4G-38' });
  const u = await run(sub.id, 'sms', 'usage.query');
  assert.equal(u.result.cycle, '2026-12');
  assert.match(u.text.long['zh-CN'], /^2026年12月：/);
  const history = u.result.history as { cycle: string }[];
  assert.deepEqual(history.map((h) => h.cycle), ['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
  const q = await env.s.invoker.invoke({ channel: 'ussd', principal: { kind: 'subscriber', subscriberId: sub.id }, subscriberId: sub.id, businessId: 'plan.change', input: { planId: 'PLAN-4G-58' } });
  assert.equal(q.status, 'confirmation_required');
  if (q.status !== 'confirmation_required') return;
  assert.equal(q.quote.effectiveFrom, '2027-01-01');
  assert.match(q.quote.summary['zh-CN'], /^2027年1月1日起改为/);
  assert.match(q.quote.summary.en, /from 1 Jan 2027/);
});

test('the zone is the configured one: another zone moves cycles, days and validity with it', () => {
  assert.equal(operatorTimeZone(), 'Asia/Shanghai');
  try {
    setOperatorTimeZone('Europe/London');
    assert.equal(cycleOf(AT), '2026-12');
    assert.equal(cycleOf(new Date('2026-11-30T23:59:00Z')), '2026-11');
    assert.deepEqual(dateText(AT), { 'zh-CN': '2026年12月1日', en: '1 Dec 2026' });
    assert.equal(validityEnd(AT, 30).toISOString(), '2026-12-30T23:59:59.000Z');
    assert.equal(nextCycleStart(AT), '2027-01-01');
    // New York in summer is UTC-4: a day's end follows the zone's offset then.
    setOperatorTimeZone('America/New_York');
    assert.equal(validityEnd(new Date('2026-07-01T12:00:00Z'), 1).toISOString(), '2026-07-02T03:59:59.000Z');
    assert.throws(() => setOperatorTimeZone('Beijing'));
  } finally {
    setOperatorTimeZone('Asia/Shanghai');
  }
  assert.deepEqual(dateText(AT), { 'zh-CN': '2026年12月2日', en: '2 Dec 2026' });
});
