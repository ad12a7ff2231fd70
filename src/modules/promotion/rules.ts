// The promotion rules as plain functions: which of a cart's lines a promotion applies to, what it
// takes off them, and how the best automatic promotion and one coupon combine. No database here.
import { l10n, yuan, type L10n } from '../../platform/i18n.ts';
import type { Benefit } from './tables.ts';

/** A cart line as checkout hands it over. */
export interface CartLine {
  productId: number;
  skuId: number;
  categoryId: number | null;
  quantity: number;
  unitFen: number;
}

export interface Terms {
  benefit: Benefit;
  offFen: number | null;
  percentOff: number | null;
  capFen: number | null;
  minSpendFen: number;
  productIds: readonly number[];
  categoryIds: readonly number[];
}

/** Each category's id → itself and every category below it. */
export function categoriesBelow(categories: readonly { id: number; parentId: number | null }[]): Map<number, Set<number>> {
  const children = new Map<number, number[]>();
  for (const c of categories) if (c.parentId !== null) children.set(c.parentId, [...(children.get(c.parentId) ?? []), c.id]);
  const out = new Map<number, Set<number>>();
  for (const c of categories) {
    const below = new Set([c.id]);
    for (const id of below) for (const k of children.get(id) ?? []) below.add(k);
    out.set(c.id, below);
  }
  return out;
}

/** Whether the promotion covers a line: the whole shop when it names no products and no categories. */
export function covers(t: Pick<Terms, 'productIds' | 'categoryIds'>, line: CartLine, below: Map<number, Set<number>>): boolean {
  if (!t.productIds.length && !t.categoryIds.length) return true;
  if (t.productIds.includes(line.productId)) return true;
  return line.categoryId !== null && t.categoryIds.some((c) => below.get(c)?.has(line.categoryId!) ?? c === line.categoryId);
}

/** The goods, in fen, of the lines the promotion covers. */
export function coveredFen(t: Pick<Terms, 'productIds' | 'categoryIds'>, lines: readonly CartLine[], below: Map<number, Set<number>>): number {
  return lines.reduce((sum, l) => sum + (covers(t, l, below) ? l.quantity * l.unitFen : 0), 0);
}

/** What the promotion takes off `fen` of covered goods (never more than them); 0 below its threshold. */
export function discountOn(t: Terms, fen: number): number {
  if (fen <= 0 || fen < t.minSpendFen) return 0;
  const off = t.benefit === 'amount' ? t.offFen! : Math.floor((fen * t.percentOff!) / 100);
  return Math.min(fen, off, t.capFen ?? Number.MAX_SAFE_INTEGER);
}

/** `满199元减20元` / `¥20 off ¥199`, `9折，最高减50元` / `10% off, at most ¥50`, `无门槛减10元` / `¥10 off`. */
export function termsText(t: Terms): L10n {
  const over = t.minSpendFen > 0;
  if (t.benefit === 'amount') {
    return over ? l10n(`满${yuan0(t.minSpendFen)}元减${yuan0(t.offFen!)}元`, `¥${yuan0(t.offFen!)} off ¥${yuan0(t.minSpendFen)}`)
      : l10n(`无门槛减${yuan0(t.offFen!)}元`, `¥${yuan0(t.offFen!)} off`);
  }
  const rate = 100 - t.percentOff!;
  const zhRate = String(rate / 10);
  const zh = `${over ? `满${yuan0(t.minSpendFen)}元` : ''}${zhRate}折${t.capFen ? `，最高减${yuan0(t.capFen)}元` : ''}`;
  const en = `${t.percentOff}% off${over ? ` from ¥${yuan0(t.minSpendFen)}` : ''}${t.capFen ? `, at most ¥${yuan0(t.capFen)}` : ''}`;
  return l10n(zh, en);
}

/** Whole yuan without the fen when there are none: 19900 → `199`, 1990 → `19.90`. */
function yuan0(fen: number): string {
  return fen % 100 === 0 ? String(fen / 100) : yuan(fen);
}

/**
 * The stacking rule: at most one automatic promotion (the one taking most off; the older one on a
 * tie) and one coupon, each on the goods it covers at their prices, together never more than the
 * goods: when they would be, the coupon takes off what is left.
 */
export function combine<A extends { discountFen: number }, C extends { discountFen: number }>(goodsFen: number, autos: readonly A[], coupon: C | undefined): { auto?: A & { discountFen: number }; coupon?: C & { discountFen: number }; discountFen: number } {
  const best = autos.find((a) => a.discountFen > 0);
  const autoFen = Math.min(best?.discountFen ?? 0, goodsFen);
  const couponFen = coupon ? Math.min(coupon.discountFen, goodsFen - autoFen) : 0;
  return {
    ...(best ? { auto: { ...best, discountFen: autoFen } } : {}),
    ...(coupon ? { coupon: { ...coupon, discountFen: couponFen } } : {}),
    discountFen: autoFen + couponFen,
  };
}
