// 我的订单: the subscriber's orders, newest first, and one order: its state, its lines (with the
// number chosen and the codes of virtual goods once paid, struck through as void once the order is
// refunded in full), what was paid and how and what of it was
// refunded, the parcel's timeline in Beijing time, 去支付 and 取消订单 while unpaid (with its pay-by
// time), and 申请退货 (七天无理由) within seven days of signing, unless it was refunded in full.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Card, Page } from '../components/page.tsx';
import { MallNav } from '../components/mall-parts.tsx';
import { PayOrderPanel, ReturnedPayment, returnedPayment } from '../components/mall-pay.tsx';
import { spacedNumber } from '../components/mall-number-picker.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { newIdempotencyKey, toApiError, type ApiError } from '../api.ts';
import { formatBeijing, formatFen } from '../../shared/format.ts';
import { useI18n } from '../i18n.tsx';
import type { MallMessageKey } from '../mall-messages.ts';
import { useMall, type Order, type Shipment } from '../mall-api.ts';
import { Link } from '../../shared/router.tsx';

const ORDER_STATES = ['awaiting_payment', 'awaiting_delivery', 'paid', 'shipped', 'delivered', 'completed', 'cancelled', 'expired', 'returned', 'refunded'] as const;
const SHIPMENT_STATES = ['to_ship', 'shipped', 'in_transit', 'delivered', 'returned', 'cancelled'] as const;
const RETURN_STATES = ['requested', 'approved', 'received', 'refunding', 'refunded', 'rejected'] as const;
const METHODS = ['balance', 'points', 'cod', 'sandbox', 'bank', 'alipay'] as const;

function known<T extends string>(list: readonly T[], v: string): v is T {
  return (list as readonly string[]).includes(v);
}

export function OrderState({ state }: { state: string }) {
  const { t } = useI18n();
  const tone = state === 'awaiting_payment' ? 'badge-warn' : state === 'cancelled' || state === 'expired' ? 'badge-danger' : 'badge-ok';
  return <span className={`badge ${tone}`} data-state={state}>{known(ORDER_STATES, state) ? t(`mall.state.${state}` as MallMessageKey) : state}</span>;
}

const PAGE = 10;

export function MallOrders() {
  const { t, pick } = useI18n();
  const mall = useMall();
  const [items, setItems] = useState<Order[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback((offset = 0) => {
    setError(null);
    mall.orders({ offset, limit: PAGE }).then((r) => {
      setItems((old) => (offset === 0 ? r.items : [...(old ?? []), ...r.items]));
      setTotal(r.total);
    }, (e: unknown) => setError(toApiError(e)));
  }, [mall]);
  useEffect(() => load(0), [load]);
  return (
    <Page title={t('mall.orders')} className="mall">
      <MallNav />
      {error && <ErrorBox error={error} onRetry={() => load(0)} />}
      {!items && !error && <Loading />}
      {items && items.length === 0 && <p>{t('mall.noOrders')} <Link to="/mall">{t('mall.goShopping')}</Link></p>}
      {items && items.length > 0 && (
        <ul className="order-list" aria-label={t('mall.orders')}>
          {items.map((o) => (
            <li key={o.id} className="order-item" data-order={o.orderNo}>
              <Link to={`/mall/orders/${o.id}`} className="order-link">
                <span className="order-head"><span className="mono">{o.orderNo}</span><OrderState state={o.state} /></span>
                <span className="order-what">{o.lines.map((l) => `${pick(l.names)} × ${l.quantity}`).join(t('common.listSep'))}</span>
                <span className="order-foot muted small">
                  <span>{o.placedAtLocal ?? formatBeijing(o.placedAt)}</span>
                  <strong>{formatFen(o.totalFen)}</strong>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {items && items.length < total && (
        <div className="actions"><button type="button" className="btn btn-secondary" onClick={() => load(items.length)}>{t('mall.more')}</button></div>
      )}
    </Page>
  );
}

export function MallOrder({ id }: { id: number }) {
  const { t, pick } = useI18n();
  const mall = useMall();
  const [order, setOrder] = useState<Order | null>(null);
  const [shipment, setShipment] = useState<Shipment | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [cancelling, setCancelling] = useState<'ask' | 'busy' | null>(null);
  const [paying, setPaying] = useState(false);
  // Back from a pay page (?payment=), or just won in a flash sale (?won=1).
  const [returned] = useState(returnedPayment);
  const [won] = useState(() => new URLSearchParams(window.location.search).get('won') === '1');
  const load = useCallback(() => {
    setError(null);
    mall.order(id).then((o) => {
      setOrder(o);
      if (o.shipmentId) mall.shipment(o.shipmentId).then(setShipment, () => setShipment(null));
    }, (e: unknown) => setError(toApiError(e)));
  }, [mall, id]);
  useEffect(load, [load]);
  // While it waits for a payment made on another page, it is read again now and then.
  useEffect(() => {
    if (order?.state !== 'awaiting_payment') return;
    const timer = window.setInterval(load, 5000);
    return () => window.clearInterval(timer);
  }, [order?.state, load]);

  const cancel = () => {
    setCancelling('busy');
    mall.cancelOrder(id).then(() => { setCancelling(null); load(); }, (e: unknown) => { setCancelling(null); setError(toApiError(e)); });
  };

  return (
    <Page title={order ? t('mall.orderTitle', { no: order.orderNo }) : t('mall.order')} className="mall">
      <MallNav />
      {error && <ErrorBox error={error} onRetry={error.status === 404 ? undefined : load} />}
      {!order && !error && <Loading />}
      {order && (
        <>
          <p className="order-state-line" data-testid="order-state">
            <OrderState state={order.state} />
            <span className="muted small">{t('mall.placedAt', { at: order.placedAtLocal ?? formatBeijing(order.placedAt) })}</span>
          </p>
          {returned && <ReturnedPayment paymentId={returned} onSettled={load} />}
          {order.state === 'refunded' && <p className="notice">{t('mall.refundedNote')}</p>}
          {order.state === 'awaiting_payment' && (
            <div className="notice warn">
              <p data-testid="pay-by">{won ? t('mall.sale.won', { at: formatBeijing(order.payBy) }) : t('mall.payBy', { at: formatBeijing(order.payBy) })}</p>
              {paying ? (
                <PayOrderPanel order={order} onPaid={() => { setPaying(false); load(); }} onClose={() => setPaying(false)} />
              ) : cancelling === 'ask' ? (
                <div className="actions">
                  <span>{t('mall.cancelAsk')}</span>
                  <button type="button" className="btn btn-danger" onClick={cancel}>{t('mall.cancelYes')}</button>
                  <button type="button" className="btn btn-secondary" onClick={() => setCancelling(null)}>{t('mall.cancelNo')}</button>
                </div>
              ) : (
                <div className="actions">
                  <button type="button" className="btn btn-primary" onClick={() => setPaying(true)}>{t('mall.pay')}</button>
                  <button type="button" className="btn btn-secondary" disabled={cancelling === 'busy'} onClick={() => setCancelling('ask')}>{t('mall.cancelOrder')}</button>
                </div>
              )}
            </div>
          )}
          <Card title={t('mall.orderLines')}>
            <ul className="checkout-lines">
              {order.lines.map((l) => (
                <li key={l.lineId}>
                  <span>
                    <Link to={`/mall/p/${l.productId}`}>{pick(l.names)}</Link>
                    {Object.values(l.attrs).length > 0 && <span className="muted small"> · {Object.values(l.attrs).join(' · ')}</span>} × {l.quantity}
                  </span>
                  <span>{formatFen(l.lineFen)}</span>
                  {l.number && <span className="small">{t('mall.chosenNumber')}: <span className="mono">{spacedNumber(l.number)}</span></span>}
                  {l.codes && l.codes.length > 0 && (
                    <span className={`small order-codes${l.codesVoidedAt ? ' void' : ''}`} data-testid="order-codes">
                      {t('mall.codes')}: {l.codes.map((c) => (l.codesVoidedAt ? <del key={c} className="code">{c}</del> : <code key={c} className="code">{c}</code>))}
                      {l.codesVoidedAt && <> <span className="badge badge-danger">{t('mall.codesVoided')}</span></>}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          </Card>
          <Card title={t('mall.paid')}>
            <dl className="facts">
              <dt>{t('mall.goods')}</dt><dd>{formatFen(order.goodsFen)}</dd>
              <dt>{t('mall.deliveryFee')}</dt><dd>{order.deliveryFen > 0 ? formatFen(order.deliveryFen) : t('mall.free')}</dd>
              {order.discountFen > 0 && (<><dt>{t('mall.discount')}{order.couponCode ? ` (${order.couponCode})` : ''}</dt><dd>−{formatFen(order.discountFen)}</dd></>)}
              <dt>{t('mall.total')}</dt><dd data-testid="order-total">{formatFen(order.totalFen)}</dd>
              {order.points > 0 && (<><dt>{t('mall.pointsPart')}</dt><dd>{t('mall.pointsWorth', { n: order.points, amount: formatFen(order.pointsFen) })}</dd></>)}
              <dt>{t('mall.payMethod')}</dt><dd>{order.method && known(METHODS, order.method) ? t(`mall.methodName.${order.method}`) : order.method ?? '—'} · {formatFen(order.payFen)}</dd>
              {order.paidAt && (<><dt>{t('mall.paidAt')}</dt><dd>{formatBeijing(order.paidAt)}</dd></>)}
              {(order.refundedFen > 0 || order.refundedPoints > 0) && (
                <>
                  <dt>{t('mall.refunded')}</dt>
                  <dd data-testid="order-refunded">
                    {order.refundedPoints > 0 ? t('mall.refundedWithPoints', { amount: formatFen(order.refundedFen), n: order.refundedPoints }) : formatFen(order.refundedFen)}
                  </dd>
                </>
              )}
              {order.address && (<><dt>{t('mall.shipTo')}</dt><dd>{`${order.address.name} ${order.address.phone} · ${order.address.province}${order.address.city}${order.address.district}${order.address.detail}`}</dd></>)}
            </dl>
          </Card>
          {shipment && <ShipmentCard shipment={shipment} refunded={order.state === 'refunded'} onChanged={load} />}
        </>
      )}
    </Page>
  );
}

function ShipmentCard({ shipment, refunded, onChanged }: { shipment: Shipment; refunded: boolean; onChanged(): void }) {
  const { t, pick } = useI18n();
  const mall = useMall();
  const id = useId();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef<string | null>(null);
  const open = shipment.returns.some((r) => r.state !== 'rejected' && r.state !== 'refunded');
  const canReturn = !refunded && shipment.state === 'delivered' && shipment.returnUntil !== null && Date.parse(shipment.returnUntil) > Date.now() && !open;
  const stateName = (s: string) => (known(SHIPMENT_STATES, s) ? t(`mall.ship.${s}` as MallMessageKey) : s);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) return setProblem(t('mall.returnReasonNeeded'));
    setProblem(null);
    setBusy(true);
    setError(null);
    const k = key.current ?? (key.current = newIdempotencyKey());
    mall.requestReturn(shipment.id, reason.trim(), k).then(() => {
      key.current = null;
      setAsking(false);
      onChanged();
    }, (err: unknown) => {
      const x = toApiError(err);
      if (x.status > 0 && x.status < 500) key.current = null;
      setError(x);
    }).finally(() => setBusy(false));
  };

  return (
    <Card title={t('mall.shipment')}>
      <p className="shipment-line">
        <span className="badge" data-shipment-state={shipment.state}>{stateName(shipment.state)}</span>{' '}
        {pick(shipment.carrierNames)}{shipment.trackingNo && <> · <span className="mono">{shipment.trackingNo}</span></>}
      </p>
      {shipment.timeline.length > 0 && (
        <ol className="timeline" aria-label={t('mall.timeline')}>
          {[...shipment.timeline].reverse().map((e, i) => (
            <li key={i} className={i === 0 ? 'latest' : ''}>
              <time dateTime={e.at}>{e.atLocal}</time>
              <span><strong>{stateName(e.state)}</strong>{e.place ? ` · ${e.place}` : ''}</span>
              <span className="muted small">{pick(e.note)}</span>
            </li>
          ))}
        </ol>
      )}
      {shipment.returnUntil && shipment.state === 'delivered' && !refunded && (
        <p className="muted small">{t('mall.returnUntil', { at: formatBeijing(shipment.returnUntil) })}</p>
      )}
      {shipment.returns.map((r) => (
        <p key={r.id} className="notice">
          {t('mall.returnAsked', { at: r.requestedAtLocal })} · {known(RETURN_STATES, r.state) ? t(`mall.return.${r.state}` as MallMessageKey) : r.state}
          {r.refundFen !== null && ` · ${t('mall.refund', { amount: formatFen(r.refundFen) })}`}
          {r.rejectReason && ` · ${r.rejectReason}`}
        </p>
      ))}
      {canReturn && !asking && <button type="button" className="btn btn-secondary" onClick={() => setAsking(true)}>{t('mall.askReturn')}</button>}
      {canReturn && asking && (
        <form onSubmit={submit} noValidate className="return-form">
          <div className="field">
            <label htmlFor={`${id}-reason`}>{t('mall.returnReason')}</label>
            <input
              id={`${id}-reason`} type="text" value={reason} maxLength={200} aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `${id}-problem` : undefined} onChange={(e) => { setReason(e.target.value); setProblem(null); }}
            />
            {problem && <p id={`${id}-problem`} className="field-problem">{problem}</p>}
          </div>
          {error && <ErrorBox error={error} />}
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>{t('mall.askReturnSend')}</button>
            <button type="button" className="btn btn-secondary" onClick={() => setAsking(false)}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
    </Card>
  );
}
