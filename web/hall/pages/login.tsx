// Sign-in with the phone number and a one-time SMS code. The kiosk types both on number pads.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { toApiError, type ApiError } from '../api.ts';
import { NumPad } from '../components/numpad.tsx';
import { Page } from '../components/page.tsx';
import { ErrorBox } from '../components/status.tsx';
import { maskMsisdn, normaliseMsisdn } from '../../shared/format.ts';
import { useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';

/** Any well-formed number: the outbox answers an empty list in demo mode and 404 otherwise. */
const PROBE_MSISDN = '10000000000';

export function Login({ kiosk, onSignedIn }: { kiosk?: boolean; onSignedIn?: () => void }) {
  const { t } = useI18n();
  const { client, start, ended } = useSession();
  const [step, setStep] = useState<'number' | 'code'>('number');
  const [msisdn, setMsisdn] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [demo, setDemo] = useState(false);
  const [resendAt, setResendAt] = useState(0);
  /** Until when the server asked to wait (429 with retryAfter), epoch ms. */
  const [waitUntil, setWaitUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const codeInput = useRef<HTMLInputElement>(null);
  const numberInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    client.demoOutbox(PROBE_MSISDN).then((m) => live && setDemo(m !== null), () => undefined);
    return () => {
      live = false;
    };
    // Probed once: demo mode does not change while the page is open (the client changes with
    // the language, which does not matter here).
  }, []);

  useEffect(() => {
    if (resendAt <= now && waitUntil <= now) return;
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, [resendAt, waitUntil, now]);

  const fail = (err: unknown) => {
    const e = toApiError(err);
    if (e.status === 429 && e.problem.retryAfter !== undefined) {
      setWaitUntil(Date.now() + e.problem.retryAfter * 1000);
      setNow(Date.now());
      setError(null);
    } else {
      setError(e);
    }
  };

  useEffect(() => {
    if (step === 'code') codeInput.current?.focus();
  }, [step]);

  const requestCode = async (e?: FormEvent) => {
    e?.preventDefault();
    setError(null);
    // `+86 138 0000 0001` and full-width digits are the same number: the server's normaliser reads
    // them; letters are refused with a message, never dropped.
    const number = normaliseMsisdn(msisdn);
    if (!number) {
      setProblem(/\p{L}/u.test(msisdn) ? t('login.lettersInNumber') : t('login.badNumber'));
      numberInput.current?.focus();
      return;
    }
    setMsisdn(number);
    setProblem(null);
    setBusy(true);
    try {
      await client.requestCode(number);
      setStep('code');
      setCode('');
      setResendAt(Date.now() + 60_000);
      setWaitUntil(0);
      setNow(Date.now());
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const signIn = async (e?: FormEvent) => {
    e?.preventDefault();
    setError(null);
    if (!/^\d{6}$/.test(code)) {
      setProblem(t('login.badCode'));
      codeInput.current?.focus();
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      const r = await client.signIn(msisdn, code);
      start(msisdn, r.token, r.expiresInSeconds);
      onSignedIn?.();
    } catch (err) {
      fail(err);
      setBusy(false);
    }
  };

  const resendIn = Math.max(0, Math.ceil((resendAt - now) / 1000));
  const waitFor = Math.max(0, Math.ceil((waitUntil - now) / 1000));
  const shownNumber = kiosk ? maskMsisdn(msisdn) : msisdn;
  const outbox = `/api/v1/demo/sms-outbox?msisdn=${msisdn}`;
  const problemId = problem ? 'login-problem' : undefined;

  return (
    <Page title={t('login.title')} className={`login ${kiosk ? 'login-kiosk' : ''}`} intro={t('login.intro')}>
      {ended === 'expired' && <p className="notice" role="status">{t('login.expired')}</p>}
      {step === 'number' ? (
        <form className="login-form" onSubmit={requestCode} noValidate>
          <div className="field">
            <label htmlFor="login-msisdn">{t('login.number')}</label>
            <input
              ref={numberInput} id="login-msisdn" type="tel" inputMode={kiosk ? 'none' : 'numeric'} autoComplete="tel-national"
              maxLength={24} value={msisdn} readOnly={kiosk} className="big-input"
              placeholder={t('login.numberPlaceholder')}
              aria-invalid={problem ? true : undefined} aria-describedby={problemId}
              onChange={(e) => { setMsisdn(e.target.value); setProblem(null); }}
            />
            {problem && <p id="login-problem" className="field-problem">{problem}</p>}
          </div>
          {kiosk && <NumPad value={msisdn} onChange={setMsisdn} maxLength={11} label={t('login.number')} />}
          <div className="actions">
            <button type="submit" className="btn btn-primary btn-wide" disabled={busy}>{busy ? t('login.sending') : t('login.getCode')}</button>
          </div>
        </form>
      ) : (
        <form className="login-form" onSubmit={signIn} noValidate>
          <p className="notice" role="status">{t('login.codeSent', { number: shownNumber })}</p>
          <div className="field">
            <label htmlFor="login-code">{t('login.code')}</label>
            <input
              ref={codeInput} id="login-code" type="text" inputMode={kiosk ? 'none' : 'numeric'} autoComplete="one-time-code"
              maxLength={6} value={code} readOnly={kiosk} className="big-input"
              aria-invalid={problem ? true : undefined} aria-describedby={problemId}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
            />
            {problem && <p id="login-problem" className="field-problem">{problem}</p>}
          </div>
          {kiosk && <NumPad value={code} onChange={setCode} maxLength={6} label={t('login.code')} />}
          <div className="actions">
            <button type="submit" className="btn btn-primary btn-wide" disabled={busy}>{busy ? t('login.signingIn') : t('login.signIn')}</button>
            <button type="button" className="btn btn-secondary" disabled={busy || resendIn > 0} onClick={() => void requestCode()}>
              {resendIn > 0 ? t('login.resendIn', { n: resendIn }) : t('login.resend')}
            </button>
            <button type="button" className="btn btn-secondary" onClick={() => { setStep('number'); setError(null); setProblem(null); }}>
              {t('login.changeNumber')}
            </button>
          </div>
        </form>
      )}
      {waitFor > 0 && <p className="error-box" role="alert" data-testid="rate-limited">{t('login.wait', { n: waitFor })}</p>}
      {error && <ErrorBox error={error} />}
      {demo && !kiosk && (
        <aside className="demo-note" aria-label={t('login.demoTitle')}>
          <h2>{t('login.demoTitle')}</h2>
          <p>{t('login.demoText')}</p>
          {normaliseMsisdn(msisdn) === msisdn ? (
            <p><a href={outbox} target="_blank" rel="noopener noreferrer">{t('login.demoLink', { number: msisdn })}</a></p>
          ) : (
            <p className="mono small">GET /api/v1/demo/sms-outbox?msisdn=…</p>
          )}
          <p className="small">{t('login.demoNumbers')}</p>
        </aside>
      )}
    </Page>
  );
}
