// Customer features and segments: the mart computed from the core, rules checked before they are
// saved, counts and snapshots by SQL, decisions by the same rule in JavaScript.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { addSubscriber, startTestEnv, type TestEnv } from './helpers.ts';
import { openDb } from '../src/platform/db/index.ts';
import { FeatureMart, FEATURES, parseSegmentRule, ruleToPredicate, ruleToSql, SegmentService, type Features, type SegmentRule } from '../src/modules/marketing/index.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import type { Actor } from '../src/platform/audit.ts';

let env: TestEnv;
let mart: FeatureMart;
let segments: SegmentService;
let marketer: Actor;
const ids = { heavy: 0, light: 0, cheap: 0, postpaid: 0, shenzhen: 0 };

/** The example segment of issue 9: prepaid, 58-yuan plan or above, over 90% of data two months running, Guangzhou. */
const HEAVY_GZ: SegmentRule = { all: [
  { feature: 'accountType', op: 'eq', value: 'prepaid' },
  { feature: 'planFeeFen', op: 'ge', value: 5800 },
  { feature: 'dataUsageRatio', op: 'gt', value: 0.9 },
  { feature: 'dataUsageRatioLast', op: 'gt', value: 0.9 },
  { feature: 'city', op: 'eq', value: '广州' },
] };

async function usage(subscriberId: number, cycle: string, dataMbUsed: number, voiceMinUsed = 0) {
  await env.db.insertInto('usageCounter').values({ subscriberId, cycle, dataMbUsed, voiceMinUsed, smsUsed: 0, updatedAt: env.clock.now() }).execute();
}

before(async () => {
  env = await startTestEnv({ now: new Date('2026-11-20T04:00:00Z') });
  // No overlap: the test's transactions are all committed when a pass starts.
  mart = new FeatureMart({ db: env.db, clock: env.clock, catalogue: env.s.catalogueReader, overlapMs: 0 });
  segments = new SegmentService({ db: env.db, clock: env.clock, audit: env.s.audit });
  const staffId = await createStaffUser(env.db, { username: 'mkt', displayName: '市场部小王', password: 'correct horse battery', roles: ['marketing'] });
  marketer = { id: staffId, name: '市场部小王', roles: ['marketing'] };
  const plan58 = await env.db.selectFrom('offering').select(['id', 'dataMb']).where('id', '=', 'PLAN-4G-58').executeTakeFirstOrThrow();
  // heavy: Guangzhou, prepaid, 58 plan, 95% this cycle and last.
  ids.heavy = (await addSubscriber(env.db, { planId: plan58.id })).id;
  await usage(ids.heavy, '2026-11', Math.round(plan58.dataMb * 0.95), 120);
  await usage(ids.heavy, '2026-10', Math.round(plan58.dataMb * 0.97));
  // light: the same but half their data this cycle.
  ids.light = (await addSubscriber(env.db, { planId: plan58.id })).id;
  await usage(ids.light, '2026-11', Math.round(plan58.dataMb * 0.5));
  await usage(ids.light, '2026-10', Math.round(plan58.dataMb * 0.95));
  // cheap: heavy user on the 38 plan.
  const plan38 = await env.db.selectFrom('offering').select(['id', 'dataMb']).where('id', '=', 'PLAN-4G-38').executeTakeFirstOrThrow();
  ids.cheap = (await addSubscriber(env.db, { planId: plan38.id })).id;
  await usage(ids.cheap, '2026-11', plan38.dataMb);
  await usage(ids.cheap, '2026-10', plan38.dataMb);
  // postpaid heavy user with bills.
  ids.postpaid = (await addSubscriber(env.db, { planId: plan58.id, type: 'postpaid', balanceFen: -3000, creditLimitFen: 10000 })).id;
  await usage(ids.postpaid, '2026-11', plan58.dataMb);
  await usage(ids.postpaid, '2026-10', plan58.dataMb);
  for (const [month, totalFen] of [['2026-08', 6000], ['2026-09', 7000], ['2026-10', 8000], ['2026-07', 99_000]] as const) {
    await env.db.insertInto('bill').values({ subscriberId: ids.postpaid, month, totalFen, status: 'paid', issuedOn: `${month}-28`, dueOn: `${month}-28` }).execute();
  }
  // elsewhere: heavy user in Shenzhen.
  ids.shenzhen = (await addSubscriber(env.db, { planId: plan58.id })).id;
  await env.db.updateTable('subscriber').set({ city: '深圳' }).where('id', '=', ids.shenzhen).execute();
  await usage(ids.shenzhen, '2026-11', plan58.dataMb);
  await usage(ids.shenzhen, '2026-10', plan58.dataMb);
  await mart.refreshAll();
});
after(async () => { await env.close(); });

describe('the features mart', () => {
  test('computes each subscriber\'s features from the core', async () => {
    const heavy = (await mart.get(ids.heavy))!;
    assert.equal(heavy.accountType, 'prepaid');
    assert.equal(heavy.planId, 'PLAN-4G-58');
    assert.equal(heavy.planFeeFen, 5800);
    assert.equal(heavy.city, '广州');
    assert.equal(heavy.dataUsageRatio, 0.95);
    assert.equal(heavy.dataUsageRatioLast, 0.97);
    assert.ok(heavy.voiceUsageRatio > 0);
    // 2020-01-01 to 2026-11-20 in Beijing days.
    assert.equal(heavy.tenureDays, 2515);
    assert.equal(heavy.balanceFen, 10_000);
    const postpaid = (await mart.get(ids.postpaid))!;
    // The three cycles before November: (6000 + 7000 + 8000) / 3; July is out of the window.
    assert.equal(postpaid.arpuFen, 7000);
    assert.equal(postpaid.balanceFen, -3000);
  });

  test('the incremental pass picks up what changed since the last one, and only that', async () => {
    await env.db.updateTable('account').set({ balanceFen: 12_345, updatedAt: sql`now()` }).where('subscriberId', '=', ids.light).execute();
    const done = await mart.refreshChanged();
    assert.equal(done, 1);
    assert.equal((await mart.get(ids.light))!.balanceFen, 12_345);
  });
});

describe('segments', () => {
  test('the issue\'s example segment takes exactly the heavy prepaid 58-yuan Guangzhou user', async () => {
    assert.equal(await segments.count(HEAVY_GZ), 1);
    const seg = await segments.create(marketer, { nameZh: '广州高流量预付费', nameEn: 'Guangzhou heavy data prepaid', rule: HEAVY_GZ });
    assert.equal(seg.size, 1);
    assert.deepEqual(await segments.members(seg.id), [ids.heavy]);
    const audit = await env.db.selectFrom('auditEntry' as never).selectAll().where('action' as never, '=', 'segment.create' as never).execute();
    assert.equal(audit.length, 1);
  });

  for (const [what, rule, reason] of [
    ['an unknown feature', { feature: 'shoeSize', op: 'gt', value: 40 }, 'UNKNOWN_FEATURE'],
    ['a wrong-typed value', { feature: 'arpuFen', op: 'ge', value: '5800' }, 'WRONG_VALUE'],
    ['money that is not whole fen', { feature: 'balanceFen', op: 'lt', value: 10.5 }, 'WRONG_VALUE'],
    ['an operator the feature does not take', { feature: 'city', op: 'gt', value: '广州' }, 'WRONG_OP'],
    ['a value outside a fixed list', { feature: 'accountType', op: 'eq', value: 'hybrid' }, 'WRONG_VALUE'],
    ['a malformed tree', { all: [{ feature: 'city' }], extra: 1 }, 'SHAPE'],
    ['an empty in-list', { any: [{ feature: 'city', op: 'in', value: [] }] }, 'WRONG_VALUE'],
  ] as const) {
    test(`a rule with ${what} is refused with a clear error, and nothing is saved`, async () => {
      const before = (await segments.list()).length;
      await assert.rejects(segments.create(marketer, { nameZh: '坏规则', nameEn: 'Bad rule', rule }), (e: { code: string; extra: { reason: string }; text: { 'zh-CN': string } }) =>
        e.code === 'SEGMENT_RULE_INVALID' && e.extra.reason === reason && e.text['zh-CN'].startsWith('分群规则有误'));
      await assert.rejects(segments.count(rule), { code: 'SEGMENT_RULE_INVALID' });
      assert.equal((await segments.list()).length, before);
    });
  }

  test('a snapshot freezes the members: later changes to the features do not move it', async () => {
    const dyn = await segments.create(marketer, { nameZh: '广州用户', nameEn: 'Guangzhou', rule: { feature: 'city', op: 'eq', value: '广州' } });
    const frozen = await segments.snapshot(marketer, dyn.id, { nameZh: '广州用户（11月）', nameEn: 'Guangzhou (November)' });
    assert.equal(frozen.kind, 'static');
    assert.equal(frozen.size, 4);
    await env.db.updateTable('subscriber').set({ city: '佛山', updatedAt: sql`now()` }).where('id', '=', ids.light).execute();
    await mart.refreshChanged();
    assert.equal((await segments.members(dyn.id)).length, 3);
    assert.equal((await segments.members(frozen.id)).length, 4);
  });

  test('a list of numbers imports as a static segment; what is not a number of ours is reported, not kept', async () => {
    const heavy = (await mart.get(ids.heavy))!.msisdn;
    const cheap = (await mart.get(ids.cheap))!.msisdn;
    const csv = `号码,备注\n${heavy},vip\n+86 ${cheap}\n${heavy}\nhello\n13999999998\n\n`;
    const r = await segments.importList(marketer, { nameZh: '名单', nameEn: 'List', csv });
    assert.equal(r.segment.size, 2);
    assert.deepEqual((await segments.members(r.segment.id)).sort((a, b) => a - b), [ids.heavy, ids.cheap].sort((a, b) => a - b));
    assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[5, 'NOT_A_NUMBER'], [6, 'NOT_A_SUBSCRIBER']]);
    await assert.rejects(segments.importList(marketer, { nameZh: '空', nameEn: 'Empty', csv: 'hello\nworld' }), { code: 'INVALID_INPUT' });
  });

  test('a live count is planned for its own values every time, never with a generic plan', { skip: process.env.DATABASE_URL ? false : 'PGlite does not keep prepared statements' }, async () => {
    // One connection, so the prepared statement seen is the one the counts ran through.
    const one = await openDb({ databaseUrl: env.databaseUrl, dataDir: '', poolSize: 1 });
    try {
      const counting = new SegmentService({ db: one.db, clock: env.clock, audit: env.s.audit });
      const first = await counting.count(HEAVY_GZ);
      for (let i = 1; i < 8; i++) assert.equal(await counting.count(HEAVY_GZ), first);
      const r = await sql<{ genericPlans: number; customPlans: number }>`
        select generic_plans, custom_plans from pg_prepared_statements where statement like '%count(*)::int as "n" from "marketing_feature"%' and statement not like '%pg_prepared_statements%'`.execute(one.db);
      assert.equal(r.rows.length, 1);
      assert.equal(Number(r.rows[0]!.genericPlans), 0);
      assert.equal(Number(r.rows[0]!.customPlans), 8);
    } finally {
      await one.close();
    }
  });

  test('only marketing staff build segments', async () => {
    await assert.rejects(segments.create({ id: marketer.id, name: 'x', roles: ['agent'] }, { nameZh: '甲', nameEn: 'A', rule: HEAVY_GZ }), { code: 'FORBIDDEN' });
  });
});

describe('a rule means the same in SQL and in JavaScript', () => {
  // A small seeded generator, so a failure can be replayed.
  let seed = 20261202;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  function condition(): SegmentRule {
    const def = pick(FEATURES);
    switch (def.type) {
      case 'number': {
        const v = def.name.endsWith('Fen') ? Math.round((rnd() - 0.2) * 12_000) : def.name.includes('Ratio') ? pick([0, 0.5, 0.9, 0.95, 0.97, 1]) : Math.round(rnd() * 3000);
        return pick([{ feature: def.name, op: pick(['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const), value: v }, { feature: def.name, op: pick(['in', 'notIn'] as const), value: [v, 0] }]);
      }
      case 'string': {
        const vals = def.values ?? ['广州', '深圳', '佛山', 'PLAN-4G-58', 'PLAN-4G-38'];
        return pick([{ feature: def.name, op: pick(['eq', 'ne'] as const), value: pick(vals) }, { feature: def.name, op: pick(['in', 'notIn'] as const), value: [pick(vals), pick(vals)] }]);
      }
      case 'strings': return pick([{ feature: def.name, op: 'contains', value: pick(['web', 'sms', 'PK-DATA-1G']) }, { feature: def.name, op: 'containsAny', value: ['ussd', 'PK-DATA-500M'] }, { feature: def.name, op: 'isEmpty' }]);
      case 'time': return pick([{ feature: def.name, op: 'withinDays', value: pick([0, 1, 30]) }, { feature: def.name, op: 'olderThanDays', value: pick([0, 30]) }, { feature: def.name, op: 'never' }]);
    }
  }
  function rule(depth: number): SegmentRule {
    if (depth > 2 || rnd() < 0.4) return condition();
    const k = rnd();
    if (k < 0.2) return { not: rule(depth + 1) };
    const parts = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => rule(depth + 1));
    return k < 0.6 ? { all: parts } : { any: parts };
  }

  test('only the time features\' columns may be null (ruleToSql guards those alone with coalesce)', async () => {
    const cols = await sql<{ name: string; nullable: string }>`
      select column_name as name, is_nullable as nullable from information_schema.columns where table_schema = current_schema() and table_name = 'marketing_feature'`.execute(env.db);
    const nullable = new Map(cols.rows.map((c) => [c.name.replace(/_([a-z0-9])/g, (_, x: string) => x.toUpperCase()), c.nullable === 'YES']));
    for (const def of FEATURES) assert.equal(nullable.get(def.name), def.type === 'time', def.name);
  });

  test('200 random rules take the same subscribers both ways', async () => {
    const rows = await env.db.selectFrom('marketingFeature').selectAll().execute();
    const features = rows.map((r) => ({ ...r, lastContactAt: r.lastContactAt && new Date(r.lastContactAt), lastPurchaseAt: r.lastPurchaseAt && new Date(r.lastPurchaseAt) }) as Features);
    const at = env.clock.now();
    for (let i = 0; i < 200; i++) {
      const r = parseSegmentRule(rule(0));
      const bySql = (await env.db.selectFrom('marketingFeature').select('subscriberId').where(ruleToSql(r, at)).orderBy('subscriberId').execute()).map((x) => x.subscriberId);
      const test = ruleToPredicate(r);
      const byJs = features.filter((f) => test(f, at.getTime())).map((f) => f.subscriberId).sort((a, b) => a - b);
      assert.deepEqual(byJs, bySql, JSON.stringify(r));
    }
  });
});
