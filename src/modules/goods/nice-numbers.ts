// 靓号等级: a number card's "nice number" tier, computed from the number by rules on its tail (the
// first rule that matches wins, best first). Tier 1 is the best; 0 is an ordinary number. The tier
// sets the default deposit (预存话费) the buyer pays for it.

export interface NiceRule {
  /** The pattern's usual name: AAAAA, ABCD, AABB… */
  pattern: string;
  tier: 1 | 2 | 3 | 4;
  test(number: string): boolean;
}

const tail = (n: string, k: number) => n.slice(-k);
const same = (s: string) => s.length > 0 && [...s].every((c) => c === s[0]);
/** Each digit one more (or one less) than the one before: 1234, 9876. */
function run(s: string): boolean {
  if (s.length < 2) return false;
  const d = [...s].map(Number);
  const step = d[1]! - d[0]!;
  return (step === 1 || step === -1) && d.every((x, i) => i === 0 || x - d[i - 1]! === step);
}

export const NICE_RULES: readonly NiceRule[] = [
  { pattern: 'AAAAA', tier: 1, test: (n) => same(tail(n, 5)) },
  { pattern: '8888', tier: 1, test: (n) => tail(n, 4) === '8888' || tail(n, 4) === '6666' || tail(n, 4) === '9999' },
  { pattern: 'AAAA', tier: 2, test: (n) => same(tail(n, 4)) },
  { pattern: 'ABCDE', tier: 2, test: (n) => run(tail(n, 5)) },
  { pattern: 'ABCD', tier: 3, test: (n) => run(tail(n, 4)) },
  { pattern: 'AABB', tier: 3, test: (n) => { const t = tail(n, 4); return t[0] === t[1] && t[2] === t[3] && t[0] !== t[2]; } },
  { pattern: 'ABAB', tier: 3, test: (n) => { const t = tail(n, 4); return t.slice(0, 2) === t.slice(2) && t[0] !== t[1]; } },
  { pattern: 'AAA', tier: 4, test: (n) => same(tail(n, 3)) },
  { pattern: '520/1314/168', tier: 4, test: (n) => /(?:520|1314|168)$/.test(n) },
];

/** Default deposit by tier, in fen: ¥2000, ¥1000, ¥500, ¥100, nothing for an ordinary number. */
export const TIER_DEPOSIT_FEN: Readonly<Record<number, number>> = { 0: 0, 1: 200_000, 2: 100_000, 3: 50_000, 4: 10_000 };

/** `13800008888` → { tier: 1, pattern: '8888' }; `13812345670` → { tier: 0, pattern: null }. */
export function niceTier(number: string): { tier: number; pattern: string | null } {
  const r = NICE_RULES.find((x) => x.test(number));
  return r ? { tier: r.tier, pattern: r.pattern } : { tier: 0, pattern: null };
}
