// Points: the balance and the rewards; redeeming one goes through its confirmation.
import { useEffect, useRef, useState } from 'react';
import { Card, Page } from '../components/page.tsx';
import { RunPanel } from '../components/run-panel.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { formatFen } from '../../shared/format.ts';
import { useQuery, useRun } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { useRegistry } from '../registry.tsx';
import type { PointsData, Reward } from '../results.ts';

function Redeem({ reward, onClose, onDone }: { reward: Reward; onClose(): void; onDone(): void }) {
  const registry = useRegistry();
  const run = useRun('points.redeem', onDone);
  const business = registry.get('points.redeem');
  const started = useRef(false);
  useEffect(() => {
    // Asking for the quote is the first step; the subscriber confirms or cancels it.
    if (!started.current) {
      started.current = true;
      run.start({ rewardId: reward.id });
    }
  }, [run, reward.id]);
  if (!business) return null;
  return <RunPanel run={run} business={business} onEdit={onClose} />;
}

export function Points() {
  const { t, name } = useI18n();
  const q = useQuery<PointsData>('points.query');
  const [redeeming, setRedeeming] = useState<string | null>(null);
  return (
    <Page title={t('points.title')}>
      {q.status === 'loading' && !q.data && <Loading />}
      {q.status === 'error' && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (
        <>
          <Card title={t('points.balance')}>
            <p className="big-number" data-testid="points-balance">{q.data.points.toLocaleString('en')}</p>
            <p className="muted small">{t('points.earnNote')}</p>
          </Card>
          <Card title={t('points.rewards')}>
            <ul className="reward-list">
              {q.data.rewards.map((r) => (
                <li key={r.id} className="reward">
                  <div className="reward-main">
                    <span className="reward-name">{name(r)}</span>
                    <span className="muted small">
                      {t('points.cost', { n: r.costPoints })}
                      {r.creditFen > 0 && ` · ${t('points.credit', { amount: formatFen(r.creditFen) })}`}
                    </span>
                  </div>
                  {redeeming === r.id ? null : (
                    <button type="button" className="btn btn-secondary btn-small" disabled={!r.affordable} onClick={() => setRedeeming(r.id)}>
                      {r.affordable ? t('points.redeem') : t('points.notEnough')}
                      <span className="sr-only"> {name(r)}</span>
                    </button>
                  )}
                  {redeeming === r.id && (
                    <Redeem reward={r} onClose={() => { setRedeeming(null); q.reload(); }} onDone={() => q.reload()} />
                  )}
                </li>
              ))}
            </ul>
          </Card>
        </>
      )}
    </Page>
  );
}
