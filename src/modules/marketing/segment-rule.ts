// Segment rules (分群规则): and / or / not over comparisons of customer features. A rule is
// checked against the features' names and types before it is saved, and compiled two ways with
// the same meaning: to one SQL condition over the mart (counts, snapshots) and to a JavaScript
// predicate over one subscriber's features (decisions at contact time).
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import { FEATURE_BY_NAME, type FeatureDef, type FeatureType, type Features } from './features.ts';

export const RULE_OPS = {
  number: ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in', 'notIn'],
  string: ['eq', 'ne', 'in', 'notIn'],
  strings: ['contains', 'containsAny', 'isEmpty'],
  time: ['withinDays', 'olderThanDays', 'never'],
} as const satisfies Record<FeatureType, readonly string[]>;

export type RuleOp = (typeof RULE_OPS)[FeatureType][number];

export interface Condition {
  feature: string;
  op: RuleOp;
  value?: number | string | (number | string)[];
}

export type SegmentRule = { all: SegmentRule[] } | { any: SegmentRule[] } | { not: SegmentRule } | Condition;

const MAX_DEPTH = 8;
const MAX_NODES = 200;
const MAX_LIST = 1000;

const scalar = z.union([z.number().finite(), z.string().max(100)]);
export const segmentRuleSchema: z.ZodType<SegmentRule> = z.lazy(() => z.union([
  z.object({ all: z.array(segmentRuleSchema).min(1).max(50) }).strict(),
  z.object({ any: z.array(segmentRuleSchema).min(1).max(50) }).strict(),
  z.object({ not: segmentRuleSchema }).strict(),
  z.object({
    feature: z.string().min(1).max(60),
    op: z.string().min(1).max(20) as z.ZodType<RuleOp>,
    value: z.union([scalar, z.array(scalar).max(MAX_LIST)]).optional(),
  }).strict(),
]));

function invalid(path: string, zh: string, en: string, reason: string): AppError {
  return new AppError('SEGMENT_RULE_INVALID', { detail: l10n(`分群规则有误（${path || '规则'}）：${zh}`, `Invalid segment rule at ${path || 'the rule'}: ${en}`), extra: { path, reason } });
}

const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);

function checkCondition(c: Condition, path: string): void {
  const def = FEATURE_BY_NAME.get(c.feature);
  if (!def) throw invalid(path, `没有特征“${c.feature}”`, `there is no feature "${c.feature}"`, 'UNKNOWN_FEATURE');
  const ops = RULE_OPS[def.type] as readonly string[];
  if (!ops.includes(c.op)) throw invalid(path, `特征“${def.label['zh-CN']}”不支持运算“${c.op}”（可用：${ops.join('、')}）`, `feature "${c.feature}" does not take "${c.op}" (it takes ${ops.join(', ')})`, 'WRONG_OP');
  const v = c.value;
  const wrong = (zh: string, en: string) => invalid(path, `“${def.label['zh-CN']}”${zh}`, `"${c.feature}" ${en}`, 'WRONG_VALUE');
  const fitsType = (x: unknown) => def.type === 'number' ? (typeof x === 'number' && (!def.name.endsWith('Fen') || isInt(x))) : typeof x === 'string';
  const fitsValues = (x: unknown) => !def.values || def.values.includes(String(x));
  switch (c.op) {
    case 'isEmpty': case 'never':
      if (v !== undefined) throw wrong('此运算不需要值', 'takes no value with this operator');
      return;
    case 'in': case 'notIn': case 'containsAny': {
      if (!Array.isArray(v) || v.length === 0) throw wrong('需要一个非空列表', 'needs a non-empty list');
      const itemType = def.type === 'strings' ? 'string' : def.type;
      for (const x of v) {
        if (itemType === 'string' ? typeof x !== 'string' : !fitsType(x)) throw wrong(`的取值类型不对：${JSON.stringify(x)}`, `has a value of the wrong type: ${JSON.stringify(x)}`);
        if (!fitsValues(x)) throw wrong(`没有取值“${x}”（可选：${def.values!.join('、')}）`, `has no value "${x}" (it takes ${def.values!.join(', ')})`);
      }
      return;
    }
    case 'withinDays': case 'olderThanDays':
      if (!isInt(v) || (v as number) < 0 || (v as number) > 3650) throw wrong('需要0到3650之间的天数', 'needs a whole number of days from 0 to 3650');
      return;
    case 'contains':
      if (typeof v !== 'string') throw wrong('需要一个文本值', 'needs a text value');
      return;
    default:
      if (Array.isArray(v) || v === undefined || !fitsType(v)) {
        throw wrong(def.type === 'number' ? (def.name.endsWith('Fen') ? '需要整数金额（分）' : '需要一个数值') : '需要一个文本值',
          def.type === 'number' ? (def.name.endsWith('Fen') ? 'needs a whole amount in fen' : 'needs a number') : 'needs a text value');
      }
      if (!fitsValues(v)) throw wrong(`没有取值“${v}”（可选：${def.values!.join('、')}）`, `has no value "${v}" (it takes ${def.values!.join(', ')})`);
  }
}

/** The rule, checked: its shape, every feature's name, every operator and value's type. Throws SEGMENT_RULE_INVALID. */
export function parseSegmentRule(input: unknown): SegmentRule {
  const parsed = segmentRuleSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(issue.path.join('.'), '结构不对（应为 all / any / not 或 {feature, op, value}）', `its shape is wrong (expected all / any / not or {feature, op, value}): ${issue.message}`, 'SHAPE');
  }
  let nodes = 0;
  const walk = (r: SegmentRule, path: string, depth: number): void => {
    if (++nodes > MAX_NODES) throw invalid(path, `条件过多（最多${MAX_NODES}个）`, `too many conditions (at most ${MAX_NODES})`, 'TOO_BIG');
    if (depth > MAX_DEPTH) throw invalid(path, `嵌套过深（最多${MAX_DEPTH}层）`, `nested too deep (at most ${MAX_DEPTH})`, 'TOO_BIG');
    if ('all' in r) r.all.forEach((x, i) => walk(x, `${path}${path ? '.' : ''}all.${i}`, depth + 1));
    else if ('any' in r) r.any.forEach((x, i) => walk(x, `${path}${path ? '.' : ''}any.${i}`, depth + 1));
    else if ('not' in r) walk(r.not, `${path}${path ? '.' : ''}not`, depth + 1);
    else checkCondition(r, path);
  };
  walk(parsed.data, '', 0);
  return parsed.data;
}

/** Features' column names in the mart are the features' names (snake_cased by the CamelCasePlugin). */
type Eb = ExpressionBuilder<Database, 'marketingFeature'>;
type Col = keyof Database['marketingFeature'] & string;

const DAY_MS = 86_400_000;
const SQL_CMP = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

/**
 * The rule as one SQL condition over `marketing_feature`, at the instant `at` (for the time
 * operators). Every condition is false, never null, where a feature is missing, so `not` is the
 * plain opposite ("not contacted within 30 days" includes those never contacted). Only the time
 * features' columns may be null; the others' comparisons are left bare, because a condition
 * wrapped in coalesce() cannot use an index and hides its selectivity from the planner
 * (bench/segments.ts: the issue's Guangzhou segment counted 4× slower than the same SQL by hand).
 */
export function ruleToSql(rule: SegmentRule, at: Date): (eb: Eb) => Expression<SqlBool> {
  const build = (eb: Eb, r: SegmentRule): Expression<SqlBool> => {
    if ('all' in r) return eb.and(r.all.map((x) => build(eb, x)));
    if ('any' in r) return eb.or(r.any.map((x) => build(eb, x)));
    if ('not' in r) return eb.not(build(eb, r.not));
    const col = r.feature as Col;
    const ref = eb.ref(col);
    const leaf = ((): Expression<SqlBool> => {
      switch (r.op) {
        case 'in': return eb(col, 'in', r.value as never[]);
        case 'notIn': return eb(col, 'not in', r.value as never[]);
        case 'contains': return sql<SqlBool>`${ref} @> array[${r.value}]::text[]`;
        case 'containsAny': return sql<SqlBool>`${ref} && ${sql.val(r.value)}::text[]`;
        case 'isEmpty': return sql<SqlBool>`cardinality(${ref}) = 0`;
        case 'withinDays': return eb(col, '>=', new Date(at.getTime() - (r.value as number) * DAY_MS) as never);
        case 'olderThanDays': return eb(col, '<', new Date(at.getTime() - (r.value as number) * DAY_MS) as never);
        case 'never': return eb(col, 'is', null);
        default: return eb(col, SQL_CMP[r.op], r.value as never);
      }
    })();
    return r.op === 'never' || FEATURE_BY_NAME.get(r.feature)!.type !== 'time' ? leaf : sql<SqlBool>`coalesce(${leaf}, false)`;
  };
  return (eb) => build(eb, rule);
}

export type FeaturePredicate = (f: Features, atMs: number) => boolean;

/** The rule as a predicate over one subscriber's features: the same meaning as ruleToSql. */
export function ruleToPredicate(rule: SegmentRule): FeaturePredicate {
  if ('all' in rule) {
    const parts = rule.all.map(ruleToPredicate);
    return (f, at) => parts.every((p) => p(f, at));
  }
  if ('any' in rule) {
    const parts = rule.any.map(ruleToPredicate);
    return (f, at) => parts.some((p) => p(f, at));
  }
  if ('not' in rule) {
    const inner = ruleToPredicate(rule.not);
    return (f, at) => !inner(f, at);
  }
  const def = FEATURE_BY_NAME.get(rule.feature) as FeatureDef;
  const key = def.name as keyof Features;
  const v = rule.value;
  switch (rule.op) {
    case 'eq': return (f) => f[key] === v;
    case 'ne': return (f) => f[key] !== v;
    case 'lt': return (f) => (f[key] as number) < (v as number);
    case 'le': return (f) => (f[key] as number) <= (v as number);
    case 'gt': return (f) => (f[key] as number) > (v as number);
    case 'ge': return (f) => (f[key] as number) >= (v as number);
    case 'in': { const s = new Set(v as unknown[]); return (f) => s.has(f[key]); }
    case 'notIn': { const s = new Set(v as unknown[]); return (f) => !s.has(f[key]); }
    case 'contains': return (f) => (f[key] as string[]).includes(v as string);
    case 'containsAny': { const s = new Set(v as string[]); return (f) => (f[key] as string[]).some((x) => s.has(x)); }
    case 'isEmpty': return (f) => (f[key] as string[]).length === 0;
    case 'withinDays': { const d = (v as number) * DAY_MS; return (f, at) => { const t = f[key] as Date | null; return t !== null && t.getTime() >= at - d; }; }
    case 'olderThanDays': { const d = (v as number) * DAY_MS; return (f, at) => { const t = f[key] as Date | null; return t !== null && t.getTime() < at - d; }; }
    case 'never': return (f) => f[key] === null;
  }
}
