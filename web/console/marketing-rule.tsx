// The segment rule builder: groups of all / any (each may be negated) holding comparisons of the
// customer features, with the input each feature's type needs (money typed in yuan, usage ratios
// in percent, fixed values from a list, days for times). What it builds is the server's rule
// (docs/marketing.md, "Segments"); the server checks it, and its SEGMENT_RULE_INVALID `path`
// marks the condition or group it names.
import type { ReactNode } from 'react';
import { Button, Card, Flex, Input, Select, Space, Switch, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { parseYuan } from '../shared/format.ts';
import { useI18n } from './i18n.tsx';
import type { FeatureDef, Rule } from './marketing-api.ts';
import { codeName, featureLabel, unitOf } from './marketing-ui.tsx';

export const OPS: Record<string, readonly string[]> = {
  number: ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in', 'notIn'],
  string: ['eq', 'ne', 'in', 'notIn'],
  strings: ['contains', 'containsAny', 'isEmpty'],
  time: ['withinDays', 'olderThanDays', 'never'],
};
const LIST_OPS = new Set(['in', 'notIn', 'containsAny']);
const NO_VALUE = new Set(['isEmpty', 'never']);

export interface Cond { id: number; kind: 'cond'; feature: string; op: string; text: string; list: string[] }
export interface Group { id: number; kind: 'group'; join: 'all' | 'any'; not: boolean; children: Node[] }
export type Node = Cond | Group;

let nextId = 1;
/** A new condition: prepaid accounts, a complete condition to edit from (a blank one would start as an error). */
export const newCond = (): Cond => ({ id: nextId++, kind: 'cond', feature: 'accountType', op: 'eq', text: '', list: ['prepaid'] });
export const newGroup = (children: Node[] = [newCond()]): Group => ({ id: nextId++, kind: 'group', join: 'all', not: false, children });

/** One typed value as the rule takes it: yuan → fen, percent → ratio, days and numbers as numbers; undefined when blank. */
function valueOf(def: FeatureDef | undefined, text: string): number | string | undefined {
  const s = text.trim();
  if (!s) return undefined;
  if (!def || def.type === 'string' || def.type === 'strings') return s;
  const unit = unitOf(def.name);
  if (unit === 'fen') return parseYuan(s) ?? s;
  const n = Number(s.replace(/[%％]$/, ''));
  if (!Number.isFinite(n)) return s;
  return unit === 'ratio' ? Math.round(n * 10) / 1000 : n;
}

/**
 * The tree as the server's rule, and each node's path in it (the server's `path`: `all.0.any.1`,
 * with `not` where a group is negated). Blank values go as they are, for the server to name.
 */
export function toRule(root: Group, defs: readonly FeatureDef[]): { rule: Rule; paths: Map<number, string> } {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const paths = new Map<number, string>();
  const join = (a: string, b: string) => (a ? `${a}.${b}` : b);
  const walk = (n: Node, path: string): Rule => {
    if (n.kind === 'cond') {
      paths.set(n.id, path);
      const def = byName.get(n.feature);
      if (NO_VALUE.has(n.op)) return { feature: n.feature, op: n.op };
      if (LIST_OPS.has(n.op)) {
        const items = (def?.values || n.feature === 'channels90d' ? n.list : n.text.split(/[,，、\s]+/)).map((x) => valueOf(def, x)).filter((x) => x !== undefined);
        return { feature: n.feature, op: n.op, value: items };
      }
      const value = def?.values ? n.list[0] : valueOf(def, n.text);
      return value === undefined ? { feature: n.feature, op: n.op } : { feature: n.feature, op: n.op, value };
    }
    const inner = n.not ? join(path, 'not') : path;
    paths.set(n.id, path);
    const group: Rule = n.join === 'all'
      ? { all: n.children.map((c, i) => walk(c, join(inner, `all.${i}`))) }
      : { any: n.children.map((c, i) => walk(c, join(inner, `any.${i}`))) };
    return n.not ? { not: group } : group;
  };
  return { rule: walk(root, ''), paths };
}

/** The node a server path names: the deepest node whose path the error's path starts with. */
export function nodeAt(paths: Map<number, string>, errorPath: string): number | undefined {
  let best: number | undefined;
  let bestLen = -1;
  for (const [id, p] of paths) {
    if ((errorPath === p || errorPath.startsWith(p ? `${p}.` : '')) && p.length > bestLen) {
      best = id;
      bestLen = p.length;
    }
  }
  return best;
}

function replace(n: Node, id: number, f: (x: Node) => Node | null): Node | null {
  if (n.id === id) return f(n);
  if (n.kind === 'cond') return n;
  return { ...n, children: n.children.map((c) => replace(c, id, f)).filter((c): c is Node => c !== null) };
}

interface Props {
  root: Group;
  defs: readonly FeatureDef[];
  onChange(root: Group): void;
  /** The node the server's error names, and the error in words. */
  errorAt?: { id: number; text: string };
}

export function RuleBuilder({ root, defs, onChange, errorAt }: Props) {
  const update = (id: number, f: (x: Node) => Node | null) => onChange((replace(root, id, f) as Group | null) ?? newGroup());
  return <GroupBox group={root} depth={0} defs={defs} update={update} errorAt={errorAt} />;
}

function ErrorLine({ text }: { text: string }) {
  return <Typography.Text type="danger" role="alert" style={{ display: 'block' }} data-testid="rule-error">{text}</Typography.Text>;
}

function GroupBox({ group, depth, defs, update, errorAt }: { group: Group; depth: number; defs: readonly FeatureDef[]; update(id: number, f: (x: Node) => Node | null): void; errorAt?: Props['errorAt'] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const set = (patch: Partial<Group>) => update(group.id, (g) => ({ ...(g as Group), ...patch }));
  const add = (n: Node) => update(group.id, (g) => ({ ...(g as Group), children: [...(g as Group).children, n] }));
  return (
    <Card size="small" className="rule-group" style={{ background: depth % 2 ? '#fafafa' : '#fff' }} role="group" aria-label={t('mkt.rule.group')}>
      <Flex wrap gap={8} align="center" style={{ marginBottom: 8 }}>
        <Select
          aria-label={t('mkt.rule.join')} value={group.join} style={{ width: 170 }} onChange={(join) => set({ join })}
          options={[{ value: 'all', label: t('mkt.rule.all') }, { value: 'any', label: t('mkt.rule.any') }]}
        />
        <Space>
          <Switch size="small" checked={group.not} onChange={(not) => set({ not })} aria-label={t('mkt.rule.not')} />
          <span aria-hidden>{t('mkt.rule.not')}</span>
        </Space>
        <span style={{ flex: 1 }} />
        <Button size="small" icon={<PlusOutlined />} onClick={() => add(newCond())}>{t('mkt.rule.addCond')}</Button>
        {depth < 6 && <Button size="small" icon={<PlusOutlined />} onClick={() => add(newGroup())}>{t('mkt.rule.addGroup')}</Button>}
        {depth > 0 && <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('mkt.rule.removeGroup')} onClick={() => update(group.id, () => null)} />}
      </Flex>
      {errorAt?.id === group.id && <ErrorLine text={errorAt.text} />}
      {group.children.length === 0 && <Typography.Text type="secondary">{t('mkt.rule.empty')}</Typography.Text>}
      <Flex vertical gap={8}>
        {group.children.map((c) => (c.kind === 'group'
          ? <GroupBox key={c.id} group={c} depth={depth + 1} defs={defs} update={update} errorAt={errorAt} />
          : <CondRow key={c.id} cond={c} defs={defs} update={update} error={errorAt?.id === c.id ? errorAt.text : undefined} />))}
      </Flex>
    </Card>
  );
}

function CondRow({ cond, defs, update, error }: { cond: Cond; defs: readonly FeatureDef[]; update(id: number, f: (x: Node) => Node | null): void; error?: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const def = defs.find((d) => d.name === cond.feature);
  const ops = OPS[def?.type ?? 'string'] ?? [];
  const set = (patch: Partial<Cond>) => update(cond.id, (c) => ({ ...(c as Cond), ...patch }));
  const unit = def ? unitOf(def.name) : 'none';
  const fixed = def?.values ?? (cond.feature === 'channels90d' ? ['web', 'mobile', 'kiosk', 'sms', 'ussd', 'ivr', 'agent', 'api', 'mall'] : undefined);
  const prefix = cond.feature === 'channels90d' ? 'channel' : 'value';
  const valueLabel = t('mkt.rule.value');
  let input: ReactNode = null;
  if (NO_VALUE.has(cond.op)) input = null;
  else if (fixed) {
    const multi = LIST_OPS.has(cond.op);
    input = (
      <Select
        aria-label={valueLabel} style={{ minWidth: 180 }} mode={multi ? 'multiple' : undefined}
        value={multi ? cond.list : cond.list[0]} onChange={(v: string | string[]) => set({ list: Array.isArray(v) ? v : [v] })}
        options={fixed.map((v) => ({ value: v, label: codeName(i18n, prefix, v) }))}
      />
    );
  } else {
    const suffix = def?.type === 'time' ? t('mkt.unit.day') : unit === 'fen' ? t('mkt.unit.yuan') : unit === 'ratio' ? '%' : undefined;
    input = (
      <Input
        aria-label={valueLabel} style={{ width: 200 }} value={cond.text} onChange={(e) => set({ text: e.target.value })} suffix={suffix}
        placeholder={LIST_OPS.has(cond.op) ? t('mkt.rule.listHint') : undefined} autoComplete="off"
      />
    );
  }
  return (
    <div className="rule-cond">
      <Flex wrap gap={8} align="center">
        <Select
          aria-label={t('mkt.rule.feature')} showSearch optionFilterProp="label" style={{ width: 220 }} value={cond.feature}
          onChange={(feature: string) => {
            const d = defs.find((x) => x.name === feature);
            const first = OPS[d?.type ?? 'string']?.[0] ?? 'eq';
            set({ feature, op: OPS[d?.type ?? 'string']?.includes(cond.op) ? cond.op : first, text: '', list: d?.values?.[0] ? [d.values[0]] : [] });
          }}
          options={defs.map((d) => ({ value: d.name, label: featureLabel(i18n, d) }))}
        />
        <Select
          aria-label={t('mkt.rule.op')} style={{ width: 130 }} value={cond.op} onChange={(op: string) => set({ op })}
          options={ops.map((o) => ({ value: o, label: codeName(i18n, 'op', o) }))}
        />
        {input}
        <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('mkt.rule.removeCond')} onClick={() => update(cond.id, () => null)} />
      </Flex>
      {error && <ErrorLine text={error} />}
    </div>
  );
}
