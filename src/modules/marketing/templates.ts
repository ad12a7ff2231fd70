// SMS content templates for broadcasts: `{name}`, `{offer}`, `{price}`, `{expires}` filled in per
// recipient, and what the text costs on the air: GSM-7 or UCS-2, its length against 160/70 for one
// part and 153/67 per part of a concatenated message (src/platform/sms/gsm-encoding.ts, the same
// code the SMPP link splits with, so the count shown is the count sent).
import { encodingFor, gsm7Length, LIMITS, partsNeeded, type SmsEncoding } from '../../platform/sms/gsm-encoding.ts';
import { l10n, type L10n } from '../../platform/i18n.ts';

/** The variables a template may use, each with what it becomes. */
export const TEMPLATE_VARIABLES = {
  name: l10n('客户姓名', "The subscriber's name"),
  offer: l10n('优惠名称（按客户语言）', "The offer's name, in the subscriber's language"),
  price: l10n('优惠价格，如 10.00元', "The offer's price, e.g. ¥10.00"),
  expires: l10n('优惠截止日期', 'The day the offer ends'),
} as const satisfies Record<string, L10n>;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export type TemplateValues = Partial<Record<TemplateVariable, string>>;

/** Variables that need an offer to have a value. */
export const OFFER_VARIABLES: readonly TemplateVariable[] = ['offer', 'price', 'expires'];

// A placeholder is a name in braces; braces around anything else (a smiley, JSON) stay text.
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]{0,30})\}/gu;

/** The distinct placeholders in a template, in the order they first appear. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Placeholders that are not variables (refused at approval: a typo would otherwise go out as `{nmae}`). */
export function unknownVariables(template: string): string[] {
  return templateVariables(template).filter((v) => !Object.hasOwn(TEMPLATE_VARIABLES, v));
}

/** The template with each known variable replaced; an unknown one is left as written. */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(TEMPLATE_VARIABLES, name) ? values[name as TemplateVariable] ?? '' : whole));
}

export interface SmsMeasure {
  encoding: SmsEncoding;
  /** Septets (GSM-7, an extension character counts two) or UTF-16 units (UCS-2). */
  length: number;
  parts: number;
  /** What one part holds at this length: 160/70 for a single part, 153/67 each when concatenated. */
  perPart: number;
  /** Left in the last part before another is needed. */
  remaining: number;
}

/** What a text costs as an SMS. */
export function measureSms(text: string): SmsMeasure {
  const encoding = encodingFor(text);
  const length = encoding === 'gsm7' ? gsm7Length(text) : text.length;
  const parts = text.length === 0 ? 1 : partsNeeded(text);
  const perPart = parts === 1 ? LIMITS[encoding].single : LIMITS[encoding].multi;
  const remaining = parts === 1 ? perPart - length : parts * perPart - length;
  return { encoding, length, parts, perPart, remaining: Math.max(0, remaining) };
}

/** Sample values for a preview, when no recipient is named. */
export const SAMPLE_VALUES: Record<'zh-CN' | 'en', Required<TemplateValues>> = {
  'zh-CN': { name: '李明', offer: '3GB流量包', price: '10.00元', expires: '2026年12月31日' },
  en: { name: 'Li Ming', offer: '3 GB data pack', price: '¥10.00', expires: '31 Dec 2026' },
};
