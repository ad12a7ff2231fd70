// Home: what carriers' apps show first — the line's status, the balance (or what is owed and
// the credit left), the plan, this cycle's data, minutes and SMS left as rings, and the latest
// bill — then points and shortcuts. On a 360×640 phone the first four fit without scrolling.
import { Card, Page } from '../components/page.tsx';
import { UsageRing } from '../components/charts.tsx';
import { OffersCard } from '../components/offers-card.tsx';
import { BusinessIcon } from '../components/icons.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { formatCycle, formatData, formatDate, formatFen, maskMsisdn } from '../../shared/format.ts';
import { mostUsed, useQuery, type QueryState } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { DEFAULT_SHORTCUTS, pathFor } from '../links.ts';
import { useRegistry } from '../registry.tsx';
import { Link } from '../../shared/router.tsx';
import { useSession } from '../session.tsx';
import { owedOf, type BalanceData, type BillData, type PointsData, type UsageData } from '../results.ts';

/** A line suspended (停机) is said first, with what a recharge must be to restore it. */
export function LineStatus({ balance, here }: { balance: BalanceData; here?: boolean }) {
  const { t } = useI18n();
  if (balance.lineStatus !== 'suspended') return null;
  const nonPayment = balance.suspendedReason === 'non_payment';
  const restore = balance.restoreFen ?? 0;
  return (
    <section className="line-status" role="alert" aria-labelledby="line-status-title" data-testid="line-status">
      <h2 id="line-status-title">{nonPayment ? t('line.suspendedNonPayment') : t('line.suspended')}</h2>
      <p>
        {nonPayment
          ? restore > 0 ? t('line.restoreBy', { amount: formatFen(restore) }) : t('line.restoreAny')
          : t('line.suspendedOther')}
      </p>
      <p className="small">{t('line.whatStops')}</p>
      {nonPayment && !here && (
        <Link to={restore > 0 ? `/recharge?amount=${restore}` : '/recharge'} className="btn btn-primary">
          {restore > 0 ? t('line.rechargeAmount', { amount: formatFen(restore) }) : t('nav.recharge')}
        </Link>
      )}
    </section>
  );
}

/** The balance, or 欠费 and the credit left: never a negative amount. */
export function BalanceFigures({ b }: { b: BalanceData }) {
  const { t } = useI18n();
  const owed = owedOf(b);
  const postpaid = b.accountType === 'postpaid';
  const creditLeft = b.creditLeftFen ?? (postpaid ? Math.max(0, b.creditLimitFen + b.balanceFen) : null);
  return (
    <div className="balance-figures">
      {owed > 0 ? (
        <p className="figure">
          <span className="figure-label">{t('home.owed')}</span>
          <span className="big-number owed" data-testid="owed">{formatFen(owed)}</span>
        </p>
      ) : (
        <p className="figure">
          <span className="figure-label">{t('home.balance')}</span>
          <span className="big-number" data-testid="balance">{formatFen(b.balanceFen)}</span>
        </p>
      )}
      {postpaid && creditLeft !== null && (
        <p className="figure">
          <span className="figure-label">{t('home.creditLeft')}</span>
          <span className="mid-number" data-testid="credit-left">{formatFen(creditLeft)}</span>
        </p>
      )}
    </div>
  );
}

function SummaryCard({ q }: { q: QueryState<BalanceData> & { reload(): void } }) {
  const { t, pick } = useI18n();
  return (
    <Card title={t('home.account')} className="card-balance" action={<Link to="/recharge" className="btn btn-primary btn-small">{t('nav.recharge')}</Link>}>
      {q.status === 'loading' && <Loading />}
      {q.status === 'error' && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.status === 'ok' && (
        <>
          <BalanceFigures b={q.data} />
          <p className="muted small account-line">
            {q.data.planName && <span className="plan-name" data-testid="plan-name">{pick(q.data.planName)}</span>}
            <span>{q.data.accountType === 'prepaid' ? t('home.prepaid') : t('home.postpaid')}</span>
            {q.data.creditLimitFen > 0 && <span>{t('home.creditLimit', { amount: formatFen(q.data.creditLimitFen) })}</span>}
          </p>
        </>
      )}
    </Card>
  );
}

function UsageCard() {
  const { t, lang } = useI18n();
  const q = useQuery<UsageData>('usage.query');
  return (
    <Card title={q.status === 'ok' ? t('home.usageOf', { cycle: formatCycle(q.data.cycle, lang) }) : t('home.usage')} className="card-usage" action={<Link to="/bills" className="btn btn-link">{t('home.usageHistory')}</Link>}>
      {q.status === 'loading' && <Loading />}
      {q.status === 'error' && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.status === 'ok' && (
        <div className="rings" data-testid="usage-rings">
          <UsageRing label={t('usage.data')} used={q.data.used.dataMb} total={q.data.allowance.dataMb} format={formatData} />
          <UsageRing label={t('usage.voice')} used={q.data.used.voiceMin} total={q.data.allowance.voiceMin} format={(n) => t('usage.minutes', { n })} />
          <UsageRing label={t('usage.sms')} used={q.data.used.sms} total={q.data.allowance.sms} format={(n) => t('usage.messages', { n })} />
        </div>
      )}
    </Card>
  );
}

function BillCard() {
  const { t, lang } = useI18n();
  const q = useQuery<BillData>('bill.query');
  return (
    <Card title={t('home.latestBill')} className="card-bill" action={<Link to="/bills" className="btn btn-link">{t('home.billHistory')}</Link>}>
      {q.status === 'loading' && <Loading />}
      {q.status === 'error' && (q.error.code === 'BILL_NOT_FOUND'
        ? <p className="muted">{t('bills.none')}</p>
        : <ErrorBox error={q.error} onRetry={q.reload} />)}
      {q.status === 'ok' && (
        <div className="bill-line" data-testid="latest-bill">
          <span className="mid-number">{formatFen(q.data.bill.totalFen)}</span>
          <span className="muted">{t('bills.monthOf', { month: formatCycle(q.data.bill.month, lang) })}</span>
          <span className={`badge ${q.data.bill.status === 'paid' ? 'badge-ok' : 'badge-warn'}`}>
            {q.data.bill.status === 'paid' ? t('bills.paid') : t('bills.unpaidDue', { date: formatDate(q.data.bill.dueOn, lang) })}
          </span>
        </div>
      )}
    </Card>
  );
}

function PointsCard() {
  const { t } = useI18n();
  const q = useQuery<PointsData>('points.query');
  return (
    <Card title={t('home.points')} className="card-points" action={<Link to="/points" className="btn btn-link">{t('points.redeem')}</Link>}>
      {q.status === 'loading' && <Loading />}
      {q.status === 'error' && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.status === 'ok' && (
        <>
          <p className="mid-number" data-testid="points">{q.data.points.toLocaleString('en')}</p>
          <p className="muted small">{t('points.affordable', { n: q.data.rewards.filter((r) => r.affordable).length })}</p>
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
                <span className={`shortcut-icon kind-${b.kind}`}><BusinessIcon id={id} /></span>
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
  const balance = useQuery<BalanceData>('balance.query');
  return (
    <Page title={t('home.title')} intro={session ? t('home.hello', { number: maskMsisdn(session.msisdn) }) : undefined} className="home">
      {balance.status === 'ok' && <LineStatus balance={balance.data} />}
      <div className="home-grid">
        <SummaryCard q={balance} />
        <UsageCard />
        <BillCard />
        <PointsCard />
      </div>
      <OffersCard />
      <Shortcuts />
    </Page>
  );
}
