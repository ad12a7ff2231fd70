// The demo generator: deterministic, idempotent, resumable, and its money adds up.
// Runs on in-memory PGlite; also on PostgreSQL when DATABASE_URL is set (in scratch databases
// it creates and drops, so the database DATABASE_URL names is left alone).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { freshDatabase } from '../../test/helpers.ts';
import { openDb, type Db } from '../platform/db/index.ts';
import { migrate } from '../migrations.ts';
import { cycleMonthsAgo, cycleOf } from '../platform/cycle.ts';
import { DEMO_OFFERINGS as OFFERINGS } from '../modules/catalogue/index.ts';
import { DEMO_REWARDS as REWARDS } from '../modules/subscriber/index.ts';
import { Rng } from './random.ts';
import { DEMO_NUMBERS, seedCatalogue, seedDemo } from './seed.ts';

const NOW = new Date('2026-05-14T03:30:00Z');
const SEED = 20071009;
const N = 200;

interface Fresh {
  db: Db;
  close(): Promise<void>;
}

async function freshPglite(): Promise<Fresh> {
  const o = await openDb({ dataDir: 'memory://' });
  await migrate(o.db);
  return { db: o.db, close: o.close };
}

async function freshPostgres(): Promise<Fresh> {
  const fresh = await freshDatabase();
  const o = await openDb({ databaseUrl: fresh.url, dataDir: 'memory://', poolSize: 4 });
  await migrate(o.db);
  return {
    db: o.db,
    async close() {
      await o.close();
      await fresh.drop();
    },
  };
}

async function snapshot(db: Db) {
  const { rows } = await sql<Record<string, unknown>>`
    select s.id, s.msisdn, s.name, s.status, s.city, s.plan_id, s.joined_on, a.type, a.balance_fen, a.credit_limit_fen,
      (select count(*) from ledger_entry l where l.account_id = a.id) as ledger,
      (select coalesce(sum(total_fen), 0) from bill b where b.subscriber_id = s.id) as billed,
      (select coalesce(sum(delta), 0) from points_entry p where p.subscriber_id = s.id) as points,
      (select count(*) from interaction i where i.subscriber_id = s.id) as interactions,
      (select string_agg(offering_id || ':' || status, ',' order by offering_id, starts_at) from subscription x where x.subscriber_id = s.id) as subs
    from subscriber s join account a on a.subscriber_id = s.id order by s.id`.execute(db);
  return rows;
}

async function one<T>(db: Db, q: ReturnType<typeof sql<T>>): Promise<T> {
  const { rows } = await q.execute(db);
  return rows[0]!;
}

function backend(label: string, fresh: () => Promise<Fresh>, skip: boolean) {
  describe(`demo generator on ${label}`, { skip }, () => {
    const opened: Fresh[] = [];
    async function seeded(seed = SEED): Promise<Db> {
      const f = await fresh();
      opened.push(f);
      const r = await seedDemo(f.db, { subscribers: N, seed, now: NOW });
      assert.deepEqual({ created: r.created, subscribers: r.subscribers }, { created: true, subscribers: N });
      return f.db;
    }
    after(async () => {
      for (const f of opened) await f.close();
    });

    let a: Db;
    let sa: Awaited<ReturnType<typeof snapshot>>;
    it('seeds the catalogue idempotently and the subscribers', async () => {
      a = await seeded();
      sa = await snapshot(a);
      assert.equal(sa.length, N);
      await seedCatalogue(a);
      const n = await one(a, sql<{ n: number }>`select count(*) as n from offering`);
      assert.equal(Number(n.n), OFFERINGS.length);
      const o = await a.selectFrom('offering').selectAll().where('code', '=', 'LL1G').executeTakeFirstOrThrow();
      assert.equal(o.id, 'PK-DATA-1G');
      assert.deepEqual(o.channels, [...OFFERINGS.find((x) => x.id === 'PK-DATA-1G')!.channels]);
    });

    it('another seed gives other subscribers but the same three fixed numbers', async () => {
      const c = await seeded(SEED + 1);
      const msisdns = (await snapshot(c)).map((r) => r.msisdn);
      const ours = (await snapshot(a)).map((r) => r.msisdn);
      assert.deepEqual(msisdns.slice(0, 3), ours.slice(0, 3));
      assert.notDeepEqual(msisdns.slice(3), ours.slice(3));
    });

    it('has valid, unique numbers', async () => {
      const rows = await snapshot(a);
      const numbers = rows.map((r) => String(r.msisdn));
      assert.equal(new Set(numbers).size, numbers.length);
      for (const n of numbers) assert.match(n, /^1(3[0-9]|5[0-9]|8[0-9])[0-9]{8}$/);
      assert.deepEqual(numbers.slice(0, 3), [DEMO_NUMBERS.prepaid, DEMO_NUMBERS.postpaid, DEMO_NUMBERS.suspended]);
      const prepaid = rows.filter((r) => r.type === 'prepaid').length;
      assert.ok(prepaid > N * 0.6 && prepaid < N * 0.8, `prepaid share ${prepaid}/${N}`);
    });

    it('13800000001 is a well-off prepaid subscriber with packs, points and six bills', async () => {
      const s = await one(a, sql<{ id: number; status: string; realNameVerified: boolean; planId: string; type: string; balanceFen: number }>`
        select s.id, s.status, s.real_name_verified, s.plan_id, a.type, a.balance_fen
        from subscriber s join account a on a.subscriber_id = s.id where s.msisdn = ${DEMO_NUMBERS.prepaid}`);
      assert.equal(s.status, 'active');
      assert.equal(s.realNameVerified, true);
      assert.equal(s.planId, 'PLAN-4G-58');
      assert.equal(s.type, 'prepaid');
      assert.ok(s.balanceFen >= 5000, `balance ${s.balanceFen}`);
      const points = await one(a, sql<{ n: number }>`select sum(delta) as n from points_entry where subscriber_id = ${s.id}`);
      assert.ok(Number(points.n) >= 600, `points ${points.n}`);
      const packs = await one(a, sql<{ n: number }>`select count(*) as n from subscription where subscriber_id = ${s.id} and status = 'active'`);
      assert.ok(Number(packs.n) >= 2);
      const bills = await one(a, sql<{ n: number }>`select count(*) as n from bill where subscriber_id = ${s.id}`);
      assert.equal(Number(bills.n), 6);
    });

    it('13800000002 is postpaid with a credit limit and an unpaid latest bill; 13800000003 is suspended', async () => {
      const p = await one(a, sql<{ id: number; type: string; creditLimitFen: number; balanceFen: number }>`
        select s.id, a.type, a.credit_limit_fen, a.balance_fen from subscriber s join account a on a.subscriber_id = s.id
        where s.msisdn = ${DEMO_NUMBERS.postpaid}`);
      assert.equal(p.type, 'postpaid');
      assert.ok(p.creditLimitFen > 0);
      assert.ok(p.balanceFen < 0 && p.balanceFen + p.creditLimitFen >= 0);
      const latest = await one(a, sql<{ status: string; month: string }>`
        select status, month from bill where subscriber_id = ${p.id} order by month desc limit 1`);
      assert.deepEqual(latest, { status: 'unpaid', month: cycleMonthsAgo(NOW, 1) });
      const s = await one(a, sql<{ status: string; balanceFen: number }>`
        select s.status, a.balance_fen from subscriber s join account a on a.subscriber_id = s.id where s.msisdn = ${DEMO_NUMBERS.suspended}`);
      assert.equal(s.status, 'suspended');
      assert.ok(s.balanceFen < 3800);
    });

    it('every balance is the sum of its ledger, entry by entry', async () => {
      const bad = await sql`
        select a.id from account a left join ledger_entry l on l.account_id = a.id
        group by a.id, a.balance_fen having a.balance_fen <> coalesce(sum(l.amount_fen), 0)`.execute(a);
      assert.equal(bad.rows.length, 0);
      const running = await sql`
        select * from (
          select balance_after_fen, sum(amount_fen) over (partition by account_id order by created_at, id) as running
          from ledger_entry) x where balance_after_fen <> running`.execute(a);
      assert.equal(running.rows.length, 0);
      const openings = await one(a, sql<{ n: number }>`select count(*) as n from ledger_entry where kind = 'opening'`);
      assert.equal(Number(openings.n), N);
      const negativePrepaid = await sql`
        select l.id from ledger_entry l join account a on a.id = l.account_id where a.type = 'prepaid' and l.balance_after_fen < 0`.execute(a);
      assert.equal(negativePrepaid.rows.length, 0);
    });

    it('every bill total is the sum of its items, and bills cover the six past months only', async () => {
      const bad = await sql`
        select b.id from bill b left join bill_item i on i.bill_id = b.id
        group by b.id, b.total_fen having b.total_fen <> coalesce(sum(i.amount_fen), 0)`.execute(a);
      assert.equal(bad.rows.length, 0);
      const months = await sql<{ month: string }>`select distinct month from bill order by month`.execute(a);
      const expected = [6, 5, 4, 3, 2, 1].map((k) => cycleMonthsAgo(NOW, k));
      assert.deepEqual(months.rows.map((r) => r.month), expected);
      const unpaidOld = await sql`select id from bill where status = 'unpaid' and month <> ${expected[5]}`.execute(a);
      assert.equal(unpaidOld.rows.length, 0);
    });

    it('usage counters cover this cycle and the five before it', async () => {
      const cycles = await sql<{ cycle: string }>`select distinct cycle from usage_counter order by cycle`.execute(a);
      assert.deepEqual(cycles.rows.map((r) => r.cycle), [5, 4, 3, 2, 1, 0].map((k) => cycleMonthsAgo(NOW, k)));
      assert.equal(cycleMonthsAgo(NOW, 0), cycleOf(NOW));
    });

    it('subscriptions: at most one active per offering, none ended, only launched offerings ordered', async () => {
      const dup = await sql`
        select subscriber_id, offering_id from subscription where status = 'active'
        group by 1, 2 having count(*) > 1`.execute(a);
      assert.equal(dup.rows.length, 0);
      const ended = await sql`select id from subscription where status = 'active' and ends_at is not null and ends_at <= ${NOW}`.execute(a);
      assert.equal(ended.rows.length, 0);
      const notLaunched = await sql`
        select s.id from subscription s join offering o on o.id = s.offering_id
        where o.lifecycle_status <> 'Launched' or o.kind = 'plan'`.execute(a);
      assert.equal(notLaunched.rows.length, 0);
      const beforeLaunch = await sql`
        select s.id from subscription s join offering o on o.id = s.offering_id where s.starts_at < o.created_at`.execute(a);
      assert.equal(beforeLaunch.rows.length, 0);
    });

    it('nothing happens in the future, and points never go negative', async () => {
      const future = await one(a, sql<{ n: number }>`
        select (select count(*) from ledger_entry where created_at > ${NOW}) + (select count(*) from interaction where at > ${NOW})
          + (select count(*) from subscription where starts_at > ${NOW} or cancelled_at > ${NOW})
          + (select count(*) from points_entry where created_at > ${NOW}) + (select count(*) from usage_counter where updated_at > ${NOW})
          + (select count(*) from subscriber where created_at > ${NOW} or updated_at > ${NOW}) as n`);
      assert.equal(Number(future.n), 0);
      const negative = await sql`
        select * from (select sum(delta) over (partition by subscriber_id order by created_at, id) as running from points_entry) x
        where running < 0`.execute(a);
      assert.equal(negative.rows.length, 0);
    });

    it('the interaction log has a realistic channel and outcome mix', async () => {
      const { rows } = await sql<{ channel: string; n: number }>`select channel, count(*) as n from interaction group by 1`.execute(a);
      const by = Object.fromEntries(rows.map((r) => [r.channel, Number(r.n)]));
      assert.deepEqual(Object.keys(by).sort(), ['agent', 'ivr', 'kiosk', 'mobile', 'sms', 'ussd', 'web']);
      const total = Object.values(by).reduce((x, y) => x + y, 0);
      assert.ok(total > N * 6 * 2, `only ${total} interactions`);
      assert.ok((by.sms! + by.ussd! + by.ivr!) / total > 0.4);
      const errors = await one(a, sql<{ n: number }>`select count(*) as n from interaction where outcome = 'error' and error_code is null`);
      assert.equal(Number(errors.n), 0);
    });

    it('a second call creates nothing, and the identity sequences are past the seeded ids', async () => {
      const before = await snapshot(a);
      const again = await seedDemo(a, { subscribers: 50, seed: 1, now: new Date() });
      assert.deepEqual(again, { created: false, subscribers: N });
      assert.deepEqual(await snapshot(a), before);
      const s = await a.insertInto('subscriber')
        .values({
          msisdn: '13000000000', name: '测试', realNameVerified: true, status: 'active', city: '广州', planId: 'PLAN-4G-38',
          pendingPlanId: null, pendingPlanFrom: null, joinedOn: '2026-05-01', language: 'zh-CN',
        })
        .returning('id').executeTakeFirstOrThrow();
      assert.equal(s.id, N + 1);
      const acct = await a.insertInto('account').values({ subscriberId: s.id, type: 'prepaid', balanceFen: 0, creditLimitFen: 0 }).returning('id').executeTakeFirstOrThrow();
      assert.equal(acct.id, N + 1);
      const bill = await a.insertInto('bill')
        .values({ subscriberId: s.id, month: '2026-04', totalFen: 0, status: 'paid', issuedOn: '2026-05-01', dueOn: '2026-05-20' })
        .returning('id').executeTakeFirstOrThrow();
      assert.ok(bill.id > N * 6);
    });

    // also the determinism check: another database, another batch size, an interruption, same data
    it('an interrupted run resumes with its own seed and gives the same data', async () => {
      const f = await fresh();
      opened.push(f);
      await assert.rejects(seedDemo(f.db, {
        subscribers: N, seed: SEED, now: NOW, batchSize: 60,
        onProgress: (done) => { if (done === 120) throw new Error('killed'); },
      }), /killed/);
      const partial = await one(f.db, sql<{ n: number }>`select count(*) as n from subscriber`);
      assert.equal(Number(partial.n), 120);
      const resumed = await seedDemo(f.db, { subscribers: 5, seed: 99, now: new Date() });
      assert.equal(resumed.created, true);
      assert.equal(resumed.subscribers, N);
      assert.deepEqual(await snapshot(f.db), sa);
    });
  });
}

describe('demo catalogue', () => {
  it('has unique ids and SMS codes, and rewards point at real offerings', () => {
    assert.equal(new Set(OFFERINGS.map((o) => o.id)).size, OFFERINGS.length);
    assert.equal(new Set(OFFERINGS.map((o) => o.code)).size, OFFERINGS.length);
    for (const o of OFFERINGS) {
      assert.match(o.code, /^[A-Z0-9]+$/);
      assert.ok(Number.isInteger(o.priceFen) && o.priceFen >= 0);
      assert.ok(o.nameZh && o.nameEn && o.descriptionZh && o.descriptionEn, o.id);
      assert.equal(o.priceType === 'oneTime', o.validityDays !== null, o.id);
    }
    assert.equal(OFFERINGS.filter((o) => o.lifecycleStatus === 'In design').length, 1);
    assert.equal(OFFERINGS.filter((o) => o.lifecycleStatus === 'Retired').length, 1);
    const ids = new Set(OFFERINGS.map((o) => o.id));
    for (const r of REWARDS) if (r.offeringId) assert.ok(ids.has(r.offeringId), r.id);
  });
});

describe('Rng', () => {
  it('is mulberry32: the same seed gives the same sequence', () => {
    const x = new Rng(1);
    const y = new Rng(1);
    const xs = Array.from({ length: 5 }, () => x.next());
    assert.deepEqual(xs, Array.from({ length: 5 }, () => y.next()));
    assert.ok(xs.every((v) => v >= 0 && v < 1));
  });
});

backend('PGlite', freshPglite, false);
backend('PostgreSQL', freshPostgres, !process.env.DATABASE_URL);
