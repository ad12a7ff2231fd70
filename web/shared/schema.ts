// Reading a business's input JSON Schema into form fields, and a form's text back into input.
// The registry's schemas are zod's JSON Schema output (draft 2020-12) plus `x-options`.
import { fenToYuanText, parseYuan } from './format.ts';
import type { JsonSchema, OptionsSource } from './types.ts';

export type FieldKind = 'options' | 'enum' | 'boolean' | 'money' | 'integer' | 'number' | 'month' | 'text';

export interface Field {
  name: string;
  schema: JsonSchema;
  kind: FieldKind;
  required: boolean;
  options?: OptionsSource;
}

const MONTH_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])$';

function typeOf(s: JsonSchema): string | undefined {
  return Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
}

/** An integer counted in fen is typed by people in yuan: the schema says so in its description or name. */
export function isMoney(name: string, s: JsonSchema): boolean {
  return typeOf(s) === 'integer' && (/\bfen\b/i.test(s.description ?? '') || /Fen$/.test(name));
}

export function fieldsOf(schema: JsonSchema): Field[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, s]) => {
    const type = typeOf(s);
    const options = s['x-options'];
    const kind: FieldKind = options ? 'options'
      : s.enum ? 'enum'
      : type === 'boolean' ? 'boolean'
      : isMoney(name, s) ? 'money'
      : type === 'integer' ? 'integer'
      : type === 'number' ? 'number'
      : s.pattern === MONTH_PATTERN || s.format === 'month' ? 'month'
      : 'text';
    return { name, schema: s, kind, required: required.has(name), options };
  });
}

/** Why a value is not acceptable, as a message key and its values; null when it is fine. */
export type FieldProblem = { key: 'form.required' | 'form.invalid' | 'form.amountInvalid' | 'form.min' | 'form.max' | 'form.minLength' | 'form.maxLength'; vars?: Record<string, string | number> };

export type FormValues = Record<string, string | boolean>;

/** Turns the form's values into the business input, or the problems per field. */
export function toInput(fields: Field[], values: FormValues): { input: Record<string, unknown>; problems: Record<string, FieldProblem> } {
  const input: Record<string, unknown> = {};
  const problems: Record<string, FieldProblem> = {};
  for (const f of fields) {
    const raw = values[f.name];
    if (f.kind === 'boolean') {
      input[f.name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (text === '') {
      if (f.required) problems[f.name] = { key: 'form.required' };
      continue;
    }
    const s = f.schema;
    if (f.kind === 'money' || f.kind === 'integer' || f.kind === 'number') {
      let n: number | null;
      if (f.kind === 'money') n = parseYuan(text);
      else if (f.kind === 'integer') n = /^-?\d{1,15}$/.test(text) ? Number.parseInt(text, 10) : null;
      else n = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : null;
      if (n === null) {
        problems[f.name] = { key: f.kind === 'money' ? 'form.amountInvalid' : 'form.invalid' };
        continue;
      }
      const show = (v: number) => (f.kind === 'money' ? fenToYuanText(v) : String(v));
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : undefined);
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : undefined);
      if (min !== undefined && n < min) problems[f.name] = { key: 'form.min', vars: { min: show(min) } };
      else if (max !== undefined && n > max) problems[f.name] = { key: 'form.max', vars: { max: show(max) } };
      else input[f.name] = n;
      continue;
    }
    if (s.minLength !== undefined && text.length < s.minLength) problems[f.name] = { key: 'form.minLength', vars: { n: s.minLength } };
    else if (s.maxLength !== undefined && text.length > s.maxLength) problems[f.name] = { key: 'form.maxLength', vars: { n: s.maxLength } };
    else if (s.pattern && !safeTest(s.pattern, text)) problems[f.name] = { key: 'form.invalid' };
    else input[f.name] = text;
  }
  return { input, problems };
}

function safeTest(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return true; // A pattern this browser cannot read is left to the server to check.
  }
}

/** One choice read from another business's result. */
export interface Choice {
  value: string;
  nameZh: string;
  nameEn: string;
  detailZh?: string;
  detailEn?: string;
  priceFen?: number;
  /** The price is charged every month. */
  monthly?: boolean;
  costPoints?: number;
  dataMb?: number;
  voiceMin?: number;
  sms?: number;
  validityDays?: number | null;
  /** Not choosable now: the current plan, or a reward the points do not reach. */
  disabled?: 'current' | 'unaffordable';
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The choices `source` names in a result: `result[list][*][value]`, labelled as well as the items allow. */
export function choicesFrom(result: unknown, source: OptionsSource): Choice[] {
  if (typeof result !== 'object' || result === null) return [];
  const list = (result as Record<string, unknown>)[source.list];
  if (!Array.isArray(list)) return [];
  const out: Choice[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const o = item as Record<string, unknown>;
    const value = str(o[source.value]);
    if (value === undefined) continue;
    const names = typeof o.names === 'object' && o.names !== null ? (o.names as Record<string, unknown>) : {};
    const nameZh = str(o.nameZh) ?? str(names['zh-CN']) ?? str(o.name) ?? value;
    const nameEn = str(o.nameEn) ?? str(names.en) ?? str(o.name) ?? value;
    out.push({
      value, nameZh, nameEn,
      detailZh: str(o.descriptionZh), detailEn: str(o.descriptionEn),
      priceFen: num(o.priceFen), monthly: o.priceType === 'recurring' || undefined, costPoints: num(o.costPoints),
      dataMb: num(o.dataMb), voiceMin: num(o.voiceMin), sms: num(o.sms),
      validityDays: o.validityDays === null ? null : num(o.validityDays),
      disabled: o.current === true ? 'current' : o.affordable === false ? 'unaffordable' : undefined,
    });
  }
  return out;
}
