// Money, data and number formatting, and parsing a typed yuan amount into integer fen.
// No floats touch money here: amounts are parsed and printed as strings of digits.
// Kept free of DOM types so the Node tests can import it.

/** `12345` → `¥123.45`; `-5` → `-¥0.05`; thousands grouped. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  const whole = String(Math.trunc(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}¥${whole}.${cents}`;
}

/** Fen as plain yuan digits without the sign or grouping: `150000` → `1500`, `1250` → `12.50`. */
export function fenToYuanText(fen: number): string {
  const whole = Math.trunc(fen / 100);
  const cents = fen % 100;
  return cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, '0')}`;
}

const FULL_WIDTH = /[０-９．]/g;

/**
 * A yuan amount as a person types it (`12`, `12.5`, `¥12.50`, `１２．５`, `12元`) → integer fen,
 * or null when it is not an amount. Parsed digit by digit; never through a float.
 */
export function parseYuan(text: string): number | null {
  const s = text
    .replace(FULL_WIDTH, (c) => (c === '．' ? '.' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)))
    .trim()
    .replace(/,(?=\d{3}(?:\D|$))/g, '')
    .replace(/^[¥￥]\s*/, '')
    .replace(/\s*元$/, '');
  const m = /^(\d{1,7})(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return null;
  const whole = Number.parseInt(m[1] ?? '0', 10);
  const cents = Number.parseInt((m[2] ?? '').padEnd(2, '0'), 10);
  return whole * 100 + cents;
}

/** Data in MB, or GB once it is at least 1 GB (1024 MB), with at most one decimal. */
export function formatData(mb: number): string {
  if (Math.abs(mb) < 1024) return `${mb}MB`;
  const tenths = Math.round((mb * 10) / 1024);
  return tenths % 10 === 0 ? `${tenths / 10}GB` : `${Math.trunc(tenths / 10)}.${Math.abs(tenths % 10)}GB`;
}

/** `13800000001` → `138****0001`, so a number on screen or on a receipt is not shown whole. */
export function maskMsisdn(msisdn: string): string {
  return msisdn.length === 11 ? `${msisdn.slice(0, 3)}****${msisdn.slice(7)}` : msisdn;
}

/** An 11-digit mainland mobile number, as the API accepts. */
export function isMsisdn(s: string): boolean {
  return /^1\d{10}$/.test(s);
}

/** Replaces `{name}` in a template with its value. */
export function interpolate(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
