// The self-service kiosk (自助终端) at /kiosk: big touch targets, number pads instead of a keyboard,
// a printable receipt, and a terminal that forgets its subscriber after a minute without a touch.
import { useCallback, useMemo, useState } from 'react';
import { CircleDot } from '../components/icons.tsx';
import { Page } from '../components/page.tsx';
import { Receipt, ReceiptContext, type ReceiptData, type ReceiptSink } from '../components/receipt.tsx';
import { LangSwitch } from '../components/shell.tsx';
import { OfflineBanner } from '../components/status.tsx';
import { maskMsisdn } from '../../shared/format.ts';
import { routePage } from '../hall.tsx';
import { I18nProvider, useI18n } from '../i18n.tsx';
import { Login } from '../pages/login.tsx';
import { RegistryProvider } from '../registry.tsx';
import { Link, RouterProvider, useRouter } from '../../shared/router.tsx';
import { SessionProvider, useSession } from '../session.tsx';
import { IdleGuard } from './idle.tsx';

function Start() {
  const { t } = useI18n();
  return (
    <Page title={t('kiosk.welcome')} className="kiosk-start" intro={t('kiosk.welcomeText')}>
      <Link to="/login" className="btn btn-primary btn-huge">{t('kiosk.start')}</Link>
      <ul className="kiosk-features" aria-label={t('kiosk.features')}>
        <li>{t('kiosk.featureQuery')}</li>
        <li>{t('kiosk.featureRecharge')}</li>
        <li>{t('kiosk.featureOrder')}</li>
        <li>{t('kiosk.featurePrint')}</li>
      </ul>
    </Page>
  );
}

function ReceiptPage({ receipt }: { receipt: ReceiptData | null }) {
  const { t } = useI18n();
  return (
    <Page title={t('receipt.title')} className="receipt-page">
      {receipt ? <Receipt r={receipt} /> : <p>{t('receipt.none')}</p>}
      <div className="actions no-print">
        {receipt && <button type="button" className="btn btn-primary btn-wide" onClick={() => window.print()}>{t('receipt.printNow')}</button>}
        <Link to="/" className="btn btn-secondary btn-wide">{t('receipt.done')}</Link>
      </div>
    </Page>
  );
}

function Kiosk() {
  const { t, setLang } = useI18n();
  const { session, end } = useSession();
  const { sub, navigate } = useRouter();
  const [receipt, setReceipt] = useState<ReceiptData | null>(null);
  const sink = useMemo<ReceiptSink>(() => ({
    show: (r) => {
      setReceipt(r);
      navigate('/receipt');
    },
  }), [navigate]);

  const reset = useCallback((reason: 'idle' | 'user') => {
    end(reason);
    setReceipt(null);
    setLang('zh-CN');
    navigate('/', { replace: true });
  }, [end, setLang, navigate]);

  let content;
  if (sub === '/login') content = session ? routePage('/', { numPad: true, kiosk: true }) : <Login kiosk onSignedIn={() => navigate('/', { replace: true })} />;
  else if (!session) content = sub === '/' ? <Start /> : <Login kiosk onSignedIn={() => navigate('/', { replace: true })} />;
  else if (sub === '/receipt') content = <ReceiptPage receipt={receipt} />;
  else content = routePage(sub, { numPad: true, kiosk: true });

  return (
    <ReceiptContext.Provider value={sink}>
      <div className="kiosk">
        <header className="kiosk-bar no-print">
          <Link to="/" className="brand">
            <CircleDot className="brand-mark" size={28} aria-hidden="true" />
            <span className="brand-name">omnihall</span>
            <span className="brand-sub">{t('brand.kiosk')}</span>
          </Link>
          <div className="top-actions">
            {session && <span className="who">{maskMsisdn(session.msisdn)}</span>}
            {session && sub !== '/' && <Link to="/" className="btn btn-ghost">{t('kiosk.menu')}</Link>}
            <LangSwitch />
            {session && <button type="button" className="btn btn-ghost" onClick={() => reset('user')}>{t('kiosk.finish')}</button>}
          </div>
        </header>
        <OfflineBanner />
        <main id="main" className="main kiosk-main">{content}</main>
        <IdleGuard active={session !== null || sub !== '/'} onIdle={() => reset('idle')} />
      </div>
    </ReceiptContext.Provider>
  );
}

export function KioskRoot() {
  return (
    <I18nProvider persist={false}>
      <SessionProvider persist={false} kiosk>
        <RegistryProvider>
          <RouterProvider base="/kiosk">
            <Kiosk />
          </RouterProvider>
        </RegistryProvider>
      </SessionProvider>
    </I18nProvider>
  );
}
