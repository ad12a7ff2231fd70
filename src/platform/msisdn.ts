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
