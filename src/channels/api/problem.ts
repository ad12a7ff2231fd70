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
  return reply.code(e.status).type('application/problem+json; charset=utf-8').send(problemBody(e, req));
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
