// 我的: the account (number, type, balance or what is owed), the plan, the language, links to
// what is the subscriber's own (subscriptions, bills, points), the marketing settings, and signing out.
import { BalanceFigures } from './home.tsx';
import { ContactSettings } from '../components/contact-settings.tsx';
import { Card, Page } from '../components/page.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { formatFen, maskMsisdn } from '../../shared/format.ts';
import { useQuery } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { Link, useRouter } from '../../shared/router.tsx';
import { useSession } from '../session.tsx';
import type { BalanceData, SubscriptionsData } from '../results.ts';

export function Me() {
  const { t, name, lang, setLang, pick } = useI18n();
  const { session, client, end } = useSession();
  const { navigate } = useRouter();
  const balance = useQuery<BalanceData>('balance.query');
  const subs = useQuery<SubscriptionsData>('subscriptions.query');
  const signOut = () => {
    // The token is revoked on the server when it can be; the hall forgets it either way.
    client.signOut().catch(() => undefined);
    end('user');
    navigate('/');
  };
  return (
    <Page title={t('me.title')} className="me-page">
      <Card title={t('me.account')}>
        <dl className="facts">
          <dt>{t('me.number')}</dt><dd data-testid="me-number">{session ? maskMsisdn(session.msisdn) : '—'}</dd>
          {balance.status === 'ok' && (
            <>
              <dt>{t('me.accountType')}</dt><dd>{balance.data.accountType === 'prepaid' ? t('home.prepaid') : t('home.postpaid')}</dd>
              <dt>{t('me.line')}</dt>
              <dd>{balance.data.lineStatus === 'suspended' ? <span className="badge badge-danger">{t('me.lineSuspended')}</span> : <span className="badge badge-ok">{t('me.lineActive')}</span>}</dd>
            </>
          )}
        </dl>
        {balance.status === 'loading' && <Loading />}
        {balance.status === 'error' && <ErrorBox error={balance.error} onRetry={balance.reload} />}
        {balance.status === 'ok' && <BalanceFigures b={balance.data} />}
      </Card>
      <Card title={t('me.plan')} action={<Link to="/b/plan.change" className="btn btn-secondary btn-small">{t('subs.changePlan')}</Link>}>
        {subs.status === 'loading' && <Loading />}
        {subs.status === 'error' && <ErrorBox error={subs.error} onRetry={subs.reload} />}
        {subs.status === 'ok' && (
          <p className="plan-line">
            <strong>{subs.data.plan ? name(subs.data.plan) : balance.status === 'ok' && balance.data.planName ? pick(balance.data.planName) : '—'}</strong>
            {subs.data.plan?.priceFen !== undefined && <span className="muted"> · {formatFen(subs.data.plan.priceFen)}{t('offer.perMonth')}</span>}
          </p>
        )}
      </Card>
      <Card title={t('me.language')}>
        <div className="segmented" role="group" aria-label={t('me.language')}>
          <button type="button" className={`btn ${lang === 'zh-CN' ? 'btn-primary' : 'btn-secondary'}`} aria-pressed={lang === 'zh-CN'} lang="zh-CN" onClick={() => setLang('zh-CN')}>中文</button>
          <button type="button" className={`btn ${lang === 'en' ? 'btn-primary' : 'btn-secondary'}`} aria-pressed={lang === 'en'} lang="en" onClick={() => setLang('en')}>English</button>
        </div>
      </Card>
      <ContactSettings />
      <Card title={t('me.mine')}>
        <ul className="me-links">
          <li><Link to="/subscriptions" className="btn btn-secondary">{t('nav.subscriptions')}</Link></li>
          <li><Link to="/bills" className="btn btn-secondary">{t('nav.bills')}</Link></li>
          <li><Link to="/points" className="btn btn-secondary">{t('nav.points')}</Link></li>
          <li><Link to="/recharge" className="btn btn-secondary">{t('nav.recharge')}</Link></li>
        </ul>
      </Card>
      <div className="actions">
        <button type="button" className="btn btn-danger btn-wide" onClick={signOut}>{t('nav.signOut')}</button>
      </div>
    </Page>
  );
}
