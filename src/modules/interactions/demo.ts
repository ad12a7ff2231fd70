// The interactions module's part of the demo operator: the background traffic of business calls
// (queries, and transactions that failed) and the interaction log of a subscriber's calls, with
// the confirmations transactions asked for first and each call's latency.
import type { Rng } from '../../demo/random.ts';
import { pickTime } from '../../demo/time.ts';
import { BACKGROUND, CHANNELS, FAILED_TRANSACTION, FAILURES, QUERY_FAILURES } from '../../demo/behaviour.ts';
import { Columns } from '../../demo/rows.ts';

/** One business call in a subscriber's story, before it is written to the log. */
export interface DemoInteraction {
  t: number;
  channel: string;
  business: string;
  outcome: string;
  error: string | null;
}

/** The interaction table's demo rows. */
export function interactionDemoRows(): { interaction: Columns } {
  return {
    interaction: new Columns('interaction', [
      ['at', 'timestamptz'], ['channel', 'text'], ['subscriber_id', 'bigint'], ['business_id', 'text'], ['outcome', 'text'],
      ['error_code', 'text'], ['latency_ms', 'integer'],
    ]),
  };
}

/** Typical latency of each business, by kind. */
export const QUERY_BASE_MS: Record<string, number> = {
  'balance.query': 12, 'usage.query': 25, 'bill.query': 30, 'subscriptions.query': 20, 'points.query': 15, 'packs.list': 18,
};
export const TRANSACTION_BASE_MS: Record<string, number> = {
  'pack.subscribe': 60, 'pack.unsubscribe': 40, recharge: 80, 'plan.change': 45, 'points.redeem': 70,
};

/**
 * `n` background calls in [from, to): queries, and transactions that failed (with
 * SUBSCRIBER_NOT_ACTIVE from `suspendedFrom` on).
 */
export function backgroundTraffic(r: Rng, n: number, from: number, to: number, suspendedFrom: number, interactions: DemoInteraction[]): void {
  for (let j = 0; j < n; j++) {
    const t = pickTime(r, from, to);
    const channel = CHANNELS.pick(r);
    let business = BACKGROUND.pick(r);
    if (business === 'failed') {
      business = FAILED_TRANSACTION.pick(r);
      const error = t >= suspendedFrom ? 'SUBSCRIBER_NOT_ACTIVE' : FAILURES[business]!.pick(r);
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

/** Writes subscriber `id`'s calls (those in [joined, horizon)) to the interaction log. */
export function logInteractions(r: Rng, id: number, joined: number, horizon: number, interactions: readonly DemoInteraction[], out: { interaction: Columns }): void {
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
