// Bills as the billing system issues them (its monthly run, told to omnihall as the network tells
// usage): the bill and its items are written, a postpaid account is charged the total (a prepaid
// one paid as it went: its bill is a statement, already paid), and `bill.issued` goes into the
// event outbox in the same transaction, so it is published if and only if the bill committed.
// A month's bill is issued once: told again with the same items it is the same bill, with other
// items it is refused.
import type { Db } from '../../platform/db/index.ts';
import { cycleOf } from '../../platform/cycle.ts';
import { localDay } from '../../platform/dates.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import { EVENT_SUBJECTS, writeEvent, type BillIssuedEvent } from '../../platform/events/index.ts';
import type { BillView } from './bss.ts';
import type { BillItemTable } from './tables.ts';

type BillItemKind = BillItemTable['kind'];
const KINDS: readonly BillItemKind[] = ['plan', 'pack', 'usage', 'vas', 'discount'];

export interface BillLine {
  kind: BillItemKind;
  nameZh: string;
  nameEn: string;
  /** Fen; a discount is negative. */
  amountFen: number;
}

/** Most items one bill carries. */
export const MAX_BILL_ITEMS = 50;
/** Days after issue a bill is due (the demo's bills: issued on the 1st, due on the 20th). */
const DUE_AFTER_DAYS = 19;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function invalid(zh: string, en: string): AppError {
  return new AppError('INVALID_INPUT', { detail: l10n(zh, en) });
}

function check(month: string, items: readonly BillLine[], at: Date): number {
  if (!MONTH.test(month)) throw invalid('账期格式应为 YYYY-MM', 'The month must be YYYY-MM');
  if (month >= cycleOf(at)) throw invalid('只能为已结束的月份出账', 'A bill is issued for a month that has ended');
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BILL_ITEMS) throw invalid(`账单应有1至${MAX_BILL_ITEMS}项`, `A bill has 1 to ${MAX_BILL_ITEMS} items`);
  for (const it of items) {
    if (!KINDS.includes(it.kind)) throw invalid('账单项类型应为 plan、pack、usage、vas 或 discount', 'An item’s kind is plan, pack, usage, vas or discount');
    if (typeof it.nameZh !== 'string' || typeof it.nameEn !== 'string' || !it.nameZh.trim() || !it.nameEn.trim() || it.nameZh.length > 60 || it.nameEn.length > 60) {
      throw invalid('账单项需有中英文名称（60字以内）', 'Each item needs a Chinese and an English name (at most 60 characters)');
    }
    if (!Number.isSafeInteger(it.amountFen) || Math.abs(it.amountFen) > 100_000_000) throw invalid('金额应为整数分', 'Amounts are whole fen');
  }
  const total = items.reduce((n, it) => n + it.amountFen, 0);
  if (total < 0) throw invalid('账单合计不能为负', 'A bill’s total cannot be negative');
  return total;
}

const sameItems = (a: readonly BillLine[], b: readonly BillLine[]) => a.length === b.length
  && a.every((x, i) => x.kind === b[i]!.kind && x.nameZh === b[i]!.nameZh && x.nameEn === b[i]!.nameEn && x.amountFen === b[i]!.amountFen);

export class BillingFeed {
  constructor(private readonly deps: { db: Db }) {}

  /** Issues `month`'s bill at `at` (Beijing days); `created` false when it was issued before with these items. */
  async issue(subscriberId: number, month: string, items: readonly BillLine[], at: Date): Promise<{ bill: BillView; created: boolean }> {
    const totalFen = check(month, items, at);
    return this.deps.db.transaction().execute(async (tx) => {
      const account = await tx.selectFrom('account').select(['id', 'type']).where('subscriberId', '=', subscriberId).forUpdate().executeTakeFirst();
      if (!account) throw new AppError('NOT_A_SUBSCRIBER');
      const issuedOn = localDay(at);
      const dueOn = localDay(new Date(at.getTime() + DUE_AFTER_DAYS * 86_400_000));
      const prepaid = account.type === 'prepaid';
      const inserted = await tx.insertInto('bill')
        .values({ subscriberId, month, totalFen, status: prepaid || totalFen === 0 ? 'paid' : 'unpaid', issuedOn, dueOn })
        .onConflict((oc) => oc.columns(['subscriberId', 'month']).doNothing())
        .returning('id').executeTakeFirst();
      if (!inserted) {
        const b = await tx.selectFrom('bill').selectAll().where('subscriberId', '=', subscriberId).where('month', '=', month).executeTakeFirstOrThrow();
        const had = await tx.selectFrom('billItem').select(['kind', 'nameZh', 'nameEn', 'amountFen']).where('billId', '=', b.id).orderBy('id').execute();
        if (!sameItems(had, items)) throw new AppError('BILL_ALREADY_ISSUED');
        return { bill: { month: b.month, totalFen: b.totalFen, status: b.status, issuedOn: b.issuedOn, dueOn: b.dueOn, items: had }, created: false };
      }
      await tx.insertInto('billItem').values(items.map((it) => ({ billId: inserted.id, kind: it.kind, nameZh: it.nameZh, nameEn: it.nameEn, amountFen: it.amountFen }))).execute();
      if (!prepaid && totalFen > 0) {
        // A postpaid bill is owed from the day it is issued: the balance carries it until paid
        // (the credit limit is the network's concern, not the bill's: the charge is not refused).
        const moved = await tx.updateTable('account').set((eb) => ({ balanceFen: eb('balanceFen', '-', totalFen), updatedAt: at }))
          .where('id', '=', account.id).returning('balanceFen').executeTakeFirstOrThrow();
        await tx.insertInto('ledgerEntry').values({
          accountId: account.id, kind: 'charge', amountFen: -totalFen, balanceAfterFen: moved.balanceFen, channel: 'system',
          reference: `BILL-${month}`, noteZh: `${month}账单`, noteEn: `Bill for ${month}`, createdAt: at,
        }).execute();
      }
      const event: BillIssuedEvent = { subscriberId, month, amountFen: totalFen, at: at.toISOString() };
      await writeEvent(tx, EVENT_SUBJECTS.billIssued, event, `bill.issued:${subscriberId}:${month}`, at);
      const status = prepaid || totalFen === 0 ? 'paid' as const : 'unpaid' as const;
      return { bill: { month, totalFen, status, issuedOn, dueOn, items: items.map((it) => ({ ...it })) }, created: true };
    });
  }
}
