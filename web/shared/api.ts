// How both apps talk to omnihall's REST API under /api/v1: one JSON request function, and every
// failure as an ApiError with a stable code (the server's problem JSON, or NETWORK / TIMEOUT
// when there is no answer). Each app builds its own client on `request`.
import type { L10n, Lang } from './i18n.ts';

export interface Problem {
  status: number;
  code: string;
  detail: string;
  /** The detail in both languages, so a language switch needs no new request. */
  messages?: L10n;
  /** Seconds to wait before trying again (429), from the body or the Retry-After header. */
  retryAfter?: number;
  /** The rest of the problem body, for codes that carry more (a hall quote). */
  body: Record<string, unknown>;
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
    return new ApiError({ status: 0, code: 'TIMEOUT', detail: e.message, body: {} });
  }
  return new ApiError({ status: 0, code: 'NETWORK', detail: e instanceof Error ? e.message : String(e), body: {} });
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isL10n(v: unknown): v is L10n {
  return isRecord(v) && typeof v['zh-CN'] === 'string' && typeof v.en === 'string';
}

export function problemOf(status: number, body: unknown, retryAfterHeader?: string | null): Problem {
  const header = retryAfterHeader && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : undefined;
  if (isRecord(body) && typeof body.code === 'string') {
    return {
      status,
      code: body.code,
      detail: typeof body.detail === 'string' ? body.detail : body.code,
      messages: isL10n(body.messages) ? body.messages : undefined,
      retryAfter: typeof body.retryAfter === 'number' ? body.retryAfter : header,
      body,
    };
  }
  return { status, code: status >= 500 ? 'INTERNAL' : 'HTTP_ERROR', detail: `HTTP ${status}`, retryAfter: header, body: {} };
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

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  lang: Lang;
  token: string | null;
  /** Called when a signed-in request is answered 401: the token has expired or was revoked. */
  onUnauthorized?: () => void;
  timeoutMs?: number;
}

export interface Answer<T> {
  data: T;
  status: number;
  headers: Headers;
}

/** One JSON request to `/api/v1<path>`; a non-2xx answer throws its ApiError. */
export async function request<T>(o: RequestOptions, method: Method, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Answer<T>> {
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
    throw new ApiError(problemOf(res.status, parsed, res.headers.get('retry-after')));
  }
  return { data: parsed as T, status: res.status, headers: res.headers };
}

/** A query string from the set values only: `{q: 'x', kind: undefined}` → `?q=x`. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const out = s.toString();
  return out ? `?${out}` : '';
}
