// 商城: the mall's pages by path (/mall and below), and its home: categories, a search box that
// finds Chinese names, brands and pinyin initials, filters by brand and price range, and product
// cards with the picture, the name, the lowest price and a sold-out mark. The filters are kept in
// the address, so a reload or the back button shows the same list.
import { useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { Page } from '../components/page.tsx';
import { MallNav, Price, ProductImage } from '../components/mall-parts.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { Search } from '../components/icons.tsx';
import { toApiError, type ApiError } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { soldOut, useMall, type Category, type Product, type ProductFilter } from '../mall-api.ts';
import { Link } from '../../shared/router.tsx';
import { MallSignIn } from './mall-sign-in.tsx';
import { MallProduct } from './mall-product.tsx';
import { MallCart } from './mall-cart.tsx';
import { MallCheckout } from './mall-checkout.tsx';
import { MallOrder, MallOrders } from './mall-orders.tsx';
import { MallActivity } from './mall-activity.tsx';
import { MallCoupons } from './mall-coupons.tsx';
import '../mall.css';

/** Is this path one of the mall's? */
export function isMallPath(sub: string): boolean {
  return sub === '/mall' || sub.startsWith('/mall/');
}

/** The mall's page for a path: browsing and the cart without sign-in, checkout and orders with it. */
export function mallPage(sub: string, signedIn: boolean): ReactNode {
  let m: RegExpExecArray | null;
  if ((m = /^\/mall\/p\/(\d{1,12})$/.exec(sub))) return <MallProduct key={m[1]} id={Number(m[1])} />;
  if (sub === '/mall/cart') return <MallCart />;
  if (sub === '/mall/activity') return <MallActivity />;
  if (sub === '/mall/checkout' || sub === '/mall/orders' || sub === '/mall/coupons' || /^\/mall\/orders\/\d{1,12}$/.test(sub)) {
    if (!signedIn) return <MallSignIn />;
    if (sub === '/mall/checkout') return <MallCheckout />;
    if (sub === '/mall/coupons') return <MallCoupons />;
    if (sub === '/mall/orders') return <MallOrders />;
    return <MallOrder key={sub} id={Number(sub.slice('/mall/orders/'.length))} />;
  }
  return <MallHome />;
}

/** Price ranges offered as filters, in fen (the upper bound included). */
const PRICE_RANGES: { id: string; minFen?: number; maxFen?: number }[] = [
  { id: 'all' },
  { id: '0-1000', maxFen: 100_000 },
  { id: '1000-3000', minFen: 100_000, maxFen: 300_000 },
  { id: '3000-5000', minFen: 300_000, maxFen: 500_000 },
  { id: '5000-', minFen: 500_000 },
];

interface Filters { q: string; category: number | null; brand: string; price: string }

function readFilters(): Filters {
  const s = new URLSearchParams(window.location.search);
  const category = Number(s.get('category'));
  const price = s.get('price') ?? 'all';
  return {
    q: (s.get('q') ?? '').slice(0, 40),
    category: Number.isInteger(category) && category > 0 ? category : null,
    brand: (s.get('brand') ?? '').slice(0, 40),
    price: PRICE_RANGES.some((r) => r.id === price) ? price : 'all',
  };
}

function writeFilters(f: Filters): void {
  const s = new URLSearchParams();
  if (f.q) s.set('q', f.q);
  if (f.category) s.set('category', String(f.category));
  if (f.brand) s.set('brand', f.brand);
  if (f.price !== 'all') s.set('price', f.price);
  const qs = s.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${qs ? `?${qs}` : ''}`);
}

const PAGE = 20;

function findCategory(tree: readonly Category[], id: number | null): { node: Category; parent: Category | null } | null {
  if (id === null) return null;
  for (const c of tree) {
    if (c.id === id) return { node: c, parent: null };
    for (const child of c.children) {
      if (child.id === id) return { node: child, parent: c };
      const deeper = findCategory(child.children, id);
      if (deeper) return deeper;
    }
  }
  return null;
}

export function MallHome() {
  const { t, pick } = useI18n();
  const mall = useMall();
  const id = useId();
  const [filters, setFilters] = useState<Filters>(readFilters);
  const [typed, setTyped] = useState(filters.q);
  const [categories, setCategories] = useState<Category[] | null>(null);
  const [items, setItems] = useState<Product[] | null>(null);
  const [total, setTotal] = useState(0);
  const [brands, setBrands] = useState<string[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [more, setMore] = useState(false);

  useEffect(() => {
    let live = true;
    mall.categories().then((c) => live && setCategories(c), (e: unknown) => live && setError(toApiError(e)));
    return () => { live = false; };
  }, [mall]);

  const range = PRICE_RANGES.find((r) => r.id === filters.price) ?? PRICE_RANGES[0]!;
  const filter = useMemo<ProductFilter>(() => ({
    q: filters.q || undefined, category: filters.category ?? undefined, brand: filters.brand || undefined,
    minFen: range.minFen, maxFen: range.maxFen, limit: PAGE,
  }), [filters, range]);

  useEffect(() => {
    writeFilters(filters);
    let live = true;
    setItems(null);
    setError(null);
    mall.products(filter).then((r) => {
      if (!live) return;
      setItems(r.items);
      setTotal(r.total);
    }, (e: unknown) => live && setError(toApiError(e)));
    // The brands to choose from: those of the list without the brand and price filters.
    mall.products({ ...filter, brand: undefined, minFen: undefined, maxFen: undefined, limit: 100 }).then((r) => {
      if (live) setBrands([...new Set(r.items.map((p) => p.brand))]);
    }, () => undefined);
    return () => { live = false; };
  }, [mall, filter, attempt, filters]);

  const loadMore = () => {
    if (!items) return;
    setMore(true);
    mall.products({ ...filter, offset: items.length }).then((r) => {
      setItems([...items, ...r.items]);
      setTotal(r.total);
    }, (e: unknown) => setError(toApiError(e))).finally(() => setMore(false));
  };

  const set = (f: Partial<Filters>) => setFilters((old) => ({ ...old, ...f }));
  const search = (e: FormEvent) => {
    e.preventDefault();
    set({ q: typed.trim().slice(0, 40) });
  };
  const found = findCategory(categories ?? [], filters.category);
  const top = found ? found.parent ?? found.node : null;

  return (
    <Page title={t('mall.title')} intro={t('mall.intro')} className="mall">
      <MallNav />
      <form className="mall-search" role="search" onSubmit={search}>
        <label htmlFor={`${id}-q`} className="sr-only">{t('mall.searchLabel')}</label>
        <div className="search-box">
          <Search className="search-icon" size={20} aria-hidden="true" />
          <input
            id={`${id}-q`} type="search" value={typed} maxLength={40} placeholder={t('mall.searchPlaceholder')}
            onChange={(e) => setTyped(e.target.value)}
          />
        </div>
        <button type="submit" className="btn btn-primary">{t('mall.search')}</button>
      </form>

      {categories && categories.length > 0 && (
        <nav className="mall-cats" aria-label={t('mall.categories')}>
          <ul className="chips">
            <li><button type="button" className={`chip ${top === null ? 'selected' : ''}`} aria-pressed={top === null} onClick={() => set({ category: null, brand: '' })}>{t('mall.allCategories')}</button></li>
            {categories.map((c) => (
              <li key={c.id}>
                <button type="button" className={`chip ${top?.id === c.id ? 'selected' : ''}`} aria-pressed={top?.id === c.id} onClick={() => set({ category: c.id, brand: '' })}>
                  {pick(c.names)}
                </button>
              </li>
            ))}
          </ul>
          {top && top.children.length > 0 && (
            <ul className="chips chips-sub" aria-label={pick(top.names)}>
              <li><button type="button" className={`chip ${filters.category === top.id ? 'selected' : ''}`} aria-pressed={filters.category === top.id} onClick={() => set({ category: top.id })}>{t('mall.allOf', { name: pick(top.names) })}</button></li>
              {top.children.map((c) => (
                <li key={c.id}>
                  <button type="button" className={`chip ${filters.category === c.id ? 'selected' : ''}`} aria-pressed={filters.category === c.id} onClick={() => set({ category: c.id })}>
                    {pick(c.names)}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </nav>
      )}

      <div className="mall-filters">
        <div className="field">
          <label htmlFor={`${id}-brand`}>{t('mall.brand')}</label>
          <select id={`${id}-brand`} value={filters.brand} onChange={(e) => set({ brand: e.target.value })}>
            <option value="">{t('mall.allBrands')}</option>
            {[...new Set([...brands, ...(filters.brand ? [filters.brand] : [])])].map((b) => <option key={b} value={b}>{b}</option>)}
          </select>
        </div>
        <fieldset className="field">
          <legend>{t('mall.priceRange')}</legend>
          <div className="chips">
            {PRICE_RANGES.map((r) => (
              <button key={r.id} type="button" className={`chip ${filters.price === r.id ? 'selected' : ''}`} aria-pressed={filters.price === r.id} onClick={() => set({ price: r.id })}>
                {t(`mall.price.${r.id}` as 'mall.price.all')}
              </button>
            ))}
          </div>
        </fieldset>
      </div>

      {error && <ErrorBox error={error} onRetry={() => setAttempt((n) => n + 1)} />}
      {!items && !error && <Loading />}
      {items && (
        <>
          <p className="muted small" role="status">{filters.q ? t('mall.foundFor', { n: total, q: filters.q }) : t('mall.found', { n: total })}</p>
          {items.length === 0 ? <p>{t('mall.none')}</p> : (
            <ul className="product-grid" aria-label={t('mall.products')}>
              {items.map((p) => <ProductCard key={p.id} p={p} />)}
            </ul>
          )}
          {items.length < total && (
            <div className="actions">
              <button type="button" className="btn btn-secondary" disabled={more} onClick={loadMore}>{more ? t('common.loading') : t('mall.more')}</button>
            </div>
          )}
        </>
      )}
    </Page>
  );
}

function ProductCard({ p }: { p: Product }) {
  const { t, pick } = useI18n();
  const out = soldOut(p);
  const name = pick(p.names);
  const cheapest = p.skus.reduce<Product['skus'][number] | undefined>((a, s) => (!a || s.saleFen < a.saleFen ? s : a), undefined);
  const several = new Set(p.skus.map((s) => s.saleFen)).size > 1;
  return (
    <li className={`product-card ${out ? 'sold-out' : ''}`} data-product={p.id}>
      <Link to={`/mall/p/${p.id}`} className="product-link">
        <ProductImage src={p.images[0]} alt="" />
        <span className="product-name">{name}</span>
        <span className="product-brand muted small">{p.brand}</span>
        <Price saleFen={p.priceFromFen} listFen={several ? undefined : cheapest?.listFen} from={several} points={p.kind === 'points_gift' ? cheapest?.points : undefined} />
        {out && <span className="badge badge-danger">{t('mall.soldOut')}</span>}
      </Link>
    </li>
  );
}
