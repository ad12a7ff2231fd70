// Hooks the pages share: running a query, running a transaction through its confirmation,
// the connection state, the screen size, the page title, and which businesses are used most.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { newIdempotencyKey, quoteOf, toApiError, type ApiError } from './api.ts';
import { useSession } from './session.tsx';
import type { Quote, RunResult } from '../shared/types.ts';

export type QueryState<T> =
  | { status: 'loading'; data?: T }
  | { status: 'error'; error: ApiError; data?: T }
  | { status: 'ok'; data: T; result: RunResult<T> };

/** Runs a query business when the component shows (and again on `reload`). */
export function useQuery<T>(businessId: string, input: Record<string, unknown> = {}, enabled = true): QueryState<T> & { reload(): void } {
  const { client } = useSession();
  const clientRef = useRef(client);
  clientRef.current = client;
  const inputKey = JSON.stringify(input);
  const [state, setState] = useState<QueryState<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setState((s) => ({ status: 'loading', data: s.data }));
    clientRef.current.run<T>(businessId, { input: JSON.parse(inputKey) as Record<string, unknown> }).then(
      (result) => live && setState({ status: 'ok', data: result.result, result }),
      (e: unknown) => live && setState((s) => ({ status: 'error', error: toApiError(e), data: s.data })),
    );
    return () => {
      live = false;
    };
  }, [businessId, inputKey, attempt, enabled]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}

export type RunState =
  | { step: 'idle' }
  | { step: 'sending'; confirming: boolean; quote?: Quote }
  | { step: 'confirm'; quote: Quote; priceChanged?: boolean }
  | { step: 'done'; result: RunResult; quote?: Quote; key: string }
  | { step: 'failed'; error: ApiError; confirming: boolean; quote?: Quote };

export interface Run {
  state: RunState;
  /** Starts a new attempt: a new idempotency key, then the quote or the answer. */
  start(input: Record<string, unknown>): void;
  /** Confirms the quote: the same call with `confirm: true` and the same key. */
  confirm(): void;
  /** Tries the failed step again with the same key, so nothing can happen twice. */
  retry(): void;
  reset(): void;
}

/**
 * Runs a business the way a person does it: ask, see the quote and price when it charges,
 * confirm, see the answer. One idempotency key per attempt, reused by its confirmation and by
 * any retry, so a lost answer never becomes a second charge.
 */
export function useRun(businessId: string, onDone?: (r: RunResult) => void): Run {
  const { client } = useSession();
  const [state, setState] = useState<RunState>({ step: 'idle' });
  const attempt = useRef<{ input: Record<string, unknown>; key: string; quote?: Quote } | null>(null);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);
  const onDoneRef = useRef(onDone);
  onDoneRef.current = onDone;

  const send = useCallback((confirm: boolean) => {
    const a = attempt.current;
    if (!a) return;
    setState({ step: 'sending', confirming: confirm, quote: a.quote });
    client.run(businessId, { input: a.input, confirm, quoteTerms: a.quote?.terms, idempotencyKey: a.key }).then(
      (result) => {
        if (!live.current || attempt.current !== a) return;
        recordUse(businessId);
        setState({ step: 'done', result, quote: a.quote, key: a.key });
        onDoneRef.current?.(result);
      },
      (e: unknown) => {
        if (!live.current || attempt.current !== a) return;
        const error = toApiError(e);
        const quote = quoteOf(error);
        if (!confirm && error.code === 'CONFIRMATION_REQUIRED' && quote) {
          a.quote = quote;
          setState({ step: 'confirm', quote: a.quote });
        } else if (confirm && error.code === 'PRICE_CHANGED' && quote) {
          // Nothing was charged: the same attempt asks again at the new price.
          a.quote = quote;
          setState({ step: 'confirm', quote: a.quote, priceChanged: true });
        } else {
          setState({ step: 'failed', error, confirming: confirm, quote: a.quote });
        }
      },
    );
  }, [client, businessId]);

  const start = useCallback((input: Record<string, unknown>) => {
    attempt.current = { input, key: newIdempotencyKey() };
    send(false);
  }, [send]);
  const confirm = useCallback(() => send(true), [send]);
  const retry = useCallback(() => {
    if (state.step === 'failed') send(state.confirming);
  }, [send, state]);
  const reset = useCallback(() => {
    attempt.current = null;
    setState({ step: 'idle' });
  }, []);
  return { state, start, confirm, retry, reset };
}

// ---- connection --------------------------------------------------------------------------------
function subscribeOnline(cb: () => void): () => void {
  window.addEventListener('online', cb);
  window.addEventListener('offline', cb);
  return () => {
    window.removeEventListener('online', cb);
    window.removeEventListener('offline', cb);
  };
}

/** False while the browser says the connection is lost. */
export function useOnline(): boolean {
  return useSyncExternalStore(subscribeOnline, () => navigator.onLine, () => true);
}

/** True while the media query matches, e.g. `(max-width: 640px)`. */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback((cb: () => void) => {
    const m = window.matchMedia(query);
    m.addEventListener('change', cb);
    return () => m.removeEventListener('change', cb);
  }, [query]);
  return useSyncExternalStore(subscribe, () => window.matchMedia(query).matches, () => false);
}

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · omnihall`;
  }, [title]);
}

// ---- most used businesses, for the home page's shortcuts -------------------------------------
const USE_KEY = 'omnihall.used';

function readCounts(): Record<string, number> {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(USE_KEY) ?? '{}');
    if (typeof v !== 'object' || v === null) return {};
    const out: Record<string, number> = {};
    for (const [k, n] of Object.entries(v)) if (typeof n === 'number') out[k] = n;
    return out;
  } catch {
    return {};
  }
}

export function recordUse(businessId: string): void {
  try {
    const counts = readCounts();
    counts[businessId] = (counts[businessId] ?? 0) + 1;
    localStorage.setItem(USE_KEY, JSON.stringify(counts));
  } catch {
    // Shortcuts fall back to the defaults.
  }
}

/** Business ids by use on this device, most used first, topped up with `defaults`. */
export function mostUsed(available: readonly string[], defaults: readonly string[], n: number): string[] {
  const counts = readCounts();
  const used = Object.entries(counts).filter(([id]) => available.includes(id)).sort((a, b) => b[1] - a[1]).map(([id]) => id);
  const out: string[] = [];
  for (const id of [...used, ...defaults, ...available]) {
    if (available.includes(id) && !out.includes(id)) out.push(id);
    if (out.length === n) break;
  }
  return out;
}
