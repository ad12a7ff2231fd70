// The built-in BSS: the operator's customer and billing facts in omnihall's own tables.
import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { CatalogueReader, OfferingKind, OfferingView } from '../catalogue/index.ts';
import type { Subscriber } from './tables.ts';
import { FixedQuery } from '../../platform/db/fixed-query.ts';
import { coalesced, type CoalesceOptions } from '../../platform/db/coalesce.ts';
import { AppError } from '../../platform/errors.ts';
import { validityEnd } from '../../platform/cycle.ts';
import type { AccountView, Allowance, BillView, Bss, MoneyMovement, OrderTerms, RewardView, SubscriptionView, UsageView } from './bss.ts';

type Q = Kysely<Database> | Transaction<Database>;

function toReward(r: { id: string; nameZh: string; nameEn: string; costPoints: number; offeringId: string | null; creditFen: number }): RewardView {
  return { id: r.id, nameZh: r.nameZh, nameEn: r.nameEn, costPoints: r.costPoints, offeringId: r.offeringId, creditFen: r.creditFen };
}

// The statements every business call or channel hop runs, compiled once (src/db/fixed-query.ts).
const customerQuery = (q: Q) => q.selectFrom('subscriber as s').innerJoin('account as a', 'a.subscriberId', 's.id')
  .selectAll('s').select(['a.type as accountType', 'a.balanceFen', 'a.creditLimitFen']);
const customerById = new FixedQuery((q: Q, id: number) => customerQuery(q).where('s.id', '=', id));
const customersByIds = new FixedQuery((q: Q, ids: number[]) => customerQuery(q).where(sql<boolean>`s.id = any(${ids}::bigint[])`));
type CustomerRow = Awaited<ReturnType<typeof customerById.first>>;
// Live subscriptions of one subscriber or (coalesced) of many; their offerings come from the catalogue.
const liveSubscriptionsOf = new FixedQuery((q: Q, subscriberIds: number[], at: Date) => q
  .selectFrom('subscription as s')
  .select(['s.subscriberId', 's.id as subscriptionId', 's.offeringId', 's.startsAt', 's.endsAt'])
  .where(sql<boolean>`s.subscriber_id = any(${subscriberIds}::bigint[])`)
  .where('s.status', '=', 'active')
  .where((eb) => eb.or([eb('s.endsAt', 'is', null), eb('s.endsAt', '>', at)]))
  .orderBy('s.startsAt'));
type SubscriptionRow = Omit<NonNullable<Awaited<ReturnType<typeof liveSubscriptionsOf.first>>>, 'subscriberId'>;
/** A row as one subscriber's read returns it. */
function withoutSubscriber<R extends { subscriberId: number }>({ subscriberId: _, ...rest }: R): Omit<R, 'subscriberId'> {
  return rest;
}
const subscriberById = new FixedQuery((q: Q, id: number) => q.selectFrom('subscriber').selectAll().where('id', '=', id));
const subscriberByMsisdn = new FixedQuery((q: Q, msisdn: string) => q.selectFrom('subscriber').selectAll().where('msisdn', '=', msisdn));
const accountBySubscriber = new FixedQuery((q: Q, subscriberId: number) => q.selectFrom('account').selectAll().where('subscriberId', '=', subscriberId));
// A new live subscription; the partial unique index allows one per offering, and a conflict is
// not an error here (the caller decides).
const insertSubscription = new FixedQuery((q: Q, subscriberId: number, offeringId: string, startsAt: Date, endsAt: Date | null) => q
  .insertInto('subscription')
  .values({ subscriberId, offeringId, status: 'active', startsAt, endsAt, createdAt: startsAt })
  .onConflict((oc) => oc.columns(['subscriberId', 'offeringId']).where(sql<boolean>`status = 'active'`).doNothing())
  .returning('id'));
const insertPoints = new FixedQuery((q: Q, subscriberId: number, delta: number, reason: 'earned' | 'redeemed' | 'bonus' | 'refunded', reference: string | null, noteZh: string, noteEn: string, createdAt: Date) => q
  .insertInto('pointsEntry').values({ subscriberId, delta, reason, reference, noteZh, noteEn, createdAt }));

/** A timestamptz parameter as the ISO text events carry (UTC, milliseconds), whatever the session's time zone. */
const AT_ISO = (param: string) => `to_char(${param}::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** Below this prepaid balance (fen) a charge tells balance.low, unless the deployment sets its own: ¥10. */
export const DEFAULT_BALANCE_LOW_FEN = 1000;

/**
 * An order in one statement: the subscription (if none is live), the charge (if the balance and
 * credit allow it, and only for a new subscription) with its ledger entry, and the points earned.
 * Returns the subscription's id (null: one is live already) and the balance after (null: short).
 * A prepaid balance it takes below the low mark writes the balance.low event to the outbox, in
 * the same statement (published once this commits: src/platform/events/outbox.ts).
 * $1 subscriber, $2 offering, $3 time, $4 end, $5 price, $6 channel, $7 reference, $8/$9 notes, $10 points, $11 the low mark.
 */
const ORDER_SQL = `
  with sub as (
    insert into subscription (subscriber_id, offering_id, status, starts_at, ends_at, created_at)
    values ($1::bigint, $2::text, 'active', $3::timestamptz, $4::timestamptz, $3::timestamptz)
    on conflict (subscriber_id, offering_id) where status = 'active' do nothing
    returning id
  ), moved as (
    update account set balance_fen = balance_fen - $5::bigint, updated_at = $3::timestamptz
    where subscriber_id = $1::bigint and balance_fen + credit_limit_fen - $5::bigint >= 0 and exists (select 1 from sub)
    returning id, balance_fen, type
  ), entry as (
    insert into ledger_entry (account_id, kind, amount_fen, balance_after_fen, channel, reference, note_zh, note_en, created_at)
    select id, 'charge', -$5::bigint, balance_fen, $6::text, $7::text, $8::text, $9::text, $3::timestamptz from moved
    returning id, balance_after_fen
  ), low as (
    insert into event_outbox (id, subject, payload, created_at)
    select 'balance.low:' || entry.id, 'balance.low',
      jsonb_build_object('subscriberId', $1::bigint, 'balanceFen', entry.balance_after_fen, 'thresholdFen', $11::bigint, 'at', ${AT_ISO('$3')}), $3::timestamptz
    from entry, moved
    where moved.type = 'prepaid' and entry.balance_after_fen < $11::bigint and entry.balance_after_fen + $5::bigint >= $11::bigint
  ), earned as (
    insert into points_entry (subscriber_id, delta, reason, reference, note_zh, note_en, created_at)
    select $1::bigint, $10::integer, 'earned', $7::text, $8::text, $9::text, $3::timestamptz from moved where $10::integer > 0
  )
  select (select id from sub) as subscription_id, (select balance_after_fen from entry) as balance_after_fen`;

/** The hot reads, for the benchmark's bare handler to run the very same SQL (bench/bare-server.ts). */
export const hotStatements = { customerById, orderSql: ORDER_SQL } as const;
const pointsTotal = new FixedQuery((q: Q, subscriberId: number) => q.selectFrom('pointsEntry')
  .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('delta'), eb.lit(0)).as('total'))
  .where('subscriberId', '=', subscriberId));

/**
 * The per-subscriber reads outside transactions, coalesced (src/db/coalesce.ts): every business
 * call starts with the customer read, and the pack list reads the subscriptions, so a burst of
 * SMS or USSD hops costs a statement per batch (`id = any(...)`) instead of one each.
 */
export class CoalescedReads {
  readonly customer: (id: number) => Promise<CustomerRow>;
  private readonly subscriptions: (key: { subscriberId: number; at: Date }) => Promise<SubscriptionRow[]>;

  constructor(db: Q, opts: CoalesceOptions = {}) {
    this.customer = coalesced(async (ids) => {
      const rows = await customersByIds.execute(db, [...new Set(ids)]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id));
    }, opts);
    this.subscriptions = coalesced(async (keys) => {
      // Read from the earliest time asked for; each caller keeps what is live at its own time.
      const earliest = new Date(Math.min(...keys.map((k) => k.at.getTime())));
      const rows = await liveSubscriptionsOf.execute(db, [...new Set(keys.map((k) => k.subscriberId))], earliest);
      return keys.map((k) => rows
        .filter((r) => r.subscriberId === k.subscriberId && (r.endsAt === null || r.endsAt > k.at))
        .map(withoutSubscriber));
    }, opts);
  }

  liveSubscriptions(subscriberId: number, at: Date): Promise<SubscriptionRow[]> {
    return this.subscriptions({ subscriberId, at });
  }
}

/** What every BuiltinBss of one omnihall node shares. */
export interface BssShared {
  /** Offerings: this node's snapshot outside transactions, the database inside. */
  catalogue: CatalogueReader;
  /** Customer and subscription reads outside transactions. */
  reads?: CoalescedReads;
  /** A charge that takes a prepaid balance below this (fen) tells balance.low; DEFAULT_BALANCE_LOW_FEN unless set. */
  balanceLowFen?: number;
}

/**
 * The built-in BSS bound to one connection or transaction. A class, so binding costs one object.
 * Catalogue reads come from `catalogue` (a few seconds old at most) except inside a transaction,
 * where what is charged must be what the database says now.
 */
export class BuiltinBss implements Bss {
  /** Offerings this transaction has read: a confirmation's quote and its charge see one read (by id or in a list). */
  private readInTransaction: Map<string, OfferingView | undefined> | undefined;

  constructor(private readonly q: Q, private readonly shared: BssShared) {}

  private async accountRow(subscriberId: number) {
    const a = await accountBySubscriber.first(this.q, subscriberId);
    if (!a) throw new AppError('NOT_A_SUBSCRIBER');
    return a;
  }

  private async move(subscriberId: number, amountFen: number, kind: 'charge' | 'recharge', m: MoneyMovement) {
    const delta = kind === 'charge' ? -amountFen : amountFen;
    const mark = this.shared.balanceLowFen ?? DEFAULT_BALANCE_LOW_FEN;
    // One statement checks and moves the money (so two concurrent charges cannot both pass),
    // writes its ledger entry and, when a prepaid balance falls below the low mark, the
    // balance.low event to the outbox: one round trip, and the event commits with the charge.
    const moved = await sql<{ balanceAfterFen: number }>`
      with moved as (
        update account set balance_fen = balance_fen + ${delta}, updated_at = ${m.at}
        where subscriber_id = ${subscriberId} and balance_fen + credit_limit_fen + ${delta} >= 0
        returning id, balance_fen, type
      ), entry as (
        insert into ledger_entry (account_id, kind, amount_fen, balance_after_fen, channel, reference, note_zh, note_en, created_at)
        select id, ${kind}::text, ${delta}::bigint, balance_fen, ${m.channel}::text, ${m.reference}::text, ${m.noteZh}::text, ${m.noteEn}::text, ${m.at}::timestamptz
        from moved
        returning id, balance_after_fen
      ), low as (
        insert into event_outbox (id, subject, payload, created_at)
        select 'balance.low:' || entry.id, 'balance.low',
          jsonb_build_object('subscriberId', ${subscriberId}::bigint, 'balanceFen', entry.balance_after_fen, 'thresholdFen', ${mark}::bigint, 'at', ${m.at.toISOString()}::text), ${m.at}::timestamptz
        from entry, moved
        where moved.type = 'prepaid' and entry.balance_after_fen < ${mark}::bigint and entry.balance_after_fen - ${delta}::bigint >= ${mark}::bigint
      )
      select balance_after_fen from entry
    `.execute(this.q);
    const row = moved.rows[0];
    if (!row) {
      await this.accountRow(subscriberId); // NOT_A_SUBSCRIBER if the account is missing
      throw new AppError('INSUFFICIENT_BALANCE');
    }
    return { balanceFen: row.balanceAfterFen };
  }

  subscriber(id: number): Promise<Subscriber | undefined> {
    return subscriberById.first(this.q, id);
  }

  subscriberByMsisdn(msisdn: string): Promise<Subscriber | undefined> {
    return subscriberByMsisdn.first(this.q, msisdn);
  }

  async account(subscriberId: number): Promise<AccountView> {
    const a = await this.accountRow(subscriberId);
    return { subscriberId, type: a.type, balanceFen: a.balanceFen, creditLimitFen: a.creditLimitFen };
  }

  async customer(subscriberId: number): Promise<{ subscriber: Subscriber; account: AccountView } | undefined> {
    const batched = this.q.isTransaction ? undefined : this.shared.reads;
    const r = batched ? await batched.customer(subscriberId) : await customerById.first(this.q, subscriberId);
    if (!r) return undefined;
    const { accountType, balanceFen, creditLimitFen, ...subscriber } = r;
    return { subscriber, account: { subscriberId, type: accountType, balanceFen, creditLimitFen } };
  }

  charge(subscriberId: number, amountFen: number, m: MoneyMovement): Promise<{ balanceFen: number }> {
    return this.move(subscriberId, amountFen, 'charge', m);
  }

  recharge(subscriberId: number, amountFen: number, m: MoneyMovement): Promise<{ balanceFen: number }> {
    return this.move(subscriberId, amountFen, 'recharge', m);
  }

  async offering(id: string): Promise<OfferingView | undefined> {
    if (!this.q.isTransaction) return this.shared.catalogue.offering(this.q, id);
    if (this.readInTransaction?.has(id)) return this.readInTransaction.get(id);
    const o = await this.shared.catalogue.offering(this.q, id);
    (this.readInTransaction ??= new Map()).set(id, o);
    return o;
  }

  async offerings(kinds: OfferingKind[]): Promise<OfferingView[]> {
    const all = await this.shared.catalogue.offerings(this.q, kinds);
    if (!this.q.isTransaction) return all;
    // In a transaction the first read of an offering stands, whether it came by id or in a list
    // (a pack ordered by its code is found in the list): the quote and the charge see one price.
    const seen = (this.readInTransaction ??= new Map());
    return all.map((o) => {
      const earlier = seen.get(o.id);
      if (earlier) return earlier;
      seen.set(o.id, o);
      return o;
    });
  }

  async subscriptions(subscriberId: number, at: Date): Promise<SubscriptionView[]> {
    const batched = this.q.isTransaction ? undefined : this.shared.reads;
    const rows = batched ? await batched.liveSubscriptions(subscriberId, at) : (await liveSubscriptionsOf.execute(this.q, [subscriberId], at)).map(withoutSubscriber);
    if (rows.length === 0) return [];
    const offerings = await this.shared.catalogue.offeringsByIds(this.q, rows.map((r) => r.offeringId));
    const out: SubscriptionView[] = [];
    for (const r of rows) {
      const offering = offerings.get(r.offeringId);
      if (offering) out.push({ id: r.subscriptionId, startsAt: r.startsAt, endsAt: r.endsAt, offering });
    }
    return out;
  }

  async subscribe(subscriberId: number, offering: OfferingView, at: Date): Promise<SubscriptionView> {
    const q = this.q;
    const endsAt = offering.validityDays ? validityEnd(at, offering.validityDays) : null;
    const insert = () => insertSubscription.first(q, subscriberId, offering.id, at, endsAt);
    let row = await insert();
    if (!row) {
      if (!(await this.expireLapsed(subscriberId, offering.id, at))) throw new AppError('ALREADY_SUBSCRIBED');
      row = await insert();
      if (!row) throw new AppError('ALREADY_SUBSCRIBED');
    }
    return { id: row.id, offering, startsAt: at, endsAt };
  }

  async order(subscriberId: number, offering: OfferingView, t: OrderTerms): Promise<{ subscription: SubscriptionView; balanceFen: number }> {
    // A subscription inserted for an order that then finds the balance short is undone by the
    // rollback a throw causes: outside a transaction it would stay.
    if (!this.q.isTransaction) throw new Error('order() runs inside the business transaction');
    const endsAt = offering.validityDays ? validityEnd(t.at, offering.validityDays) : null;
    const params = [subscriberId, offering.id, t.at, endsAt, t.priceFen, t.channel, t.reference, t.noteZh, t.noteEn, t.pointsEarned, this.shared.balanceLowFen ?? DEFAULT_BALANCE_LOW_FEN];
    const run = async () => (await this.q.executeQuery<{ subscriptionId: number | null; balanceAfterFen: number | null }>(CompiledQuery.raw(ORDER_SQL, params))).rows[0]!;
    let r = await run();
    if (r.subscriptionId === null) {
      if (!(await this.expireLapsed(subscriberId, offering.id, t.at))) throw new AppError('ALREADY_SUBSCRIBED');
      r = await run();
      if (r.subscriptionId === null) throw new AppError('ALREADY_SUBSCRIBED');
    }
    if (r.balanceAfterFen === null) {
      await this.accountRow(subscriberId); // NOT_A_SUBSCRIBER if the account is missing
      throw new AppError('INSUFFICIENT_BALANCE');
    }
    return { subscription: { id: r.subscriptionId, offering, startsAt: t.at, endsAt }, balanceFen: r.balanceAfterFen };
  }

  /** A pack that ran out still says "active" until someone looks: closes it; false if none had. */
  private async expireLapsed(subscriberId: number, offeringId: string, at: Date): Promise<boolean> {
    const expired = await this.q.updateTable('subscription').set({ status: 'expired' })
      .where('subscriberId', '=', subscriberId).where('offeringId', '=', offeringId)
      .where('status', '=', 'active').where('endsAt', '<=', at).executeTakeFirst();
    return expired.numUpdatedRows > 0n;
  }

  async unsubscribe(subscriberId: number, offeringId: string, at: Date): Promise<void> {
    const r = await this.q.updateTable('subscription').set({ status: 'cancelled', cancelledAt: at })
      .where('subscriberId', '=', subscriberId).where('offeringId', '=', offeringId).where('status', '=', 'active')
      .where((eb) => eb.or([eb('endsAt', 'is', null), eb('endsAt', '>', at)]))
      .executeTakeFirst();
    if (r.numUpdatedRows === 0n) throw new AppError('NOT_SUBSCRIBED');
  }

  async schedulePlanChange(subscriberId: number, planId: string, from: string): Promise<void> {
    await this.q.updateTable('subscriber').set({ pendingPlanId: planId, pendingPlanFrom: from, updatedAt: new Date() }).where('id', '=', subscriberId).execute();
  }

  async setLineStatus(subscriberId: number, from: 'active' | 'suspended', to: 'active' | 'suspended', at: Date): Promise<boolean> {
    const r = await this.q.updateTable('subscriber').set({ status: to, updatedAt: at })
      .where('id', '=', subscriberId).where('status', '=', from).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async usage(subscriberId: number, cycle: string, at: Date): Promise<UsageView> {
    const q = this.q;
    const sub = await q.selectFrom('subscriber').select('planId').where('id', '=', subscriberId).executeTakeFirst();
    if (!sub) throw new AppError('NOT_A_SUBSCRIBER');
    const [counter, plan, packs] = await Promise.all([
      q.selectFrom('usageCounter').selectAll().where('subscriberId', '=', subscriberId).where('cycle', '=', cycle).executeTakeFirst(),
      this.offering(sub.planId),
      this.subscriptions(subscriberId, at),
    ]);
    const allowance: Allowance = { dataMb: plan?.dataMb ?? 0, voiceMin: plan?.voiceMin ?? 0, sms: plan?.sms ?? 0 };
    for (const s of packs) {
      if (s.offering.kind === 'plan') continue;
      allowance.dataMb += s.offering.dataMb;
      allowance.voiceMin += s.offering.voiceMin;
      allowance.sms += s.offering.sms;
    }
    return {
      cycle,
      used: { dataMb: counter?.dataMbUsed ?? 0, voiceMin: counter?.voiceMinUsed ?? 0, sms: counter?.smsUsed ?? 0 },
      allowance,
    };
  }

  async usageHistory(subscriberId: number, cycles: readonly string[]): Promise<(Allowance & { cycle: string })[]> {
    if (cycles.length === 0) return [];
    const rows = await this.q.selectFrom('usageCounter').select(['cycle', 'dataMbUsed', 'voiceMinUsed', 'smsUsed'])
      .where('subscriberId', '=', subscriberId).where('cycle', 'in', [...cycles]).execute();
    const byCycle = new Map(rows.map((r) => [r.cycle, r]));
    return cycles.map((cycle) => {
      const r = byCycle.get(cycle);
      return { cycle, dataMb: r?.dataMbUsed ?? 0, voiceMin: r?.voiceMinUsed ?? 0, sms: r?.smsUsed ?? 0 };
    });
  }

  async bill(subscriberId: number, month: string): Promise<BillView | undefined> {
    const b = await this.q.selectFrom('bill').selectAll().where('subscriberId', '=', subscriberId).where('month', '=', month).executeTakeFirst();
    if (!b) return undefined;
    const items = await this.q.selectFrom('billItem').select(['kind', 'nameZh', 'nameEn', 'amountFen']).where('billId', '=', b.id).orderBy('id').execute();
    return { month: b.month, totalFen: b.totalFen, status: b.status, issuedOn: b.issuedOn, dueOn: b.dueOn, items };
  }

  bills(subscriberId: number, limit: number): ReturnType<Bss['bills']> {
    return this.q.selectFrom('bill').select(['month', 'totalFen', 'status', 'issuedOn', 'dueOn'])
      .where('subscriberId', '=', subscriberId).orderBy('month', 'desc').limit(limit).execute();
  }

  async pointsBalance(subscriberId: number): Promise<number> {
    const r = await pointsTotal.first(this.q, subscriberId);
    return Number(r?.total ?? 0);
  }

  async addPoints(subscriberId: number, delta: number, reason: 'earned' | 'redeemed' | 'bonus' | 'refunded', ref: string | null, noteZh: string, noteEn: string, at: Date): Promise<number | null> {
    const q = this.q;
    if (delta >= 0) {
      // Earning cannot overdraw: no lock, no balance check, one insert.
      await insertPoints.execute(q, subscriberId, delta, reason, ref, noteZh, noteEn, at);
      return null;
    }
    // Serialise point movements of one subscriber so a balance check and its debit cannot interleave.
    // NO KEY UPDATE, not UPDATE: a concurrent order holds a KEY SHARE lock on the subscriber row
    // (its subscription's foreign key), and FOR UPDATE would deadlock against it.
    await q.selectFrom('subscriber').select('id').where('id', '=', subscriberId).forNoKeyUpdate().execute();
    const after = (await this.pointsBalance(subscriberId)) + delta;
    if (after < 0) throw new AppError('INSUFFICIENT_POINTS');
    await insertPoints.execute(q, subscriberId, delta, reason, ref, noteZh, noteEn, at);
    return after;
  }

  async rewards(): Promise<RewardView[]> {
    const rows = await this.q.selectFrom('reward').selectAll().where('active', '=', true).orderBy('costPoints').execute();
    return rows.map(toReward);
  }

  async reward(id: string): Promise<RewardView | undefined> {
    const r = await this.q.selectFrom('reward').selectAll().where('id', '=', id).where('active', '=', true).executeTakeFirst();
    return r && toReward(r);
  }
}

export function builtinBss(q: Q, shared: BssShared): Bss {
  return new BuiltinBss(q, shared);
}

export type { Subscriber };
