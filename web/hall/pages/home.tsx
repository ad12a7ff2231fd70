// Home: balance, this cycle's usage against allowances, the latest bill, points, and shortcuts.
import { Card, Page } from '../components/page.tsx';
import { UsageRing } from '../components/charts.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { formatData, formatFen, maskMsisdn } from '../../shared/format.ts';
import { mostUsed, useQuery } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { DEFAULT_SHORTCUTS, pathFor } from '../links.ts';
import { useRegistry } from '../registry.tsx';
import { Link } from '../../shared/router.tsx';
import { useSession } from '../session.tsx';
import type { BalanceData, BillData, PointsData, UsageData } from '../results.ts';

function BalanceCard() {
  const { t } = useI18n();
  const q = useQuery<BalanceData>('balance.query');
  return (
    <Card title={t('home.balance')} className="card-balance" action={<Link to="/recharge" className="btn btn-primary btn-small">{t('nav.recharge')}</Link>}>
      {q.status === 'loading' && <Loading />}
      {q.status === 'error' && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.status === 'ok' && (
        <>
          <p className="big-number" data-testid="balance">{formatFen(q.data.balanceFen)}</p>
          <p className="muted">
            {q.data.accountType === 'prepaid' ? t('home.prepaid') : t('home.postpaid')}
            {q.data.creditLimitFen > 0 && ` · ${t('home.creditLimit', { amount: formatFen(q.data.creditLimitFen) })}`}
          </p>
        </>
      )}
    </Card>
  );
}

function UsageCard() {
  const { t } = useI18n();
  const q = useQuery<UsageData>('usage.query');
  return (
    <Card title={q.status === 'ok' ? t('home.usageOf', { cycle: q.data.cycle }) : t('home.usage')} className="card-usage">
      {q.status === 'loading' && <Loading />}
      {q.status === 'error' && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.status === 'ok' && (
        <div className="rings">
          <UsageRing label={t('usage.data')} used={q.data.used.dataMb} total={q.data.allowance.dataMb} format={formatData} />
          <UsageRing label={t('usage.voice')} used={q.data.used.voiceMin} total={q.data.allowance.voiceMin} format={(n) => t('usage.minutes', { n })} />
          <UsageRing label={t('usage.sms')} used={q.data.used.sms} total={q.data.allowance.sms} format={(n) => t('usage.messages', { n })} />
        </div>
      )}
    </Card>
  );
}

function BillCard() {
  const { t } = useI18n();
  const q = useQuery<BillData>('bill.query');
  return (
    <Card title={t('home.latestBill')} action={<Link to="/bills" className="btn btn-link">{t('home.billHistory')}</Link>}>
      {q.status === 'loading' && <Loading />}
      {q.status === 'error' && (q.error.code === 'BILL_NOT_FOUND'
        ? <p className="muted">{t('bills.none')}</p>
        : <ErrorBox error={q.error} onRetry={q.reload} />)}
      {q.status === 'ok' && (
        <>
          <p className="big-number">{formatFen(q.data.bill.totalFen)}</p>
          <p className="muted">{t('bills.monthOf', { month: q.data.bill.month })}</p>
          <span className={`badge ${q.data.bill.status === 'paid' ? 'badge-ok' : 'badge-warn'}`}>
            {q.data.bill.status === 'paid' ? t('bills.paid') : t('bills.unpaidDue', { date: q.data.bill.dueOn })}
          </span>
        </>
      )}
    </Card>
  );
}

function PointsCard() {
  const { t } = useI18n();
  const q = useQuery<PointsData>('points.query');
  return (
    <Card title={t('home.points')} action={<Link to="/points" className="btn btn-link">{t('points.redeem')}</Link>}>
      {q.status === 'loading' && <Loading />}
      {q.status === 'error' && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.status === 'ok' && (
        <>
          <p className="big-number" data-testid="points">{q.data.points.toLocaleString('en')}</p>
          <p className="muted">{t('points.affordable', { n: q.data.rewards.filter((r) => r.affordable).length })}</p>
        </>
      )}
    </Card>
  );
}

function Shortcuts() {
  const { t, pick } = useI18n();
  const registry = useRegistry();
  if (registry.state.status === 'loading') return <Loading />;
  if (registry.state.status === 'error') return <ErrorBox error={registry.state.error} onRetry={registry.reload} />;
  const all = registry.state.businesses;
  const ids = mostUsed(all.map((b) => b.id), DEFAULT_SHORTCUTS, 6);
  return (
    <Card title={t('home.shortcuts')} className="card-shortcuts" action={<Link to="/services" className="btn btn-link">{t('nav.services')}</Link>}>
      <ul className="shortcut-grid">
        {ids.map((id) => {
          const b = all.find((x) => x.id === id)!;
          return (
            <li key={id}>
              <Link to={pathFor(id)} className="shortcut">
                <span className={`shortcut-icon kind-${b.kind}`} aria-hidden="true">{pick(b.names).slice(0, 1)}</span>
                <span>{pick(b.names)}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

export function Home() {
  const { t } = useI18n();
  const { session } = useSession();
  return (
    <Page title={t('home.title')} intro={session ? t('home.hello', { number: maskMsisdn(session.msisdn) }) : undefined} className="home">
      <div className="home-grid">
        <BalanceCard />
        <BillCard />
        <PointsCard />
        <UsageCard />
      </div>
      <Shortcuts />
    </Page>
  );
}
