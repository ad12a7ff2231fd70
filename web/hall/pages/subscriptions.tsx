// My subscriptions: the plan (and a pending change), every pack or service, each with cancel.
import { useState } from 'react';
import { Card, Page } from '../components/page.tsx';
import { RunPanel } from '../components/run-panel.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { formatDate, formatFen, isMonthly } from '../../shared/format.ts';
import { useQuery, useRun } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { useRegistry } from '../registry.tsx';
import { Link } from '../../shared/router.tsx';
import type { SubscriptionItem, SubscriptionsData } from '../results.ts';

function CancelFlow({ item, onClose, onCancelled }: { item: SubscriptionItem; onClose(): void; onCancelled(): void }) {
  const { t, name } = useI18n();
  const registry = useRegistry();
  const run = useRun('pack.unsubscribe', onCancelled);
  const business = registry.get('pack.unsubscribe');
  if (!business) return null;
  if (run.state.step === 'idle') {
    return (
      <div className="inline-confirm" role="group" aria-label={t('subs.cancelTitle', { name: name(item) })}>
        <p><strong>{t('subs.cancelTitle', { name: name(item) })}</strong></p>
        <p className="muted">{t('subs.cancelNote')}</p>
        <div className="actions">
          <button type="button" className="btn btn-danger" onClick={() => run.start({ packId: item.offeringId })}>{t('subs.cancelConfirm')}</button>
          <button type="button" className="btn btn-secondary" onClick={onClose}>{t('subs.keep')}</button>
        </div>
      </div>
    );
  }
  return <RunPanel run={run} business={business} onEdit={onClose} doneActions={<button type="button" className="btn btn-primary" onClick={onClose}>{t('common.close')}</button>} />;
}

export function Subscriptions() {
  const { t, name, lang } = useI18n();
  const q = useQuery<SubscriptionsData>('subscriptions.query');
  const [cancelling, setCancelling] = useState<string | null>(null);
  const [gone, setGone] = useState<string[]>([]);
  return (
    <Page title={t('subs.title')}>
      {q.status === 'loading' && !q.data && <Loading />}
      {q.status === 'error' && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data && (
        <>
          <Card title={t('subs.plan')} action={<Link to="/b/plan.change" className="btn btn-secondary btn-small">{t('subs.changePlan')}</Link>}>
            {q.data.plan ? (
              <p className="plan-line">
                <strong>{name(q.data.plan)}</strong>
                {q.data.plan.priceFen !== undefined && <span className="muted"> · {formatFen(q.data.plan.priceFen)}{t('offer.perMonth')}</span>}
              </p>
            ) : <p className="muted">—</p>}
            {q.data.pendingPlan && (
              <p className="notice">{t('subs.pending', { name: name(q.data.pendingPlan), date: q.data.pendingPlan.from ? formatDate(q.data.pendingPlan.from, lang) : '' })}</p>
            )}
          </Card>
          <Card title={t('subs.packs')} action={<Link to="/packs" className="btn btn-secondary btn-small">{t('subs.orderMore')}</Link>}>
            {q.data.subscriptions.length === 0 && <p className="muted">{t('subs.none')}</p>}
            <ul className="sub-list" aria-label={t('subs.packs')}>
              {q.data.subscriptions.map((s) => {
                const cancelled = gone.includes(s.offeringId);
                return (
                  <li key={s.subscriptionId} className={`sub-item ${cancelled ? 'cancelled' : ''}`} data-offering={s.offeringId}>
                    <div className="sub-main">
                      <span className="sub-name">{name(s)}</span>
                      <span className="muted small">
                        <span className="sub-price">{formatFen(s.priceFen)}{isMonthly(s.priceType) ? t('offer.perMonth') : ''}</span>
                        {' · '}{t('subs.since', { date: formatDate(s.startsAt, lang) })}
                        {s.endsAt && ` · ${t('subs.until', { date: formatDate(s.endsAt, lang) })}`}
                      </span>
                    </div>
                    {cancelled ? (
                      <span className="badge">{t('subs.cancelled')}</span>
                    ) : cancelling === s.offeringId ? null : (
                      <button type="button" className="btn btn-secondary btn-small" onClick={() => setCancelling(s.offeringId)}>
                        {t('subs.cancel')}
                        <span className="sr-only"> {name(s)}</span>
                      </button>
                    )}
                    {cancelling === s.offeringId && (
                      <CancelFlow
                        item={s}
                        onClose={() => { setCancelling(null); q.reload(); }}
                        onCancelled={() => setGone((g) => [...g, s.offeringId])}
                      />
                    )}
                  </li>
                );
              })}
            </ul>
          </Card>
        </>
      )}
    </Page>
  );
}
