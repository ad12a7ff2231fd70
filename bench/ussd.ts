// USSD benchmark: hops per second and p99 latency, 200 concurrent sessions walking balance → packs →
// subscribe (confirm), omnihall beside the same menu built on `ussd-menu-builder` over Express with
// plain `pg`, both on one scratch PostgreSQL database, both over HTTP on loopback, in one run.
//
//   npx tsx bench/ussd.ts            DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test)
//                                    names the server; a scratch database is created and dropped.
//   BENCH_WALKS=2000 BENCH_CONCURRENCY=200 BENCH_STEPS=1 (p50 of each step of the walk).
//   BENCH_PROFILE=1 writes each server's CPU profile of its measured walks to .bench/profiles/
//   (read one with: npx tsx bench/profile-summary.ts .bench/profiles/ussd-omnihall.cpuprofile).
//
// Each server runs in a child process of its own (bench/lib/child.ts) so the load generator here
// does not share its event loop: omnihall is bench/omnihall-server.ts, as it ships, with its
// session store, limits and the batched interaction log on; the peer is this file in child mode.
// Besides hops/s and latency it reports SQL statements, server CPU and PostgreSQL CPU per hop.
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { BENCH_GATEWAY_TOKEN, readServerArgs, serveParent, startServer, type RunningServer } from './lib/child.ts';
import { BackendCpu, backendDelta } from './lib/cpu.ts';
import { countDriverQueries, queryCount } from './lib/query-counter.ts';

const SELF = fileURLToPath(import.meta.url);
const OMNIHALL_SERVER = join(dirname(SELF), 'omnihall-server.ts');
const PROFILES = join(dirname(SELF), '..', '.bench', 'profiles');
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 200);
const WALKS = Number(process.env.BENCH_WALKS ?? 2000);
const WARMUP_WALKS = Math.min(400, WALKS);
const POOL = 20;
const DEADLINE_MS = 180_000;

/** The walk, as the gateway's cumulative `text`: dial, balance, home, order a pack, first pack, confirm. */
const WALK = ['', '1', '1*00', '1*00*8', '1*00*8*1', '1*00*8*1*1'];

// ---------------------------------------------------------------------------------------------
// The peer: the same menu on ussd-menu-builder + Express, reading omnihall's tables with plain pg.

async function servePeer(databaseUrl: string, poolSize: number): Promise<{ server: http.Server; close(): Promise<void> }> {
  const { default: express } = await import('express');
  const { default: UssdMenu } = await import('ussd-menu-builder');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  pg.types.setTypeParser(20, Number);

  const HOME = '请选择业务\n1.话费余额查询\n2.套餐余量查询\n3.账单查询\n4.已订业务查询\n5.积分查询\n6.可订业务\n98下页 99 English';
  const yuanText = (fen: number) => `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}元`;

  interface Pack { id: string; nameZh: string; priceFen: number; validityDays: number | null }

  /** The packs this subscriber may order on USSD, cheapest first, as omnihall's packs.list does. */
  async function packsFor(msisdn: string): Promise<{ subscriberId: number; packs: Pack[] } | null> {
    const s = await pool.query<{ id: number; status: string; plan_id: string; type: string }>(
      'select s.id, s.status, s.plan_id, a.type from subscriber s join account a on a.subscriber_id = s.id where s.msisdn = $1', [msisdn]);
    const sub = s.rows[0];
    if (!sub) return null;
    const [offers, have] = await Promise.all([
      pool.query<{ id: string; name_zh: string; amount_fen: number; validity_days: number | null; channels: string[]; eligibility: { plans?: string[]; accountTypes?: string[]; statuses?: string[] } }>(
        `select o.id, o.name_zh, p.amount_fen, o.validity_days, o.channels, o.eligibility from offering o join offering_price p on p.id = o.price_id
         where o.kind in ('data_pack','voice_pack','sms_pack','vas') and o.lifecycle_status = 'Launched' order by p.amount_fen, o.id`),
      pool.query<{ offering_id: string }>(
        `select offering_id from subscription where subscriber_id = $1 and status = 'active' and (ends_at is null or ends_at > now())`, [sub.id]),
    ]);
    const owned = new Set(have.rows.map((r) => r.offering_id));
    const packs = offers.rows
      .filter((o) => !owned.has(o.id) && o.channels.includes('ussd')
        && (o.eligibility.statuses ?? ['active']).includes(sub.status)
        && (!o.eligibility.plans || o.eligibility.plans.includes(sub.plan_id))
        && (!o.eligibility.accountTypes || o.eligibility.accountTypes.includes(sub.type)))
      .map((o) => ({ id: o.id, nameZh: o.name_zh, priceFen: o.amount_fen, validityDays: o.validity_days }));
    return { subscriberId: sub.id, packs };
  }

  function msisdnOf(menu: InstanceType<typeof UssdMenu>): string {
    return menu.args.phoneNumber.replace(/^\+?86/, '');
  }

  function defineMenu(menu: InstanceType<typeof UssdMenu>): void {
    const fail = (e: unknown) => {
      console.error(e);
      menu.end('系统繁忙，请稍后再试');
    };
    menu.startState({
      run: () => {
        pool.query('select 1 from subscriber where msisdn = $1', [msisdnOf(menu)])
          .then((r) => (r.rowCount ? menu.con(HOME) : menu.end('您好，本服务仅限本网用户使用。')), fail);
      },
      next: { '1': 'balance', '8': 'subscribe' },
    });
    menu.state('balance', {
      run: () => {
        pool.query<{ balance_fen: number }>('select a.balance_fen from subscriber s join account a on a.subscriber_id = s.id where s.msisdn = $1', [msisdnOf(menu)])
          .then((r) => menu.con(`您的余额为${yuanText(r.rows[0]?.balance_fen ?? 0)}\n0返回 00首页`), fail);
      },
      next: { '0': '__start__', '00': '__start__' },
    });
    menu.state('subscribe', {
      run: () => {
        packsFor(msisdnOf(menu)).then((r) => {
          const lines = (r?.packs ?? []).slice(0, 5).map((p, i) => `${i + 1}.${p.nameZh} ${yuanText(p.priceFen)}`);
          menu.con(`订购业务：请选择\n${lines.join('\n')}\n98下页 0返回 00首页`);
        }, fail);
      },
      next: { '*^[1-9][0-9]?$': 'subscribe.quote', '0': '__start__', '00': '__start__' },
    });
    menu.state('subscribe.quote', {
      run: () => {
        packsFor(msisdnOf(menu)).then((r) => {
          const p = r?.packs[Number(menu.val) - 1];
          if (!p) return menu.con('选项无效，请重选');
          menu.con(`订购${p.nameZh}，扣费${yuanText(p.priceFen)}\n1.确认办理\n2.取消\n0返回 00首页`);
        }, fail);
      },
      next: { '1': 'subscribe.confirm', '2': '__start__' },
    });
    menu.state('subscribe.confirm', {
      run: () => {
        const parts = menu.args.text.split('*');
        const choice = Number(parts[parts.length - 2]);
        packsFor(msisdnOf(menu)).then(async (r) => {
          const p = r?.packs[choice - 1];
          if (!r || !p) return menu.end('选项无效');
          const c = await pool.connect();
          try {
            await c.query('begin');
            const acc = await c.query<{ id: number; balance_fen: number }>(
              `update account set balance_fen = balance_fen - $2, updated_at = now()
               where subscriber_id = $1 and balance_fen + credit_limit_fen - $2 >= 0 returning id, balance_fen`, [r.subscriberId, p.priceFen]);
            const a = acc.rows[0];
            if (!a) {
              await c.query('rollback');
              return menu.end('余额不足');
            }
            await c.query(`insert into ledger_entry (account_id, kind, amount_fen, balance_after_fen, channel, reference, note_zh, note_en)
                           values ($1, 'charge', $2, $3, 'ussd', null, $4, $5)`, [a.id, -p.priceFen, a.balance_fen, `订购${p.nameZh}`, `Ordered ${p.id}`]);
            await c.query(`insert into subscription (subscriber_id, offering_id, status, starts_at, ends_at)
                           values ($1, $2, 'active', now(), case when $3::int is null then null else now() + make_interval(days => $3::int) end)`,
              [r.subscriberId, p.id, p.validityDays]);
            if (p.priceFen >= 100) {
              await c.query(`insert into points_entry (subscriber_id, delta, reason, reference, note_zh, note_en) values ($1, $2, 'earned', null, $3, $4)`,
                [r.subscriberId, Math.trunc(p.priceFen / 100), `订购${p.nameZh}`, `Ordered ${p.id}`]);
            }
            await c.query('commit');
            menu.end(`已订购${p.nameZh}，扣费${yuanText(p.priceFen)}，余额${yuanText(a.balance_fen)}`);
          } catch (e) {
            await c.query('rollback').catch(() => {});
            throw e;
          } finally {
            c.release();
          }
        }).catch(fail);
      },
    });
  }

  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post('/ussd', async (req, res) => {
    // One menu per request: the library keeps the request's args and result on the instance, so
    // a shared one would mix up concurrent sessions.
    const menu = new UssdMenu();
    menu.on('error', (e: unknown) => {
      console.error(e);
      res.type('text/plain').send('END 系统繁忙');
    });
    defineMenu(menu);
    res.type('text/plain').send(await menu.run(req.body));
  });
  const server = app.listen(0, '127.0.0.1');
  // Fastify's keep-alive (72 s) rather than Node's 5 s, so neither server drops a reused
  // connection just as the load generator sends on it.
  server.keepAliveTimeout = 72_000;
  await once(server, 'listening');
  return {
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The scratch database and its subscribers: one fresh subscriber per walk, so every walk does the
// same work (the same first pack, a balance that covers it).

async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `omnihall_bench_ussd_${process.pid}`;
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: BASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

async function prepare(url: string, perSystem: number): Promise<void> {
  const { openDb } = await import('../src/platform/db/index.ts');
  const { migrate } = await import('../src/migrations.ts');
  const { seedCatalogue } = await import('../src/demo/seed.ts');
  const opened = await openDb({ databaseUrl: url, dataDir: 'memory://' });
  await migrate(opened.db);
  await seedCatalogue(opened.db);
  await opened.close();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  for (const prefix of [13600000000, 13700000000]) {
    await c.query(`insert into subscriber (msisdn, name, real_name_verified, status, city, plan_id, joined_on, language)
                   select ($1::bigint + g)::text, '压测用户', true, 'active', '广州', 'PLAN-4G-58', '2020-01-01', 'zh-CN' from generate_series(1, $2::int) g`, [prefix, perSystem]);
  }
  await c.query(`insert into account (subscriber_id, type, balance_fen, credit_limit_fen) select id, 'prepaid', 100000, 0 from subscriber`);
  await c.query(`insert into ledger_entry (account_id, kind, amount_fen, balance_after_fen, channel, reference, note_zh, note_en)
                 select id, 'opening', 100000, 100000, 'bench', null, '期初余额', 'Opening balance' from account`);
  await c.query('analyze');
  await c.end();
}

// ---------------------------------------------------------------------------------------------
// Load: CONCURRENCY sessions at a time, each a whole walk of six hops, every hop checked.

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(port: number, path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path, method: 'POST', agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface RunResult {
  hops: number;
  seconds: number;
  latencies: Float64Array;
  /** Latencies of each step of the walk, for seeing which hop costs what. */
  bySteps: number[][];
  errors: string[];
}

async function load(port: number, path: string, msisdnBase: number, first: number, walks: number, tag: string): Promise<RunResult> {
  const latencies = new Float64Array(walks * WALK.length);
  const bySteps: number[][] = WALK.map(() => []);
  const errors: string[] = [];
  let next = 0;
  let hops = 0;
  const deadline = Date.now() + DEADLINE_MS;
  const started = performance.now();
  async function worker(): Promise<void> {
    while (next < walks && Date.now() < deadline) {
      const i = next++;
      const fields = { sessionId: `${tag}-${first + i}`, serviceCode: '*100#', phoneNumber: `+86${msisdnBase + first + i + 1}` };
      for (const [step, text] of WALK.entries()) {
        const t0 = performance.now();
        const r = await post(port, path, new URLSearchParams({ ...fields, text }).toString())
          .catch((e: Error) => ({ status: 0, text: `${e.message}` }));
        latencies[hops++] = performance.now() - t0;
        bySteps[step]!.push(latencies[hops - 1]!);
        const last = step === WALK.length - 1;
        const ok = r.status === 200 && (last ? /^END 已订购/.test(r.text) : /^CON /.test(r.text));
        if (!ok) {
          if (errors.length < 5) errors.push(`hop ${step} (${JSON.stringify(text)}): ${r.status} ${r.text.slice(0, 80)}`);
          else errors.push('');
          break;
        }
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { hops, seconds: (performance.now() - started) / 1000, latencies: latencies.subarray(0, hops), bySteps, errors };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Figures {
  name: string;
  hopsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  hops: number;
  statementsPerHop: number;
  /** The server's own CPU per hop, µs. */
  serverUsPerHop: number;
  /** Its PostgreSQL backends' CPU per hop, µs (NaN when the server is not on this machine). */
  postgresUsPerHop: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The scratch database URL with an application_name, so PostgreSQL CPU can be told apart per server. */
function tagged(url: string, appName: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', appName);
  return u.toString();
}

async function measure(name: string, role: 'omnihall' | 'peer', url: string, path: string, msisdnBase: number, pgCpu: BackendCpu): Promise<Figures> {
  const appName = `omnihall-bench-ussd-${role}`;
  const srv: RunningServer = await startServer(role === 'omnihall' ? OMNIHALL_SERVER : SELF, {
    db: 'postgres', databaseUrl: tagged(url, appName), dataDir: '', poolSize: POOL, logLevel: 'silent',
  }, join(os.tmpdir(), `omnihall-bench-ussd-${role}.log`));
  try {
    await load(srv.port, path, msisdnBase, 0, WARMUP_WALKS, `${role}-warm`);
    await pause(300); // the interaction log's last batch of the warm-up
    const profile = process.env.BENCH_PROFILE ? join(PROFILES, `ussd-${role}.cpuprofile`) : undefined;
    if (profile) {
      mkdirSync(PROFILES, { recursive: true });
      await srv.profile();
    }
    const [s0, pg0] = [await srv.stats(), await pgCpu.sample(appName)];
    const r = await load(srv.port, path, msisdnBase, WARMUP_WALKS, WALKS, role);
    await pause(300);
    if (profile) await srv.profile(profile);
    const [s1, pg1] = [await srv.stats(), await pgCpu.sample(appName)];
    for (const e of r.errors.filter(Boolean)) console.error(`  ${name}: ${e}`);
    const sorted = Float64Array.from(r.latencies).sort();
    if (process.env.BENCH_STEPS) {
      console.log(`  ${name} p50 per step (ms): ${r.bySteps.map((l) => percentile(Float64Array.from(l).sort(), 50).toFixed(0)).join(' / ')}`);
    }
    return {
      name, hopsPerSecond: r.hops / r.seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99),
      errors: r.errors.length, hops: r.hops,
      statementsPerHop: (s1.queries - s0.queries) / r.hops,
      serverUsPerHop: (s1.cpuUs - s0.cpuUs) / r.hops,
      postgresUsPerHop: backendDelta(pg0, pg1) / r.hops,
    };
  } finally {
    await srv.stop();
  }
}

async function main(): Promise<void> {
  const db = await scratchDatabase();
  const pgCpu = await BackendCpu.open(db.url);
  try {
    const version = await (async () => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const v = (await c.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?';
      await c.end();
      return v;
    })();
    await prepare(db.url, WARMUP_WALKS + WALKS);
    console.log(`USSD hops: ${CONCURRENCY} concurrent sessions, ${WALKS} walks each (+${WARMUP_WALKS} warm-up), ${WALK.length} hops a walk`);
    console.log(`walk: dial → balance → home → order a pack → first pack → confirm; PostgreSQL ${version}, pool ${POOL} each`);
    console.log('omnihall as it ships: in-process session store, interaction log on');
    // Both share this machine with PostgreSQL and the load generator: say how busy it was.
    console.log(`machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    const omni = await measure('omnihall', 'omnihall', db.url, `/channels/ussd/africastalking?token=${BENCH_GATEWAY_TOKEN}`, 13600000000, pgCpu);
    const peer = await measure('ussd-menu-builder', 'peer', db.url, '/ussd', 13700000000, pgCpu);
    const cols: [string, number, (f: Figures) => string][] = [
      ['system', 20, (f) => f.name],
      ['hops/s', 9, (f) => f.hopsPerSecond.toFixed(0)],
      ['p50 ms', 9, (f) => f.p50.toFixed(1)],
      ['p99 ms', 9, (f) => f.p99.toFixed(1)],
      ['SQL/hop', 9, (f) => f.statementsPerHop.toFixed(2)],
      ['server µs/hop', 15, (f) => f.serverUsPerHop.toFixed(0)],
      ['postgres µs/hop', 17, (f) => f.postgresUsPerHop.toFixed(0)],
      ['hops', 8, (f) => String(f.hops)],
      ['errors', 8, (f) => String(f.errors)],
    ];
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(cols[i]![1]) : c.padStart(cols[i]![1]))).join('');
    console.log(line(cols.map((c) => c[0])));
    for (const f of [omni, peer]) console.log(line(cols.map((c) => c[2](f))));
    if (omni.errors || peer.errors) {
      // Failed hops are fast: a ratio over them would mean nothing.
      console.log(`\nno ratio: ${omni.errors} omnihall and ${peer.errors} ussd-menu-builder hops failed (first errors above)`);
      process.exitCode = 1;
    } else {
      const ratio = omni.hopsPerSecond / peer.hopsPerSecond;
      console.log(`\nomnihall / ussd-menu-builder: ${ratio.toFixed(2)}× hops/s, p99 ${(omni.p99 / peer.p99).toFixed(2)}× (target ≥ 2× hops/s: ${ratio >= 2 ? 'met' : 'not met'})`);
    }
  } finally {
    agent.destroy();
    await pgCpu.close();
    await db.drop();
  }
}

if (process.send) {
  // Child mode: the peer server, started by measure() through bench/lib/child.ts.
  countDriverQueries();
  const args = readServerArgs();
  const peer = await servePeer(args.databaseUrl!, args.poolSize);
  serveParent(peer.server, { queries: queryCount, close: peer.close });
} else {
  await main();
}
