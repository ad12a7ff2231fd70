// The web hall (desktop) and mobile hall (掌厅, phone-sized screens): one layout that adapts.
import { OfflineBanner } from './components/status.tsx';
import { CircleDot, House, LayoutGrid, Package, Receipt, ShoppingBag, UserRound } from './components/icons.tsx';
import { LangSwitch, SkipLink } from './components/shell.tsx';
import { maskMsisdn } from '../shared/format.ts';
import { useMediaQuery } from './hooks.ts';
import { I18nProvider, useI18n } from './i18n.tsx';
import { Bills } from './pages/bills.tsx';
import { Home } from './pages/home.tsx';
import { Login } from './pages/login.tsx';
import { isMallPath, mallPage } from './pages/mall.tsx';
import { Me } from './pages/me.tsx';
import { Packs } from './pages/packs.tsx';
import { Points } from './pages/points.tsx';
import { Recharge } from './pages/recharge.tsx';
import { BusinessPage, NotFound, Services } from './pages/services.tsx';
import { Subscriptions } from './pages/subscriptions.tsx';
import { OfferLinkPage } from './pages/offer-link.tsx';
import { RegistryProvider } from './registry.tsx';
import { Link, RouterProvider, useRouter } from '../shared/router.tsx';
import { SessionProvider, useSession } from './session.tsx';

/** The pages behind sign-in, by path below the base; shared by the hall and the kiosk. */
export function routePage(sub: string, opts: { numPad?: boolean; kiosk?: boolean } = {}) {
  if (sub === '/') return <Home />;
  if (sub === '/services') return <Services />;
  if (sub === '/packs') return <Packs />;
  if (sub === '/me') return <Me />;
  if (sub === '/subscriptions') return <Subscriptions />;
  if (sub === '/bills') return <Bills />;
  if (sub === '/recharge') return <Recharge numPad={opts.numPad} kiosk={opts.kiosk} />;
  if (sub === '/points') return <Points />;
  const m = /^\/b\/([^/]+)$/.exec(sub);
  if (m) return <BusinessPage key={m[1]} id={decodeURIComponent(m[1] ?? '')} numPad={opts.numPad} />;
  return <NotFound />;
}

function Hall() {
  const { t } = useI18n();
  const { session, end, client } = useSession();
  const { sub, navigate } = useRouter();
  const phone = useMediaQuery('(max-width: 640px)');
  const nav = [
    { to: '/', label: t('nav.home') },
    { to: '/packs', label: t('nav.packs') },
    { to: '/mall', label: t('nav.mall') },
    { to: '/services', label: t('nav.services') },
    { to: '/subscriptions', label: t('nav.subscriptions') },
    { to: '/bills', label: t('nav.bills') },
    { to: '/recharge', label: t('nav.recharge') },
    { to: '/points', label: t('nav.points') },
    { to: '/me', label: t('nav.me') },
  ];
  const tabs = [
    { to: '/', label: t('tab.home'), icon: House },
    { to: '/packs', label: t('tab.packs'), icon: Package },
    { to: '/mall', label: t('tab.mall'), icon: ShoppingBag },
    { to: '/services', label: t('tab.services'), icon: LayoutGrid },
    { to: '/bills', label: t('tab.bills'), icon: Receipt },
    { to: '/me', label: t('tab.mine'), icon: UserRound },
  ];
  return (
    <div className={`hall ${session ? 'signed-in' : ''}`}>
      <SkipLink />
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/" className="brand">
            <CircleDot className="brand-mark" size={24} aria-hidden="true" />
            <span className="brand-name">omnihall</span>
            <span className="brand-sub">{phone ? t('brand.mobileHall') : t('brand.webHall')}</span>
          </Link>
          {session && (
            <nav className="topnav" aria-label={t('nav.main')}>
              <ul>
                {nav.map((n) => <li key={n.to}><Link to={n.to}>{n.label}</Link></li>)}
              </ul>
            </nav>
          )}
          <div className="top-actions">
            {session && <span className="who" title={t('nav.signedInAs')}>{maskMsisdn(session.msisdn)}</span>}
            <LangSwitch />
            {session && (
              <button type="button" className="btn btn-ghost" onClick={() => { client.signOut().catch(() => undefined); end('user'); navigate('/'); }}>
                {t('nav.signOut')}
              </button>
            )}
          </div>
        </div>
      </header>
      <OfflineBanner />
      <main id="main" className="main">
        {/^\/o\/[^/]+$/.test(sub) ? <OfferLinkPage key={sub} code={decodeURIComponent(sub.slice(3))} />
          // The mall is open to guests (their cart kept on this device); it asks for sign-in at checkout.
          : isMallPath(sub) ? mallPage(sub, session !== null) : session ? routePage(sub) : <Login />}
      </main>
      {session && (
        <nav className="tabbar" aria-label={t('nav.tabs')}>
          <ul>
            {tabs.map((n) => (
              <li key={n.to}>
                <Link to={n.to}><n.icon className="tab-icon" size={22} aria-hidden="true" /><span>{n.label}</span></Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <footer className="footer">
        <p>{t('footer.text')}</p>
      </footer>
    </div>
  );
}

export function HallRoot() {
  return (
    <I18nProvider persist>
      <SessionProvider persist>
        <RegistryProvider>
          <RouterProvider base="">
            <Hall />
          </RouterProvider>
        </RegistryProvider>
      </SessionProvider>
    </I18nProvider>
  );
}
