// The demo generator: one subscriber at a time, from a PRNG seeded by (seed, subscriber index), so
// the data does not depend on the batch size. Who they are is drawn here (people.ts); their story
// comes from the modules that own its rows: the subscriber module (holdings, usage, bills, points,
// ledger, account), the interactions module (background traffic and the interaction log), over
// the catalogue module's offerings. The order of the draws is the data: keep it.
import { demoOffering } from '../modules/catalogue/index.ts';
import { subscriberDemoRows, subscriberStory, type DemoSubscriber } from '../modules/subscriber/index.ts';
import { backgroundTraffic, interactionDemoRows, logInteractions, type DemoInteraction } from '../modules/interactions/index.ts';
import { nextCycleStart } from '../platform/cycle.ts';
import { PLAN_MIX } from './behaviour.ts';
import { CITIES, FIXED, PREFIXES, permute8, personName } from './people.ts';
import { hash2, Rng } from './random.ts';
import { DAY, HOUR, dayStart, demoMonths, pickTime, type Month } from './time.ts';

/** Every demo table's rows of one batch. */
export function newBatch() {
  return { ...subscriberDemoRows(), ...interactionDemoRows() };
}
export type Batch = ReturnType<typeof newBatch>;
/** Parents before children, for the foreign keys. */
export const WRITE_ORDER: (keyof Batch)[] = [
  'subscriber', 'account', 'ledger_entry', 'subscription', 'usage_counter', 'bill', 'bill_item', 'points_entry', 'interaction',
];

export class Generator {
  private readonly months: Month[];
  private readonly now: number;
  private readonly keyBase: number;
  private readonly t2005 = Date.parse('2005-01-01T00:00:00+08:00');
  private readonly pendingFrom: string;

  constructor(seed: number, now: Date) {
    this.now = now.getTime();
    const lo = Math.trunc(seed) >>> 0;
    const hi = Math.floor(Math.trunc(seed) / 4294967296) >>> 0;
    this.keyBase = hash2(lo, hi ^ 0x5eed);
    this.months = demoMonths(now);
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

    // -- who they are
    const msisdn = this.msisdn(i, r);
    const name = fixed ? fixed.name : personName(r);
    const city = fixed ? fixed.city : CITIES.pick(r);
    const type: 'prepaid' | 'postpaid' = fixed ? fixed.type : r.chance(0.7) ? 'prepaid' : 'postpaid';
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
    const plan = demoOffering(planId);

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
    const verified = fixed ? true : joined < Date.parse('2013-09-01T00:00:00+08:00') ? r.chance(0.8) : r.chance(0.995);
    const language = !fixed && r.chance(0.015) ? 'en' : 'zh-CN';
    const who: DemoSubscriber = { index: i, msisdn, name, city, type, status, closedAt, joined, planId, verified, language, fixed };

    // -- their story, and the business calls it implies
    const interactions: DemoInteraction[] = [];
    const suspendedFrom = status === 'suspended' ? m0.start : Infinity;
    const traffic = (from: number, to: number, expected: number) => backgroundTraffic(r, r.poisson(expected), from, to, suspendedFrom, interactions);
    subscriberStory(r, who, { now, months, pendingFrom: this.pendingFrom, traffic }, out, interactions);

    // -- the interaction log: transactions asked for confirmation first on most channels
    logInteractions(r, i + 1, joined, status === 'closed' ? closedAt : now, interactions, out);
  }
}
