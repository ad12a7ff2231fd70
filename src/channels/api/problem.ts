// RFC 9457 problem details: every REST error has this shape and a stable `code`.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERRORS, type ErrorCode } from '../../platform/errors.ts';
import type { Lang } from '../../platform/i18n.ts';
import { DATABASE_RETRY_AFTER_S, isDatabaseUnavailable } from '../../platform/db/unavailable.ts';

/** zh-CN unless the client prefers English. */
export function requestLang(req: FastifyRequest): Lang {
  const al = String(req.headers['accept-language'] ?? '').trim().toLowerCase();
  return al.startsWith('en') ? 'en' : 'zh-CN';
}

export function problemBody(e: AppError, req: FastifyRequest): Record<string, unknown> {
  return {
    type: `urn:omnihall:problem:${e.code.toLowerCase().replaceAll('_', '-')}`,
    title: ERRORS[e.code][2],
    status: e.status,
    code: e.code,
    detail: e.text[requestLang(req)],
    messages: e.text,
    // The path alone: a query string may carry a gateway's token or personal data.
    instance: req.url.split(/[?#]/, 1)[0],
    ...e.extra,
  };
}

/** Sets `Retry-After` when the error says how long to wait (throttling, the database away). */
export function retryAfterHeader(reply: FastifyReply, e: AppError): void {
  const retryAfter = e.extra.retryAfter;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, e: AppError): FastifyReply {
  retryAfterHeader(reply, e);
  // A problem is about one request (and may name who asked): never kept by a cache.
  return reply.code(e.status).header('cache-control', 'no-store').type('application/problem+json; charset=utf-8').send(problemBody(e, req));
}

/** The database is away for now: 503 UNAVAILABLE, try again shortly. */
export function databaseUnavailable(): AppError {
  return new AppError('UNAVAILABLE', {
    detail: { 'zh-CN': '系统正在恢复，请稍后再试', en: 'The system is recovering; try again shortly' },
    extra: { retryAfter: DATABASE_RETRY_AFTER_S },
  });
}

/** Maps Fastify's own errors (bad JSON, wrong content type, too large) and a database that is away onto stable codes. */
export function fromFastifyError(err: { statusCode?: number; code?: string; message: string; validation?: unknown }): AppError {
  if (isDatabaseUnavailable(err)) return databaseUnavailable();
  const status = err.statusCode ?? 500;
  if (status === 413) {
    return new AppError('PAYLOAD_TOO_LARGE', { extra: { reason: err.code ?? 'BODY_TOO_LARGE' } });
  }
  if (err.validation || status === 400 || status === 415) {
    return new AppError('INVALID_INPUT', {
      detail: { 'zh-CN': `请求有误：${err.message}`, en: `Bad request: ${err.message}` },
      extra: { reason: err.code ?? 'BAD_REQUEST' },
    });
  }
  const code: ErrorCode = status === 404 ? 'NOT_FOUND' : status === 401 ? 'UNAUTHENTICATED' : status === 429 ? 'RATE_LIMITED' : 'INTERNAL';
  return new AppError(code);
}

/**
 * What the server writes on a socket whose request it could not read (Fastify's clientErrorHandler):
 * headers too large (431), a request that did not arrive in time (408), anything else (400), as a
 * problem JSON, always with `Connection: close`: after such a request the connection's framing
 * cannot be trusted, so it is closed rather than read on.
 */
export function clientErrorResponse(err: { code?: string }): string {
  const [status, code, zh, en] = err.code === 'HPE_HEADER_OVERFLOW'
    ? [431, 'HEADERS_TOO_LARGE', '请求头过大', 'Request header fields too large']
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'REQUEST_TIMEOUT', '请求未能按时送达', 'The request did not arrive in time']
      : [400, 'BAD_REQUEST', '请求无法解析', 'The request could not be read'];
  const title = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
  const body = JSON.stringify({
    type: `urn:omnihall:problem:${code.toLowerCase().replaceAll('_', '-')}`, title, status, code: 'INVALID_INPUT', reason: code,
    detail: zh, messages: { 'zh-CN': zh, en },
  });
  return `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`;
}
