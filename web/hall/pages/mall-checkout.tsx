// 结算: the delivery address (when something is shipped), a coupon code, points as part-payment
// (the balance and what it is worth in yuan), the way of paying, and the quote; then a separate
// confirmation with the total before the order is placed (confirm: true, and one Idempotency-Key
// per attempt, kept when the answer is lost and the same order is sent again). A changed price
// shows the new quote and asks again; a refusal (stock gone, the number taken, a coupon, points) is
// said plainly and nothing is charged. A pay page (sandbox, bank, Alipay) is opened when the answer
// says so; otherwise the order's page.
import { Fragment, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Card, Page } from '../components/page.tsx';
import { MallNav, cartChanged } from '../components/mall-parts.tsx';
import { spacedNumber } from '../components/mall-number-picker.tsx';
import { ErrorBox, Loading, errorText } from '../components/status.tsx';
import { newIdempotencyKey, toApiError, type ApiError } from '../api.ts';
import { isRecord } from '../../shared/api.ts';
import { fenToYuanText, formatFen } from '../../shared/format.ts';
import { useQuery } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import {
  POINTS_PER_YUAN, checkAddress, chooseNumber, chosenNumbers, saveAddress, savedAddress, shipped, useMall,
  type Address, type Cart, type Coupon, type CheckoutQuote, type PaymentMethod, type PlaceOrder,
} from '../mall-api.ts';
import { AddressFieldset } from '../components/mall-address.tsx';
import type { PointsData } from '../results.ts';
import { Link, useRouter } from '../../shared/router.tsx';

/** Points a yuan amount in fen is worth paying with. */
export function pointsFor(fen: number): number {
  return Math.ceil((fen * POINTS_PER_YUAN) / 100);
}
/** What points are worth, in fen. */
export function fenOfPoints(points: number): number {
  return Math.floor((points * 100) / POINTS_PER_YUAN);
}

/** The quote a PRICE_CHANGED (or CONFIRMATION_REQUIRED) problem carries, when it has a total. */
function quoteIn(e: ApiError): CheckoutQuote | undefined {
  const q = e.problem.body.quote;
  return isRecord(q) && typeof q.totalFen === 'number' ? (q as unknown as CheckoutQuote) : undefined;
}

type Step =
  | { step: 'edit' }
  | { step: 'confirm'; quote: CheckoutQuote; body: PlaceOrder; priceChanged?: boolean }
  | { step: 'placing'; quote: CheckoutQuote; body: PlaceOrder }
  | { step: 'lost'; quote: CheckoutQuote; body: PlaceOrder; error: ApiError };

export function MallCheckout() {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const mall = useMall();
  const { navigate } = useRouter();
  const id = useId();
  const points = useQuery<PointsData>('points.query');
  const [cart, setCart] = useState<Cart | null>(null);
  const [methods, setMethods] = useState<PaymentMethod[] | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [address, setAddress] = useState<Address>(savedAddress);
  const [addressProblem, setAddressProblem] = useState<string | null>(null);
  const [coupon, setCoupon] = useState('');
  const [myCoupons, setMyCoupons] = useState<Coupon[]>([]);
  const [usePoints, setUsePoints] = useState('');
  const [method, setMethod] = useState('');
  const [quote, setQuote] = useState<CheckoutQuote | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [s, setStep] = useState<Step>({ step: 'edit' });
  // One key per attempt at placing the order: kept while the same order is sent again.
  const key = useRef<string | null>(null);
  const confirmHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    mall.cart().then((c) => live && setCart(c), (e: unknown) => live && setLoadError(toApiError(e)));
    // The wallet's usable coupons to pick from (a code may still be typed; the wallet failing leaves only that).
    mall.coupons().then((w) => live && setMyCoupons(w.usable), () => undefined);
    mall.paymentMethods().then((m) => {
      if (!live) return;
      setMethods(m);
      setMethod((old) => old || (m.find((x) => x.method === 'balance') ?? m[0])?.method || '');
    }, (e: unknown) => live && setLoadError(toApiError(e)));
    return () => { live = false; };
  }, [mall]);
  useEffect(() => {
    if (s.step === 'confirm') confirmHeading.current?.focus();
  }, [s.step]);

  const needsAddress = cart?.lines.some((l) => shipped(l.delivery)) ?? false;
  const numberLines = cart?.lines.filter((l) => l.delivery === 'number') ?? [];
  const numbers = chosenNumbers();
  const missingNumber = numberLines.find((l) => !numbers[String(l.skuId)]);
  const balancePoints = points.data?.points ?? null;

  const readBody = (): { body: Omit<PlaceOrder, 'expectedTotalFen'>; problem?: string } => {
    const body: Omit<PlaceOrder, 'expectedTotalFen'> = { method, confirm: true };
    if (needsAddress) {
      const a = checkAddress(address);
      if ('problem' in a) return { body, problem: t(a.problem) };
      body.address = a.address;
    }
    if (coupon.trim()) body.couponCode = coupon.trim().toUpperCase();
    const p = usePoints.trim();
    if (method !== 'points' && p) {
      if (!/^\d{1,9}$/.test(p)) return { body, problem: t('mall.pointsBad') };
      if (Number(p) > 0) body.points = Number(p);
    }
    if (numberLines.length) body.numbers = Object.fromEntries(numberLines.map((l) => [String(l.skuId), numbers[String(l.skuId)]!]));
    return { body };
  };

  /** Asks for the quote of the order as filled in, then shows it to confirm. */
  const review = async (e: FormEvent) => {
    e.preventDefault();
    const { body, problem } = readBody();
    setAddressProblem(problem ?? null);
    if (problem) return;
    setBusy(true);
    setError(null);
    try {
      const ask = (pts?: number) => mall.quote({ address: body.address, couponCode: body.couponCode, points: pts });
      let q = await ask(body.points);
      // 积分支付: the points cover the whole order.
      if (method === 'points') {
        body.points = pointsFor(q.totalFen);
        q = await ask(body.points);
      }
      if (body.address) saveAddress(body.address);
      setQuote(q);
      key.current = newIdempotencyKey();
      setStep({ step: 'confirm', quote: q, body: { ...body, expectedTotalFen: q.totalFen } });
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const place = (body: PlaceOrder, q: CheckoutQuote) => {
    const k = key.current ?? (key.current = newIdempotencyKey());
    setStep({ step: 'placing', quote: q, body });
    mall.placeOrder(body, k).then(({ order, next }) => {
      key.current = null;
      cartChanged(0);
      for (const l of numberLines) chooseNumber(l.skuId, null);
      if (next.kind === 'redirect') window.location.assign(next.url);
      else navigate(`/mall/orders/${order.id}`);
    }, (err: unknown) => {
      const e = toApiError(err);
      if (e.status === 0 || e.status >= 500) {
        // No answer: the same order under the same key, so it is never placed twice.
        setStep({ step: 'lost', quote: q, body, error: e });
        return;
      }
      // Refused: nothing was placed or charged; the next attempt is a new one.
      key.current = null;
      const nq = quoteIn(e);
      if (e.code === 'PRICE_CHANGED' && nq) {
        setQuote(nq);
        key.current = newIdempotencyKey();
        setStep({ step: 'confirm', quote: nq, body: { ...body, expectedTotalFen: nq.totalFen }, priceChanged: true });
        return;
      }
      if (e.code === 'NUMBER_TAKEN') {
        const sku = e.problem.body.skuId;
        for (const l of numberLines) if (sku === undefined || sku === l.skuId) chooseNumber(l.skuId, null);
      }
      setError(e);
      setStep({ step: 'edit' });
    });
  };

  if (loadError) return <Page title={t('mall.checkoutTitle')} className="mall"><MallNav /><ErrorBox error={loadError} /></Page>;
  if (!cart || !methods) return <Page title={t('mall.checkoutTitle')} className="mall"><MallNav /><Loading /></Page>;
  if (cart.lines.length === 0) {
    return (
      <Page title={t('mall.checkoutTitle')} className="mall">
        <MallNav />
        <p>{t('mall.cartEmpty')} <Link to="/mall/orders">{t('mall.orders')}</Link> · <Link to="/mall">{t('mall.goShopping')}</Link></p>
      </Page>
    );
  }
  const blocked = cart.lines.some((l) => l.problem);
  const methodName = (m: string) => {
    const x = methods.find((y) => y.method === m);
    return x ? pick(x.names) : m;
  };

  if (s.step !== 'edit') {
    const q = s.quote;
    const b = s.body;
    const { pointsFen, payFen } = q;
    return (
      <Page title={t('mall.checkoutTitle')} className="mall">
        <MallNav />
        <section className="run-panel confirm mall-confirm" aria-labelledby={`${id}-confirm`}>
          <h2 id={`${id}-confirm`} ref={confirmHeading} tabIndex={-1}>{t('mall.confirmTitle')}</h2>
          {s.step === 'confirm' && s.priceChanged && <p className="notice warn" role="alert">{t('mall.priceChanged')}</p>}
          <QuoteLines quote={q} />
          <dl className="quote-facts">
            <dt>{t('mall.goods')}</dt><dd>{formatFen(q.goodsFen)}</dd>
            <dt>{t('mall.deliveryFee')}</dt><dd>{q.deliveryFen > 0 ? formatFen(q.deliveryFen) : t('mall.free')}</dd>
            {q.promotions.map((x) => <Fragment key={x.promotionId}><dt>{pick(x.names)}{x.couponCode ? ` (${x.couponCode})` : ''}</dt><dd>−{formatFen(x.discountFen)}</dd></Fragment>)}
            {q.discountFen > 0 && q.promotions.length === 0 && (<><dt>{t('mall.discount')}</dt><dd>−{formatFen(q.discountFen)}</dd></>)}
            <dt>{t('mall.total')}</dt><dd className="quote-price" data-testid="confirm-total">{formatFen(q.totalFen)}</dd>
            {pointsFen > 0 && (<><dt>{t('mall.pointsPart')}</dt><dd>{t('mall.pointsWorth', { n: q.points, amount: formatFen(pointsFen) })}</dd></>)}
            <dt>{t('mall.payNow', { method: methodName(b.method) })}</dt><dd className="quote-price" data-testid="confirm-pay">{formatFen(payFen)}</dd>
            {b.address && (<><dt>{t('mall.shipTo')}</dt><dd>{`${b.address.name} ${b.address.phone} · ${b.address.province}${b.address.city}${b.address.district}${b.address.detail}`}</dd></>)}
            {b.numbers && Object.values(b.numbers).map((n) => <Fragment key={n}><dt>{t('mall.chosenNumber')}</dt><dd className="mono">{spacedNumber(n)}</dd></Fragment>)}
          </dl>
          {s.step === 'lost' && (
            <div className="error-box" role="alert">
              <p>{errorText(s.error, i18n)} {t('mall.lostAnswer')}</p>
            </div>
          )}
          <div className="actions">
            {s.step === 'placing' ? <Loading label={t('mall.placing')} /> : (
              <>
                <button type="button" className="btn btn-primary btn-wide" onClick={() => place(b, q)}>
                  {s.step === 'lost' ? t('common.retry') : t('mall.confirmPay', { amount: formatFen(payFen) })}
                </button>
                <button type="button" className="btn btn-secondary" onClick={() => { key.current = null; setStep({ step: 'edit' }); }}>{t('mall.backToEdit')}</button>
              </>
            )}
          </div>
        </section>
      </Page>
    );
  }

  const maxPoints = quote ? pointsFor(quote.totalFen) : undefined;

  return (
    <Page title={t('mall.checkoutTitle')} className="mall">
      <MallNav />
      {blocked && <p className="notice warn" role="alert">{t('mall.cartSomeBlocked')} <Link to="/mall/cart">{t('mall.cart')}</Link></p>}
      <form className="checkout-form" onSubmit={review} noValidate>
        <Card title={t('mall.yourOrder')}>
          <ul className="checkout-lines">
            {cart.lines.map((l) => (
              <li key={l.skuId}>
                <span>{pick(l.names)}{Object.values(l.attrs).length > 0 && <span className="muted small"> · {Object.values(l.attrs).join(' · ')}</span>} × {l.quantity}</span>
                <span>{formatFen(l.lineFen)}</span>
                {l.delivery === 'number' && (
                  <span className="small checkout-number">
                    {numbers[String(l.skuId)] ? t('mall.numberChosen', { number: spacedNumber(numbers[String(l.skuId)]!) }) : ''}{' '}
                    <Link to={`/mall/p/${l.productId}`}>{numbers[String(l.skuId)] ? t('mall.changeNumber') : t('mall.chooseNumberFirst')}</Link>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </Card>

        {needsAddress && <AddressFieldset value={address} onChange={(a) => { setAddress(a); setAddressProblem(null); }} />}

        <Card title={t('mall.discounts')}>
          {myCoupons.length > 0 && (
            <div className="field">
              <label htmlFor={`${id}-coupon-pick`}>{t('mall.couponPick')}</label>
              <select id={`${id}-coupon-pick`} data-testid="coupon-pick" value={myCoupons.some((c) => c.code === coupon.trim().toUpperCase()) ? coupon.trim().toUpperCase() : ''}
                onChange={(e) => setCoupon(e.target.value)}>
                <option value="">{t('mall.couponPickNone')}</option>
                {myCoupons.map((c) => <option key={c.id} value={c.code}>{`${c.rule} · ${c.name} · ${t('mall.couponValidUntil', { at: c.validUntilLocal })}`}</option>)}
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor={`${id}-coupon`}>{t('mall.coupon')}</label>
            <input id={`${id}-coupon`} type="text" value={coupon} maxLength={32} autoComplete="off" onChange={(e) => setCoupon(e.target.value)} />
          </div>
          {method !== 'points' && (
            <div className="field">
              <label htmlFor={`${id}-points`}>{t('mall.usePoints')}</label>
              <p id={`${id}-points-hint`} className="field-hint" data-testid="points-balance">
                {balancePoints === null ? t('common.loading') : t('mall.pointsBalance', { n: balancePoints, amount: formatFen(fenOfPoints(balancePoints)), rate: POINTS_PER_YUAN })}
              </p>
              <input
                id={`${id}-points`} type="text" inputMode="numeric" value={usePoints} maxLength={9} autoComplete="off" aria-describedby={`${id}-points-hint`}
                onChange={(e) => setUsePoints(e.target.value)}
              />
              {usePoints.trim() && /^\d+$/.test(usePoints.trim()) && (
                <p className="muted small">{t('mall.pointsWorthYuan', { n: Number(usePoints.trim()), amount: fenToYuanText(fenOfPoints(Number(usePoints.trim()))) })}</p>
              )}
              {balancePoints !== null && balancePoints > 0 && (
                <button type="button" className="btn btn-link" onClick={() => setUsePoints(String(maxPoints === undefined ? balancePoints : Math.min(balancePoints, maxPoints)))}>
                  {t('mall.useAllPoints')}
                </button>
              )}
            </div>
          )}
        </Card>

        <fieldset className="card">
          <legend className="card-legend">{t('mall.payMethod')}</legend>
          <div className="choice-grid">
            {methods.map((m) => (
              <label key={m.method} className={`choice ${method === m.method ? 'checked' : ''}`}>
                <input type="radio" name={`${id}-method`} value={m.method} checked={method === m.method} onChange={() => setMethod(m.method)} />
                <span className="choice-body">
                  <span className="choice-name">{pick(m.names)}</span>
                  <span className="choice-desc">{t(`mall.method.${m.method}` as 'mall.method.balance')}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>

        {addressProblem && <p className="field-problem" role="alert">{addressProblem}</p>}
        {error && <ErrorBox error={error} title={t('mall.notPlaced')} />}
        {error?.code === 'NUMBER_TAKEN' && <p className="notice warn">{t('mall.numberTakenHint')}</p>}
        {quote && <p className="muted small">{t('mall.lastQuote', { amount: formatFen(quote.totalFen) })}</p>}
        <div className="actions">
          <button type="submit" className="btn btn-primary btn-wide" disabled={busy || blocked || !method || missingNumber !== undefined}>
            {busy ? t('common.loading') : t('mall.review')}
          </button>
          <Link to="/mall/cart" className="btn btn-secondary">{t('mall.backToCart')}</Link>
        </div>
      </form>
    </Page>
  );
}

function QuoteLines({ quote }: { quote: CheckoutQuote }) {
  const { pick } = useI18n();
  return (
    <ul className="checkout-lines">
      {quote.lines.map((l) => (
        <li key={l.skuId}>
          <span>{pick(l.names)}{Object.values(l.attrs).length > 0 && <span className="muted small"> · {Object.values(l.attrs).join(' · ')}</span>} × {l.quantity}</span>
          <span>{formatFen(l.lineFen)}</span>
        </li>
      ))}
    </ul>
  );
}
