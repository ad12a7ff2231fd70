// 购物车: each line at the sale price now, its quantity changed or the line taken out, and what is
// wrong with it said plainly (已售罄, 仅剩 n 件, 已下架): only the lines that can be bought count
// towards the total. A guest's cart works without sign-in and joins the subscriber's on sign-in.
import { useCallback, useEffect, useState } from 'react';
import { Page } from '../components/page.tsx';
import { MallNav, Price, ProductImage, cartChanged } from '../components/mall-parts.tsx';
import { spacedNumber } from '../components/mall-number-picker.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { toApiError, type ApiError } from '../api.ts';
import { formatFen } from '../../shared/format.ts';
import { useI18n } from '../i18n.tsx';
import { chosenNumbers, useMall, type Cart, type CartLine } from '../mall-api.ts';
import { Link } from '../../shared/router.tsx';

/** What is wrong with a line, in words, or null. */
export function lineProblem(l: Pick<CartLine, 'problem' | 'stock'>, t: (k: 'mall.problem.gone' | 'mall.soldOut' | 'mall.problem.few', v?: Record<string, number>) => string): string | null {
  if (l.problem === 'PRODUCT_NOT_FOUND') return t('mall.problem.gone');
  if (l.problem === 'OUT_OF_STOCK') return l.stock.saleable ? t('mall.problem.few', { n: l.stock.saleable }) : t('mall.soldOut');
  return null;
}

export function MallCart() {
  const { t, pick } = useI18n();
  const mall = useMall();
  const [cart, setCart] = useState<Cart | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const load = useCallback(() => {
    setError(null);
    mall.cart().then((c) => { setCart(c); cartChanged(c.count); }, (e: unknown) => setError(toApiError(e)));
  }, [mall]);
  useEffect(load, [load]);

  const change = (l: CartLine, quantity: number) => {
    setBusy(l.skuId);
    setError(null);
    (quantity <= 0 ? mall.removeLine(l.skuId) : mall.setLine(l.productId, l.skuId, quantity)).then(
      (c) => { setCart(c); cartChanged(c.count); },
      (e: unknown) => { setError(toApiError(e)); load(); },
    ).finally(() => setBusy(null));
  };

  const numbers = chosenNumbers();
  const buyable = cart?.lines.filter((l) => !l.problem) ?? [];
  return (
    <Page title={t('mall.cart')} className="mall mall-cart-page">
      <MallNav />
      {error && <ErrorBox error={error} onRetry={load} />}
      {!cart && !error && <Loading />}
      {cart && cart.lines.length === 0 && (
        <p>{t('mall.cartEmpty')} <Link to="/mall">{t('mall.goShopping')}</Link></p>
      )}
      {cart && cart.lines.length > 0 && (
        <>
          <ul className="cart-lines" aria-label={t('mall.cartLines')}>
            {cart.lines.map((l) => {
              const name = pick(l.names);
              const problem = lineProblem(l, t);
              const attrs = Object.values(l.attrs).join(' · ');
              return (
                <li key={l.skuId} className={`cart-line ${problem ? 'has-problem' : ''}`} data-sku={l.skuId}>
                  <ProductImage src={l.image} alt="" className="cart-img" />
                  <div className="cart-main">
                    <Link to={`/mall/p/${l.productId}`} className="cart-name">{name}</Link>
                    {attrs && <span className="muted small">{attrs}</span>}
                    {l.delivery === 'number' && (
                      <span className="small">{numbers[String(l.skuId)] ? t('mall.numberChosen', { number: spacedNumber(numbers[String(l.skuId)]!) }) : <Link to={`/mall/p/${l.productId}`}>{t('mall.chooseNumberFirst')}</Link>}</span>
                    )}
                    <Price saleFen={l.saleFen} listFen={l.listFen} />
                    {problem && <span className="badge badge-danger cart-problem" role="note">{problem}</span>}
                  </div>
                  <div className="cart-side">
                    <div className="stepper" role="group" aria-label={t('mall.quantityOf', { name })}>
                      <button type="button" className="btn btn-secondary" aria-label={t('mall.less')} disabled={busy !== null || l.quantity <= 1} onClick={() => change(l, l.quantity - 1)}>−</button>
                      <span className="stepper-value" aria-live="polite">{l.quantity}</span>
                      <button
                        type="button" className="btn btn-secondary" aria-label={t('mall.more1')}
                        disabled={busy !== null || l.quantity >= 99 || l.delivery === 'number' || (l.stock.saleable !== null && l.quantity >= l.stock.saleable)}
                        onClick={() => change(l, l.quantity + 1)}
                      >+</button>
                    </div>
                    <span className="cart-line-total">{formatFen(l.lineFen)}</span>
                    <button type="button" className="btn btn-link" disabled={busy !== null} onClick={() => change(l, 0)}>
                      {t('mall.remove')}<span className="sr-only"> {name}</span>
                    </button>
                  </div>
                </li>
              );
            })}
          </ul>
          <div className="cart-foot">
            <p className="cart-total">
              {t('mall.cartTotal', { n: buyable.reduce((a, l) => a + l.quantity, 0) })} <strong data-testid="cart-total">{formatFen(cart.totalFen)}</strong>
            </p>
            {buyable.length < cart.lines.length && <p className="muted small">{t('mall.cartSomeBlocked')}</p>}
            <div className="actions">
              {buyable.length === cart.lines.length
                ? <Link to="/mall/checkout" className="btn btn-primary btn-wide">{t('mall.checkout')}</Link>
                : <button type="button" className="btn btn-primary btn-wide" disabled>{t('mall.checkout')}</button>}
              <Link to="/mall" className="btn btn-secondary">{t('mall.goShopping')}</Link>
            </div>
          </div>
        </>
      )}
    </Page>
  );
}
