// The subscriber module's part of the demo operator: the points rewards, and each subscriber's
// story after who they are: the packs they hold and held, month by month their usage, fees, bills
// and top-ups, their points, the money ledger with its running balance, the account, the
// subscriber row and their subscriptions (the business calls these imply go to `interactions`).
//
// Invariants (checked by src/demo/generate.test.ts): for every account, balance_fen = sum(ledger
// amount) and each entry's balance_after_fen is the running sum in (created_at, id) order; every
// bill's total is the sum of its items; at most one active subscription per (subscriber,
// offering), none ended; points never go below zero.
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import { DEMO_OFFERINGS, demoOffering, type DemoOffering } from '../catalogue/index.ts';
import type { DemoInteraction } from '../interactions/index.ts';
import { Weighted, type Rng } from '../../demo/random.ts';
import { Columns } from '../../demo/rows.ts';
import { DAY, HOUR, MINUTE, beijingDay, cycleZh, pickTime, type Month } from '../../demo/time.ts';
import {
  CHANNELS, CHANNEL_WEIGHT, INTERACTION_CHANNELS, PACK_POPULARITY, PAY_CHANNELS, RECHARGE_AMOUNTS, STANDARD_AMOUNTS, ACTIVITY,
} from '../../demo/behaviour.ts';

export interface DemoReward {
  id: string;
  nameZh: string;
  nameEn: string;
  costPoints: number;
  offeringId: string | null;
  creditFen: number;
  active: boolean;
}

export const REWARDS: readonly DemoReward[] = [
  { id: 'RW-CREDIT-1', nameZh: '1元话费', nameEn: '¥1 credit', costPoints: 100, offeringId: null, creditFen: 100, active: true },
  { id: 'RW-DATA-DAY', nameZh: '1GB流量日包', nameEn: '1 GB day pass', costPoints: 150, offeringId: 'PK-DATA-DAY-1G', creditFen: 0, active: true },
  { id: 'RW-DATA-1G', nameZh: '1GB流量包', nameEn: '1 GB data pack', costPoints: 500, offeringId: 'PK-DATA-1G', creditFen: 0, active: true },
  { id: 'RW-CREDIT-10', nameZh: '10元话费', nameEn: '¥10 credit', costPoints: 1000, offeringId: null, creditFen: 1000, active: true },
  { id: 'RW-CREDIT-30', nameZh: '30元话费', nameEn: '¥30 credit', costPoints: 2800, offeringId: null, creditFen: 3000, active: true },
  // taken off the shelf: kept so old redemptions still name it
  { id: 'RW-DATA-3G', nameZh: '3GB流量包', nameEn: '3 GB data pack', costPoints: 900, offeringId: 'PK-DATA-3G', creditFen: 0, active: false },
];

/** Inserts the demo's points rewards; rows that already exist are left alone. */
export async function seedDemoRewards(trx: Kysely<Database>): Promise<void> {
  await trx.insertInto('reward')
    .values(REWARDS.map((r) => ({ ...r })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

type AccountType = 'prepaid' | 'postpaid';

function eligible(o: DemoOffering, planId: string, type: AccountType): boolean {
  const e = o.eligibility;
  if (e.plans && !e.plans.includes(planId)) return false;
  if (e.accountTypes && !e.accountTypes.includes(type)) return false;
  return true;
}

const packChoices = new Map<string, Weighted<DemoOffering>>();
function packsFor(planId: string, type: AccountType): Weighted<DemoOffering> {
  const key = `${planId}|${type}`;
  let w = packChoices.get(key);
  if (!w) {
    w = new Weighted(DEMO_OFFERINGS
      .filter((o) => o.kind !== 'plan' && o.lifecycleStatus === 'Launched' && eligible(o, planId, type))
      .map((o) => [o, PACK_POPULARITY[o.id] ?? 1] as const));
    packChoices.set(key, w);
  }
  return w;
}

const ACTIVE_PLANS = DEMO_OFFERINGS.filter((o) => o.kind === 'plan' && o.lifecycleStatus === 'Launched');
const CREDIT_REWARDS = REWARDS.filter((r) => r.active && r.creditFen > 0).sort((a, b) => b.costPoints - a.costPoints);

interface Sub {
  o: DemoOffering;
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
export const BILL_SLOTS = 6;

/** When an offering went on sale: nobody holds it from before. */
const launchedAt = new Map(DEMO_OFFERINGS.map((o) => [o.id, Date.parse(`${o.since}T00:00:00+08:00`)]));
function launched(o: DemoOffering): number {
  return launchedAt.get(o.id)!;
}

function itemKind(o: DemoOffering): Item['kind'] {
  if (o.kind === 'plan') return 'plan';
  return o.kind === 'vas' ? 'vas' : 'pack';
}

/** The demo rows of the subscriber module's tables, parents before children. */
export function subscriberDemoRows() {
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
  };
}

export type SubscriberDemoRows = ReturnType<typeof subscriberDemoRows>;

/** Who a subscriber is, as the generator drew them before their story. */
export interface DemoSubscriber {
  /** 0-based; the subscriber's and the account's id is index + 1. */
  index: number;
  msisdn: string;
  name: string;
  city: string;
  type: AccountType;
  status: 'active' | 'suspended' | 'closed';
  /** When a closed number left. */
  closedAt: number;
  joined: number;
  planId: string;
  verified: boolean;
  language: string;
  /** Set for the three fixed subscribers: what they must hold and have. */
  fixed?: {
    packs: readonly { id: string; daysAgo: number }[];
    creditLimitFen?: number;
    latestBillUnpaid?: boolean;
    minBalanceFen?: number;
    minOpeningPoints?: number;
  };
}

export interface SubscriberStoryContext {
  now: number;
  /** The current month (k = 0) and the six before it. */
  months: readonly Month[];
  /** Where a scheduled plan change starts (the next cycle). */
  pendingFrom: string;
  /** Adds the background business calls of [from, to), `expected` of them on average. */
  traffic: (from: number, to: number, expected: number) => void;
}

function channelFor(o: DemoOffering, r: Rng): string {
  const allowed = INTERACTION_CHANNELS.filter((c) => o.channels.includes(c));
  if (allowed.length === 0) return 'agent';
  return new Weighted<string>(allowed.map((c) => [c, CHANNEL_WEIGHT[c]!] as const)).pick(r);
}

/**
 * Writes subscriber `who` and everything they own into `out`, drawing from `r` after who they
 * are; the business calls their story implies are added to `interactions`.
 */
export function subscriberStory(r: Rng, who: DemoSubscriber, ctx: SubscriberStoryContext, out: SubscriberDemoRows, interactions: DemoInteraction[]): void {
  const { now, months, pendingFrom, traffic } = ctx;
  const { index: i, msisdn, name, city, type, closedAt, joined, planId, verified, language, fixed } = who;
  const status = who.status;
  const id = i + 1;
  const m6 = months[6]!;
  const m0 = months[0]!;
  const plan = demoOffering(planId);
  const horizon = status === 'closed' ? closedAt : now;
  const hs = Math.max(m6.start, joined);

  // -- what they hold
  const subs: Sub[] = [];
  const held = new Set<string>();
  if (fixed) {
    for (const p of fixed.packs) {
      subs.push({ o: demoOffering(p.id), start: now - p.daysAgo * DAY - r.int(0, 12 * HOUR), endsAt: null, cancelledAt: null, status: 'active' });
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
    const startCharges: { t: number; items: Item[]; o: DemoOffering }[] = [];
    const allowance = { data: plan.dataMb, voice: plan.voiceMin, sms: plan.sms };
    let broadband: DemoOffering | null = null;
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
    traffic(from, to, activity * fraction);
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
  out.subscriber.add(id, msisdn, name, verified, status, city, planId, pendingPlan, pendingPlan ? pendingFrom : null,
    beijingDay(joined), language, joined, status === 'closed' ? closedAt : Math.max(lastT, hs));

  // -- subscriptions, and the orders and cancellations that made them
  for (const s of subs) {
    out.subscription.add(id, s.o.id, s.status, s.start, s.endsAt,
      s.cancelledAt, s.start);
    if (s.start >= m6.start) interactions.push({ t: s.start, channel: channelFor(s.o, r), business: 'pack.subscribe', outcome: 'ok', error: null });
    if (s.cancelledAt !== null) interactions.push({ t: s.cancelledAt, channel: CHANNELS.pick(r), business: 'pack.unsubscribe', outcome: 'ok', error: null });
  }
}
