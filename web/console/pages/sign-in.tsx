// Sign-in with a staff username and password. The server's own message on a refusal; after too
// many attempts, how long to wait (from retryAfter), counting down.
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { toApiError, type ApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { errorText } from '../ui.tsx';

interface Values {
  username: string;
  password: string;
}

export function SignIn() {
  const i18n = useI18n();
  const { t, lang, setLang } = i18n;
  const { client, start, ended } = useAuth();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [waitUntil, setWaitUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const waiting = Math.max(0, Math.ceil((waitUntil - now) / 1000));
  useEffect(() => {
    document.title = `${t('signIn.title')} · omnihall`;
  }, [t]);
  useEffect(() => {
    if (waitUntil <= Date.now()) return;
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, [waitUntil]);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const r = await client.signIn(v.username.trim(), v.password);
      start(r.token, r.expiresInSeconds, r.user);
    } catch (e) {
      const err = toApiError(e);
      setError(err);
      if (err.status === 429 && err.problem.retryAfter) {
        setWaitUntil(Date.now() + err.problem.retryAfter * 1000);
        setNow(Date.now());
      }
    } finally {
      setBusy(false);
    }
  };

  const message = error && (error.status === 429 && waiting > 0 ? t('signIn.wait', { n: waiting }) : errorText(error, i18n));
  return (
    <main className="sign-in">
      <Card className="sign-in-card">
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <Typography.Text type="secondary">{t('app.brand')}</Typography.Text>
          <Button type="link" size="small" lang={lang === 'en' ? 'zh-CN' : 'en'} aria-label={t('lang.switch')} onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>
            {t('lang.other')}
          </Button>
        </div>
        <Typography.Title level={1} style={{ fontSize: 24, marginTop: 8 }}>{t('signIn.title')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('signIn.intro')}</Typography.Paragraph>
        {ended === 'expired' && !error && <Alert type="warning" showIcon title={t('error.expired')} style={{ marginBottom: 16 }} />}
        {ended === 'user' && !error && <Alert type="info" showIcon title={t('signIn.signedOut')} style={{ marginBottom: 16 }} />}
        {message && <Alert type="error" showIcon role="alert" title={message} style={{ marginBottom: 16 }} data-testid="sign-in-error" />}
        <Form<Values> layout="vertical" onFinish={submit} requiredMark={false} disabled={busy}>
          <Form.Item label={t('signIn.username')} name="username" rules={[{ required: true, whitespace: true, message: t('signIn.usernameRequired') }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t('signIn.password')} name="password" rules={[{ required: true, message: t('signIn.passwordRequired') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} disabled={waiting > 0}>
            {t('signIn.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
