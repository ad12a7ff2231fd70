// Pieces every console page uses: loading what a page shows, saying what went wrong in the
// current language, the page heading and a lifecycle status tag.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Alert, Button, Flex, Tag, Typography } from 'antd';
import { toApiError, type ApiError } from './api.ts';
import { useI18n, type I18n } from './i18n.tsx';

/** What went wrong: the server's detail in this language, or plain words when there was no answer. */
export function errorText(error: ApiError, i18n: I18n): string {
  if (error.code === 'NETWORK') return i18n.t('error.network');
  if (error.code === 'TIMEOUT') return i18n.t('error.timeout');
  if (error.code === 'FORBIDDEN' && !error.problem.messages) return i18n.t('error.forbidden');
  if (error.problem.messages) return i18n.pick(error.problem.messages);
  if (error.code === 'INTERNAL' || error.code === 'HTTP_ERROR') return i18n.t('error.server');
  return error.problem.detail;
}

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

/** Runs `load` when the page shows and whenever `key` changes; keeps the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, key: unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const k = JSON.stringify(key);
  useEffect(() => {
    let live = true;
    setLoading(true);
    loadRef.current().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(toApiError(e));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [k, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, loading, reload };
}

export interface Pages<T, A> extends Omit<Loaded<A>, 'data'> {
  /** Every page read so far, in the server's order. */
  items: T[];
  /** The last answer as a whole (what it says besides its items: counts…). */
  answer: A | undefined;
  hasMore: boolean;
  /** Reads the next page, after the last item shown. */
  more(): void;
}

/**
 * A list read a page (`size` items) at a time, each after the last id shown (`afterId`), from
 * the start when the page shows, whenever `key` changes and on `reload`.
 */
export function usePages<A extends { items: { id: number }[] }>(load: (afterId: number) => Promise<A>, size: number, key: unknown[]): Pages<A['items'][number], A> {
  const [items, setItems] = useState<A['items'][number][]>([]);
  const [answer, setAnswer] = useState<A>();
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError>();
  const asked = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const read = useCallback((afterId: number) => {
    // Only the latest answer counts: a filter changed meanwhile makes an earlier one stale.
    const n = ++asked.current;
    setLoading(true);
    loadRef.current(afterId).then(
      (r) => {
        if (n !== asked.current) return;
        setItems((xs) => (afterId ? [...xs, ...r.items] : r.items));
        setAnswer(r);
        setHasMore(r.items.length === size);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (n !== asked.current) return;
        setError(toApiError(e));
        setLoading(false);
      },
    );
  }, [size]);
  const k = JSON.stringify(key);
  useEffect(() => read(0), [read, k]);
  const last = items[items.length - 1]?.id ?? 0;
  return { items, answer, hasMore, loading, error, more: () => read(last), reload: useCallback(() => read(0), [read]) };
}

export function ErrorAlert({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const i18n = useI18n();
  return (
    <Alert
      type="error" showIcon role="alert" title={i18n.t('error.title')} description={errorText(error, i18n)}
      action={onRetry && <Button size="small" onClick={onRetry}>{i18n.t('common.retry')}</Button>}
      style={{ marginBottom: 16 }}
    />
  );
}

export function PageTitle({ title, extra }: { title: string; extra?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · omnihall`;
  }, [title]);
  return (
    <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
      <Typography.Title level={1} style={{ margin: 0, fontSize: 22 }}>{title}</Typography.Title>
      {extra}
    </Flex>
  );
}

export type Tone = 'grey' | 'blue' | 'gold' | 'green' | 'red';

/** A tag in one of a few tones whose text keeps 4.5:1 contrast (Ant Design's coloured tags do not). */
export function ToneTag({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <Tag className={`tone tone-${tone}`}>{children}</Tag>;
}

const STATUS_TONES: Record<string, Tone> = {
  'In study': 'grey', 'In design': 'blue', 'In test': 'gold', Launched: 'green', Retired: 'grey', Obsolete: 'grey', Rejected: 'red',
};

export function StatusTag({ status }: { status: string }) {
  const { status: name } = useI18n();
  return <ToneTag tone={STATUS_TONES[status] ?? 'grey'}>{name(status)}</ToneTag>;
}
