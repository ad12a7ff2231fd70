// A one-click link's page, /o/<code> (一键登录): the code from a text signs its subscriber in once,
// for that one offer, shown with its pitch and price and taken like anywhere else: the quote
// first, then the confirmation (one Idempotency-Key for both, so a double tap charges once).
// The pass is kept for this tab only, so a reload shows the offer again instead of "link used".
import { useEffect, useRef, useState } from 'react';
import { Card } from '../components/page.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { ApiError, newIdempotencyKey, request, toApiError } from '../../shared/api.ts';
import { formatDate, formatFen } from '../../shared/format.ts';
import { isL10n } from '../../shared/api.ts';
import { Link } from '../../shared/router.tsx';
import { useI18n } from '../i18n.tsx';

interface LinkOffer {
  id: number;
  names: { 'zh-CN': string; en: string };
  pitch: { 'zh-CN': string; en: string };
  priceFen: number;
  validityDays: number | null;
  endsAt: string;
  available: boolean;
}

type State =
  | { step: 'opening' }
  | { step: 'failed'; error: ApiError }
  | { step: 'offer'; pass: string; offer: LinkOffer }
  | { step: 'confirm'; pass: string; offer: LinkOffer; key: string; summary: string; terms: string }
  | { step: 'taking'; pass: string; offer: LinkOffer }
  | { step: 'done'; offer: LinkOffer; message: string };

const PASS_KEY = (code: string) => `omnihall.offer-pass.${code}`;

export function OfferLinkPage({ code }: { code: string }) {
  const { t, lang } = useI18n();
  const [state, setState] = useState<State>({ step: 'opening' });
  const [error, setError] = useState<ApiError | null>(null);
  const opened = useRef(false);
  const opts = (token: string | null) => ({ lang, token });

  useEffect(() => {
    if (opened.current) return;
    opened.current = true;
    (async () => {
      const kept = sessionStorage.getItem(PASS_KEY(code));
      if (kept) {
        try {
          const offer = (await request<LinkOffer>(opts(kept), 'GET', '/offer-links/offer')).data;
          setState({ step: 'offer', pass: kept, offer });
          return;
        } catch { sessionStorage.removeItem(PASS_KEY(code)); }
      }
      try {
        const r = (await request<{ pass: string; offer: LinkOffer }>(opts(null), 'POST', '/offer-links/exchange', { code })).data;
        sessionStorage.setItem(PASS_KEY(code), r.pass);
        setState({ step: 'offer', pass: r.pass, offer: r.offer });
      } catch (e) {
        setState({ step: 'failed', error: toApiError(e) });
      }
    })();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [code]);

  async function take(pass: string, offer: LinkOffer, key: string, terms?: string) {
    setError(null);
    try {
      const r = await request<{ message: string }>(opts(pass), 'POST', '/offer-links/accept', terms === undefined ? {} : { confirm: true, quoteTerms: terms }, { 'idempotency-key': key });
      sessionStorage.removeItem(PASS_KEY(code));
      setState({ step: 'done', offer, message: r.data.message });
    } catch (e) {
      const err = toApiError(e);
      const q = err.problem.body.quote as { summary?: unknown; terms?: unknown } | undefined;
      if ((err.code === 'CONFIRMATION_REQUIRED' || err.code === 'PRICE_CHANGED') && q && isL10n(q.summary) && typeof q.terms === 'string') {
        setState({ step: 'confirm', pass, offer, key: err.code === 'PRICE_CHANGED' ? newIdempotencyKey() : key, summary: q.summary[lang], terms: q.terms });
        if (err.code === 'PRICE_CHANGED') setError(err);
        return;
      }
      setError(err);
      setState({ step: 'offer', pass, offer });
    }
  }

  if (state.step === 'opening') return <Loading label={t('offerLink.opening')} />;
  if (state.step === 'failed') {
    return (
      <Card title={t('offerLink.title')}>
        <ErrorBox error={state.error} />
        <p><Link to="/" className="btn btn-primary">{t('offerLink.signIn')}</Link></p>
      </Card>
    );
  }
  const o = state.offer;
  return (
    <Card title={t('offerLink.title')} className="card-offers">
      <div className="offer" data-testid="link-offer" data-offer={o.id}>
        <div className="offer-main">
          <span className="offer-name">{o.names[lang]}</span>
          <span className="muted small">{o.pitch[lang]}</span>
          <span className="muted small">{t('offers.until', { date: formatDate(o.endsAt, lang) })}</span>
        </div>
        <div className="offer-side"><span className="pack-price">{formatFen(o.priceFen)}</span></div>
      </div>
      {error && <ErrorBox error={error} />}
      {state.step === 'offer' && (o.available
        ? <button type="button" className="btn btn-primary" onClick={() => { setState({ step: 'taking', pass: state.pass, offer: o }); void take(state.pass, o, newIdempotencyKey()); }}>{t('offers.take')}</button>
        : <p role="status">{t('offerLink.unavailable')}</p>)}
      {state.step === 'taking' && <Loading />}
      {state.step === 'confirm' && (
        <div className="confirm" role="group" aria-label={t('offerLink.confirmTitle')}>
          <p data-testid="link-quote">{state.summary}</p>
          <button type="button" className="btn btn-primary" onClick={() => { const s = state; setState({ step: 'taking', pass: s.pass, offer: o }); void take(s.pass, o, s.key, s.terms); }}>{t('offerLink.confirm')}</button>
          <button type="button" className="btn btn-ghost" onClick={() => setState({ step: 'offer', pass: state.pass, offer: o })}>{t('offerLink.cancel')}</button>
        </div>
      )}
      {state.step === 'done' && (
        <>
          <p role="status" data-testid="link-done">{state.message}</p>
          <p><Link to="/" className="btn btn-secondary">{t('offerLink.more')}</Link></p>
        </>
      )}
    </Card>
  );
}
