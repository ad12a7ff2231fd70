// `npx tsx bench/broadcast.ts`: an SMS broadcast to 100,000 subscribers through omnihall's SMPP
// link to the local SMSC simulator, with the contact policy on (the default caps and quiet hours;
// the clock at 10:00 Beijing, inside the send window), some recipients opted out and some already
// capped today. Beside it, its limit: the link's configured rate (SMPP_MPS, which the broadcast
// also asks for). Prints the achieved rate over the configured one (target ≥ 0.9), how many
// numbers got a text twice (0) and how many texts went to the opted-out or capped (0). On a
// scratch PostgreSQL database (omnihall_bench_broadcast), or PGlite with --db pglite.
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { openDb } from '../src/platform/db/index.ts';
import { migrate } from '../src/migrations.ts';
import { seedCatalogue } from '../src/demo/seed.ts';
import { buildServices } from '../src/container.ts';
import { startSmpp } from '../src/channels/sms/index.ts';
import { silentLog } from '../src/platform/log.ts';
import { ManualClock } from '../src/platform/ports.ts';
import { SmscSimulator } from '../src/platform/sms/smsc-simulator.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import { scratchDatabase } from './lib/data.ts';

const CREDS = { systemId: 'bench', password: 'bench' };
const FIRST_MSISDN = 13600000000;
const TARGET = 0.9;
const SCRATCH_DB = 'omnihall_bench_broadcast';

const { values: flags } = parseArgs({
  options: {
    recipients: { type: 'string', default: '100000' },
    rate: { type: 'string', default: '200' },
    window: { type: 'string', default: '50' },
    'opted-out': { type: 'string', default: '5' },
    capped: { type: 'string', default: '5' },
    db: { type: 'string', default: 'postgres' },
    'database-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    help: { type: 'boolean', default: false },
  },
});

if (flags.help) {
  process.stdout.write(`npx tsx bench/broadcast.ts [options]
  --recipients N   the segment's size (100000)          --rate N        the link's configured rate, SMPP_MPS, and the broadcast's (200/s)
  --opted-out P    percent opted out of SMS (5)         --capped P      percent who had a marketing SMS today already (5)
  --window N       SMPP_WINDOW (50)                     --db postgres|pglite (postgres)
  --database-url URL  server for the scratch database ${SCRATCH_DB}
`);
  process.exit(0);
}

const int = (name: keyof typeof flags, min: number) => {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return n;
};
const N = int('recipients', 1);
const RATE = int('rate', 1);
const OPTED = int('opted-out', 0);
const CAPPED = int('capped', 0);

async function main(): Promise<void> {
  const pglite = flags.db === 'pglite';
  const scratch = pglite ? null : await scratchDatabase(flags['database-url']!, SCRATCH_DB);
  const dataDir = pglite ? mkdtempSync(join(tmpdir(), 'omnihall-bench-')) : '';
  const opened = await openDb({ databaseUrl: scratch?.url, dataDir, poolSize: 8 });
  const db = opened.db;
  const sim = await SmscSimulator.start(CREDS);
  try {
    await migrate(db);
    await seedCatalogue(db);
    const now = new Date('2026-11-16T10:00:00+08:00');
    const clock = new ManualClock(now);
    // The subscribers, the segment and who is opted out or capped, written set-based (a fixture, not what is measured).
    const plan = (await db.selectFrom('offering').select('id').where('kind', '=', 'plan').where('lifecycleStatus', '=', 'Launched').orderBy('id').executeTakeFirstOrThrow()).id;
    await sql`insert into subscriber (msisdn, name, real_name_verified, status, city, plan_id, joined_on)
      select (${FIRST_MSISDN}::bigint + g)::text, '用户' || g, true, 'active', '广州', ${plan}, date '2020-01-01' from generate_series(1, ${N}) g`.execute(db);
    await sql`insert into account (subscriber_id, type, balance_fen) select id, 'prepaid', 5000 from subscriber where msisdn::bigint > ${FIRST_MSISDN}`.execute(db);
    const staff = await createStaffUser(db, { username: 'bench-a', displayName: 'A', password: 'correct horse battery', roles: ['marketing'] });
    const reviewer = await createStaffUser(db, { username: 'bench-b', displayName: 'B', password: 'correct horse battery', roles: ['marketing'] });
    const seg = await db.insertInto('segment').values({ nameZh: '压测名单', nameEn: 'Bench list', kind: 'static', rule: null, size: N, countedAt: now, createdBy: staff, createdAt: now, updatedAt: now }).returning('id').executeTakeFirstOrThrow();
    await sql`insert into segment_member (segment_id, subscriber_id) select ${seg.id}, id from subscriber where msisdn::bigint > ${FIRST_MSISDN}`.execute(db);
    await sql`insert into contact_opt_out (subscriber_id, channel, source, at) select id, 'sms', 'sms', ${now} from subscriber where msisdn::bigint > ${FIRST_MSISDN} and id % 100 < ${OPTED}`.execute(db);
    const earlier = new Date(now.getTime() - 60 * 60_000);
    await sql`insert into contact (subscriber_id, channel, kind, purpose, status, at) select id, 'sms', 'marketing', 'offer:0', 'sent', ${earlier}
      from subscriber where msisdn::bigint > ${FIRST_MSISDN} and id % 100 >= ${OPTED} and id % 100 < ${OPTED + CAPPED}`.execute(db);
    const excluded = new Set((await sql<{ msisdn: string }>`select msisdn from subscriber where msisdn::bigint > ${FIRST_MSISDN} and id % 100 < ${OPTED + CAPPED}`.execute(db)).rows.map((r) => r.msisdn.trim()));

    const config = { ...loadConfig({}), databaseUrl: scratch?.url, dataDir, smppUrl: sim.url, smppSystemId: CREDS.systemId, smppPassword: CREDS.password, smppMps: RATE, smppWindow: int('window', 1), broadcastMaxRate: RATE };
    const s = await buildServices(config, db, { clock, defaultMetrics: false });
    startSmpp(s, silentLog);
    await s.sms.link!.whenBound();
    const actor = (id: number) => ({ id, name: String(id), roles: ['marketing' as const] });
    const b = await s.broadcasts.create(actor(staff), { nameZh: '压测群发', nameEn: 'Bench broadcast', segmentId: seg.id, templateZh: '{name}您好，本月流量包优惠进行中，回复BL办理。回TD退订', startsAt: now, rate: RATE });
    await s.broadcasts.submit(actor(staff), b.id);
    await s.broadcasts.review(actor(reviewer), b.id, { approve: true });

    const expected = N - excluded.size;
    process.stdout.write(`broadcast to ${N} subscribers (${excluded.size} opted out or capped) at ${RATE}/s over SMPP on ${pglite ? 'PGlite' : 'PostgreSQL'}; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}\n`);
    const started = Date.now();
    let firstAt = 0;
    let lastAt = 0;
    sim.on('submit', () => { lastAt = Date.now(); if (!firstAt) firstAt = lastAt; });
    const errors: unknown[] = [];
    s.broadcastRunner.start((e) => errors.push(e), 20);
    let shown = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const accepted = sim.submits.length;
      if (accepted - shown >= RATE * 10) {
        shown = accepted;
        process.stdout.write(`  ${accepted} submitted after ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
      }
      if (accepted >= expected || errors.length) {
        const v = await s.broadcasts.view(b.id);
        if (v.status === 'done' || errors.length) break;
      }
      if (Date.now() - started > (N / RATE) * 3000 + 120_000) throw new Error('the broadcast did not finish in three times its planned length');
    }
    await s.broadcastRunner.stop();
    if (errors.length) throw errors[0];
    const v = await s.broadcasts.view(b.id);
    const per = new Map<string, number>();
    for (const x of sim.submits) if (x.status === 0) per.set(x.to, (per.get(x.to) ?? 0) + 1);
    const duplicates = [...per.values()].filter((n) => n > 1).length;
    const toExcluded = [...per.keys()].filter((m) => excluded.has(m)).length;
    const accepted = [...per.values()].reduce((a, n) => a + n, 0);
    // The rate over the sending itself: first submit to last, (n − 1) intervals.
    const achieved = (accepted - 1) / ((lastAt - firstAt) / 1000);
    process.stdout.write(`sent ${v.progress.sent} of ${expected} expected; suppressed ${JSON.stringify(v.progress.suppressedBy)}\n`);
    process.stdout.write(`achieved ${achieved.toFixed(1)}/s, link's configured rate ${RATE}/s: ratio ${(achieved / RATE).toFixed(3)} (target ≥ ${TARGET}) ${achieved / RATE >= TARGET ? 'PASS' : 'FAIL'}\n`);
    process.stdout.write(`numbers sent twice: ${duplicates} (target 0) ${duplicates === 0 ? 'PASS' : 'FAIL'}; texts to the opted-out or capped: ${toExcluded} (target 0) ${toExcluded === 0 ? 'PASS' : 'FAIL'}; missing: ${expected - per.size}\n`);
    await s.sms.link?.stop();
    await s.close();
  } finally {
    await sim.close();
    await opened.close();
    await scratch?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
