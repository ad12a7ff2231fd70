// The one place the app talks to omnihall: its REST API under /api/v1. Every failure becomes an
// ApiError with a stable code: the server's problem JSON, or NETWORK / TIMEOUT when there is no answer.
import type { BusinessInfo, L10n, Lang, Quote, RunResult } from './types.ts';

export interface Problem {
  status: number;
  code: string;
  detail: string;
  /** The detail in both languages, so a language switch needs no new request. */
  messages?: L10n;
  quote?: Quote;
  retryAfter?: number;
}

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(`${problem.code}: ${problem.detail}`);
    this.name = 'ApiError';
    this.code = problem.code;
    this.status = problem.status;
    this.problem = problem;
  }
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof DOMException && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
    return new ApiError({ status: 0, code: 'TIMEOUT', detail: e.message });
  }
  return new ApiError({ status: 0, code: 'NETWORK', detail: e instanceof Error ? e.message : String(e) });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isL10n(v: unknown): v is L10n {
  return isRecord(v) && typeof v['zh-CN'] === 'string' && typeof v.en === 'string';
}

function problemOf(status: number, body: unknown): Problem {
  if (isRecord(body) && typeof body.code === 'string') {
    const quote = isRecord(body.quote) && isL10n(body.quote.summary) && typeof body.quote.priceFen === 'number' && typeof body.quote.terms === 'string'
      ? (body.quote as unknown as Quote)
      : undefined;
    return {
      status,
      code: body.code,
      detail: typeof body.detail === 'string' ? body.detail : body.code,
      messages: isL10n(body.messages) ? body.messages : undefined,
      quote,
      retryAfter: typeof body.retryAfter === 'number' ? body.retryAfter : undefined,
    };
  }
  return { status, code: status >= 500 ? 'INTERNAL' : 'HTTP_ERROR', detail: `HTTP ${status}` };
}

/** A key per attempt at a transaction; the same key when the attempt is confirmed or retried. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID needs a secure context; a kiosk on a plain-http LAN address may not be one.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface ClientOptions {
  lang: Lang;
  token: string | null;
  /** Called when a signed-in request is answered 401: the token has expired or was revoked. */
  onUnauthorized?: () => void;
  timeoutMs?: number;
}

export interface RunOptions {
  input?: Record<string, unknown>;
  confirm?: boolean;
  /** The confirmed quote's terms: changed amounts are refused (PRICE_CHANGED) instead of charged. */
  quoteTerms?: string;
  idempotencyKey?: string;
}

export interface OutboxMessage {
  id: number;
  text: string;
  purpose: string;
  createdAt: string;
}

export interface Client {
  requestCode(msisdn: string): Promise<{ expiresInSeconds: number }>;
  signIn(msisdn: string, code: string): Promise<{ token: string; expiresInSeconds: number }>;
  businesses(): Promise<BusinessInfo[]>;
  run<T>(businessId: string, opts?: RunOptions): Promise<RunResult<T>>;
  /** The demo SMS outbox, or null when the server is not in demo mode. */
  demoOutbox(msisdn: string): Promise<OutboxMessage[] | null>;
}

export function createClient(o: ClientOptions): Client {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, extra: Record<string, string> = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', 'accept-language': o.lang, ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let res: Response;
    try {
      res = await fetch(`/api/v1${path}`, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(o.timeoutMs ?? 20_000),
      });
    } catch (e) {
      throw toApiError(e);
    }
    const text = await res.text().catch(() => '');
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      if (res.status === 401 && o.token) o.onUnauthorized?.();
      throw new ApiError(problemOf(res.status, parsed));
    }
    return parsed as T;
  }

  return {
    requestCode: (msisdn) => call('POST', '/auth/otp', { msisdn }),
    signIn: (msisdn, code) => call('POST', '/auth/token', { msisdn, code }),
    businesses: async () => (await call<{ businesses: BusinessInfo[] }>('GET', '/businesses')).businesses,
    run: (businessId, opts = {}) => {
      const body: Record<string, unknown> = { input: opts.input ?? {} };
      if (opts.confirm) body.confirm = true;
      if (opts.confirm && opts.quoteTerms !== undefined) body.quoteTerms = opts.quoteTerms;
      const extra: Record<string, string> = opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {};
      return call('POST', `/businesses/${encodeURIComponent(businessId)}`, body, extra);
    },
    demoOutbox: async (msisdn) => {
      try {
        const r = await call<{ messages: OutboxMessage[] }>('GET', `/demo/sms-outbox?msisdn=${encodeURIComponent(msisdn)}`);
        return r.messages;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  };
}
