// `npx tsx bench/sms-smpp.ts`: SMS round trips per second over SMPP — a subscriber's `YE` in
// (deliver_sm) to the reply out (submit_sm) — through omnihall's ESME against the local SMSC
// simulator, beside a bare ESME on the same `smpp` library that only echoes (the limit of the
// link), in one run; on PostgreSQL (a scratch database) and PGlite. Each ESME runs in its own
// process; this process runs the simulator and the load. Loopback only, bounded counts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import smpp, { type PDU } from 'smpp';
import { loadConfig } from '../src/config.ts';
import { openDb, type Db } from '../src/platform/db/index.ts';
import { migrate } from '../src/migrations.ts';
import { seedCatalogue } from '../src/demo/seed.ts';
import { buildServices } from '../src/container.ts';
import { startSmpp } from '../src/channels/sms/index.ts';
import { silentLog } from '../src/channels/sms/hall.ts';
import { SmscSimulator, type Submitted } from '../src/platform/sms/smsc-simulator.ts';
import { scratchDatabase } from './lib/data.ts';
import { shippedNodeFlags } from './lib/child.ts';

const CREDS = { systemId: 'bench', password: 'bench' };
const SHORT_CODE = '10086';
const FIRST_MSISDN = 13700000000;
const TARGET = 0.5;
const SCRATCH_DB = 'omnihall_bench_sms';

const { values: flags } = parseArgs({
  options: {
    role: { type: 'string', default: 'driver' },
    url: { type: 'string' },
    'database-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    db: { type: 'string', default: 'both' },
    count: { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '50' },
    subscribers: { type: 'string', default: '200' },
    slices: { type: 'string', default: '3' },
    receipts: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (flags.help) {
  process.stdout.write(`npx tsx bench/sms-smpp.ts [options]
  --count N          measured round trips per slice (5000)      --warmup N       unmeasured round trips first (1000)
  --concurrency N    texts awaiting their reply at once (50)   --subscribers N  distinct senders (200)
  --slices N         turns each ESME takes on each database, order alternating (3)
  --db both|postgres|pglite (both)                             --receipts       the SMSC also sends delivery receipts
  --database-url URL server for the scratch database ${SCRATCH_DB} (DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)
`);
  process.exit(0);
}

function int(name: string, min: number): number {
  const n = Number(flags[name as keyof typeof flags]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return n;
}

const msisdn = (i: number) => String(FIRST_MSISDN + i);

// ---- the ESMEs (each in a child process) -------------------------------------------------------

/** The limit of the link: bind, and answer every text with itself. No database, no rules. */
function bareEcho(url: string): void {
  const session = smpp.connect({ url });
  session.socket.setNoDelay(true); // as omnihall's link does
  session.on('error', (e: Error) => {
    process.stderr.write(`bare ESME: ${e.message}\n`);
    process.exit(1);
  });
  session.on('connect', () => {
    session.bind_transceiver({ system_id: CREDS.systemId, password: CREDS.password }, (resp) => {
      if (resp.command_status !== 0) throw new Error('bind refused');
      process.stdout.write('READY\n');
    });
  });
  session.on('pdu', (pdu: PDU) => {
    if (pdu.command !== 'deliver_sm') return;
    session.send(pdu.response());
    if ((Number(pdu.esm_class) & 0x3c) !== 0) return; // a receipt
    const sm = pdu.short_message as { message: string | Buffer };
    session.submit_sm({
      source_addr: SHORT_CODE, destination_addr: pdu.source_addr, dest_addr_ton: pdu.source_addr_ton, dest_addr_npi: pdu.source_addr_npi,
      data_coding: pdu.data_coding, short_message: sm.message, registered_delivery: 1,
    });
  });
}

/** Creates the subscribers the load texts from (idempotent, so each run can reuse the database). */
async function prepare(db: Db, subscribers: number): Promise<void> {
  await migrate(db);
  await seedCatalogue(db);
  const plan = await db.selectFrom('offering').select('id').where('kind', '=', 'plan').where('lifecycleStatus', '=', 'Launched').orderBy('id').executeTakeFirstOrThrow();
  for (let i = 0; i < subscribers; i++) {
    await db.transaction().execute(async (trx) => {
      const sub = await trx.insertInto('subscriber').values({
        msisdn: msisdn(i), name: '压测用户', realNameVerified: true, status: 'active', city: '广州', planId: plan.id,
        pendingPlanId: null, pendingPlanFrom: null, joinedOn: '2020-01-01', language: 'zh-CN',
      }).onConflict((oc) => oc.column('msisdn').doNothing()).returning('id').executeTakeFirst();
      if (!sub) return;
      const acc = await trx.insertInto('account').values({ subscriberId: sub.id, type: 'prepaid', balanceFen: 5_000, creditLimitFen: 0 }).returning('id').executeTakeFirstOrThrow();
      await trx.insertInto('ledgerEntry').values({
        accountId: acc.id, kind: 'opening', amountFen: 5_000, balanceAfterFen: 5_000, channel: 'bench', reference: null, noteZh: '期初余额', noteEn: 'Opening balance',
      }).execute();
    });
  }
}

/** omnihall as it runs in production: services, the SMS hall and the SMPP link from the config. */
async function omnihallEsme(url: string, databaseUrl: string | undefined): Promise<void> {
  const concurrency = int('concurrency', 1);
  const config = {
    ...loadConfig({}), databaseUrl, dataDir: 'memory://', demo: false, production: true, dbPoolSize: 20,
    // The window is not the bottleneck under test, and the SMSC sets no rate here.
    smppUrl: url, smppSystemId: CREDS.systemId, smppPassword: CREDS.password, smsShortCode: SHORT_CODE, smppWindow: concurrency, smppMps: 0,
  };
  const opened = await openDb({ databaseUrl, dataDir: 'memory://', poolSize: config.dbPoolSize });
  await prepare(opened.db, int('subscribers', 1));
  const s = await buildServices(config, opened.db, { defaultMetrics: false });
  const link = startSmpp(s, silentLog)!;
  await link.whenBound();
  process.stdout.write('READY\n');
  process.on('SIGTERM', () => {
    void (async () => {
      await link.stop();
      await s.close();
      await opened.close();
      process.exit(0);
    })();
  });
}

// ---- the driver --------------------------------------------------------------------------------

interface Running {
  child: ChildProcess;
  stop(): Promise<void>;
}

async function spawnEsme(role: 'bare' | 'omnihall', url: string, databaseUrl: string | undefined): Promise<Running> {
  const script = fileURLToPath(import.meta.url);
  // BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=.bench/profiles`) goes to the ESME processes.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // Both ESMEs run with the flags `npm start` gives omnihall, as every benchmark server does.
  const args = [...shippedNodeFlags(), ...nodeArgs, '--import', 'tsx', script, '--role', role, '--url', url, '--concurrency', flags.concurrency!, '--subscribers', flags.subscribers!];
  if (databaseUrl) args.push('--database-url', databaseUrl);
  else args.push('--database-url', '');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], cwd: fileURLToPath(new URL('..', import.meta.url)) });
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (l) => {
      if (l === 'READY') resolve();
    });
    child.once('exit', (code) => reject(new Error(`${role} ESME exited (${code}) before binding`)));
  });
  return {
    child,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }),
  };
}

interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
}

/**
 * Keeps `concurrency` texts awaiting their reply, each from a different sender, until `count`
 * replies have come back; a round trip ends when the reply's submit_sm reaches the SMSC.
 */
function drive(sim: SmscSimulator, count: number, concurrency: number, subscribers: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const idle = Array.from({ length: subscribers }, (_, i) => msisdn(i));
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let launched = 0;
    let started = 0;
    const timer = setTimeout(() => finish(new Error(`timed out: ${latencies.length} of ${count} replies`)), 300_000);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      sim.off('submit', onSubmit);
      if (err) return reject(err);
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      resolve({ perSecond: count / seconds, p50: latencies[Math.floor(count * 0.5)]!, p99: latencies[Math.floor(count * 0.99)]! });
    };
    const launch = () => {
      if (launched >= count) return;
      const from = idle.shift();
      if (!from) return;
      launched++;
      sentAt.set(from, performance.now());
      sim.deliver(from, SHORT_CODE, 'YE').then((status) => {
        if (status !== 0) finish(new Error(`deliver_sm answered ${status}`));
      }, (e: Error) => finish(e));
    };
    const onSubmit = (s: Submitted) => {
      const t0 = sentAt.get(s.to);
      if (t0 === undefined || s.status !== 0) return;
      sentAt.delete(s.to);
      latencies.push(performance.now() - t0);
      idle.push(s.to);
      if (latencies.length === count) return finish();
      launch();
    };
    sim.on('submit', onSubmit);
    started = performance.now();
    for (let i = 0; i < concurrency; i++) launch();
  });
}

async function driver(): Promise<void> {
  const count = int('count', 1);
  const warmup = int('warmup', 0);
  const concurrency = int('concurrency', 1);
  const subscribers = int('subscribers', 1);
  const slices = int('slices', 1);
  if (subscribers < concurrency) throw new Error('--subscribers must be at least --concurrency (one text per sender at a time)');
  const kinds = flags.db === 'both' ? (['postgres', 'pglite'] as const) : ([flags.db] as ('postgres' | 'pglite')[]);
  const sim = await SmscSimulator.start({ ...CREDS, receipts: flags.receipts });
  sim.setMaxListeners(0);
  // Only the load's submits matter here; keeping every one would grow without bound.
  sim.on('submit', () => void sim.submits.splice(0));
  process.stdout.write(`SMS over SMPP: MO "YE" → reply submit_sm, ${count} measured round trips per slice after ${warmup} warm-up, ` +
    `${concurrency} awaiting a reply at once from ${subscribers} senders; receipts ${flags.receipts ? 'on' : 'off'}\n` +
    `machine: ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n\n`);
  const rows: { db: string; esme: string; m: Measured }[] = [];
  for (const kind of kinds) {
    const scratch = kind === 'postgres' ? await scratchDatabase(flags['database-url']!, SCRATCH_DB) : null;
    try {
      for (let slice = 0; slice < slices; slice++) {
        const order = slice % 2 === 0 ? (['bare', 'omnihall'] as const) : (['omnihall', 'bare'] as const);
        for (const esme of order) {
          const running = await spawnEsme(esme, sim.url, scratch?.url);
          try {
            if (warmup) await drive(sim, warmup, concurrency, subscribers);
            const m = await drive(sim, count, concurrency, subscribers);
            rows.push({ db: kind, esme, m });
            process.stdout.write(`  ${kind.padEnd(8)} ${esme.padEnd(8)} slice ${slice + 1}: ${m.perSecond.toFixed(0).padStart(6)} round trips/s  p50 ${m.p50.toFixed(1)} ms  p99 ${m.p99.toFixed(1)} ms\n`);
          } finally {
            await running.stop();
          }
        }
      }
    } finally {
      await scratch?.drop();
    }
  }
  await sim.close();

  // Medians over the slices: a slice that another process on the machine disturbed moves a mean
  // far more than it moves a median.
  process.stdout.write('\n  db        bare echo/s   omnihall/s   ratio   target   (medians over slices)\n');
  let failed = false;
  for (const kind of kinds) {
    const median = (esme: string) => {
      const r = rows.filter((x) => x.db === kind && x.esme === esme).map((x) => x.m.perSecond).sort((a, b) => a - b);
      const mid = Math.floor(r.length / 2);
      return r.length % 2 ? r[mid]! : (r[mid - 1]! + r[mid]!) / 2;
    };
    const bare = median('bare');
    const omni = median('omnihall');
    const ratio = omni / bare;
    if (kind === 'postgres' && ratio < TARGET) failed = true;
    process.stdout.write(`  ${kind.padEnd(8)} ${bare.toFixed(0).padStart(11)}  ${omni.toFixed(0).padStart(11)}   ${ratio.toFixed(2).padStart(5)}   ≥ ${TARGET}${ratio >= TARGET ? '' : '  (below)'}\n`);
  }
  if (failed) process.exitCode = 1;
}

switch (flags.role) {
  case 'driver':
    await driver();
    break;
  case 'bare':
    bareEcho(flags.url!);
    break;
  case 'omnihall':
    await omnihallEsme(flags.url!, flags['database-url'] || undefined);
    break;
  default:
    throw new Error(`unknown --role ${flags.role}`);
}
