// The one MSISDN normaliser: what a person types or a gateway sends, to the 11-digit mainland
// mobile number omnihall stores (`13800000001`). Used by every channel and the web app.

/**
 * `"+86 138 0000 0001"`, `"0086-13800000001"`, `"１３８００００００01"` → `"13800000001"`; null for
 * anything else, letters included (they are never silently dropped).
 */
export function normaliseMsisdn(text: string): string | null {
  const t = text
    .replace(/[０-９＋]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\-()（）\u3000]/g, '');
  const m = /^(?:\+?86|0086)?(1\d{10})$/.exec(t);
  return m ? m[1]! : null;
}

/** `13800000001` → `138****0001`, as numbers are shown on shared screens. */
export function maskMsisdn(msisdn: string): string {
  return msisdn.length === 11 ? `${msisdn.slice(0, 3)}****${msisdn.slice(7)}` : msisdn;
}

/**
 * Why a text is not a mobile number, in both languages, or null when it is one: letters are named
 * as the reason (never dropped to make a number of what is left).
 */
export function msisdnProblem(text: string): { 'zh-CN': string; en: string } | null {
  if (normaliseMsisdn(text) !== null) return null;
  const t = text.replace(/[０-９＋]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\s\-()（）\u3000]/g, '');
  if (/\p{L}/u.test(t)) return { 'zh-CN': '手机号码只能包含数字，不能有字母', en: 'A mobile number has digits only, no letters' };
  const digits = t.replace(/^(?:\+?86|0086)(?=1\d{10}$)/, '');
  if (/^\+?\d+$/.test(t) && digits.replace(/^\+/, '').length !== 11) return { 'zh-CN': '请输入11位手机号码', en: 'Enter an 11-digit mobile number' };
  return { 'zh-CN': '这不是有效的手机号码，请输入11位手机号码，如13800000001', en: 'That is not a mobile number; enter 11 digits, e.g. 13800000001' };
}
