// Pieces every mall page uses: the mall's own navigation with the cart's count, a price with its
// struck list price, a stock word (有货 / 仅剩 n 件 / 已售罄), and a product's picture.
import { useEffect, useState } from 'react';
import { formatFen } from '../../shared/format.ts';
import { Link } from '../../shared/router.tsx';
import { useI18n } from '../i18n.tsx';
import { useMall, type StockWord } from '../mall-api.ts';

const CART_CHANGED = 'omnihall:cart-changed';

/** Tells the mall's navigation that the cart changed (its count). */
export function cartChanged(count: number): void {
  window.dispatchEvent(new CustomEvent(CART_CHANGED, { detail: count }));
}

/** 商城首页 · 活动专区 · 优惠券 · 购物车 (n) · 我的订单, above every mall page. */
export function MallNav() {
  const { t } = useI18n();
  const mall = useMall();
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    mall.cart().then((c) => live && setCount(c.count), () => undefined);
    const on = (e: Event) => setCount((e as CustomEvent<number>).detail);
    window.addEventListener(CART_CHANGED, on);
    return () => {
      live = false;
      window.removeEventListener(CART_CHANGED, on);
    };
  }, [mall]);
  return (
    <nav className="mall-nav" aria-label={t('mall.nav')}>
      <ul>
        <li><Link to="/mall">{t('mall.home')}</Link></li>
        <li><Link to="/mall/activity">{t('mall.activity')}</Link></li>
        <li><Link to="/mall/coupons">{t('mall.coupons')}</Link></li>
        <li>
          <Link to="/mall/cart" data-testid="mall-cart-link">
            {t('mall.cart')}
            {count !== null && count > 0 && <><span className="mall-count" aria-hidden="true">{count}</span><span className="sr-only">{t('mall.cartCount', { n: count })}</span></>}
          </Link>
        </li>
        <li><Link to="/mall/orders">{t('mall.orders')}</Link></li>
      </ul>
    </nav>
  );
}

/** The price paid, and the list price struck through when it is higher. */
export function Price({ saleFen, listFen, from, points }: { saleFen: number; listFen?: number; from?: boolean; points?: number | null }) {
  const { t } = useI18n();
  if (points !== undefined && points !== null && points > 0) {
    return <span className="mall-price"><strong>{t('mall.points', { n: points })}</strong></span>;
  }
  return (
    <span className="mall-price">
      <strong>{from ? t('mall.priceFrom', { price: formatFen(saleFen) }) : formatFen(saleFen)}</strong>
      {listFen !== undefined && listFen > saleFen && (
        <s className="mall-list-price"><span className="sr-only">{t('mall.listPrice')} </span>{formatFen(listFen)}</s>
      )}
    </span>
  );
}

export function StockBadge({ word }: { word: StockWord }) {
  const { t } = useI18n();
  if (word.kind === 'out') return <span className="badge badge-danger" data-stock="out">{t('mall.soldOut')}</span>;
  if (word.kind === 'few') return <span className="badge badge-warn" data-stock="few">{t('mall.fewLeft', { n: word.n })}</span>;
  return <span className="badge badge-ok" data-stock="in">{t('mall.inStock')}</span>;
}

/** A product's picture; a plain tile with its initial when it has none. */
export function ProductImage({ src, alt, className }: { src: string | null | undefined; alt: string; className?: string }) {
  if (!src) return <span className={`mall-img mall-img-none ${className ?? ''}`} role="img" aria-label={alt}>{alt.slice(0, 1)}</span>;
  return <img className={`mall-img ${className ?? ''}`} src={src} alt={alt} loading="lazy" />;
}
