// 我的专属优惠 on the home page: the offers the marketing engine picked for this subscriber on this
// channel (offers.mine; each shown is counted as an impression), each with its pitch, its price
// and one button that takes it: the quote to confirm, then the order (offer.accept).
import { useEffect, useRef, useState } from 'react';
import { Card } from './page.tsx';
import { RunPanel } from './run-panel.tsx';
import { ErrorBox, Loading } from './status.tsx';
import { formatDate, formatFen } from '../../shared/format.ts';
import { useQuery, useRun } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { useRegistry } from '../registry.tsx';

export interface OfferItem {
  id: number;
  offeringId: string;
  nameZh: string;
  nameEn: string;
  pitchZh: string;
  pitchEn: string;
  priceFen: number;
  validityDays: number | null;
  endsAt: string;
}

function TakeFlow({ offer, onClose, onTaken }: { offer: OfferItem; onClose(): void; onTaken(): void }) {
  const registry = useRegistry();
  const run = useRun('offer.accept', onTaken);
  const business = registry.get('offer.accept');
  const started = useRef(false);
  useEffect(() => {
    if (!started.current) {
      started.current = true;
      run.start({ offerId: offer.id });
    }
  }, [run, offer.id]);
  if (!business) return null;
  return <RunPanel run={run} business={business} onEdit={onClose} hideAgain />;
}

export function OffersCard() {
  const { t, lang } = useI18n();
  const q = useQuery<{ offers: OfferItem[] }>('offers.mine');
  const [taking, setTaking] = useState<number | null>(null);
  // Nothing to show is shown as nothing: the card only appears with an offer in it.
  if (q.status === 'ok' && q.data.offers.length === 0 && taking === null) return null;
  return (
    <Card title={t('offers.mine')} className="card-offers">
      {q.status === 'loading' && <Loading />}
      {q.status === 'error' && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.status === 'ok' && (
        <ul className="offer-list" data-testid="my-offers">
          {q.data.offers.map((o) => (
            <li key={o.id} className="offer" data-offer={o.id}>
              <div className="offer-main">
                <span className="offer-name">{lang === 'en' ? o.nameEn : o.nameZh}</span>
                <span className="muted small">{lang === 'en' ? o.pitchEn : o.pitchZh}</span>
                <span className="muted small">{t('offers.until', { date: formatDate(o.endsAt, lang) })}</span>
              </div>
              <div className="offer-side">
                <span className="pack-price">{formatFen(o.priceFen)}</span>
                {taking === o.id
                  ? <TakeFlow offer={o} onClose={() => setTaking(null)} onTaken={() => { setTaking(null); q.reload(); }} />
                  : <button type="button" className="btn btn-primary" onClick={() => setTaking(o.id)}>{t('offers.take')}</button>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
