// The console's providers (language, Ant Design's locale and theme, who is signed in, the router)
// and the choice between the sign-in page and the signed-in frame.
import { lazy, Suspense } from 'react';
import { App, ConfigProvider, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { RouterProvider } from '../shared/router.tsx';
import { AuthProvider, useAuth } from './auth.tsx';
import { I18nProvider, useI18n } from './i18n.tsx';
import { SignIn } from './pages/sign-in.tsx';

// The frame and its pages come after sign-in, in chunks of their own: the sign-in page loads light.
const Shell = lazy(() => import('./shell.tsx'));

// Someone who asked their system for less motion gets no zooming dialogs or sliding drawers.
const reducedMotion = typeof window !== 'undefined' && typeof window.matchMedia === 'function'
  && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

function Themed({ nonce }: { nonce?: string }) {
  const { lang } = useI18n();
  dayjs.locale(lang === 'en' ? 'en' : 'zh-cn');
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUS : zhCN}
      csp={nonce ? { nonce } : undefined}
      // antd spaces out two-character Chinese buttons (登 录), which also changes their accessible name.
      button={{ autoInsertSpace: false }}
      theme={{
        token: {
          motion: !reducedMotion,
          colorPrimary: '#0b5cad', colorLink: '#0b5cad', borderRadius: 6,
          fontFamily: '"PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", system-ui, sans-serif',
          // Ant Design's grey texts are lighter than WCAG AA's 4.5:1 on white; these are not.
          colorTextSecondary: 'rgba(0, 0, 0, 0.65)', colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
          colorTextDescription: 'rgba(0, 0, 0, 0.6)', colorTextPlaceholder: 'rgba(0, 0, 0, 0.56)',
          colorTextDisabled: 'rgba(0, 0, 0, 0.56)', colorError: '#c62828', colorLinkHover: '#094a8c',
        },
      }}
    >
      <App>
        <AuthProvider>
          <RouterProvider base="/console">
            <Gate />
          </RouterProvider>
        </AuthProvider>
      </App>
    </ConfigProvider>
  );
}

function Gate() {
  const { session } = useAuth();
  if (!session) return <SignIn />;
  return (
    <Suspense fallback={<div className="console-loading"><Spin size="large" /></div>}>
      <Shell />
    </Suspense>
  );
}

export function Root({ nonce }: { nonce?: string }) {
  return (
    <I18nProvider>
      <Themed nonce={nonce} />
    </I18nProvider>
  );
}
