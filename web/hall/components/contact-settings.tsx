// 营销信息设置 on 我的: whether offers may reach this subscriber, on all channels or one by one —
// the hall's side of replying TD by SMS. Each switch saves at once; service messages are not
// affected and the card says so.
import { useCallback, useEffect, useId, useState } from 'react';
import { Card } from './page.tsx';
import { ErrorBox, Loading } from './status.tsx';
import { toApiError, type ApiError, type ContactChannel, type ContactPreferences } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { formatDate } from '../../shared/format.ts';

const CHANNELS = ['sms', 'call', 'ussd', 'push'] as const;

export function ContactSettings() {
  const { t, lang } = useI18n();
  const { client } = useSession();
  const [prefs, setPrefs] = useState<ContactPreferences | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState<ContactChannel | null>(null);
  const [saved, setSaved] = useState(false);
  const id = useId();

  const load = useCallback(() => {
    setError(null);
    client.contactPreferences().then(setPrefs, (e: unknown) => setError(toApiError(e)));
  }, [client]);
  useEffect(load, [load]);

  // The switch moves at once; the server's answer then replaces it (and a failure shows the
  // error and reads the settings again, so the switches never show what was not saved).
  const change = (channel: ContactChannel, receive: boolean) => {
    setSaving(channel);
    setSaved(false);
    setPrefs((p) => p && { channels: p.channels.map((c) => c.channel === channel ? { ...c, receive } : c) });
    client.setContactPreference(channel, receive).then(
      (p) => { setPrefs(p); setSaved(true); },
      (e: unknown) => { setError(toApiError(e)); client.contactPreferences().then(setPrefs, () => undefined); },
    ).finally(() => setSaving(null));
  };

  const of = (c: ContactChannel) => prefs?.channels.find((x) => x.channel === c);
  const all = of('all');
  const since = (at: string | null | undefined) => at ? <span className="muted small"> · {t('contact.since', { date: formatDate(at, lang) })}</span> : null;
  return (
    <Card title={t('contact.title')}>
      <p className="muted small" id={`${id}-intro`}>{t('contact.intro')}</p>
      {!prefs && !error && <Loading />}
      {error && <ErrorBox error={error} onRetry={load} />}
      {prefs && all && (
        <ul className="contact-settings" aria-describedby={`${id}-intro`} data-testid="contact-settings">
          <li>
            <label>
              <input type="checkbox" checked={!all.receive} disabled={saving !== null} onChange={(e) => change('all', !e.target.checked)} />
              <span><strong>{t('contact.all')}</strong>{since(all.optedOutAt)}<br /><span className="muted small">{t('contact.allHint')}</span></span>
            </label>
          </li>
          {CHANNELS.map((c) => {
            const p = of(c)!;
            return (
              <li key={c}>
                <label>
                  <input type="checkbox" checked={p.receive && all.receive} disabled={saving !== null || !all.receive} onChange={(e) => change(c, e.target.checked)} />
                  <span>{t(`contact.${c}`)}{since(p.optedOutAt)}</span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
      <p className="muted small" role="status" aria-live="polite">{saved ? t('contact.saved') : ''}</p>
    </Card>
  );
}
