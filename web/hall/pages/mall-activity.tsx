// 活动专区: the live and upcoming flash sales (秒杀), each with the flash price beside the struck
// list price, a countdown to its start (or, live, to its end) on the server's clock, what is left
// with a bar, and 立即抢购 while it is live: one Idempotency-Key per tap (kept when the answer is
// lost and the same try is sent again), a won unit's order to pay within 15 minutes, or the
// refusal said plainly. A guest signs in first and comes back here.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Page } from '../components/page.tsx';
import { MallNav, Price, ProductImage } from '../components/mall-parts.tsx';
import { AddressFieldset } from '../components/mall-address.tsx';
import { ErrorBox, Loading, errorText } from '../components/status.tsx';
import { newIdempotencyKey, toApiError, type ApiError } from '../api.ts';
import { formatBeijing } from '../../shared/format.ts';
import { useI18n, type I18n } from '../i18n.tsx';
import { checkAddress, saveAddress, savedAddress, useMall, type Address, type FlashSale, type FlashSales } from '../mall-api.ts';
import { Link, useRouter } from '../../shared/router.tsx';
import { MallSignIn } from './mall-sign-in.tsx';

/** The server's time now, ticking each second: this device's clock moved by the offset the list was answered with. */
function useServerNow(offsetMs: number): number {
  const [now, setNow] = useState(() => Date.now() + offsetMs);
  useEffect(() => {
    setNow(Date.now() + offsetMs);
    const timer = window.setInterval(() => setNow(Date.now() + offsetMs), 1000);
    return () => window.clearInterval(timer);
  }, [offsetMs]);
  return now;
}

/** 01:59:58, or 1天 02:00:00 (1d 02:00:00) from a day. */
export function countdownText(ms: number, t: I18n['t']): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(s / 86_400);
  const hms = [Math.floor((s % 86_400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return days > 0 ? `${t('mall.sale.days', { n: days })} ${hms}` : hms;
}

/** What a try for a unit came to, by sale: on its way, no answer (the same key is sent again), or refused. */
type Try = { status: 'busy'; key: string } | { status: 'lost'; key: string; error: ApiError } | { status: 'refused'; error: ApiError };

/** A refusal in the zone's own words: 已抢光, the limit, not started, ended; anything else as the server says it. */
function refusalText(e: ApiError, sale: FlashSale, i18n: I18n): string {
  const { t } = i18n;
  const b = e.problem.body;
  if (e.code === 'SOLD_OUT') return t('mall.sale.SOLD_OUT');
  if (e.code === 'LIMIT_REACHED') return t('mall.sale.LIMIT_REACHED', { limit: typeof b.limit === 'number' ? b.limit : sale.perSubscriberLimit });
  if (e.code === 'NOT_STARTED') return t('mall.sale.NOT_STARTED', { at: formatBeijing(typeof b.startsAt === 'string' ? b.startsAt : sale.startsAt) });
  if (e.code === 'ENDED') return t('mall.sale.ENDED');
  return errorText(e, i18n);
}

export function MallActivity() {
  const i18n = useI18n();
  const { t } = i18n;
  const mall = useMall();
  const { navigate } = useRouter();
  const [sales, setSales] = useState<FlashSales | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [tries, setTries] = useState<Record<number, Try>>({});
  const [address, setAddress] = useState<Address>(savedAddress);
  const [editing, setEditing] = useState(() => 'problem' in checkAddress(savedAddress()));
  const [addressProblem, setAddressProblem] = useState<string | null>(null);
  // The sale a guest pressed 立即抢购 on: sign-in first, then back here at that sale.
  const [signInFor, setSignInFor] = useState<number | null>(null);
  const buttons = useRef(new Map<number, HTMLButtonElement>());

  const load = useCallback(() => {
    setError(null);
    mall.flashSales().then(setSales, (e: unknown) => setError(toApiError(e)));
  }, [mall]);
  useEffect(load, [load]);
  const now = useServerNow(sales?.offsetMs ?? 0);

  // A countdown that reaches its start or end asks the server again: what phase it is in is the server's word.
  const next = sales?.items.map((s) => Date.parse(now < Date.parse(s.startsAt) ? s.startsAt : s.endsAt)).filter((x) => x > now).reduce((a, b) => Math.min(a, b), Infinity);
  const boundary = useRef<number>(Infinity);
  useEffect(() => {
    if (next === undefined) return;
    if (boundary.current !== Infinity && now >= boundary.current) load();
    boundary.current = next;
  }, [next, now, load]);

  const back = signInFor !== null && mall.signedIn;
  useEffect(() => {
    if (back && sales) buttons.current.get(signInFor)?.focus();
  }, [back, sales, signInFor]);

  if (signInFor !== null && !mall.signedIn) return <MallSignIn why="mall.sale.signIn" />;

  const buy = (sale: FlashSale) => {
    if (!mall.signedIn) return setSignInFor(sale.id);
    const a = checkAddress(address);
    if ('problem' in a) {
      setEditing(true);
      setAddressProblem(t('mall.sale.addressFirst'));
      return;
    }
    const prior = tries[sale.id];
    // A new tap is a new try; only a try whose answer was lost goes again under its key.
    const key = prior?.status === 'lost' ? prior.key : newIdempotencyKey();
    setTries((x) => ({ ...x, [sale.id]: { status: 'busy', key } }));
    mall.buyFlashSale(sale.id, a.address, key).then(({ order }) => {
      saveAddress(a.address);
      navigate(`/mall/orders/${order.id}?won=1`);
    }, (err: unknown) => {
      const e = toApiError(err);
      const lost = e.status === 0 || e.status >= 500;
      setTries((x) => ({ ...x, [sale.id]: lost ? { status: 'lost', key, error: e } : { status: 'refused', error: e } }));
      if (e.code === 'SOLD_OUT' || e.code === 'ENDED' || e.code === 'NOT_STARTED') load();
    });
  };

  const useAddress = () => {
    const a = checkAddress(address);
    if ('problem' in a) return setAddressProblem(t(a.problem));
    saveAddress(a.address);
    setAddress(a.address);
    setAddressProblem(null);
    setEditing(false);
  };

  const live = sales?.items.filter((s) => now >= Date.parse(s.startsAt)) ?? [];
  const upcoming = sales?.items.filter((s) => now < Date.parse(s.startsAt)) ?? [];
  const a = address;
  return (
    <Page title={t('mall.activity')} intro={t('mall.activityIntro')} className="mall mall-activity">
      <MallNav />
      {error && <ErrorBox error={error} onRetry={load} />}
      {!sales && !error && <Loading />}
      {sales && sales.items.length === 0 && <p className="muted">{t('mall.noActivity')} <Link to="/mall">{t('mall.goShopping')}</Link></p>}
      {back && <p className="notice" role="status">{t('mall.sale.signedIn')}</p>}
      {sales && sales.items.length > 0 && mall.signedIn && (
        editing ? (
          <div className="sale-address">
            <AddressFieldset value={address} onChange={(x) => { setAddress(x); setAddressProblem(null); }} />
            {addressProblem && <p className="field-problem" role="alert">{addressProblem}</p>}
            <div className="actions"><button type="button" className="btn btn-secondary" onClick={useAddress}>{t('mall.sale.saveAddress')}</button></div>
          </div>
        ) : (
          <p className="sale-ship-to">
            {t('mall.sale.shipTo', { address: `${a.name} ${a.phone} · ${a.province}${a.city}${a.district}${a.detail}` })}{' '}
            <button type="button" className="btn btn-link" onClick={() => setEditing(true)}>{t('mall.sale.changeAddress')}</button>
          </p>
        )
      )}
      {live.length > 0 && (
        <section aria-labelledby="zone-live">
          <h2 id="zone-live">{t('mall.zone.live')}</h2>
          <SaleList sales={live} now={now} tries={tries} onBuy={buy} buttons={buttons.current} />
        </section>
      )}
      {upcoming.length > 0 && (
        <section aria-labelledby="zone-upcoming">
          <h2 id="zone-upcoming">{t('mall.zone.upcoming')}</h2>
          <SaleList sales={upcoming} now={now} tries={tries} onBuy={buy} buttons={buttons.current} />
        </section>
      )}
    </Page>
  );
}

function SaleList({ sales, now, tries, onBuy, buttons }: {
  sales: FlashSale[]; now: number; tries: Record<number, Try>; onBuy(s: FlashSale): void; buttons: Map<number, HTMLButtonElement>;
}) {
  const { t } = useI18n();
  return (
    <ul className="sale-list" aria-label={t('mall.sale.list')}>
      {sales.map((s) => <SaleCard key={s.id} sale={s} now={now} tried={tries[s.id]} onBuy={() => onBuy(s)} buttonRef={(b) => { if (b) buttons.set(s.id, b); else buttons.delete(s.id); }} />)}
    </ul>
  );
}

function SaleCard({ sale, now, tried, onBuy, buttonRef }: { sale: FlashSale; now: number; tried?: Try; onBuy(): void; buttonRef(b: HTMLButtonElement | null): void }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const name = pick(sale.names);
  const started = now >= Date.parse(sale.startsAt);
  const left = Math.max(0, sale.remaining);
  const takenPct = sale.quantity > 0 ? Math.round(((sale.quantity - left) / sale.quantity) * 100) : 100;
  const out = left === 0;
  const busy = tried?.status === 'busy';
  const attrs = Object.values(sale.attrs);
  return (
    <li className={`sale ${started ? 'sale-live' : 'sale-upcoming'}`} data-sale={sale.id}>
      <Link to={`/mall/p/${sale.productId}`} className="sale-product">
        <ProductImage src={sale.image} alt={name} className="sale-img" />
        <span className="sale-name">{name}{attrs.length > 0 && <span className="muted small"> · {attrs.join(' · ')}</span>}</span>
      </Link>
      <p className="sale-price">
        <span className="badge badge-danger">{t('mall.sale.flashPrice')}</span>
        <Price saleFen={sale.priceFen} listFen={sale.listFen} />
      </p>
      <p className="sale-when">
        <span>{started ? t('mall.sale.endsIn') : t('mall.sale.startsIn')} </span>
        <span className="countdown" role="timer" data-testid="countdown">{countdownText(Date.parse(started ? sale.endsAt : sale.startsAt) - now, t)}</span>
        <span className="muted small sale-at">{started ? t('mall.sale.endsAt', { at: sale.endsAtLocal }) : t('mall.sale.startsAt', { at: sale.startsAtLocal })}</span>
      </p>
      <div className="sale-stock">
        <div className="sale-bar" aria-hidden="true"><span style={{ width: `${takenPct}%` }} /></div>
        <p className="small"><span>{t('mall.sale.taken', { pct: takenPct })}</span> · <span data-testid="sale-left">{t('mall.sale.left', { n: left, total: sale.quantity })}</span> · <span className="muted">{t('mall.sale.limit', { n: sale.perSubscriberLimit })}</span></p>
      </div>
      {tried?.status === 'refused' && <p className="notice warn" role="alert">{refusalText(tried.error, sale, i18n)}</p>}
      {tried?.status === 'lost' && <p className="error-box" role="alert">{errorText(tried.error, i18n)} {t('mall.sale.lost')}</p>}
      <button
        ref={buttonRef} type="button" className="btn btn-primary btn-wide" disabled={!started || out || busy} onClick={onBuy}
        aria-label={started && !out && !busy && tried?.status !== 'lost' ? t('mall.sale.buyName', { name }) : undefined}
      >
        {!started ? t('mall.sale.soon') : out ? t('mall.sale.soldOut') : busy ? t('mall.sale.buying') : tried?.status === 'lost' ? t('common.retry') : t('mall.sale.buy')}
      </button>
    </li>
  );
}
