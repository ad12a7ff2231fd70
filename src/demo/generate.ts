// The deterministic demo operator: subscribers with accounts, a money ledger, packs, usage,
// bills, points and a history of channel interactions, all derived from (seed, now).
//
// Three numbers always exist, whatever the seed (they are subscribers 1, 2 and 3):
//   13800000001  李明, 广州. Prepaid, active, real-name verified, plan PLAN-4G-58 (4G畅享套餐58元),
//                balance at least ¥88 (8,800 fen), at least 1,200 points, two active monthly
//                packs (PK-DATA-10G 10GB流量月包 and VAS-CRBT 彩铃), six paid bills. The number for
//                every "happy path" demo: query, recharge, order LL1G, redeem RW-DATA-1G, change plan.
//   13800000002  陈静, 深圳. Postpaid, active, plan PLAN-4G-128, credit limit ¥300 (30,000 fen),
//                converged broadband BB-FUSION-100M (fee waived on a ¥128 plan) and PK-VOICE-100,
//                six bills of which the latest is unpaid, so its balance is negative.
//   13800000003  黄志强, 东莞. Prepaid, suspended (欠费停机: this month's ¥38 plan fee could not be
//                taken), plan PLAN-4G-38, balance below ¥10, six bills, VAS-CALLREM still active.
//
// Everything else is drawn from a per-subscriber PRNG seeded by (seed, subscriber index), so the
// data does not depend on the batch size and an interrupted run resumes where it stopped (the
// progress is kept in the `setting` row `demo.progress`, committed with each batch).
//
// Invariants (checked by generate.test.ts): for every account, balance_fen = sum(ledger amount)
// and each entry's balance_after_fen is the running sum in (created_at, id) order; every bill's
// total is the sum of its items; at most one active subscription per (subscriber, offering),
// none ended; points never go below zero.
import { sql, type Transaction } from 'kysely';
import type { Db } from '../platform/db/index.ts';
import type { Database } from '../platform/db/database.ts';
import { cycleMonthsAgo, nextCycleStart, startOfDay } from '../platform/cycle.ts';
import { OFFERINGS, REWARDS, offering, seedCatalogue, type CatalogueOffering } from './catalogue.ts';

export const DEMO_NUMBERS = {
  prepaid: '13800000001',
  postpaid: '13800000002',
  suspended: '13800000003',
} as const;

export interface SeedDemoOptions {
  subscribers: number;
  seed: number;
  now: Date;
  onProgress?: (done: number, total: number) => void;
  /** Subscribers per transaction; 1000 unless told. */
  batchSize?: number;
  /** Stops between batches (rejecting with the signal's reason); a later call resumes. */
  signal?: AbortSignal;
  /** Told what is about to be generated: a fresh run, or the rest of an interrupted one. */
  onStart?: (run: DemoRun) => void;
}

export interface DemoRun {
  seed: number;
  /** ISO-8601: the moment the data is "as of". */
  now: string;
  total: number;
  /** Subscribers already written by an earlier, interrupted call. */
  done: number;
}

export interface SeedDemoResult {
  /** False when the database already had subscribers (nothing was written). */
  created: boolean;
  subscribers: number;
  /** Rows written by this call, per table (only when created). */
  rows?: Record<string, number>;
}

const PROGRESS_KEY = 'demo.progress';
const MAX_SUBSCRIBERS = 10_000_000;

// ---- seeded randomness ------------------------------------------------------------------------

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hash2(a: number, b: number): number {
  return fmix32(Math.imul(a >>> 0, 0x9e3779b1) ^ fmix32((b + 0x7f4a7c15) >>> 0));
}

/** mulberry32: small, fast, good enough for demo data, and the same on every machine. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const l = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.next();
    } while (p > l);
    return k - 1;
  }
}

class Weighted<T> {
  private readonly items: T[] = [];
  private readonly cum: number[] = [];
  private readonly total: number;
  constructor(pairs: readonly (readonly [T, number])[]) {
    let sum = 0;
    for (const [item, w] of pairs) {
      if (w <= 0) continue;
      sum += w;
      this.items.push(item);
      this.cum.push(sum);
    }
    this.total = sum;
  }
  get size(): number {
    return this.items.length;
  }
  pick(r: Rng): T {
    const x = r.next() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

// ---- people and places --------------------------------------------------------------------------

const SURNAMES = new Weighted<string>([
  ['陈', 12], ['李', 8], ['黄', 8], ['张', 6], ['梁', 5], ['林', 5], ['刘', 5], ['吴', 4], ['何', 4],
  ['罗', 3], ['郑', 3], ['谢', 3], ['杨', 3], ['王', 3], ['叶', 2.5], ['周', 2.5], ['钟', 2.5], ['邓', 2.5],
  ['冯', 2], ['曾', 2], ['蔡', 2], ['许', 2], ['赖', 1.5], ['卢', 1.5], ['朱', 1.5], ['苏', 1.5], ['潘', 1.5],
  ['彭', 1.5], ['余', 1.5], ['郭', 1.5], ['谭', 1.5], ['徐', 1], ['胡', 1], ['江', 1], ['温', 1], ['关', 1],
  ['麦', 1], ['邱', 1], ['庄', 0.8], ['方', 0.8], ['袁', 0.8], ['马', 0.8], ['孙', 0.8], ['莫', 0.8],
  ['古', 0.5], ['翁', 0.5], ['欧阳', 0.5], ['司徒', 0.3], ['区', 0.3], ['丘', 0.3], ['招', 0.2],
]);
const GIVEN_MALE = [...'伟志强明俊杰文华建国家宇浩子嘉健永振锦荣辉峰斌涛鹏超海东军勇立新锋成光耀晓博泽轩楷铭宏炜晖冠昊德汉坤'];
const GIVEN_FEMALE = [...'芳丽静敏燕玲婷慧霞娟红梅雪琳颖欣怡晶佳洁萍秀英嘉淑美雅诗婉思莹倩露咏凤珊晓彤琪茵碧玉'];

function personName(r: Rng): string {
  const surname = SURNAMES.pick(r);
  const chars = r.chance(0.5) ? GIVEN_MALE : GIVEN_FEMALE;
  const first = r.pick(chars);
  if (surname.length === 2 || r.chance(0.22)) return surname + first;
  let second = r.pick(chars);
  if (second === first && r.chance(0.7)) second = r.pick(chars);
  return surname + first + second;
}

/** Guangdong's cities, weighted roughly by population. */
const CITIES = new Weighted<string>([
  ['广州', 15], ['深圳', 15], ['东莞', 9], ['佛山', 8], ['惠州', 5], ['汕头', 5], ['湛江', 5], ['茂名', 5],
  ['江门', 4], ['中山', 4], ['揭阳', 4], ['肇庆', 3], ['梅州', 3], ['清远', 3], ['珠海', 2], ['韶关', 2],
  ['汕尾', 2], ['河源', 2], ['阳江', 2], ['潮州', 2], ['云浮', 2],
]);

/** China Mobile number ranges in 13x, 15x and 18x. */
const PREFIXES = ['134', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '182', '183', '184', '187', '188'];

/** A bijection on [0, 10^8): a four-round Feistel network on two 4-digit halves. */
function permute8(x: number, key: number): number {
  let l = Math.floor(x / 10_000);
  let r = x % 10_000;
  for (let round = 0; round < 4; round++) {
    const f = fmix32((r ^ Math.imul(round + 1, 0x9e3779b9) ^ key) >>> 0) % 10_000;
    const nl = r;
    r = (l + f) % 10_000;
    l = nl;
  }
  return l * 10_000 + r;
}

// ---- the catalogue as the generator uses it ----------------------------------------------------

const PLAN_MIX = new Weighted<string>([
  ['PLAN-4G-38', 16], ['PLAN-4G-58', 26], ['PLAN-4G-88', 20], ['PLAN-4G-128', 12], ['PLAN-4G-188', 5],
  ['PLAN-5G-128', 13], ['PLAN-BH-8', 5], ['PLAN-4G-18', 3],
]);

/** How often each pack is held, relative to the others. */
const PACK_POPULARITY: Record<string, number> = {
  'VAS-CRBT': 14, 'PK-DATA-10G': 12, 'VAS-CALLREM': 10, 'BB-FUSION-100M': 8, 'PK-DATA-NIGHT': 6,
  'PK-VOICE-100': 6, 'PK-DATA-1G': 6, 'PK-DATA-LOYAL-20G': 5, 'PK-DATA-3G': 4, 'BB-FUSION-300M': 4,
  'PK-VOICE-300': 3, 'VAS-139MAIL': 3, 'PK-DATA-DAY-1G': 3, 'PK-DATA-APP-5G': 3, 'PK-VOICE-200-PRE': 3,
  'PK-SMS-100': 2, 'PK-DATA-500M': 2,
};

type AccountType = 'prepaid' | 'postpaid';

function eligible(o: CatalogueOffering, planId: string, type: AccountType): boolean {
  const e = o.eligibility;
  if (e.plans && !e.plans.includes(planId)) return false;
  if (e.accountTypes && !e.accountTypes.includes(type)) return false;
  return true;
}

const packChoices = new Map<string, Weighted<CatalogueOffering>>();
function packsFor(planId: string, type: AccountType): Weighted<CatalogueOffering> {
  const key = `${planId}|${type}`;
  let w = packChoices.get(key);
  if (!w) {
    w = new Weighted(OFFERINGS
      .filter((o) => o.kind !== 'plan' && o.lifecycleStatus === 'Launched' && eligible(o, planId, type))
      .map((o) => [o, PACK_POPULARITY[o.id] ?? 1] as const));
    packChoices.set(key, w);
  }
  return w;
}

const ACTIVE_PLANS = OFFERINGS.filter((o) => o.kind === 'plan' && o.lifecycleStatus === 'Launched');
const CREDIT_REWARDS = REWARDS.filter((r) => r.active && r.creditFen > 0).sort((a, b) => b.costPoints - a.costPoints);

// ---- channels and businesses --------------------------------------------------------------------

const INTERACTION_CHANNELS = ['web', 'mobile', 'sms', 'ussd', 'ivr', 'kiosk', 'agent'] as const;
const CHANNEL_WEIGHT: Record<string, number> = { sms: 26, ussd: 18, ivr: 18, mobile: 18, web: 9, kiosk: 4, agent: 7 };
const CHANNELS = new Weighted<string>(INTERACTION_CHANNELS.map((c) => [c, CHANNEL_WEIGHT[c]!] as const));
/** Where recharges and bill payments come from; `api` is third-party payment apps. */
const PAY_CHANNELS = new Weighted<string>([
  ['api', 30], ['mobile', 22], ['agent', 10], ['ivr', 9], ['sms', 8], ['kiosk', 8], ['web', 7], ['ussd', 6],
]);

const QUERY_BASE_MS: Record<string, number> = {
  'balance.query': 12, 'usage.query': 25, 'bill.query': 30, 'subscriptions.query': 20, 'points.query': 15, 'packs.list': 18,
};
const TRANSACTION_BASE_MS: Record<string, number> = {
  'pack.subscribe': 60, 'pack.unsubscribe': 40, recharge: 80, 'plan.change': 45, 'points.redeem': 70,
};
const BACKGROUND = new Weighted<string>([
  ['balance.query', 30], ['usage.query', 20], ['bill.query', 12], ['packs.list', 10], ['points.query', 8],
  ['subscriptions.query', 7], ['failed', 6],
]);
const FAILED_TRANSACTION = new Weighted<string>([
  ['pack.subscribe', 45], ['recharge', 20], ['points.redeem', 15], ['plan.change', 12], ['pack.unsubscribe', 8],
]);
const FAILURES: Record<string, Weighted<string>> = {
  'pack.subscribe': new Weighted([['INSUFFICIENT_BALANCE', 40], ['ALREADY_SUBSCRIBED', 25], ['NOT_ELIGIBLE', 20], ['NOT_AVAILABLE_ON_CHANNEL', 10], ['OFFERING_NOT_FOUND', 5]]),
  recharge: new Weighted([['INVALID_INPUT', 60], ['UNAVAILABLE', 40]]),
  'points.redeem': new Weighted([['INSUFFICIENT_POINTS', 80], ['REWARD_NOT_FOUND', 20]]),
  'plan.change': new Weighted([['SAME_PLAN', 50], ['NOT_ELIGIBLE', 50]]),
  'pack.unsubscribe': new Weighted([['NOT_SUBSCRIBED', 100]]),
};
const QUERY_FAILURES = new Weighted([['INTERNAL', 60], ['UNAVAILABLE', 40]]);
/** Background business calls per month: most people a few, some many. */
const ACTIVITY = new Weighted<number>([[1, 30], [2.5, 35], [4, 25], [8, 10]]);
/** Beijing hour of day, weighted by how busy the halls are. */
const HOURS = new Weighted<number>([2, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 12, 12, 12, 11, 11, 11, 12, 14, 15, 14, 10, 5].map((w, h) => [h, w] as const));

const RECHARGE_AMOUNTS = new Weighted<number>([[3000, 15], [5000, 30], [10000, 35], [20000, 12], [30000, 5], [50000, 3]]);
const STANDARD_AMOUNTS = [1000, 2000, 3000, 5000, 10000, 20000, 30000, 50000];

// ---- time -------------------------------------------------------------------------------------

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const OFFSET = 8 * HOUR;

/** `YYYY-MM-DD` of an instant in Beijing. */
function beijingDay(ms: number): string {
  return new Date(ms + OFFSET).toISOString().slice(0, 10);
}
function dayStart(ms: number): number {
  return Math.floor((ms + OFFSET) / DAY) * DAY - OFFSET;
}
/** `2026-05` → `2026年5月`. */
function cycleZh(cycle: string): string {
  return `${cycle.slice(0, 4)}年${Number(cycle.slice(5, 7))}月`;
}

/** A moment in [from, to), busier in the day and evening than at night. */
function pickTime(r: Rng, from: number, to: number): number {
  const span = to - from;
  if (span <= 0) return from;
  if (span > 2 * DAY) {
    for (let i = 0; i < 4; i++) {
      const t = dayStart(from + r.next() * span) + HOURS.pick(r) * HOUR + Math.floor(r.next() * HOUR);
      if (t >= from && t < to) return t;
    }
  }
  return from + Math.floor(r.next() * span);
}

interface Month {
  k: number;
  cycle: string;
  start: number;
  /** First instant of the next month. */
  end: number;
}

// ---- the three fixed subscribers --------------------------------------------------------------

interface Fixed {
  msisdn: string;
  name: string;
  city: string;
  type: AccountType;
  status: 'active' | 'suspended';
  planId: string;
  joinedOn: string;
  /** Monthly packs held, with how many days ago each was ordered. */
  packs: { id: string; daysAgo: number }[];
  creditLimitFen?: number;
  latestBillUnpaid?: boolean;
  minBalanceFen?: number;
  minOpeningPoints?: number;
}

const FIXED: Fixed[] = [
  {
    msisdn: DEMO_NUMBERS.prepaid, name: '李明', city: '广州', type: 'prepaid', status: 'active', planId: 'PLAN-4G-58',
    joinedOn: '2014-05-12', packs: [{ id: 'PK-DATA-10G', daysAgo: 250 }, { id: 'VAS-CRBT', daysAgo: 1500 }],
    minBalanceFen: 8800, minOpeningPoints: 1200,
  },
  {
    msisdn: DEMO_NUMBERS.postpaid, name: '陈静', city: '深圳', type: 'postpaid', status: 'active', planId: 'PLAN-4G-128',
    joinedOn: '2011-09-03', packs: [{ id: 'BB-FUSION-100M', daysAgo: 900 }, { id: 'PK-VOICE-100', daysAgo: 400 }],
    creditLimitFen: 30000, latestBillUnpaid: true, minOpeningPoints: 3000,
  },
  {
    msisdn: DEMO_NUMBERS.suspended, name: '黄志强', city: '东莞', type: 'prepaid', status: 'suspended', planId: 'PLAN-4G-38',
    joinedOn: '2017-02-20', packs: [{ id: 'VAS-CALLREM', daysAgo: 700 }],
  },
];

// ---- column buffers and multi-row inserts -------------------------------------------------------

/** Rows of one table kept as one array per column, written with `insert ... select from unnest(...)`:
 * one parameter per column whatever the number of rows, on PGlite and on PostgreSQL alike.
 * Timestamps travel as epoch milliseconds (cheaper to build and to parse than ISO text). */
class Columns {
  readonly data: unknown[][];
  count = 0;
  constructor(readonly table: string, readonly columns: readonly (readonly [string, string])[]) {
    this.data = columns.map(() => []);
  }
  add(...values: unknown[]): void {
    for (let j = 0; j < values.length; j++) this.data[j]!.push(values[j]);
    this.count++;
  }
  async write(q: Transaction<Database>): Promise<void> {
    if (this.count === 0) return;
    const names = sql.raw(this.columns.map((c) => c[0]).join(', '));
    const aliases = sql.raw(this.columns.map((_, j) => `c${j}`).join(', '));
    const exprs = sql.raw(this.columns
      .map(([, type], j) => (type === 'timestamptz' ? `timestamptz 'epoch' + c${j} * interval '1 millisecond'` : `c${j}`))
      .join(', '));
    const arrays = sql.join(this.columns.map(([, type], j) => sql`${this.data[j]}::${sql.raw(type === 'timestamptz' ? 'bigint' : type)}[]`));
    await sql`insert into ${sql.raw(this.table)} (${names}) select ${exprs} from unnest(${arrays}) as u(${aliases})`.execute(q);
  }
}

function newBatch() {
  return {
    subscriber: new Columns('subscriber', [
      ['id', 'bigint'], ['msisdn', 'text'], ['name', 'text'], ['real_name_verified', 'boolean'], ['status', 'text'],
      ['city', 'text'], ['plan_id', 'text'], ['pending_plan_id', 'text'], ['pending_plan_from', 'date'], ['joined_on', 'date'],
      ['language', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
    ]),
    account: new Columns('account', [
      ['id', 'bigint'], ['subscriber_id', 'bigint'], ['type', 'text'], ['balance_fen', 'bigint'], ['credit_limit_fen', 'bigint'],
      ['updated_at', 'timestamptz'],
    ]),
    ledger_entry: new Columns('ledger_entry', [
      ['account_id', 'bigint'], ['kind', 'text'], ['amount_fen', 'bigint'], ['balance_after_fen', 'bigint'], ['channel', 'text'],
      ['reference', 'text'], ['note_zh', 'text'], ['note_en', 'text'], ['created_at', 'timestamptz'],
    ]),
    subscription: new Columns('subscription', [
      ['subscriber_id', 'bigint'], ['offering_id', 'text'], ['status', 'text'], ['starts_at', 'timestamptz'],
      ['ends_at', 'timestamptz'], ['cancelled_at', 'timestamptz'], ['created_at', 'timestamptz'],
    ]),
    usage_counter: new Columns('usage_counter', [
      ['subscriber_id', 'bigint'], ['cycle', 'text'], ['data_mb_used', 'integer'], ['voice_min_used', 'integer'],
      ['sms_used', 'integer'], ['updated_at', 'timestamptz'],
    ]),
    bill: new Columns('bill', [
      ['id', 'bigint'], ['subscriber_id', 'bigint'], ['month', 'text'], ['total_fen', 'bigint'], ['status', 'text'],
      ['issued_on', 'date'], ['due_on', 'date'],
    ]),
    bill_item: new Columns('bill_item', [
      ['bill_id', 'bigint'], ['kind', 'text'], ['name_zh', 'text'], ['name_en', 'text'], ['amount_fen', 'bigint'],
    ]),
    points_entry: new Columns('points_entry', [
      ['subscriber_id', 'bigint'], ['delta', 'integer'], ['reason', 'text'], ['reference', 'text'], ['note_zh', 'text'],
      ['note_en', 'text'], ['created_at', 'timestamptz'],
    ]),
    interaction: new Columns('interaction', [
      ['at', 'timestamptz'], ['channel', 'text'], ['subscriber_id', 'bigint'], ['business_id', 'text'], ['outcome', 'text'],
      ['error_code', 'text'], ['latency_ms', 'integer'],
    ]),
  };
}
type Batch = ReturnType<typeof newBatch>;
/** Parents before children, for the foreign keys. */
const WRITE_ORDER: (keyof Batch)[] = [
  'subscriber', 'account', 'ledger_entry', 'subscription', 'usage_counter', 'bill', 'bill_item', 'points_entry', 'interaction',
];

// ---- one subscriber -----------------------------------------------------------------------------

interface Sub {
  o: CatalogueOffering;
  start: number;
  endsAt: number | null;
  cancelledAt: number | null;
  status: 'active' | 'cancelled' | 'expired';
}

interface Item {
  kind: 'plan' | 'pack' | 'usage' | 'vas' | 'discount';
  zh: string;
  en: string;
  fen: number;
}

interface Money {
  t: number;
  kind: 'opening' | 'recharge' | 'payment' | 'charge';
  amount: number;
  channel: string;
  ref: string | null;
  zh: string;
  en: string;
  /** The business a subscriber used for it, when it came from a channel. */
  business?: 'recharge' | 'points.redeem';
}

interface PointsEvent {
  t: number;
  delta: number;
  reason: 'earned' | 'redeemed' | 'bonus';
  ref: string | null;
  zh: string;
  en: string;
}

/** Bills are numbered per subscriber so their items can name them before they are written. */
const BILL_SLOTS = 6;

/** When an offering went on sale: nobody holds it from before. */
const launchedAt = new Map(OFFERINGS.map((o) => [o.id, Date.parse(`${o.since}T00:00:00+08:00`)]));
function launched(o: CatalogueOffering): number {
  return launchedAt.get(o.id)!;
}

function itemKind(o: CatalogueOffering): Item['kind'] {
  if (o.kind === 'plan') return 'plan';
  return o.kind === 'vas' ? 'vas' : 'pack';
}

class Generator {
  private readonly months: Month[] = [];
  private readonly now: number;
  private readonly keyBase: number;
  private readonly t2005 = Date.parse('2005-01-01T00:00:00+08:00');
  private readonly pendingFrom: string;

  constructor(seed: number, now: Date) {
    this.now = now.getTime();
    const lo = Math.trunc(seed) >>> 0;
    const hi = Math.floor(Math.trunc(seed) / 4294967296) >>> 0;
    this.keyBase = hash2(lo, hi ^ 0x5eed);
    const starts: number[] = [startOfDay(nextCycleStart(now)).getTime()];
    for (let k = 0; k <= 6; k++) {
      const cycle = cycleMonthsAgo(now, k);
      const start = startOfDay(`${cycle}-01`).getTime();
      this.months.push({ k, cycle, start, end: starts[k]! });
      starts.push(start);
    }
    this.pendingFrom = nextCycleStart(now);
  }

  msisdn(i: number, r: Rng): string {
    const fixed = FIXED[i];
    if (fixed) return fixed.msisdn;
    let prefix = r.pick(PREFIXES);
    const suffix = permute8(i, this.keyBase);
    if (prefix === '138' && suffix <= FIXED.length) prefix = '139';
    return prefix + String(suffix).padStart(8, '0');
  }

  /** Writes subscriber i (0-based; id i+1) and everything it owns into the batch. */
  generate(i: number, out: Batch): void {
    const r = new Rng(hash2(this.keyBase, i));
    const now = this.now;
    const months = this.months;
    const m6 = months[6]!;
    const m0 = months[0]!;
    const m1 = months[1]!;
    const fixed = FIXED[i];
    const id = i + 1;

    // -- who they are
    const msisdn = this.msisdn(i, r);
    const name = fixed ? fixed.name : personName(r);
    const city = fixed ? fixed.city : CITIES.pick(r);
    const type: AccountType = fixed ? fixed.type : r.chance(0.7) ? 'prepaid' : 'postpaid';
    let joined: number;
    if (fixed) {
      joined = Date.parse(`${fixed.joinedOn}T00:00:00+08:00`) + 10 * HOUR + r.int(0, 8 * HOUR);
    } else if (r.chance(0.1)) {
      joined = pickTime(r, m6.start, now - 2 * DAY);
    } else {
      joined = m6.start - Math.floor((m6.start - this.t2005) * Math.pow(r.next(), 1.6)) - DAY;
      joined = dayStart(joined) + 9 * HOUR + r.int(0, 11 * HOUR);
    }
    let planId = fixed ? fixed.planId : PLAN_MIX.pick(r);
    if (planId === 'PLAN-BH-8' && type === 'postpaid') planId = 'PLAN-4G-58';
    if (planId === 'PLAN-4G-18' && joined > Date.parse('2019-06-01T00:00:00+08:00')) planId = 'PLAN-4G-38';
    const plan = offering(planId);

    let status: 'active' | 'suspended' | 'closed' = fixed ? fixed.status : 'active';
    let closedAt = 0;
    if (!fixed) {
      const x = r.next();
      if (x < 0.035 && joined < m1.start && plan.priceFen >= 1000) status = 'suspended';
      else if (x < 0.045) {
        closedAt = pickTime(r, m1.start, m0.start - HOUR);
        if (closedAt > joined + 7 * DAY) status = 'closed';
      }
    }
    const horizon = status === 'closed' ? closedAt : now;
    const hs = Math.max(m6.start, joined);
    const verified = fixed ? true : joined < Date.parse('2013-09-01T00:00:00+08:00') ? r.chance(0.8) : r.chance(0.995);
    const language = !fixed && r.chance(0.015) ? 'en' : 'zh-CN';

    // -- what they hold
    const subs: Sub[] = [];
    const held = new Set<string>();
    if (fixed) {
      for (const p of fixed.packs) {
        subs.push({ o: offering(p.id), start: now - p.daysAgo * DAY - r.int(0, 12 * HOUR), endsAt: null, cancelledAt: null, status: 'active' });
        held.add(p.id);
      }
    } else if (status !== 'closed') {
      const choices = packsFor(planId, type);
      const want = new Weighted<number>([[0, 35], [1, 35], [2, 20], [3, 10]]).pick(r);
      for (let tries = 0; subs.length < want && tries < 8; tries++) {
        const o = choices.pick(r);
        if (held.has(o.id)) continue;
        if (status === 'suspended' && o.validityDays) continue;
        let start: number;
        let endsAt: number | null = null;
        if (o.validityDays) {
          start = Math.max(now - Math.floor(r.next() * o.validityDays * DAY * 0.98), joined + HOUR);
          endsAt = start + o.validityDays * DAY;
          if (start >= now || endsAt <= now) continue;
        } else {
          start = Math.max(now - Math.floor(r.next() * 36 * 30 * DAY), joined + DAY, launched(o));
          if (status === 'suspended') start = Math.min(start, m0.start - DAY);
          if (start >= now - HOUR) continue;
        }
        held.add(o.id);
        subs.push({ o, start, endsAt, cancelledAt: null, status: 'active' });
      }
    }
    // packs they had in the last six months and no longer have
    {
      const choices = packsFor(planId, type);
      const past = new Weighted<number>([[0, 55], [1, 25], [2, 13], [3, 7]]).pick(r);
      // a suspended number orders nothing this month
      const until = status === 'suspended' ? m0.start : horizon;
      for (let n = 0, tries = 0; n < past && tries < 8; tries++) {
        const o = choices.pick(r);
        if (held.has(o.id)) continue;
        if (o.validityDays) {
          const latest = until - o.validityDays * DAY;
          if (latest <= hs) continue;
          const start = pickTime(r, hs, latest);
          subs.push({ o, start, endsAt: start + o.validityDays * DAY, cancelledAt: null, status: 'expired' });
        } else {
          if (r.chance(0.4)) continue;
          const start = Math.max(joined + DAY, hs - Math.floor(r.next() * 365 * DAY), launched(o));
          const cancelFrom = Math.max(start, hs) + DAY;
          const cancelTo = Math.min(start + 240 * DAY, horizon - HOUR);
          if (cancelTo <= cancelFrom) continue;
          subs.push({ o, start, endsAt: null, cancelledAt: pickTime(r, cancelFrom, cancelTo), status: 'cancelled' });
        }
        held.add(o.id);
        n++;
      }
    }

    // -- month by month: usage, fees, bills
    const appetiteData = 0.25 + r.next() * 1.0;
    const appetiteVoice = 0.1 + r.next() * 1.0;
    const appetiteSms = r.next() * 0.3;
    const money: Money[] = [];
    const prepaid = type === 'prepaid';
    const payChannelOf = () => PAY_CHANNELS.pick(r);
    const latestUnpaid = fixed?.latestBillUnpaid ?? (status === 'suspended' && !prepaid ? true : status === 'closed' ? false : r.chance(0.08));
    const interactions: { t: number; channel: string; business: string; outcome: string; error: string | null }[] = [];
    const pointsEvents: PointsEvent[] = [];
    const activity = ACTIVITY.pick(r);

    for (let k = 6; k >= 0; k--) {
      const m = months[k]!;
      const from = Math.max(m.start, hs);
      const to = Math.min(m.end, horizon);
      if (to <= from) continue;
      const fraction = (to - from) / (m.end - m.start);
      const charged = !(k === 0 && status === 'suspended');

      const feeItems: Item[] = [{ kind: 'plan', zh: plan.nameZh, en: plan.nameEn, fen: plan.priceFen }];
      const startCharges: { t: number; items: Item[]; o: CatalogueOffering }[] = [];
      const allowance = { data: plan.dataMb, voice: plan.voiceMin, sms: plan.sms };
      let broadband: CatalogueOffering | null = null;
      for (const s of subs) {
        const stop = s.endsAt ?? s.cancelledAt ?? Infinity;
        const item: Item = { kind: itemKind(s.o), zh: s.o.nameZh, en: s.o.nameEn, fen: s.o.priceFen };
        if (s.o.validityDays) {
          if (s.start < m.start || s.start >= m.end || s.start >= to) continue;
          startCharges.push({ t: s.start, items: [item], o: s.o });
        } else {
          if (s.start >= to || stop <= m.start) continue;
          if (s.start >= m.start) startCharges.push({ t: s.start, items: [item], o: s.o });
          else feeItems.push(item);
        }
        if (s.o.kind === 'broadband') broadband = s.o;
        allowance.data += s.o.dataMb;
        allowance.voice += s.o.voiceMin;
        allowance.sms += s.o.sms;
      }
      if (broadband && plan.priceFen >= 12800) {
        const waiver: Item = { kind: 'discount', zh: '融合宽带月费减免', en: 'Converged broadband fee waived', fen: -broadband.priceFen };
        const started = startCharges.find((c) => c.o === broadband);
        (started ? started.items : feeItems).push(waiver);
      }
      if (k >= 1 && r.chance(0.04)) {
        feeItems.push({ kind: 'discount', zh: '老用户话费优惠', en: 'Loyalty discount', fen: -Math.min(r.int(5, 20) * 100, Math.floor(plan.priceFen / 2)) });
      }

      // usage over the month, scaled to the part of it they were with us
      const swing = () => 0.75 + r.next() * 0.5;
      const used = {
        data: Math.round(allowance.data * appetiteData * swing() * fraction),
        voice: Math.round(Math.max(allowance.voice, 50) * appetiteVoice * swing() * fraction),
        sms: Math.round((allowance.sms * appetiteSms + r.int(0, 12)) * fraction),
      };
      if (k <= 5) {
        const updated = k === 0 ? Math.max(from, now - r.int(1, 180) * MINUTE) : to - r.int(1, 60) * MINUTE;
        out.usage_counter.add(id, m.cycle, used.data, used.voice, used.sms, Math.max(updated, from));
      }
      const usageItems: Item[] = [];
      if (k >= 1) {
        const overData = used.data - allowance.data;
        const overVoice = used.voice - allowance.voice;
        const overSms = used.sms - allowance.sms;
        if (overData > 0) usageItems.push({ kind: 'usage', zh: '套餐外流量费', en: 'Data beyond allowance', fen: Math.ceil(overData / 1024) * 300 });
        if (overVoice > 0) usageItems.push({ kind: 'usage', zh: '套餐外语音通话费', en: 'Calls beyond allowance', fen: overVoice * 19 });
        if (overSms > 0) usageItems.push({ kind: 'usage', zh: '套餐外短信费', en: 'SMS beyond allowance', fen: overSms * 10 });
      }

      // money: prepaid pays as it goes; postpaid is charged the bill when it is issued
      const feeTime = Math.min(from + r.int(1, 120) * MINUTE, to - 1);
      const sum = (xs: Item[]) => xs.reduce((a, x) => a + x.fen, 0);
      if (prepaid && charged) {
        money.push({ t: feeTime, kind: 'charge', amount: -sum(feeItems), channel: 'system', ref: `FEE-${m.cycle}`, zh: `${cycleZh(m.cycle)}套餐及功能费`, en: `Monthly fees, ${m.cycle}` });
        for (const c of startCharges) {
          if (sum(c.items) === 0) continue; // e.g. broadband ordered on a plan that waives its fee
          money.push({ t: c.t, kind: 'charge', amount: -sum(c.items), channel: 'system', ref: null, zh: `订购${c.o.nameZh}`, en: `Ordered ${c.o.nameEn}` });
        }
        if (usageItems.length) {
          money.push({ t: Math.max(to - r.int(1, 12) * HOUR, feeTime + 1), kind: 'charge', amount: -sum(usageItems), channel: 'system', ref: null, zh: `${cycleZh(m.cycle)}套餐外费用`, en: `Usage beyond allowance, ${m.cycle}` });
        }
      }

      if (k >= 1) {
        const items = [...feeItems, ...startCharges.flatMap((c) => c.items), ...usageItems];
        const total = sum(items);
        const issueAt = months[k - 1]!.start;
        const issued = months[k - 1]!.cycle + '-01';
        let paid = true;
        if (!prepaid) {
          money.push({ t: issueAt, kind: 'charge', amount: -total, channel: 'system', ref: `BILL-${m.cycle}`, zh: `${cycleZh(m.cycle)}账单`, en: `Bill for ${m.cycle}` });
          const payAt = issueAt + HOUR + Math.floor(r.next() * 19 * DAY);
          paid = !(k === 1 && (latestUnpaid || payAt >= now));
          if (paid) {
            money.push({ t: Math.min(payAt, now - MINUTE), kind: 'payment', amount: total, channel: payChannelOf(), ref: `BILL-${m.cycle}`, zh: `缴纳${cycleZh(m.cycle)}账单`, en: `Payment of the ${m.cycle} bill`, business: 'recharge' });
          }
        }
        const billId = i * BILL_SLOTS + k;
        out.bill.add(billId, id, m.cycle, total, paid ? 'paid' : 'unpaid', issued, months[k - 1]!.cycle + '-20');
        for (const it of items) out.bill_item.add(billId, it.kind, it.zh, it.en, it.fen);
        // one point per whole yuan billed
        pointsEvents.push({ t: Math.max(issueAt, Math.min(issueAt + r.int(2, 6) * HOUR, now - MINUTE)), delta: Math.floor(total / 100), reason: 'earned', ref: `BILL-${m.cycle}`, zh: `${cycleZh(m.cycle)}消费积分`, en: `Points for ${m.cycle} spending` });
      }

      // prepaid users top up now and then of their own accord
      if (prepaid && status === 'active' && r.chance(0.3)) {
        money.push({ t: pickTime(r, from, to), kind: 'recharge', amount: RECHARGE_AMOUNTS.pick(r), channel: payChannelOf(), ref: null, zh: '充值', en: 'Recharge', business: 'recharge' });
      }

      // background traffic: queries, and transactions that failed
      const n = r.poisson(activity * fraction);
      for (let j = 0; j < n; j++) {
        const t = pickTime(r, from, to);
        const channel = CHANNELS.pick(r);
        let business = BACKGROUND.pick(r);
        if (business === 'failed') {
          business = FAILED_TRANSACTION.pick(r);
          const error = status === 'suspended' && t >= m0.start ? 'SUBSCRIBER_NOT_ACTIVE' : FAILURES[business]!.pick(r);
          interactions.push({ t, channel, business, outcome: 'error', error });
        } else if (business === 'bill.query' && r.chance(0.04)) {
          interactions.push({ t, channel, business, outcome: 'error', error: 'BILL_NOT_FOUND' });
        } else if (r.chance(0.004)) {
          interactions.push({ t, channel, business, outcome: 'error', error: QUERY_FAILURES.pick(r) });
        } else {
          interactions.push({ t, channel, business, outcome: 'ok', error: null });
        }
      }
    }

    // -- points: brought forward, earned, anniversary bonuses, and the odd redemption for credit
    const years = (hs - joined) / (365 * DAY);
    let opening = Math.round(years * (100 + r.next() * 700));
    if (fixed?.minOpeningPoints) opening = Math.max(opening, fixed.minOpeningPoints + r.int(0, 400));
    if (opening > 0) pointsEvents.push({ t: hs, delta: opening, reason: 'earned', ref: null, zh: '往期积分结转', en: 'Points brought forward' });
    for (let y = new Date(joined).getUTCFullYear() + 1; ; y++) {
      const t = joined + Math.round((y - new Date(joined).getUTCFullYear()) * 365.25 * DAY);
      if (t >= horizon) break;
      if (t > hs) pointsEvents.push({ t, delta: r.int(1, 5) * 100, reason: 'bonus', ref: null, zh: '入网周年回馈积分', en: 'Anniversary bonus points' });
    }
    if (!fixed && r.chance(0.12) && horizon - hs > 2 * DAY) {
      pointsEvents.push({ t: pickTime(r, hs + DAY, horizon), delta: 0, reason: 'redeemed', ref: null, zh: '', en: '' });
    }
    pointsEvents.sort((a, b) => a.t - b.t);
    let points = 0;
    for (const p of pointsEvents) {
      if (p.reason === 'redeemed') {
        const reward = CREDIT_REWARDS.find((w) => w.costPoints <= points && (w.costPoints * 4 <= points || r.chance(0.5)))
          ?? CREDIT_REWARDS.find((w) => w.costPoints <= points);
        if (!reward) continue;
        const channel = CHANNELS.pick(r);
        p.delta = -reward.costPoints;
        p.ref = reward.id;
        p.zh = `兑换${reward.nameZh}`;
        p.en = `Redeemed ${reward.nameEn}`;
        money.push({ t: p.t, kind: 'recharge', amount: reward.creditFen, channel, ref: reward.id, zh: `积分兑换${reward.creditFen / 100}元话费`, en: `Points for ¥${reward.creditFen / 100} credit`, business: 'points.redeem' });
      }
      if (p.delta === 0) continue;
      points += p.delta;
      out.points_entry.add(id, p.delta, p.reason, p.ref, p.zh, p.en, p.t);
    }

    // -- the ledger: opening balance, then every movement in time order with its running balance
    let openingFen: number;
    const newHere = joined >= m6.start;
    if (prepaid) {
      if (status === 'suspended') openingFen = r.int(0, 1500);
      else if (newHere) openingFen = new Weighted<number>([[5000, 30], [10000, 50], [20000, 20]]).pick(r);
      else openingFen = r.int(0, 15000);
    } else {
      openingFen = !newHere && r.chance(0.3) ? r.int(5, 30) * 1000 : 0;
    }
    money.sort((a, b) => a.t - b.t);
    const ledger = out.ledger_entry;
    let balance = openingFen;
    let lowest = balance;
    let lastT = hs;
    ledger.add(id, 'opening', openingFen, balance, 'system', null, newHere ? '开户预存话费' : '期初余额', newHere ? 'Deposit on joining' : 'Opening balance', hs);
    const walk = (e: Money) => {
      balance += e.amount;
      lowest = Math.min(lowest, balance);
      lastT = Math.max(lastT, e.t);
      ledger.add(id, e.kind, e.amount, balance, e.channel, e.ref, e.zh, e.en, lastT);
      if (e.business && INTERACTION_CHANNELS.includes(e.channel as never)) {
        interactions.push({ t: lastT, channel: e.channel, business: e.business, outcome: 'ok', error: null });
      }
    };
    for (const e of money) {
      if (prepaid && e.amount < 0 && balance + e.amount < 0) {
        // they topped up just before the money was needed
        const need = -(balance + e.amount);
        const rounded = STANDARD_AMOUNTS.find((a) => a >= need) ?? Math.ceil(need / 10000) * 10000;
        const amount = status === 'suspended' ? Math.ceil(need / 1000) * 1000 : Math.max(rounded, RECHARGE_AMOUNTS.pick(r));
        const t = Math.max(lastT + MINUTE, e.t - r.int(5, 48 * 60) * MINUTE);
        walk({ t: Math.min(t, e.t), kind: 'recharge', amount, channel: payChannelOf(), ref: null, zh: '充值', en: 'Recharge', business: 'recharge' });
      }
      walk(e);
    }
    if (fixed?.minBalanceFen && balance < fixed.minBalanceFen) {
      const t = Math.min(now - HOUR, Math.max(lastT + MINUTE, now - 2 * DAY));
      walk({ t, kind: 'recharge', amount: Math.ceil((fixed.minBalanceFen - balance) / 10000) * 10000, channel: 'mobile', ref: null, zh: '充值', en: 'Recharge', business: 'recharge' });
    }
    let creditLimit = 0;
    if (!prepaid) {
      const byPlan = plan.priceFen >= 12800 ? 30000 : plan.priceFen >= 8800 ? 20000 : 10000;
      creditLimit = Math.max(fixed?.creditLimitFen ?? byPlan, Math.ceil(-lowest / 5000) * 5000);
    }
    out.account.add(id, id, type, balance, creditLimit, lastT);

    // -- the subscriber, with a scheduled plan change now and then
    let pendingPlan: string | null = null;
    if (!fixed && status === 'active' && r.chance(0.01)) {
      const to = ACTIVE_PLANS.filter((p) => p.id !== planId && eligible(p, p.id, type));
      pendingPlan = r.pick(to).id;
      interactions.push({ t: pickTime(r, Math.max(m0.start, hs), now), channel: CHANNELS.pick(r), business: 'plan.change', outcome: 'ok', error: null });
    }
    out.subscriber.add(id, msisdn, name, verified, status, city, planId, pendingPlan, pendingPlan ? this.pendingFrom : null,
      beijingDay(joined), language, joined, status === 'closed' ? closedAt : Math.max(lastT, hs));

    // -- subscriptions, and the orders and cancellations that made them
    for (const s of subs) {
      out.subscription.add(id, s.o.id, s.status, s.start, s.endsAt,
        s.cancelledAt, s.start);
      if (s.start >= m6.start) interactions.push({ t: s.start, channel: this.channelFor(s.o, r), business: 'pack.subscribe', outcome: 'ok', error: null });
      if (s.cancelledAt !== null) interactions.push({ t: s.cancelledAt, channel: CHANNELS.pick(r), business: 'pack.unsubscribe', outcome: 'ok', error: null });
    }

    // -- the interaction log: transactions asked for confirmation first on most channels
    for (const x of interactions) {
      if (x.t >= horizon || x.t < joined) continue;
      const transaction = x.business in TRANSACTION_BASE_MS;
      const base = transaction ? TRANSACTION_BASE_MS[x.business]! : QUERY_BASE_MS[x.business]!;
      let latency = base * Math.exp(0.45 * r.normal());
      if (r.chance(0.01)) latency += r.int(300, 3000);
      if (x.outcome === 'error') latency *= 0.6;
      if (transaction && x.outcome === 'ok' && r.chance(0.6)) {
        const asked = x.t - r.int(4, 90) * 1000;
        out.interaction.add(Math.max(asked, joined), x.channel, id, x.business, 'confirmation_required', null, Math.max(2, Math.round(latency * 0.5)));
      }
      out.interaction.add(x.t, x.channel, id, x.business, x.outcome, x.error, Math.max(2, Math.round(latency)));
    }
  }

  private channelFor(o: CatalogueOffering, r: Rng): string {
    const allowed = INTERACTION_CHANNELS.filter((c) => o.channels.includes(c));
    if (allowed.length === 0) return 'agent';
    return new Weighted<string>(allowed.map((c) => [c, CHANNEL_WEIGHT[c]!] as const)).pick(r);
  }
}

// ---- seeding ------------------------------------------------------------------------------------

type Progress = DemoRun;

/** Thrown inside a batch when another process is seeding the same database. */
class SeededElsewhere extends Error {}

async function readProgress(db: Db): Promise<Progress | undefined> {
  const row = await db.selectFrom('setting').select('value').where('key', '=', PROGRESS_KEY).executeTakeFirst();
  if (!row) return undefined;
  try {
    const p = JSON.parse(row.value) as Progress;
    return Number.isInteger(p.total) && Number.isInteger(p.done) && typeof p.now === 'string' ? p : undefined;
  } catch {
    return undefined;
  }
}

async function countSubscribers(db: Db): Promise<number> {
  const r = await db.selectFrom('subscriber').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Seeds the demo catalogue and, when the database has no subscribers yet, `subscribers`
 * generated subscribers. Deterministic in (seed, now). Returns created: false when there were
 * subscribers already; resumes an interrupted run (with that run's seed, now and size).
 */
export async function seedDemo(db: Db, opts: SeedDemoOptions): Promise<SeedDemoResult> {
  if (!Number.isInteger(opts.subscribers) || opts.subscribers < 0 || opts.subscribers > MAX_SUBSCRIBERS) {
    throw new RangeError(`subscribers must be an integer from 0 to ${MAX_SUBSCRIBERS}`);
  }
  if (!Number.isFinite(opts.seed)) throw new RangeError('seed must be a number');
  if (Number.isNaN(opts.now.getTime())) throw new RangeError('now must be a valid date');
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 1000));

  await seedCatalogue(db);
  const existing = await countSubscribers(db);
  let plan: Progress;
  if (existing > 0) {
    const p = await readProgress(db);
    if (!p || p.done >= p.total || p.done !== existing) return { created: false, subscribers: existing };
    plan = p;
  } else {
    if (opts.subscribers === 0) return { created: false, subscribers: 0 };
    plan = { seed: opts.seed, now: opts.now.toISOString(), total: opts.subscribers, done: 0 };
  }

  opts.onStart?.({ ...plan });
  const gen = new Generator(plan.seed, new Date(plan.now));
  const rows: Record<string, number> = Object.fromEntries(WRITE_ORDER.map((t) => [t, 0]));
  /** Generates in slices, yielding so the previous batch's statements keep flowing meanwhile. */
  const generate = async (a: number, b: number): Promise<Batch> => {
    const batch = newBatch();
    for (let i = a; i < b; i++) {
      gen.generate(i, batch);
      if ((i - a) % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    return batch;
  };
  const end = (a: number) => Math.min(plan.total, a + batchSize);
  let next: Promise<Batch> | undefined = generate(plan.done, end(plan.done));
  try {
    for (let a = plan.done; a < plan.total; a = end(a)) {
      const b = end(a);
      const batch: Batch = await next!;
      opts.signal?.throwIfAborted();
      const written = db.transaction().execute(async (trx) => {
        // one seeder at a time: a second node starting at the same moment stops here
        await sql`select pg_advisory_xact_lock(hashtext('omnihall.demo.seed'))`.execute(trx);
        const top = await trx.selectFrom('subscriber').select((eb) => eb.fn.max<number | null>('id').as('id')).executeTakeFirstOrThrow();
        if (Number(top.id ?? 0) !== a) throw new SeededElsewhere();
        await sql`set local synchronous_commit = off`.execute(trx);
        for (const t of WRITE_ORDER) await batch[t].write(trx);
        // the ids were chosen here, so move the identity sequences past them
        await sql`select setval(pg_get_serial_sequence('subscriber', 'id'), ${b}),
                         setval(pg_get_serial_sequence('account', 'id'), ${b}),
                         setval(pg_get_serial_sequence('bill', 'id'), ${b * BILL_SLOTS})`.execute(trx);
        const value = JSON.stringify({ ...plan, done: b });
        await trx.insertInto('setting').values({ key: PROGRESS_KEY, value })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
      });
      // the next batch is generated while this one is written
      next = b < plan.total ? generate(b, end(b)) : undefined;
      next?.catch(() => undefined);
      await written;
      for (const t of WRITE_ORDER) rows[t]! += batch[t].count;
      opts.onProgress?.(b, plan.total);
    }
  } catch (e) {
    if (e instanceof SeededElsewhere) return { created: false, subscribers: await countSubscribers(db) };
    throw e;
  }
  await sql`analyze subscriber, account, ledger_entry, subscription, usage_counter, bill, bill_item, points_entry, interaction`.execute(db);
  return { created: true, subscribers: plan.total, rows };
}
