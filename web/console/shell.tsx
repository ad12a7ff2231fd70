// The signed-in frame: a side menu of the pages the user's roles reach (collapsed to icons on
// narrow screens), a header with the language switch and the user menu (password, sign-out),
// and the current page, each page loaded in a chunk of its own when first shown.
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { Button, Dropdown, Layout, Menu, Result, Spin, Tag, Typography } from 'antd';
import {
  AppstoreOutlined, AuditOutlined, CheckSquareOutlined, HomeOutlined, MenuFoldOutlined, MenuUnfoldOutlined, NodeIndexOutlined, TeamOutlined, UserOutlined,
} from '@ant-design/icons';
import { useRouter } from '../shared/router.tsx';
import { useAuth } from './auth.tsx';
import { useI18n } from './i18n.tsx';
import { navFor, route, type PageKey } from './nav.ts';
import { MARKETING_ICONS, MarketingGroupIcon } from './marketing-nav.tsx';
import { MALL_PAGES, MallGroupIcon } from './mall-nav.tsx';
import { PasswordDialog } from './pages/password.tsx';

const Home = lazy(() => import('./pages/home.tsx'));
const Offerings = lazy(() => import('./pages/offerings.tsx'));
const OfferingPage = lazy(() => import('./pages/offering.tsx'));
const Reviews = lazy(() => import('./pages/reviews.tsx'));
const BusinessesPage = lazy(() => import('./pages/businesses.tsx'));
const Staff = lazy(() => import('./pages/staff.tsx'));
const Audit = lazy(() => import('./pages/audit.tsx'));
const MktFeatures = lazy(() => import('./pages/marketing-features.tsx'));
const MktSegments = lazy(() => import('./pages/marketing-segments.tsx'));
const MktOffers = lazy(() => import('./pages/marketing-offers.tsx'));
const MktDecisions = lazy(() => import('./pages/marketing-decisions.tsx'));
const MktContacts = lazy(() => import('./pages/marketing-contacts.tsx'));
const MktTriggers = lazy(() => import('./pages/marketing-triggers.tsx'));
const MktBroadcasts = lazy(() => import('./pages/marketing-broadcasts.tsx'));
const MktCallLists = lazy(() => import('./pages/marketing-call-lists.tsx'));
const MktMyCalls = lazy(() => import('./pages/marketing-my-calls.tsx'));
const MktResults = lazy(() => import('./pages/marketing-results.tsx'));

const ICONS: Record<PageKey, ReactNode> = {
  home: <HomeOutlined />, offerings: <AppstoreOutlined />, reviews: <CheckSquareOutlined />,
  businesses: <NodeIndexOutlined />, staff: <TeamOutlined />, audit: <AuditOutlined />,
  ...MARKETING_ICONS,
  ...Object.fromEntries(Object.entries(MALL_PAGES).map(([k, p]) => [k, p.icon])) as Record<keyof typeof MALL_PAGES, ReactNode>,
};

export default function Shell() {
  const i18n = useI18n();
  const { t, lang, setLang } = i18n;
  const { session, end, client } = useAuth();
  const { sub, navigate } = useRouter();
  const [collapsed, setCollapsed] = useState(() => window.matchMedia('(max-width: 991px)').matches);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const user = session!.user;
  const items = navFor(user.roles);
  const current = route(sub);
  const allowed = current.key !== 'notFound' && items.some((n) => n.key === current.key);
  // The marketing pages (营销) and the mall's (商城) sit in groups of their own, after the others.
  const menuItem = (n: (typeof items)[number]) => ({ key: n.key, icon: ICONS[n.key], label: t(n.label), title: t(n.label) });
  const marketing = items.filter((n) => n.group === 'marketing');
  const mall = items.filter((n) => n.group === 'mall');
  const menu = [
    ...items.filter((n) => !n.group).map(menuItem),
    ...(marketing.length ? [{ key: 'group-marketing', icon: <MarketingGroupIcon />, label: t('nav.marketing'), children: marketing.map(menuItem) }] : []),
    ...(mall.length ? [{ key: 'group-mall', icon: <MallGroupIcon />, label: t('nav.mall'), children: mall.map(menuItem) }] : []),
  ];

  const page = (() => {
    if (current.key === 'notFound') return <Result status="404" title="404" subTitle={t('error.notFound')} />;
    if (!allowed) return <Result status="403" title="403" subTitle={t('error.forbidden')} />;
    switch (current.key) {
      case 'home': return <Home />;
      case 'offerings': return current.offeringId ? <OfferingPage id={current.offeringId} /> : <Offerings />;
      case 'reviews': return <Reviews />;
      case 'businesses': return <BusinessesPage />;
      case 'staff': return <Staff />;
      case 'audit': return <Audit />;
      case 'mktFeatures': return <MktFeatures />;
      case 'mktSegments': return <MktSegments />;
      case 'mktOffers': return <MktOffers />;
      case 'mktDecisions': return <MktDecisions />;
      case 'mktContacts': return <MktContacts />;
      case 'mktTriggers': return <MktTriggers />;
      case 'mktBroadcasts': return <MktBroadcasts />;
      case 'mktCallLists': return <MktCallLists />;
      case 'mktMyCalls': return <MktMyCalls />;
      case 'mktResults': return <MktResults />;
      default: {
        const Page = MALL_PAGES[current.key].page;
        return <Page id={current.id} />;
      }
    }
  })();

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a className="skip-link" href="#main">{t('app.skip')}</a>
      <Layout.Sider
        breakpoint="lg" collapsible collapsed={collapsed} onCollapse={setCollapsed} trigger={null}
        collapsedWidth={64} width={208} theme="dark"
      >
        <div className="console-brand">
          <img src="/favicon.svg" alt="" />
          {!collapsed && <span>{t('app.title')}</span>}
        </div>
        <nav aria-label={t('nav.menu')}>
          <Menu
            theme="dark" mode="inline" selectedKeys={current.key === 'notFound' ? [] : [current.key]}
            // The groups open in the full menu; in the icons-only one each pops up when pointed at
            // (open from the start, it would cover the page), so the menu is made anew on each switch.
            items={menu} key={collapsed ? 'icons' : 'full'} defaultOpenKeys={collapsed ? [] : ['group-marketing', 'group-mall']}
            onClick={({ key }) => navigate(items.find((n) => n.key === key)!.path)}
          />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header className="console-header">
          <Button
            type="text" icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
            aria-label={collapsed ? t('nav.expand') : t('nav.collapse')} aria-expanded={!collapsed}
            onClick={() => setCollapsed((c) => !c)}
          />
          <Typography.Text strong className="header-title">{t('app.brand')}</Typography.Text>
          <span className="spacer" />
          <Button type="text" lang={lang === 'en' ? 'zh-CN' : 'en'} aria-label={t('lang.switch')} onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>
            {t('lang.other')}
          </Button>
          <Dropdown
            trigger={['click']}
            menu={{
              items: [
                { key: 'roles', label: <span>{user.roles.map((r) => <Tag key={r}>{i18n.role(r)}</Tag>)}</span>, disabled: true },
                { type: 'divider' },
                { key: 'password', label: t('user.changePassword') },
                { key: 'signOut', label: t('user.signOut') },
              ],
              onClick: ({ key }) => {
                if (key === 'password') setPasswordOpen(true);
                if (key === 'signOut') end('user');
              },
            }}
          >
            <Button type="text" icon={<UserOutlined />} aria-label={t('user.menu', { name: user.displayName })} data-testid="user-menu">
              {user.displayName}
            </Button>
          </Dropdown>
        </Layout.Header>
        <Layout.Content className="console-main">
          <main id="main" className="console-content" tabIndex={-1}>
            <Suspense fallback={<div className="console-loading"><Spin /></div>}>{page}</Suspense>
          </main>
        </Layout.Content>
      </Layout>
      <PasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} client={client} />
    </Layout>
  );
}
