// Loading, error and connection states, said the same way on every page.
import type { ApiError } from '../api.ts';
import { useOnline } from '../hooks.ts';
import { useI18n, type I18n } from '../i18n.tsx';

/** What went wrong, in the current language: the server's detail, or plain words for no answer. */
export function errorText(error: ApiError, i18n: I18n): string {
  if (error.code === 'NETWORK') return navigator.onLine ? i18n.t('error.network') : i18n.t('error.offline');
  if (error.code === 'TIMEOUT') return i18n.t('error.timeout');
  if (error.problem.messages) return i18n.pick(error.problem.messages);
  if (error.code === 'INTERNAL' || error.code === 'HTTP_ERROR') return i18n.t('error.server');
  return error.problem.detail;
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </p>
  );
}

export function ErrorBox({ error, onRetry, title }: { error: ApiError; onRetry?: () => void; title?: string }) {
  const i18n = useI18n();
  return (
    <div className="error-box" role="alert">
      <p>
        {title && <strong>{title} </strong>}
        {errorText(error, i18n)}
      </p>
      {onRetry && (
        <button type="button" className="btn btn-secondary" onClick={onRetry}>
          {i18n.t('common.retry')}
        </button>
      )}
    </div>
  );
}

/** A banner while the browser is offline: nothing will reach the server until it is back. */
export function OfflineBanner() {
  const online = useOnline();
  const { t } = useI18n();
  return (
    <div className="offline-region" aria-live="assertive">
      {!online && (
        <p className="offline-banner" role="alert">
          {t('error.offlineBanner')}
        </p>
      )}
    </div>
  );
}
