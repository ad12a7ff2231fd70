// Segments (客户群): a rule over customer features, counted live against the mart; frozen into a
// member list for a campaign (a snapshot), or imported as a list of numbers. Every change is a
// staff action in the audit log; segments change nothing a subscriber sees or pays until an offer
// or a campaign that uses them is approved, so they need no second person themselves.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n, type L10n } from '../../platform/i18n.ts';
import { normaliseMsisdn } from '../../platform/msisdn.ts';
import type { Clock } from '../../platform/ports.ts';
import { requireRole, type Actor, type AuditLog } from '../../platform/audit.ts';
import { parseSegmentRule, ruleToPredicate, ruleToSql, type FeaturePredicate, type SegmentRule } from './segment-rule.ts';
import type { SegmentRow } from './tables.ts';

const ROLES = ['marketing'] as const;
/** Most numbers one imported list may carry. */
export const MAX_IMPORT = 200_000;

export interface SegmentView {
  id: number;
  names: L10n;
  kind: 'dynamic' | 'static';
  rule: SegmentRule | null;
  size: number;
  countedAt: string;
  createdBy: number;
  createdAt: string;
}

const view = (r: SegmentRow): SegmentView => ({
  id: r.id, names: l10n(r.nameZh, r.nameEn), kind: r.kind, rule: (r.rule as SegmentRule | null) ?? null, size: r.size,
  countedAt: new Date(r.countedAt).toISOString(), createdBy: r.createdBy, createdAt: new Date(r.createdAt).toISOString(),
});

export interface ImportResult {
  segment: SegmentView;
  /** Lines that were not a number of this operator's, with why (at most the first 100). */
  rejected: { line: number; text: string; reason: 'NOT_A_NUMBER' | 'NOT_A_SUBSCRIBER' }[];
  rejectedCount: number;
}

/**
 * A rule's statement is planned for its own values, every time. The pool prepares statements by
 * their text, and after five runs PostgreSQL may keep one generic plan for any values: for a
 * count over the whole mart that plan guesses every city alike and gave up the parallel scan
 * (bench/segments.ts). Planning costs well under a millisecond beside a scan of the mart. (A
 * snapshot's statement names its new segment's id, so its text is new and planned afresh anyway.)
 */
async function planForTheseValues(tx: Db): Promise<void> {
  await sql`set local plan_cache_mode = force_custom_plan`.execute(tx);
}

function names(n: { nameZh: string; nameEn: string }) {
  const zh = n.nameZh.trim();
  const en = n.nameEn.trim();
  if (!zh || !en || zh.length > 60 || en.length > 80) throw new AppError('INVALID_INPUT', { detail: l10n('客户群需要中英文名称（中文60字、英文80字以内）', 'A segment needs a Chinese and an English name (up to 60 and 80 characters)') });
  return { nameZh: zh, nameEn: en };
}

export class SegmentService {
  constructor(private readonly deps: { db: Db; clock: Clock; audit: AuditLog }) {}

  /** How many subscribers the rule takes now (the console's live count). Throws SEGMENT_RULE_INVALID. */
  async count(input: unknown): Promise<number> {
    const rule = parseSegmentRule(input);
    return this.deps.db.transaction().execute(async (tx) => {
      await planForTheseValues(tx);
      const r = await tx.selectFrom('marketingFeature').select(sql<number>`count(*)::int`.as('n'))
        .where(ruleToSql(rule, this.deps.clock.now())).executeTakeFirstOrThrow();
      return Number(r.n);
    });
  }

  /** A dynamic segment: the rule is saved (checked first) and evaluated whenever the segment is used. */
  async create(actor: Actor, input: { nameZh: string; nameEn: string; rule: unknown }): Promise<SegmentView> {
    requireRole(actor, ROLES);
    const n = names(input);
    const rule = parseSegmentRule(input.rule);
    const size = await this.count(rule);
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const row = await tx.insertInto('segment').values({ ...n, kind: 'dynamic', rule: JSON.stringify(rule), size, countedAt: at, createdBy: actor.id, createdAt: at, updatedAt: at })
        .returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'segment.create', entityType: 'segment', entityId: String(row.id), after: view(row) }, at);
      return view(row);
    });
  }

  /** Freezes a dynamic segment's members now into a new static segment (a campaign's list). */
  async snapshot(actor: Actor, id: number, input: { nameZh: string; nameEn: string }): Promise<SegmentView> {
    requireRole(actor, ROLES);
    const n = names(input);
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const src = await tx.selectFrom('segment').selectAll().where('id', '=', id).executeTakeFirst();
      if (!src) throw new AppError('SEGMENT_NOT_FOUND');
      const row = await tx.insertInto('segment').values({ ...n, kind: 'static', rule: src.rule === null ? null : JSON.stringify(src.rule), size: 0, countedAt: at, createdBy: actor.id, createdAt: at, updatedAt: at })
        .returningAll().executeTakeFirstOrThrow();
      const members = src.kind === 'dynamic'
        ? tx.selectFrom('marketingFeature').select([sql.lit(row.id).as('segmentId'), 'subscriberId']).where(ruleToSql(src.rule as SegmentRule, at))
        : tx.selectFrom('segmentMember').select([sql.lit(row.id).as('segmentId'), 'subscriberId']).where('segmentId', '=', src.id);
      const r = await tx.insertInto('segmentMember').columns(['segmentId', 'subscriberId']).expression(members as never).executeTakeFirst();
      const size = Number(r.numInsertedOrUpdatedRows ?? 0n);
      const done = await tx.updateTable('segment').set({ size }).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
      await this.deps.audit.record(tx, actor, { action: 'segment.snapshot', entityType: 'segment', entityId: String(row.id), after: { ...view(done), from: id } }, at);
      return view(done);
    });
  }

  /**
   * A static segment from a list of numbers (CSV: one number per line, or the first column;
   * a header line is skipped). Numbers that are not this operator's are reported, not kept.
   */
  async importList(actor: Actor, input: { nameZh: string; nameEn: string; csv: string }): Promise<ImportResult> {
    requireRole(actor, ROLES);
    const n = names(input);
    const lines = input.csv.split(/\r?\n/);
    if (lines.length > MAX_IMPORT + 1) throw new AppError('INVALID_INPUT', { detail: l10n(`一次最多导入${MAX_IMPORT}个号码`, `At most ${MAX_IMPORT} numbers in one list`) });
    const rejected: ImportResult['rejected'] = [];
    let rejectedCount = 0;
    const reject = (line: number, text: string, reason: 'NOT_A_NUMBER' | 'NOT_A_SUBSCRIBER') => {
      rejectedCount++;
      if (rejected.length < 100) rejected.push({ line, text: text.slice(0, 40), reason });
    };
    const wanted = new Map<string, number>();
    lines.forEach((raw, i) => {
      const cell = (raw.split(',')[0] ?? '').trim().replace(/^"|"$/g, '');
      if (!cell) return;
      const msisdn = normaliseMsisdn(cell);
      if (!msisdn) {
        if (i === 0 && /[a-z\u4e00-\u9fff]/i.test(cell)) return; // a header
        reject(i + 1, cell, 'NOT_A_NUMBER');
        return;
      }
      if (!wanted.has(msisdn)) wanted.set(msisdn, i + 1);
    });
    if (wanted.size === 0) throw new AppError('INVALID_INPUT', { detail: l10n('名单中没有有效号码', 'The list holds no valid number') });
    const at = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const found = new Map<string, number>();
      const all = [...wanted.keys()];
      for (let i = 0; i < all.length; i += 5000) {
        const rows = await tx.selectFrom('marketingFeature').select(['msisdn', 'subscriberId']).where('msisdn', 'in', all.slice(i, i + 5000)).execute();
        for (const r of rows) found.set(r.msisdn, r.subscriberId);
      }
      for (const [msisdn, line] of wanted) if (!found.has(msisdn)) reject(line, msisdn, 'NOT_A_SUBSCRIBER');
      const row = await tx.insertInto('segment').values({ ...n, kind: 'static', rule: null, size: found.size, countedAt: at, createdBy: actor.id, createdAt: at, updatedAt: at })
        .returningAll().executeTakeFirstOrThrow();
      const ids = [...found.values()];
      for (let i = 0; i < ids.length; i += 5000) {
        await tx.insertInto('segmentMember').values(ids.slice(i, i + 5000).map((subscriberId) => ({ segmentId: row.id, subscriberId }))).execute();
      }
      await this.deps.audit.record(tx, actor, { action: 'segment.import', entityType: 'segment', entityId: String(row.id), after: { ...view(row), rejected: rejectedCount } }, at);
      return { segment: view(row), rejected, rejectedCount };
    });
  }

  async get(id: number): Promise<SegmentView> {
    const r = await this.deps.db.selectFrom('segment').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new AppError('SEGMENT_NOT_FOUND');
    return view(r);
  }

  async list(): Promise<SegmentView[]> {
    return (await this.deps.db.selectFrom('segment').selectAll().orderBy('id', 'desc').limit(500).execute()).map(view);
  }

  /** The members of a segment now, in id order (a static one's list; a dynamic one's rule evaluated), read on `q` (a caller's transaction). */
  async members(id: number, opts: { afterId?: number; limit?: number } = {}, q: Db = this.deps.db): Promise<number[]> {
    const seg = await q.selectFrom('segment').selectAll().where('id', '=', id).executeTakeFirst();
    if (!seg) throw new AppError('SEGMENT_NOT_FOUND');
    const limit = opts.limit ?? 10_000;
    const rows = seg.kind === 'dynamic'
      ? await q.selectFrom('marketingFeature').select('subscriberId').where(ruleToSql(seg.rule as SegmentRule, this.deps.clock.now()))
        .where('subscriberId', '>', opts.afterId ?? 0).orderBy('subscriberId').limit(limit).execute()
      : await q.selectFrom('segmentMember').select('subscriberId').where('segmentId', '=', id)
        .where('subscriberId', '>', opts.afterId ?? 0).orderBy('subscriberId').limit(limit).execute();
    return rows.map((r) => r.subscriberId);
  }

  /**
   * A page of a segment's members for the console, in id order from after `afterId`, each with the
   * features staff recognise them by (the number is the mart's; the route masks it).
   */
  async memberPage(id: number, opts: { afterId?: number; limit: number }): Promise<{ subscriberId: number; msisdn: string; city: string; planId: string; accountType: 'prepaid' | 'postpaid' }[]> {
    const ids = await this.members(id, { afterId: opts.afterId, limit: opts.limit });
    if (ids.length === 0) return [];
    return this.deps.db.selectFrom('marketingFeature').select(['subscriberId', 'msisdn', 'city', 'planId', 'accountType'])
      .where('subscriberId', 'in', ids).orderBy('subscriberId').execute();
  }

  /** For decisions: each segment as a membership test over one subscriber's features. */
  async matchers(ids: readonly number[]): Promise<Map<number, { kind: 'dynamic'; test: FeaturePredicate } | { kind: 'static'; members: (subscriberId: number) => Promise<boolean> }>> {
    const out = new Map<number, { kind: 'dynamic'; test: FeaturePredicate } | { kind: 'static'; members: (subscriberId: number) => Promise<boolean> }>();
    if (ids.length === 0) return out;
    const rows = await this.deps.db.selectFrom('segment').selectAll().where('id', 'in', [...ids]).execute();
    for (const r of rows) {
      if (r.kind === 'dynamic') out.set(r.id, { kind: 'dynamic', test: ruleToPredicate(r.rule as SegmentRule) });
      else out.set(r.id, {
        kind: 'static',
        members: async (subscriberId) => (await this.deps.db.selectFrom('segmentMember').select('subscriberId').where('segmentId', '=', r.id).where('subscriberId', '=', subscriberId).executeTakeFirst()) !== undefined,
      });
    }
    return out;
  }
}
