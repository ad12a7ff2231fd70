// `npm run bench`: omnihall beside the bare Fastify + pg limit, on PostgreSQL and PGlite, one run.
// Requests per second and p99 of balance.query and pack.subscribe over HTTP with 50 clients, CPU
// per request of server, database and load generator; prints a table and the ratios, writes
// .bench/core.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { startServer, type RunningServer, type ServerStats } from './lib/child.ts';
import { BackendCpu, backendDelta, ownCpuUs } from './lib/cpu.ts';
import { copyTarget, createTarget, prepare, withDb, type DbKind, type Target, type Workload } from './lib/data.ts';
import { runLoad, summarise, type LoadResult, type NextRequest, type Slice } from './lib/load.ts';

const CASES = ['balance.query', 'pack.subscribe'] as const;
type CaseId = (typeof CASES)[number];
/** omnihall / bare req/s must reach at least this. */
const TARGETS: Record<CaseId, number> = { 'balance.query': 0.7, 'pack.subscribe': 0.5 };

const root = fileURLToPath(new URL('..', import.meta.url));

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    'pglite-warmup': { type: 'string', default: '20' },
    connections: { type: 'string', default: '50' },
    subscribers: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '200' },
    slices: { type: 'string', default: '2' },
    db: { type: 'string', default: 'both' },
    case: { type: 'string', default: 'both' },
    'pool-size': { type: 'string', default: '20' },
    'log-level': { type: 'string', default: 'warn' },
    'database-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    seed: { type: 'string', default: '20071009' },
    profile: { type: 'boolean', default: false },
    compare: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (flags.help) {
  process.stdout.write(`npm run bench -- [options]
  --duration S        measured seconds per case (10)        --warmup S      warm-up seconds per case (3)
  --pglite-warmup S   extra warm-up of each PGlite server, all cases (20)
  --connections N     concurrent HTTP clients (50)          --slices N      turns each server takes per case, order flipping (2)
  --subscribers N     demo operator size (10000)            --clients N     subscribers balance.query spreads over (200)
  --db both|postgres|pglite (both)                          --case both|balance.query|pack.subscribe (both)
  --pool-size N       pg pool size of both servers (20)     --log-level L   omnihall's log level (warn); logs in .bench/logs/
  --database-url URL  server for the scratch database omnihall_bench (DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)
  --profile           write CPU profiles of each server over each case's measured slices to .bench/profiles/
                      (read one with: npx tsx bench/profile-summary.ts <file>)
  --compare DIR       also run the omnihall of another checkout (a branch, a proposed change) in the same
                      slices, as server "candidate", on the same data
`);
  process.exit(0);
}

function int(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return n;
}
function oneOf<T extends string>(name: string, v: string, all: readonly T[]): T[] {
  if (v === 'both') return [...all];
  if (!(all as readonly string[]).includes(v)) throw new Error(`--${name} must be both or one of ${all.join(', ')}`);
  return [v as T];
}

const opts = {
  durationS: int('duration', flags.duration, 1),
  warmupS: int('warmup', flags.warmup, 0),
  pgliteWarmupS: int('pglite-warmup', flags['pglite-warmup'], 0),
  connections: int('connections', flags.connections, 1),
  subscribers: int('subscribers', flags.subscribers, 1),
  clients: int('clients', flags.clients, 1),
  slices: int('slices', flags.slices, 1),
  poolSize: int('pool-size', flags['pool-size'], 1),
  seed: int('seed', flags.seed, 0),
  dbs: oneOf<DbKind>('db', flags.db, ['postgres', 'pglite']),
  cases: oneOf<CaseId>('case', flags.case, CASES),
  logLevel: flags['log-level'],
  databaseUrl: flags['database-url'],
  profile: flags.profile,
  compare: flags.compare,
};

/** The servers that take turns: omnihall, the bare limit, and maybe a candidate checkout. */
const SERVERS: { name: string; script: string }[] = [
  { name: 'omnihall', script: join(root, 'bench/omnihall-server.ts') },
  { name: 'bare', script: join(root, 'bench/bare-server.ts') },
  ...(opts.compare ? [{ name: 'candidate', script: join(opts.compare, 'bench/omnihall-server.ts') }] : []),
];
/** A server's name in SERVERS. */
type ServerKind = string;

const say = (line: string) => process.stderr.write(`${line}\n`);

// ---- cleanup on the way out, also on Ctrl-C ------------------------------------------------------

const cleanups = new Set<() => Promise<void>>();
async function cleanUp(): Promise<void> {
  for (const c of [...cleanups].reverse()) {
    cleanups.delete(c);
    await c().catch((e: unknown) => say(`cleanup failed: ${String(e)}`));
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping servers and dropping the scratch database`);
    void cleanUp().finally(() => process.exit(130));
  });
}

// ---- what each request is ------------------------------------------------------------------------

interface Rotation {
  next(): NextRequest;
  /** Requests handed out so far. */
  used(): number;
}

/**
 * The requests of one case, in rotation. balance.query walks the signed-in subscribers;
 * pack.subscribe walks (subscriber, pack) pairs, subscriber first, so no two requests in flight
 * touch one subscriber and no pair repeats until every pair has been ordered.
 */
function rotation(c: CaseId, w: Workload, tag: string): Rotation {
  let n = 0;
  const path = `/api/v1/businesses/${c}`;
  const headersOf = (cl: { subscriberId: number; token: string }) => ({ authorization: `Bearer ${cl.token}`, 'x-subscriber-id': String(cl.subscriberId) });
  if (c === 'balance.query') {
    const list = w.balanceClients;
    return { used: () => n, next: () => ({ path, headers: headersOf(list[n++ % list.length]!), body: '{}' }) };
  }
  const s = w.packClients.length;
  const p = w.packs.length;
  const bodies = w.packs.map((packId) => JSON.stringify({ input: { packId }, confirm: true }));
  return {
    used: () => n,
    next() {
      const i = n++;
      const cl = w.packClients[i % s]!;
      return { path, headers: { ...headersOf(cl), 'idempotency-key': `${tag}-${i}` }, body: bodies[Math.floor(i / s) % p]! };
    },
  };
}

// ---- the run ---------------------------------------------------------------------------------

interface Measured extends LoadResult {
  case: CaseId;
  db: DbKind;
  server: ServerKind;
  /** Per HTTP response the server finished. */
  queriesPerRequest: number;
  /** CPU µs per response: the server process (with PGlite inside it), PostgreSQL's backends, autocannon. */
  serverCpuUs: number;
  postgresCpuUs: number;
  loadCpuUs: number;
}

const measured: Measured[] = [];
const pairsFor = (w: Workload) => w.packClients.length * w.packs.length;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Running {
  server: ServerKind;
  srv: RunningServer;
  /** Its PostgreSQL connections' application_name. */
  appName: string;
}

async function startAll(targets: Target[]): Promise<Running[]> {
  const running: Running[] = [];
  for (const [i, { name: server, script }] of SERVERS.entries()) {
    const t = targets[i]!;
    const appName = `omnihall-bench-${server}`;
    let databaseUrl = t.databaseUrl;
    if (databaseUrl) {
      const u = new URL(databaseUrl);
      u.searchParams.set('application_name', appName);
      databaseUrl = u.toString();
    }
    const logDir = join(root, '.bench/logs');
    mkdirSync(logDir, { recursive: true });
    const srv = await startServer(script, {
      db: t.kind, databaseUrl, dataDir: t.dataDir, poolSize: opts.poolSize, logLevel: opts.logLevel,
    }, join(logDir, `${server}-${t.kind}.log`));
    cleanups.add(srv.stop);
    running.push({ server, srv, appName });
  }
  return running;
}

/** Waits until the server has no request left to answer (at most 60 s), then returns its stats. */
async function drained(srv: RunningServer): Promise<ServerStats> {
  const until = Date.now() + 60_000;
  for (;;) {
    const s = await srv.stats();
    if (s.inFlight === 0 || Date.now() > until) return s;
    await pause(50);
  }
}

interface SliceOf {
  res: Slice;
  served: number;
  queries: number;
  serverCpuUs: number;
  postgresCpuUs: number;
  loadCpuUs: number;
}

/**
 * One case on one database: the servers warm up, then take turns in slices (the order flipping
 * each slice), so a neighbour's burst of CPU on this shared machine lands on all of them.
 */
async function runCase(c: CaseId, kind: DbKind, w: Workload, r: Rotation, running: Running[], pgCpu: BackendCpu | undefined): Promise<void> {
  const load = (port: number, durationS: number) => runLoad({ port, connections: opts.connections, durationS, next: r.next });
  for (const { srv } of running) {
    if (opts.warmupS > 0) await load(srv.port, opts.warmupS);
    await drained(srv);
  }
  const slices = new Map<ServerKind, SliceOf[]>(running.map((x) => [x.server, []]));
  // Profiles cover the measured slices only, not start-up or warm-up.
  if (opts.profile) for (const { srv } of running) await srv.profile();
  for (let i = 0; i < opts.slices; i++) {
    for (const { server, srv, appName } of i % 2 === 0 ? running : [...running].reverse()) {
      const [s0, pg0, own0] = [await drained(srv), await pgCpu?.sample(appName), ownCpuUs()];
      const res = await load(srv.port, opts.durationS / opts.slices);
      const own1 = ownCpuUs();
      // The requests autocannon abandoned at the end still run: they count here, not in the next slice.
      const [s1, pg1] = [await drained(srv), await pgCpu?.sample(appName)];
      slices.get(server)!.push({
        res, served: s1.served - s0.served, queries: s1.queries - s0.queries, serverCpuUs: s1.cpuUs - s0.cpuUs,
        postgresCpuUs: pgCpu ? backendDelta(pg0, pg1) : 0, loadCpuUs: own1 - own0,
      });
    }
  }
  if (opts.profile) {
    const dir = join(root, '.bench/profiles');
    mkdirSync(dir, { recursive: true });
    for (const { server, srv } of running) {
      const file = join(dir, `${c}-${kind}-${server}.cpuprofile`);
      await srv.profile(file);
      say(`  profile: ${file}`);
    }
  }
  for (const { server } of running) {
    const ss = slices.get(server)!;
    const res = summarise(ss.map((x) => x.res));
    const sum = (f: (x: SliceOf) => number) => ss.reduce((n, x) => n + f(x), 0);
    const served = sum((x) => x.served);
    const per = (f: (x: SliceOf) => number) => (served ? sum(f) / served : Number.NaN);
    measured.push({
      ...res, case: c, db: kind, server,
      queriesPerRequest: per((x) => x.queries), serverCpuUs: per((x) => x.serverCpuUs), postgresCpuUs: per((x) => x.postgresCpuUs), loadCpuUs: per((x) => x.loadCpuUs),
    });
    const bad = res.non2xx ? `, non-2xx ${res.non2xx} ${JSON.stringify(res.statuses)}` : '';
    say(`  ${c.padEnd(15)} ${server.padEnd(9)} ${res.okPerSec.toFixed(0).padStart(6)} req/s  p99 ${res.p99Ms.toFixed(1)} ms${bad}`);
  }
  if (c === 'pack.subscribe' && r.used() > pairsFor(w)) {
    say(`  warning: ${r.used()} pack.subscribe requests for ${pairsFor(w)} (subscriber, pack) pairs; give more --subscribers`);
  }
}

/** Every account the load charged must still have balance = sum of its ledger. */
async function checkLedger(target: Target, w: Workload): Promise<number> {
  const ids = w.packClients.map((c) => c.subscriberId);
  return withDb(target, async (db) => {
    const r = await sql<{ bad: number }>`
      select count(*)::int as bad from account a
      where a.subscriber_id = any(${ids}::bigint[])
        and a.balance_fen <> (select coalesce(sum(amount_fen), 0) from ledger_entry l where l.account_id = a.id)
    `.execute(db);
    return r.rows[0]?.bad ?? 0;
  });
}

async function runDb(kind: DbKind): Promise<void> {
  say(`\n${kind}: preparing ${kind === 'postgres' ? 'database omnihall_bench' : 'a PGlite directory'} with ${opts.subscribers} subscribers`);
  const target = await createTarget(kind, opts.databaseUrl);
  cleanups.add(target.drop);
  // PGlite lets one process open a directory: every server but the first gets a copy of its own.
  const copies: Target[] = [];
  try {
    const w = await withDb(target, (db) => prepare(db, { subscribers: opts.subscribers, seed: opts.seed, clients: opts.clients, onProgress: say }));
    say(`  balance.query over ${w.balanceClients.length} subscribers; pack.subscribe over ${w.packClients.length} subscribers × ${w.packs.length} packs`);
    if (kind === 'pglite') {
      for (let i = 1; i < SERVERS.length; i++) {
        const copy = copyTarget(target);
        copies.push(copy);
        cleanups.add(copy.drop);
      }
    }
    const running = await startAll(SERVERS.map((_, i) => (i === 0 ? target : copies[i - 1] ?? target)));
    const pgCpu = target.databaseUrl ? await BackendCpu.open(target.databaseUrl) : undefined;
    try {
      const rotations = new Map(opts.cases.map((c) => [c, rotation(c, w, `bench-${kind}-${Date.now()}`)] as const));
      if (kind === 'pglite' && opts.pgliteWarmupS > 0) {
        // PGlite's WebAssembly build reaches full speed only after V8 has optimised its hot
        // functions, several seconds of load on a busy machine; give both servers that first.
        say(`  warming the PGlite servers up for ${opts.pgliteWarmupS} s each`);
        for (const { srv } of running) {
          for (const [, r] of rotations) {
            await runLoad({ port: srv.port, connections: opts.connections, durationS: opts.pgliteWarmupS / rotations.size, next: r.next });
          }
          await drained(srv);
        }
      }
      for (const [c, r] of rotations) await runCase(c, kind, w, r, running, pgCpu);
    } finally {
      await pgCpu?.close();
      for (const { srv } of running) {
        cleanups.delete(srv.stop);
        await srv.stop();
      }
    }
    if (opts.cases.includes('pack.subscribe')) {
      for (const t of [target, ...copies]) {
        const bad = await checkLedger(t, w);
        say(bad === 0 ? '  ledger check: every charged account has balance = ledger sum' : `  LEDGER CHECK FAILED: ${bad} accounts differ from their ledger`);
      }
    }
  } finally {
    for (const t of [...copies, target]) {
      cleanups.delete(t.drop);
      await t.drop();
    }
  }
}

// ---- report ----------------------------------------------------------------------------------

function find(c: CaseId, db: DbKind, server: ServerKind): Measured | undefined {
  return measured.find((m) => m.case === c && m.db === db && m.server === server);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

const startedAt = new Date();
const loadAtStart = loadavg();
say(`omnihall core benchmark: ${opts.connections} connections, warm-up ${opts.warmupS} s + ${opts.durationS} s per case, ` +
  `${cpus().length} CPUs, load average ${loadAtStart.map((x) => x.toFixed(2)).join(' ')}, node ${process.version}`);
try {
  for (const kind of opts.dbs) await runDb(kind);
} finally {
  await cleanUp();
}

const rows = [['case', 'db', 'server', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'queries/req', 'CPU µs/req: server', 'postgres', 'autocannon']];
const us = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(0));
const ms = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(2));
const ratios: { case: CaseId; db: DbKind; server: ServerKind; ratio: number; p99Ratio: number; cpuRatio: number; target: number; met: boolean }[] = [];
/** All the CPU one request costs on this machine: server, PostgreSQL and load generator. */
const cpuOf = (m: Measured) => m.serverCpuUs + m.postgresCpuUs + m.loadCpuUs;
for (const c of opts.cases) {
  for (const db of opts.dbs) {
    for (const { name: server } of SERVERS) {
      const m = find(c, db, server);
      if (!m) continue;
      rows.push([c, db, server, m.okPerSec.toFixed(0), ms(m.p50Ms), ms(m.p99Ms), String(m.non2xx), String(m.errors), m.queriesPerRequest.toFixed(2),
        us(m.serverCpuUs), db === 'postgres' ? us(m.postgresCpuUs) : '(in server)', us(m.loadCpuUs)]);
    }
    const b = find(c, db, 'bare');
    for (const { name: server } of SERVERS) {
      const o = find(c, db, server);
      if (!o || !b || server === 'bare') continue;
      const ratio = o.okPerSec / b.okPerSec;
      ratios.push({ case: c, db, server, ratio, p99Ratio: o.p99Ms / b.p99Ms, cpuRatio: cpuOf(b) / cpuOf(o), target: TARGETS[c], met: ratio >= TARGETS[c] });
    }
  }
}
process.stdout.write(`\n${table(rows)}\n\n`);
for (const r of ratios) {
  process.stdout.write(`${r.case} on ${r.db}: ${r.server}/bare = ${r.ratio.toFixed(2)} (target ≥ ${r.target}) ${r.met ? 'met' : 'MISSED'}; ` +
    `p99 ${r.server}/bare = ${r.p99Ratio.toFixed(2)}; bare/${r.server} CPU per request = ${r.cpuRatio.toFixed(2)}\n`);
}
process.stdout.write('(req/s and p99 move with whatever else runs on this machine; CPU per request, summed over\n' +
  ' server, PostgreSQL and autocannon, moves less and predicts the req/s ratio on a CPU-bound machine)\n');

const out = join(root, '.bench/core.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({
  startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', node: process.version, loadAverageAtStart: loadAtStart },
  options: { ...opts, databaseUrl: undefined }, servers: SERVERS.map((x) => x.name),
  results: measured, ratios,
}, null, 2)}\n`);
process.stdout.write(`results written to ${out}\n`);
