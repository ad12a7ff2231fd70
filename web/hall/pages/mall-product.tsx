// A product in the mall: its pictures, the SKU picked by its attributes (颜色, 存储) with the list
// and sale price and the stock of that SKU (有货 / 仅剩 n 件 / 已售罄), the quantity, 加入购物车, and
// the specification table. A number card's number is chosen from its pool here and kept on this
// device until the order takes it (the order reserves it; NUMBER_TAKEN there asks again). Below,
// its reviews (components/mall-reviews.tsx).
import { useEffect, useId, useState } from 'react';
import { Card, Page } from '../components/page.tsx';
import { MallNav, Price, ProductImage, StockBadge, cartChanged } from '../components/mall-parts.tsx';
import { NumberPicker } from '../components/mall-number-picker.tsx';
import { ProductReviews } from '../components/mall-reviews.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { toApiError, type ApiError } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { attrNames, attrValues, chosenNumbers, chooseNumber, skuOf, stockWord, useMall, type Product, type Sku } from '../mall-api.ts';
import { Link } from '../../shared/router.tsx';

export function MallProduct({ id }: { id: number }) {
  const { t, pick } = useI18n();
  const mall = useMall();
  const [product, setProduct] = useState<Product | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    mall.product(id).then((p) => live && setProduct(p), (e: unknown) => live && setError(toApiError(e)));
    return () => { live = false; };
  }, [mall, id, attempt]);
  const title = product ? pick(product.names) : t('mall.product');
  return (
    <Page title={title} className="mall mall-product-page">
      <MallNav />
      {error && <ErrorBox error={error} onRetry={error.status === 404 ? undefined : () => setAttempt((n) => n + 1)} />}
      {error?.status === 404 && <p><Link to="/mall">{t('mall.backHome')}</Link></p>}
      {!product && !error && <Loading />}
      {product && <ProductView p={product} onAdded={() => setAttempt((n) => n + 1)} />}
    </Page>
  );
}

/** The first SKU in stock (else the first), as the picker's starting choice. */
function firstChoice(p: Product): Record<string, string> {
  const s = p.skus.find((x) => stockWord(x.stock).kind !== 'out') ?? p.skus[0];
  return s ? { ...s.attrs } : {};
}

function ProductView({ p, onAdded }: { p: Product; onAdded(): void }) {
  const { t, pick } = useI18n();
  const mall = useMall();
  const id = useId();
  const [chosen, setChosen] = useState<Record<string, string>>(() => firstChoice(p));
  const [image, setImage] = useState(0);
  const [quantity, setQuantity] = useState(1);
  const [number, setNumber] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const names = attrNames(p.skus);
  const sku = skuOf(p.skus, chosen) ?? p.skus[0];
  const word = sku ? stockWord(sku.stock) : { kind: 'out' as const };
  const isNumberCard = p.kind === 'number_card';
  const max = Math.max(1, Math.min(99, isNumberCard ? 1 : sku?.stock.saleable ?? 99));
  const qty = Math.min(quantity, max);
  useEffect(() => {
    if (sku && isNumberCard) setNumber(chosenNumbers()[String(sku.id)] ?? null);
  }, [sku, isNumberCard]);

  /** Picks a value; when no SKU has it with the other choices, the first SKU that has it. */
  const choose = (name: string, value: string) => {
    const next = { ...chosen, [name]: value };
    const exact = skuOf(p.skus, next);
    const fallback = p.skus.find((s) => s.attrs[name] === value);
    setChosen(exact ? next : { ...(fallback?.attrs ?? next) });
    setAdded(null);
    // A picture per colour (the demo shop's way): the colour chosen shows its own.
    const colours = attrValues(p.skus, name);
    if (p.images.length === colours.length && colours.length > 1) setImage(colours.indexOf(value));
  };
  /** The SKU a value would pick with the other choices as they are. */
  const skuWith = (name: string, value: string): Sku | undefined => skuOf(p.skus, { ...chosen, [name]: value });

  const add = async () => {
    if (!sku) return;
    setBusy(true);
    setError(null);
    setAdded(null);
    try {
      const cart = await mall.cart();
      const had = cart.lines.find((l) => l.skuId === sku.id)?.quantity ?? 0;
      const next = isNumberCard ? 1 : Math.min(99, had + qty);
      const after = await mall.setLine(p.id, sku.id, next);
      if (isNumberCard && number) chooseNumber(sku.id, number);
      setAdded(next - had);
      cartChanged(after.count);
      onAdded();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const name = pick(p.names);
  const images = p.images.length ? p.images : [null];
  const description = pick(p.descriptions);
  const needsNumber = isNumberCard && !number;
  return (
    <div className="product-layout">
      <div className="product-gallery">
        <ProductImage src={images[image] ?? images[0]} alt={t('mall.imageOf', { name, n: image + 1 })} className="product-main-img" />
        {images.length > 1 && (
          <ul className="thumbs" aria-label={t('mall.images')}>
            {images.map((src, i) => (
              <li key={i}>
                <button type="button" className={`thumb ${i === image ? 'selected' : ''}`} aria-pressed={i === image} onClick={() => setImage(i)}>
                  <ProductImage src={src} alt={t('mall.imageOf', { name, n: i + 1 })} />
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>

      <div className="product-buy">
        <p className="muted small product-brand">{p.brand}</p>
        {description && <p className="product-desc">{description}</p>}
        {p.tags.length > 0 && <ul className="tag-list" aria-label={t('mall.tags')}>{p.tags.map((x) => <li key={x} className="badge">{x}</li>)}</ul>}
        {sku && (
          <p className="product-price" aria-live="polite" data-testid="sku-price">
            <Price saleFen={sku.saleFen} listFen={sku.listFen} points={p.kind === 'points_gift' ? sku.points : undefined} />
            <StockBadge word={word} />
          </p>
        )}

        {names.map((n) => (
          <fieldset key={n} className="field sku-attr">
            <legend>{n}</legend>
            <div className="chips">
              {attrValues(p.skus, n).map((v) => {
                const s = skuWith(n, v);
                const out = s ? stockWord(s.stock).kind === 'out' : false;
                const selected = chosen[n] === v;
                return (
                  <button key={v} type="button" className={`chip ${selected ? 'selected' : ''} ${out ? 'chip-out' : ''}`} aria-pressed={selected} onClick={() => choose(n, v)}>
                    {v}{out && <span className="chip-note">{t('mall.soldOutShort')}</span>}
                  </button>
                );
              })}
            </div>
          </fieldset>
        ))}

        {isNumberCard && sku && (
          <NumberPicker productId={p.id} chosen={number} onChoose={(v) => { setNumber(v); chooseNumber(sku.id, v); setAdded(null); }} />
        )}

        {!isNumberCard && (
          <div className="field">
            <label htmlFor={`${id}-qty`}>{t('mall.quantity')}</label>
            <div className="stepper">
              <button type="button" className="btn btn-secondary" aria-label={t('mall.less')} disabled={qty <= 1} onClick={() => setQuantity(Math.max(1, qty - 1))}>−</button>
              <input
                id={`${id}-qty`} type="number" inputMode="numeric" min={1} max={max} value={qty}
                onChange={(e) => { const v = Math.trunc(Number(e.target.value)); setQuantity(Number.isFinite(v) && v >= 1 ? Math.min(v, max) : 1); }}
              />
              <button type="button" className="btn btn-secondary" aria-label={t('mall.more1')} disabled={qty >= max} onClick={() => setQuantity(Math.min(max, qty + 1))}>+</button>
            </div>
          </div>
        )}

        {error && <ErrorBox error={error} />}
        <div className="actions">
          <button type="button" className="btn btn-primary btn-wide" disabled={busy || !sku || word.kind === 'out' || needsNumber} onClick={add}>
            {word.kind === 'out' ? t('mall.soldOut') : needsNumber ? t('mall.chooseNumberFirst') : busy ? t('mall.adding') : t('mall.addToCart')}
          </button>
          <Link to="/mall/cart" className="btn btn-secondary">{t('mall.toCart')}</Link>
        </div>
        {added !== null && <p className="notice" role="status">{t('mall.added', { n: added })} <Link to="/mall/cart">{t('mall.toCart')}</Link></p>}
      </div>

      {p.specs.length > 0 && (
        <Card title={t('mall.specs')} className="product-specs">
          {p.specs.map((g, i) => (
            <table key={i} className="spec-table">
              <caption>{pick(g.group)}</caption>
              <tbody>
                {g.items.map((row, j) => <tr key={j}><th scope="row">{pick(row.name)}</th><td>{row.value}</td></tr>)}
              </tbody>
            </table>
          ))}
        </Card>
      )}
      <ProductReviews productId={p.id} />
    </div>
  );
}
