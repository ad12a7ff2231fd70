// Money is integer fen. The one parser from what people type or send (yuan, at most two
// decimals) to fen, used by every channel, TMF620 and the web app (no Node imports here).

/** Most fen a single amount may be: ¥100,000,000.00, far below 2^53. */
export const MAX_FEN = 10_000_000_000;

/** Why a text is not an amount in yuan, for a channel to say in its own words. */
export type YuanProblem = 'format' | 'decimals' | 'range';

/**
 * `"19.9"` → `{ fen: 1990 }`, `"¥ 20"` → 2000, `"0.05"` → 5; a problem for anything that is not a
 * non-negative amount in yuan with at most two decimals, no more than {@link MAX_FEN} (no floats
 * are involved: the digits are read as text). Full-width digits and a leading ¥/￥ or a trailing
 * 元 are accepted.
 */
export function readYuan(text: string): { fen: number } | { problem: YuanProblem } {
  const t = text
    .replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/^\s*[¥￥]\s*/, '')
    .replace(/\s*元\s*$/, '')
    .trim();
  const m = /^(\d+)(?:\.(\d+))?$/.exec(t);
  if (!m) return { problem: 'format' };
  const decimals = m[2] ?? '';
  if (decimals.length > 2) return { problem: 'decimals' };
  if (m[1]!.replace(/^0+/, '').length > 9) return { problem: 'range' };
  const fen = Number(m[1]) * 100 + Number(decimals.padEnd(2, '0'));
  return fen <= MAX_FEN ? { fen } : { problem: 'range' };
}

/** {@link readYuan}'s fen, or null when the text is not an amount. */
export function parseYuanToFen(text: string): number | null {
  const r = readYuan(text);
  return 'fen' in r ? r.fen : null;
}

/** A JSON number of yuan (TMF620's `price.value`) to fen; null when it has more than two decimals. */
export function yuanNumberToFen(value: number): number | null {
  if (!Number.isFinite(value) || value < 0) return null;
  // The shortest decimal text JavaScript gives a number is its exact written form (19.9 → "19.9").
  const text = String(value);
  if (/e/i.test(text)) return null;
  return parseYuanToFen(text);
}

/** 12345 → `123.45`, -500 → `-5.00`: integer arithmetic only. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Fen as the number of yuan TMF620 sends (`price.value`): exact, since fen/100 has two decimals. */
export function fenToYuanNumber(fen: number): number {
  return Number(formatYuan(fen));
}
