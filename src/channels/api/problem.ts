// RFC 9457 problem details: every REST error has this shape and a stable `code`.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERRORS, type ErrorCode } from '../../platform/errors.ts';
import type { Lang } from '../../platform/i18n.ts';

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
    instance: req.url,
    ...e.extra,
  };
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, e: AppError): FastifyReply {
  const retryAfter = e.extra.retryAfter;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.code(e.status).type('application/problem+json; charset=utf-8').send(problemBody(e, req));
}

/** Maps Fastify's own errors (bad JSON, wrong content type, too large) onto stable codes. */
export function fromFastifyError(err: { statusCode?: number; code?: string; message: string; validation?: unknown }): AppError {
  const status = err.statusCode ?? 500;
  if (err.validation || status === 400 || status === 415 || status === 413) {
    return new AppError('INVALID_INPUT', {
      detail: { 'zh-CN': `请求有误：${err.message}`, en: `Bad request: ${err.message}` },
      extra: { reason: err.code ?? 'BAD_REQUEST' },
    });
  }
  const code: ErrorCode = status === 404 ? 'NOT_FOUND' : status === 401 ? 'UNAUTHENTICATED' : status === 429 ? 'RATE_LIMITED' : 'INTERNAL';
  return new AppError(code);
}
