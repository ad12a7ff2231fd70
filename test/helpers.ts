// Test harness: a fresh database per test file (in-memory PGlite, or a new database on the
// PostgreSQL server at DATABASE_URL), the app built on it, and helpers to sign in and set up data.
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config.ts';
import { openDb, type Db } from '../src/platform/db/index.ts';
import { migrate } from '../src/migrations.ts';
import { seedCatalogue } from '../src/demo/seed.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import { ManualClock } from '../src/platform/ports.ts';
import type { StaffRole } from '../src/businesses/registry.ts';
import { buildServices, type Services } from '../src/container.ts';
import { buildApp } from '../src/app.ts';

export interface TestEnv {
  app: FastifyInstance;
  s: Services;
  db: Db;
  clock: ManualClock;
  config: Config;
  databaseUrl: string | undefined;
  close(): Promise<void>;
}

/** A database of its own for one test file: a fresh one on the server, or in-memory PGlite. */
export async function freshDatabase(): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) return { url: undefined, drop: async () => {} };
  const name = `omnihall_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      // pg's pool.end() resolves once its clients are told to end, not once they have gone: a
      // forced drop before then kills them mid-goodbye and their error has no listener left.
      for (let i = 0; i < 100; i++) {
        const r = await c.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name]);
        if (Number(r.rows[0]!.n) === 0) break;
        await new Promise((done) => setTimeout(done, 20));
      }
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function startTestEnv(opts: { now?: Date; demo?: boolean; payment?: Partial<Config['payment']> } = {}): Promise<TestEnv> {
  const fresh = await freshDatabase();
  // Tests sign many subscribers in from 127.0.0.1, as a shop's kiosk does: exempt from the limits
  // per address (test/auth-hardening.test.ts checks those from other addresses).
  const config: Config = { ...loadConfig({}), databaseUrl: fresh.url, dataDir: 'memory://', demo: opts.demo ?? true, dbPoolSize: 10, signInLimitExempt: ['127.0.0.1'] };
  // A test's payment settings (Alipay pointed at the local gateway of test/fixtures/alipay-gateway.ts).
  if (opts.payment) config.payment = { ...config.payment, ...opts.payment };
  const opened = await openDb({ databaseUrl: fresh.url, dataDir: 'memory://', poolSize: 10 });
  await migrate(opened.db);
  await seedCatalogue(opened.db);
  const clock = new ManualClock(opts.now ?? new Date('2026-11-15T02:00:00Z'));
  const s = await buildServices(config, opened.db, { clock, defaultMetrics: false });
  const app = await buildApp(s);
  await app.ready();
  return {
    app, s, db: opened.db, clock, config, databaseUrl: fresh.url,
    async close() {
      await app.close();
      await s.close();
      await opened.close();
      await fresh.drop();
    },
  };
}

let nextMsisdn = 13900000000;

export interface NewSubscriber {
  msisdn?: string;
  type?: 'prepaid' | 'postpaid';
  balanceFen?: number;
  creditLimitFen?: number;
  planId?: string;
  status?: 'active' | 'suspended' | 'closed';
  points?: number;
}

/** Adds a subscriber with an account whose opening balance is in the ledger. */
export async function addSubscriber(db: Db, n: NewSubscriber = {}): Promise<{ id: number; msisdn: string }> {
  const msisdn = n.msisdn ?? String(++nextMsisdn);
  const planId = n.planId ?? (await db.selectFrom('offering').select('id').where('kind', '=', 'plan').where('lifecycleStatus', '=', 'Launched').orderBy('id').executeTakeFirstOrThrow()).id;
  const balanceFen = n.balanceFen ?? 10_000;
  return db.transaction().execute(async (trx) => {
    const sub = await trx.insertInto('subscriber').values({
      msisdn, name: '测试用户', realNameVerified: true, status: n.status ?? 'active', city: '广州', planId,
      pendingPlanId: null, pendingPlanFrom: null, joinedOn: '2020-01-01', language: 'zh-CN',
    }).returning('id').executeTakeFirstOrThrow();
    const acc = await trx.insertInto('account').values({
      subscriberId: sub.id, type: n.type ?? 'prepaid', balanceFen, creditLimitFen: n.creditLimitFen ?? 0,
    }).returning('id').executeTakeFirstOrThrow();
    await trx.insertInto('ledgerEntry').values({
      accountId: acc.id, kind: 'opening', amountFen: balanceFen, balanceAfterFen: balanceFen, channel: 'test', reference: null, noteZh: '期初余额', noteEn: 'Opening balance',
    }).execute();
    if (n.points) {
      await trx.insertInto('pointsEntry').values({ subscriberId: sub.id, delta: n.points, reason: 'bonus', reference: null, noteZh: '测试', noteEn: 'test' }).execute();
    }
    return { id: sub.id, msisdn };
  });
}

/** Signs a subscriber in the way a person does: request a code, read it from the SMS outbox. */
export async function signIn(env: TestEnv, msisdn: string): Promise<string> {
  const otp = await env.app.inject({ method: 'POST', url: '/api/v1/auth/otp', payload: { msisdn } });
  if (otp.statusCode !== 202) throw new Error(`otp failed: ${otp.statusCode} ${otp.body}`);
  const code = await lastCode(env, msisdn);
  const tok = await env.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { msisdn, code } });
  if (tok.statusCode !== 200) throw new Error(`token failed: ${tok.statusCode} ${tok.body}`);
  return tok.json().token as string;
}

export async function lastCode(env: TestEnv, msisdn: string): Promise<string> {
  const out = await env.app.inject({ method: 'GET', url: `/api/v1/demo/sms-outbox?msisdn=${msisdn}` });
  const text = out.json().messages[0]?.text as string | undefined;
  const code = text?.match(/(\d{6})/)?.[1];
  if (!code) throw new Error(`no code in outbox for ${msisdn}: ${out.body}`);
  return code;
}

/** A token for a new staff user with the given roles. */
export async function staffToken(env: TestEnv, roles: StaffRole[]): Promise<string> {
  const username = `staff${Math.random().toString(36).slice(2, 8)}`;
  await createStaffUser(env.db, { username, displayName: username, password: 'correct horse battery', roles });
  const r = await env.app.inject({ method: 'POST', url: '/api/v1/auth/staff/token', payload: { username, password: 'correct horse battery' } });
  if (r.statusCode !== 200) throw new Error(`staff sign-in failed: ${r.body}`);
  return r.json().token as string;
}

/** Calls a business over REST. */
export function callBusiness(env: TestEnv, token: string, id: string, body: Record<string, unknown> = {}, idempotencyKey?: string) {
  return env.app.inject({
    method: 'POST', url: `/api/v1/businesses/${id}`, payload: body,
    headers: { authorization: `Bearer ${token}`, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
  });
}

/** Account balance and the ledger's sum, which must always agree. */
export async function balanceAndLedger(db: Db, subscriberId: number): Promise<{ balanceFen: number; ledgerFen: number }> {
  const acc = await db.selectFrom('account').select(['id', 'balanceFen']).where('subscriberId', '=', subscriberId).executeTakeFirstOrThrow();
  const sum = await db.selectFrom('ledgerEntry').select((eb) => eb.fn.sum<number>('amountFen').as('total')).where('accountId', '=', acc.id).executeTakeFirstOrThrow();
  return { balanceFen: acc.balanceFen, ledgerFen: Number(sum.total) };
}
