// The built-in BSS: the operator's customer and billing facts in omnihall's own tables.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Subscriber } from '../db/schema.ts';
import { AppError } from '../lib/errors.ts';
import type { AccountView, Allowance, BillView, Bss, MoneyMovement, OfferingView, RewardView, SubscriptionView, UsageView } from './bss.ts';

type Q = Kysely<Database> | Transaction<Database>;

const offeringColumns = [
  'o.id', 'o.kind', 'o.code', 'o.nameZh', 'o.nameEn', 'o.descriptionZh', 'o.descriptionEn',
  'o.dataMb', 'o.voiceMin', 'o.sms', 'o.validityDays', 'o.eligibility', 'o.channels', 'o.lifecycleStatus',
  'p.amountFen as priceFen', 'p.priceType',
] as const;

function offeringQuery(q: Q) {
  return q.selectFrom('offering as o').innerJoin('offeringPrice as p', 'p.id', 'o.priceId').select(offeringColumns);
}

type OfferingRow = Awaited<ReturnType<ReturnType<typeof offeringQuery>['executeTakeFirstOrThrow']>>;

function toOffering(r: OfferingRow): OfferingView {
  return { ...r, eligibility: r.eligibility ?? {} };
}

export function builtinBss(q: Q): Bss {
  async function accountRow(subscriberId: number) {
    const a = await q.selectFrom('account').selectAll().where('subscriberId', '=', subscriberId).executeTakeFirst();
    if (!a) throw new AppError('NOT_A_SUBSCRIBER');
    return a;
  }

  async function move(subscriberId: number, amountFen: number, kind: 'charge' | 'recharge', m: MoneyMovement) {
    const delta = kind === 'charge' ? -amountFen : amountFen;
    // One statement checks and moves the money (so two concurrent charges cannot both pass) and
    // writes its ledger entry: one round trip.
    const moved = await sql<{ balanceAfterFen: number }>`
      with moved as (
        update account set balance_fen = balance_fen + ${delta}, updated_at = ${m.at}
        where subscriber_id = ${subscriberId} and balance_fen + credit_limit_fen + ${delta} >= 0
        returning id, balance_fen
      )
      insert into ledger_entry (account_id, kind, amount_fen, balance_after_fen, channel, reference, note_zh, note_en, created_at)
      select id, ${kind}::text, ${delta}::bigint, balance_fen, ${m.channel}::text, ${m.reference}::text, ${m.noteZh}::text, ${m.noteEn}::text, ${m.at}::timestamptz
      from moved
      returning balance_after_fen
    `.execute(q);
    const row = moved.rows[0];
    if (!row) {
      await accountRow(subscriberId); // NOT_A_SUBSCRIBER if the account is missing
      throw new AppError('INSUFFICIENT_BALANCE');
    }
    return { balanceFen: row.balanceAfterFen };
  }

  async function subscriptions(subscriberId: number, at: Date): Promise<SubscriptionView[]> {
    const rows = await offeringQuery(q)
      .innerJoin('subscription as s', 's.offeringId', 'o.id')
      .select(['s.id as subscriptionId', 's.startsAt', 's.endsAt'])
      .where('s.subscriberId', '=', subscriberId)
      .where('s.status', '=', 'active')
      .where((eb) => eb.or([eb('s.endsAt', 'is', null), eb('s.endsAt', '>', at)]))
      .orderBy('s.startsAt')
      .execute();
    return rows.map(({ subscriptionId, startsAt, endsAt, ...o }) => ({ id: subscriptionId, startsAt, endsAt, offering: toOffering(o) }));
  }

  function toReward(r: { id: string; nameZh: string; nameEn: string; costPoints: number; offeringId: string | null; creditFen: number }): RewardView {
    return { id: r.id, nameZh: r.nameZh, nameEn: r.nameEn, costPoints: r.costPoints, offeringId: r.offeringId, creditFen: r.creditFen };
  }

  return {
    subscriber: (id) => q.selectFrom('subscriber').selectAll().where('id', '=', id).executeTakeFirst(),
    subscriberByMsisdn: (msisdn) => q.selectFrom('subscriber').selectAll().where('msisdn', '=', msisdn).executeTakeFirst(),

    async account(subscriberId): Promise<AccountView> {
      const a = await accountRow(subscriberId);
      return { subscriberId, type: a.type, balanceFen: a.balanceFen, creditLimitFen: a.creditLimitFen };
    },
    async customer(subscriberId) {
      const r = await q.selectFrom('subscriber as s').innerJoin('account as a', 'a.subscriberId', 's.id')
        .selectAll('s').select(['a.type as accountType', 'a.balanceFen', 'a.creditLimitFen'])
        .where('s.id', '=', subscriberId).executeTakeFirst();
      if (!r) return undefined;
      const { accountType, balanceFen, creditLimitFen, ...subscriber } = r;
      return { subscriber, account: { subscriberId, type: accountType, balanceFen, creditLimitFen } };
    },
    charge: (subscriberId, amountFen, m) => move(subscriberId, amountFen, 'charge', m),
    recharge: (subscriberId, amountFen, m) => move(subscriberId, amountFen, 'recharge', m),

    async offering(id) {
      const r = await offeringQuery(q).where('o.id', '=', id).executeTakeFirst();
      return r && toOffering(r);
    },
    async offerings(kinds) {
      if (kinds.length === 0) return [];
      const rows = await offeringQuery(q).where('o.kind', 'in', kinds).where('o.lifecycleStatus', '=', 'Active').orderBy('p.amountFen').orderBy('o.id').execute();
      return rows.map(toOffering);
    },

    subscriptions,
    async subscribe(subscriberId, offering, at) {
      const endsAt = offering.validityDays ? new Date(at.getTime() + offering.validityDays * 86_400_000) : null;
      const insert = () => q.insertInto('subscription')
        .values({ subscriberId, offeringId: offering.id, status: 'active', startsAt: at, endsAt, createdAt: at })
        // The partial unique index allows one live subscription per offering; a conflict is not an error here.
        .onConflict((oc) => oc.columns(['subscriberId', 'offeringId']).where(sql<boolean>`status = 'active'`).doNothing())
        .returning('id').executeTakeFirst();
      let row = await insert();
      if (!row) {
        // A pack that ran out still says "active" until someone looks: close it and try once more.
        const expired = await q.updateTable('subscription').set({ status: 'expired' })
          .where('subscriberId', '=', subscriberId).where('offeringId', '=', offering.id)
          .where('status', '=', 'active').where('endsAt', '<=', at).executeTakeFirst();
        if (expired.numUpdatedRows === 0n) throw new AppError('ALREADY_SUBSCRIBED');
        row = await insert();
        if (!row) throw new AppError('ALREADY_SUBSCRIBED');
      }
      return { id: row.id, offering, startsAt: at, endsAt };
    },
    async unsubscribe(subscriberId, offeringId, at) {
      const r = await q.updateTable('subscription').set({ status: 'cancelled', cancelledAt: at })
        .where('subscriberId', '=', subscriberId).where('offeringId', '=', offeringId).where('status', '=', 'active')
        .where((eb) => eb.or([eb('endsAt', 'is', null), eb('endsAt', '>', at)]))
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) throw new AppError('NOT_SUBSCRIBED');
    },
    async schedulePlanChange(subscriberId, planId, from) {
      await q.updateTable('subscriber').set({ pendingPlanId: planId, pendingPlanFrom: from, updatedAt: new Date() }).where('id', '=', subscriberId).execute();
    },

    async usage(subscriberId, cycle, at): Promise<UsageView> {
      const sub = await q.selectFrom('subscriber').select('planId').where('id', '=', subscriberId).executeTakeFirst();
      if (!sub) throw new AppError('NOT_A_SUBSCRIBER');
      const [counter, plan, packs] = await Promise.all([
        q.selectFrom('usageCounter').selectAll().where('subscriberId', '=', subscriberId).where('cycle', '=', cycle).executeTakeFirst(),
        q.selectFrom('offering').select(['dataMb', 'voiceMin', 'sms']).where('id', '=', sub.planId).executeTakeFirst(),
        subscriptions(subscriberId, at),
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
    },

    async bill(subscriberId, month): Promise<BillView | undefined> {
      const b = await q.selectFrom('bill').selectAll().where('subscriberId', '=', subscriberId).where('month', '=', month).executeTakeFirst();
      if (!b) return undefined;
      const items = await q.selectFrom('billItem').select(['kind', 'nameZh', 'nameEn', 'amountFen']).where('billId', '=', b.id).orderBy('id').execute();
      return { month: b.month, totalFen: b.totalFen, status: b.status, issuedOn: b.issuedOn, dueOn: b.dueOn, items };
    },
    bills: (subscriberId, limit) =>
      q.selectFrom('bill').select(['month', 'totalFen', 'status', 'issuedOn', 'dueOn'])
        .where('subscriberId', '=', subscriberId).orderBy('month', 'desc').limit(limit).execute(),

    async pointsBalance(subscriberId) {
      const r = await q.selectFrom('pointsEntry').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('delta'), eb.lit(0)).as('total'))
        .where('subscriberId', '=', subscriberId).executeTakeFirstOrThrow();
      return Number(r.total);
    },
    async addPoints(subscriberId, delta, reason, ref, noteZh, noteEn, at) {
      if (delta >= 0) {
        // Earning cannot overdraw: no lock, no balance check, one insert.
        await q.insertInto('pointsEntry').values({ subscriberId, delta, reason, reference: ref, noteZh, noteEn, createdAt: at }).execute();
        return null;
      }
      // Serialise point movements of one subscriber so a balance check and its debit cannot interleave.
      // NO KEY UPDATE, not UPDATE: a concurrent order holds a KEY SHARE lock on the subscriber row
      // (its subscription's foreign key), and FOR UPDATE would deadlock against it.
      await q.selectFrom('subscriber').select('id').where('id', '=', subscriberId).forNoKeyUpdate().execute();
      const r = await q.selectFrom('pointsEntry').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('delta'), eb.lit(0)).as('total'))
        .where('subscriberId', '=', subscriberId).executeTakeFirstOrThrow();
      const after = Number(r.total) + delta;
      if (after < 0) throw new AppError('INSUFFICIENT_POINTS');
      await q.insertInto('pointsEntry').values({ subscriberId, delta, reason, reference: ref, noteZh, noteEn, createdAt: at }).execute();
      return after;
    },
    async rewards() {
      const rows = await q.selectFrom('reward').selectAll().where('active', '=', true).orderBy('costPoints').execute();
      return rows.map(toReward);
    },
    async reward(id) {
      const r = await q.selectFrom('reward').selectAll().where('id', '=', id).where('active', '=', true).executeTakeFirst();
      return r && toReward(r);
    },
  };
}

export type { Subscriber };
