// Segments benchmark (issue 9): counting and materialising a segment over 1,000,000 subscribers'
// features on PostgreSQL, through SegmentService (count, snapshot into segment_member), beside
// the hand-written SQL a database person would type for the same rule (literal values, no
// parameters), on the same data in one run. Runs alternate which side goes first; the figures
// are medians and the ratio is omnihall / hand (target ≤ 1.2). Every run's members are checked
// against the hand-written query's (count and an md5 of the sorted ids); the run says so before
// it prints a ratio and fails on any difference.
//
//   npx tsx bench/segments.ts                     1,000,000 subscribers, 5 runs of each
//   npx tsx bench/segments.ts --subscribers 200000 --runs 7 --keep
//   npx tsx bench/segments.ts --part import       only the imported list (--part rules: only the rules)
//
// Beside the rules, a list of 200,000 numbers (one in five subscribers, and 1,000 that are not
// ours) is imported as a static segment through SegmentService.importList, beside one
// `insert … select … where msisdn = any($1)` by hand.
//
// The data lives in a scratch database of its own, omnihall_bench_segments, on the server of
// --database-url (DATABASE_URL or postgres://postgres@127.0.0.1:5432/test), so tests on `test`
// are left alone. It is made by the modules' own migrations and the demo catalogue (the mart's
// rows need their subscriber rows and those their plans), then filled set-based with
// generate_series: cities weighted as the demo's, plans, prepaid/postpaid, ARPU near the plan's
// fee, usage ratios that carry over from one month to the next, channels, packs, contact times.
// --keep leaves it for the next run (which then skips the filling when the size matches).
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import pg from 'pg';
import { openDb } from '../src/platform/db/index.ts';
import { migrate } from '../src/migrations.ts';
import { seedCatalogue } from '../src/demo/seed.ts';
import { ManualClock } from '../src/platform/ports.ts';
import { auditLog, createStaffUser } from '../src/modules/staff/index.ts';
import { sql } from 'kysely';
import { parseSegmentRule, ruleToSql, SegmentService, type SegmentRule } from '../src/modules/marketing/index.ts';
import type { Actor } from '../src/platform/audit.ts';

const { values: flags } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    'database-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    keep: { type: 'boolean', default: false },
    explain: { type: 'boolean', default: false },
    part: { type: 'string', default: 'both' },
  },
});
const N = Number(flags.subscribers);
const RUNS = Number(flags.runs);
const DB_NAME = 'omnihall_bench_segments';
/** The instant of the rules' "within 30 days": both sides use it, the service through its clock. */
const AT = new Date('2026-11-20T04:00:00Z');
const TARGET = 1.2;

// ---- the rules, each as omnihall's rule and as the SQL condition written by hand ----
const iso = (daysBefore: number) => new Date(AT.getTime() - daysBefore * 86_400_000).toISOString();
interface Case { name: string; rule: SegmentRule; where: string }
const CASES: Case[] = [
  {
    name: 'issue 9: prepaid, 58+ plan, >90% data 2 months, 广州',
    rule: { all: [
      { feature: 'accountType', op: 'eq', value: 'prepaid' },
      { feature: 'planFeeFen', op: 'ge', value: 5800 },
      { feature: 'dataUsageRatio', op: 'gt', value: 0.9 },
      { feature: 'dataUsageRatioLast', op: 'gt', value: 0.9 },
      { feature: 'city', op: 'eq', value: '广州' },
    ] },
    where: `account_type = 'prepaid' and plan_fee_fen >= 5800 and data_usage_ratio > 0.9 and data_usage_ratio_last > 0.9 and city = '广州'`,
  },
  {
    name: 'or / not / in-list, a time feature',
    rule: { any: [
      { all: [
        { feature: 'city', op: 'in', value: ['深圳', '东莞', '佛山', '惠州'] },
        { feature: 'voiceUsageRatio', op: 'ge', value: 0.8 },
        { not: { feature: 'channels90d', op: 'contains', value: 'web' } },
      ] },
      { all: [
        { feature: 'accountType', op: 'eq', value: 'postpaid' },
        { feature: 'arpuFen', op: 'ge', value: 10_000 },
        { not: { feature: 'lastContactAt', op: 'withinDays', value: 30 } },
      ] },
      { feature: 'packsHeld', op: 'containsAny', value: ['PK-DATA-10G', 'PK-VOICE-300'] },
    ] },
    where: `(city in ('深圳', '东莞', '佛山', '惠州') and voice_usage_ratio >= 0.8 and not (channels90d @> '{web}'))
      or (account_type = 'postpaid' and arpu_fen >= 10000 and (last_contact_at is null or last_contact_at < '${iso(30)}'))
      or packs_held && '{PK-DATA-10G,PK-VOICE-300}'`,
  },
  {
    name: 'broad: active, 38+ plan, tenure ≥ 180 days',
    rule: { all: [
      { feature: 'status', op: 'eq', value: 'active' },
      { feature: 'planFeeFen', op: 'ge', value: 3800 },
      { feature: 'tenureDays', op: 'ge', value: 180 },
    ] },
    where: `status = 'active' and plan_fee_fen >= 3800 and tenure_days >= 180`,
  },
];

// ---- the data ----
/** The demo operator's city weights (src/demo/people.ts), as a list to index into. */
const CITY_WEIGHTS: [string, number][] = [
  ['广州', 15], ['深圳', 15], ['东莞', 9], ['佛山', 8], ['惠州', 5], ['汕头', 5], ['湛江', 5], ['茂名', 5],
  ['江门', 4], ['中山', 4], ['揭阳', 4], ['肇庆', 3], ['梅州', 3], ['清远', 3], ['珠海', 2], ['韶关', 2],
  ['汕尾', 2], ['河源', 2], ['阳江', 2], ['潮州', 2], ['云浮', 2],
];
/** Plans of the demo catalogue with their fees and a share of the base. */
const PLAN_WEIGHTS: [string, number, number][] = [
  ['PLAN-BH-8', 800, 4], ['PLAN-4G-18', 1800, 10], ['PLAN-4G-38', 3800, 25], ['PLAN-4G-58', 5800, 24],
  ['PLAN-4G-88', 8800, 15], ['PLAN-4G-128', 12800, 10], ['PLAN-4G-188', 18800, 4], ['PLAN-5G-128', 12800, 8],
];
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const expand = <T>(xs: [T, number][]) => xs.flatMap(([v, w]) => Array.from({ length: w }, () => v));
const CITY_ARRAY = `array[${expand(CITY_WEIGHTS).map(lit).join(',')}]`;
const PLAN_ARRAY = `array[${expand(PLAN_WEIGHTS.map(([id, , w]) => [id, w] as [string, number])).map(lit).join(',')}]`;
const FEE_CASE = `case plan_id ${PLAN_WEIGHTS.map(([id, fee]) => `when ${lit(id)} then ${fee}`).join(' ')} end`;
const CHANNELS = [['web', 0.35], ['mobile', 0.5], ['kiosk', 0.05], ['sms', 0.3], ['ussd', 0.15], ['ivr', 0.1], ['api', 0.02]] as const;
const PACKS = [['PK-DATA-1G', 0.08], ['PK-DATA-3G', 0.06], ['PK-DATA-10G', 0.04], ['PK-VOICE-100', 0.05], ['PK-VOICE-300', 0.02], ['VAS-CRBT', 0.2], ['VAS-CALLREM', 0.15]] as const;
const pickSome = (xs: readonly (readonly [string, number])[]) =>
  `array_remove(array[${xs.map(([v, p]) => `case when random() < ${p} then ${lit(v)} end`).join(', ')}]::text[], null)`;

async function fill(c: pg.Client): Promise<void> {
  await c.query('select setseed(0.42)');
  // One row per subscriber: numbers 134xxxxxxxx; joined up to 15 years ago, a few in the last half year.
  await c.query(`
    insert into subscriber (id, msisdn, name, real_name_verified, status, city, plan_id, joined_on, language)
    select g, (13400000000 + g)::text, '用户' || g, true,
      case when r < 0.95 then 'active' when r < 0.99 then 'suspended' else 'closed' end,
      (${CITY_ARRAY})[1 + floor(random() * ${expand(CITY_WEIGHTS).length})::int],
      (${PLAN_ARRAY})[1 + floor(random() * ${expand(PLAN_WEIGHTS.map(([id, , w]) => [id, w] as [string, number])).length})::int],
      (date '2026-11-20' - floor(case when random() < 0.1 then random() * 180 else random() * 5500 end)::int),
      case when random() < 0.92 then 'zh-CN' else 'en' end
    from (select g, random() as r from generate_series(1, ${N}) g) s`);
  // The mart's row as FeatureMart would write it, from those facts and believable usage.
  await c.query(`
    insert into marketing_feature (subscriber_id, msisdn, plan_id, plan_fee_fen, account_type, city, status, language, tenure_days,
      arpu_fen, balance_fen, data_usage_ratio, data_usage_ratio_last, voice_usage_ratio, voice_usage_ratio_last, recharges90d,
      channels90d, last_contact_at, last_purchase_at, packs_held, points, refreshed_at)
    select id, msisdn, plan_id, fee, type, city, status, language, date '2026-11-20' - joined_on,
      round(fee * (0.8 + random() * 0.7))::int,
      case when type = 'prepaid' then floor(random() * 20000)::int - 500 else floor(random() * 30000)::int - 10000 end,
      d, round(least(1.5, greatest(0, d * 0.75 + (random() - 0.3) * 0.5))::numeric, 3)::float8,
      v, round(least(1.5, greatest(0, v * 0.7 + (random() - 0.3) * 0.5))::numeric, 3)::float8,
      case when type = 'prepaid' then floor(random() * 6)::int else 0 end,
      ${pickSome(CHANNELS)},
      case when random() < 0.2 then null else timestamptz '${AT.toISOString()}' - random() * interval '90 days' end,
      case when random() < 0.3 then null else timestamptz '${AT.toISOString()}' - random() * interval '180 days' end,
      ${pickSome(PACKS)},
      floor(random() * 8000)::int,
      timestamptz '${AT.toISOString()}'
    from (
      select s.id, s.msisdn, s.plan_id, ${FEE_CASE} as fee, case when random() < 0.7 then 'prepaid' else 'postpaid' end as type,
        s.city, s.status, s.language, s.joined_on,
        -- this month's data: most under their allowance, a long tail over it
        round(least(1.5, power(random(), 1.6) * 1.25)::numeric, 3)::float8 as d,
        round(least(1.5, power(random(), 2.2) * 1.2)::numeric, 3)::float8 as v
      from subscriber s
    ) f`);
  await c.query('analyze subscriber');
  await c.query('analyze marketing_feature');
}

// ---- measuring ----
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: flags['database-url'] });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [DB_NAME])).rowCount === 1;
  const url = new URL(flags['database-url']);
  url.pathname = `/${DB_NAME}`;
  let reuse = false;
  if (exists) {
    const probe = new pg.Client({ connectionString: url.toString() });
    await probe.connect();
    try {
      const r = await probe.query<{ n: string }>('select count(*) as n from marketing_feature');
      reuse = flags.keep && Number(r.rows[0]!.n) === N;
    } catch { /* not ours or half made: made again */ }
    await probe.end();
  }
  if (!reuse) {
    await admin.query(`drop database if exists ${DB_NAME} with (force)`);
    await admin.query(`create database ${DB_NAME}`);
  }

  const opened = await openDb({ databaseUrl: url.toString(), dataDir: '', poolSize: 4 });
  const db = opened.db;
  const hand = new pg.Client({ connectionString: url.toString(), application_name: 'hand-written' });
  await hand.connect();
  try {
    if (!reuse) {
      const t = process.hrtime.bigint();
      await migrate(db);
      await seedCatalogue(db);
      await fill(hand);
      console.log(`filled ${N.toLocaleString('en')} subscribers and their features in ${(ms(t) / 1000).toFixed(1)} s`);
    } else {
      await migrate(db); // a kept database takes migrations added since (an index, say)
      console.log(`reusing ${DB_NAME} with ${N.toLocaleString('en')} subscribers`);
    }
    await hand.query('truncate segment_member');

    const clock = new ManualClock(AT);
    const segments = new SegmentService({ db, clock, audit: auditLog });
    const staff = await db.selectFrom('staffUser').select('id').where('username', '=', 'bench-mkt').executeTakeFirst();
    const staffId = staff?.id ?? await createStaffUser(db, { username: 'bench-mkt', displayName: '压测市场部', password: 'correct horse battery', roles: ['marketing'] });
    const actor: Actor = { id: staffId, name: '压测市场部', roles: ['marketing'] };

    /** count + md5 of a static segment's sorted member ids, then the members gone (each insert starts on an empty table). */
    const membersOf = async (segmentId: number) => {
      const r = await hand.query<{ n: string; h: string | null }>(
        `select count(*) as n, md5(string_agg(subscriber_id::text, ',' order by subscriber_id)) as h from segment_member where segment_id = $1`, [segmentId]);
      await hand.query('truncate segment_member');
      return { n: Number(r.rows[0]!.n), h: r.rows[0]!.h ?? '' };
    };
    const handCount = async (c: Case) => Number((await hand.query<{ n: string }>(`select count(*) as n from marketing_feature where ${c.where}`)).rows[0]!.n);
    const handSnapshot = async (c: Case) => {
      await hand.query('begin');
      const seg = await hand.query<{ id: number }>(
        `insert into segment (name_zh, name_en, kind, rule, size, counted_at, created_by, created_at, updated_at)
         values ('手写', 'by hand', 'static', null, 0, now(), ${staffId}, now(), now()) returning id`);
      const id = seg.rows[0]!.id;
      const ins = await hand.query(`insert into segment_member (segment_id, subscriber_id) select ${id}, subscriber_id from marketing_feature where ${c.where}`);
      await hand.query(`update segment set size = ${ins.rowCount} where id = ${id}`);
      await hand.query('commit');
      return id;
    };

    let differences = 0;
    const results: { c: Case; size: number; count: [number, number]; snap: [number, number]; best: [number, number, number, number]; same: boolean }[] = [];
    for (const c of flags.part === 'import' ? [] : CASES) {
      const dynamic = await segments.create(actor, { nameZh: '压测客户群', nameEn: 'Bench segment', rule: c.rule });
      const expected = await handCount(c);
      let same = dynamic.size === expected;
      // warm both once (the table into shared buffers / the OS cache, the statement prepared)
      await segments.count(c.rule); await handCount(c);
      const countT: [number[], number[]] = [[], []];
      const snapT: [number[], number[]] = [[], []];
      for (let i = 0; i < RUNS * 2; i++) {
        const oursFirst = i % 2 === 0;
        for (const side of oursFirst ? [0, 1] : [1, 0]) {
          const t = process.hrtime.bigint();
          const n = side === 0 ? await segments.count(c.rule) : await handCount(c);
          countT[side]!.push(ms(t));
          if (n !== expected) same = false;
        }
      }
      for (let i = 0; i < RUNS; i++) {
        const oursFirst = i % 2 === 0;
        const got: { n: number; h: string }[] = [];
        for (const side of oursFirst ? [0, 1] : [1, 0]) {
          const t = process.hrtime.bigint();
          const id = side === 0 ? (await segments.snapshot(actor, dynamic.id, { nameZh: '压测快照', nameEn: 'Bench snapshot' })).id : await handSnapshot(c);
          snapT[side]!.push(ms(t));
          got.push(await membersOf(id));
        }
        if (got[0]!.n !== expected || got[0]!.n !== got[1]!.n || got[0]!.h !== got[1]!.h) same = false;
      }
      if (!same) differences++;
      results.push({ c, size: expected, count: [median(countT[0]), median(countT[1])], snap: [median(snapT[0]), median(snapT[1])],
        best: [Math.min(...countT[0]), Math.min(...countT[1]), Math.min(...snapT[0]), Math.min(...snapT[1])], same });
      if (flags.explain) {
        // The plans of both counts, to see why one side is slower: omnihall's statement as the service compiles it.
        const q = db.selectFrom('marketingFeature').select(sql<number>`count(*)::int`.as('n')).where(ruleToSql(parseSegmentRule(c.rule), AT)).compile();
        for (const [who, text, params] of [['omnihall', q.sql, q.parameters], ['hand', `select count(*) from marketing_feature where ${c.where}`, []]] as const) {
          const plan = await hand.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`, [...params]);
          console.log(`\n--- ${c.name}: ${who}\n${text}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
        }
      }
    }

    // ---- an imported list of numbers ----
    let imported: { size: number; t: [number, number]; same: boolean } | undefined;
    if (flags.part !== 'rules') {
      const ours = Array.from({ length: Math.min(199_000, Math.floor(N / 5)) }, (_, i) => String(13400000000 + 1 + i * 5));
      const strangers = Array.from({ length: 1000 }, (_, i) => String(13900000000 + i));
      const csv = ['号码', ...ours, ...strangers].join('\n');
      const numbers = [...ours, ...strangers];
      const handImport = async () => {
        await hand.query('begin');
        const seg = await hand.query<{ id: number }>(
          `insert into segment (name_zh, name_en, kind, rule, size, counted_at, created_by, created_at, updated_at)
           values ('手写名单', 'list by hand', 'static', null, 0, now(), ${staffId}, now(), now()) returning id`);
        const id = seg.rows[0]!.id;
        const ins = await hand.query(`insert into segment_member (segment_id, subscriber_id) select ${id}, subscriber_id from marketing_feature where msisdn = any($1::text[])`, [numbers]);
        await hand.query(`update segment set size = ${ins.rowCount} where id = ${id}`);
        await hand.query('commit');
        return id;
      };
      const t: [number[], number[]] = [[], []];
      let same = true;
      for (let i = 0; i < RUNS; i++) {
        const got: { n: number; h: string }[] = [];
        for (const side of i % 2 === 0 ? [0, 1] : [1, 0]) {
          const t0 = process.hrtime.bigint();
          let id: number;
          if (side === 0) {
            const r = await segments.importList(actor, { nameZh: '压测名单', nameEn: 'Bench list', csv });
            if (r.segment.size !== ours.length || r.rejectedCount !== strangers.length) same = false;
            id = r.segment.id;
          } else id = await handImport();
          t[side]!.push(ms(t0));
          got[side] = await membersOf(id);
        }
        if (got[0]!.n !== ours.length || got[0]!.n !== got[1]!.n || got[0]!.h !== got[1]!.h) same = false;
      }
      imported = { size: ours.length, t: [median(t[0]), median(t[1])], same };
      if (!same) differences++;
    }

    console.log(`\nsegments over ${N.toLocaleString('en')} subscribers' features, PostgreSQL, ${RUNS} runs each (counts ${RUNS * 2}), medians; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    console.log(`${'rule'.padEnd(52)} ${'members'.padStart(9)}   ${'count: omnihall / hand'.padEnd(30)} ${'materialise: omnihall / hand'.padEnd(34)} rows`);
    const ratios: number[] = [];
    for (const r of results) {
      const cr = r.count[0] / r.count[1];
      const sr = r.snap[0] / r.snap[1];
      ratios.push(cr, sr);
      console.log(`${r.c.name.padEnd(52)} ${r.size.toLocaleString('en').padStart(9)}   ${`${r.count[0].toFixed(1)} / ${r.count[1].toFixed(1)} ms = ${cr.toFixed(2)}×`.padEnd(30)} ${`${r.snap[0].toFixed(0)} / ${r.snap[1].toFixed(0)} ms = ${sr.toFixed(2)}×`.padEnd(34)} ${r.same ? 'identical' : 'DIFFERENT'}`);
    }
    if (imported) {
      const r = imported.t[0] / imported.t[1];
      ratios.push(r);
      console.log(`${'a list of 200,000 numbers imported (1,000 not ours)'.padEnd(52)} ${imported.size.toLocaleString('en').padStart(9)}   ${''.padEnd(30)} ${`${imported.t[0].toFixed(0)} / ${imported.t[1].toFixed(0)} ms = ${r.toFixed(2)}×`.padEnd(34)} ${imported.same ? 'identical' : 'DIFFERENT'}`);
    }
    // The fastest run of each side is the least disturbed by other work on a shared machine.
    if (results.length) console.log(`fastest runs, omnihall / hand: ${results.map((r) => `count ${(r.best[0] / r.best[1]).toFixed(2)}×, materialise ${(r.best[2] / r.best[3]).toFixed(2)}×`).join(';  ')}`);
    const worst = Math.max(...ratios);
    console.log(`worst ratio omnihall / hand-written: ${worst.toFixed(2)}× (target ≤ ${TARGET}×)${worst <= TARGET ? '' : '  ← OVER TARGET'}; rows identical on ${results.length + (imported ? 1 : 0) - differences} of ${results.length + (imported ? 1 : 0)} cases${differences ? '  ← DIFFERENCES' : ''}`);
    if (differences) process.exitCode = 1;
  } finally {
    await hand.end();
    await opened.close();
    if (!flags.keep) await admin.query(`drop database if exists ${DB_NAME} with (force)`);
    await admin.end();
  }
}

await main();
