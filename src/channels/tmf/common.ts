// TM Forum Open API v4 conventions every TMF resource here shares: the error shape, paging and
// its headers, `fields=` projection, attribute filters, hrefs, who is asking, and money in yuan.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StaffRole } from '../../businesses/registry.ts';
import { AppError, ERRORS, isAppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import { parseYuanToFen, yuanNumberToFen } from '../../platform/money.ts';
import type { Services } from '../../container.ts';
import { requirePrincipal, requireStaff, type TokenDeps } from '../api/auth.ts';
import { fromFastifyError, requestLang, retryAfterHeader } from '../api/problem.ts';

export const TMF_PREFIX = '/tmf-api';

/**
 * Root-relative hrefs: they stay right behind any gateway or load balancer, and no client-sent
 * Host header ever ends up in a stored or returned link.
 */
export function href(apiPath: string, id: string): string {
  return `${TMF_PREFIX}/${apiPath}/${encodeURIComponent(id)}`;
}

/**
 * The scheme and host a request came to (`http://host:port`), for TMF620's absolute hrefs.
 * Behind a proxy, Fastify's trustProxy decides whether X-Forwarded-Proto/-Host count.
 */
export function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

// ---- errors ---------------------------------------------------------------------------------

export const tmfErrorSchema = z.object({
  '@type': z.literal('Error'),
  code: z.string(),
  reason: z.string(),
  message: z.string(),
  status: z.string(),
  referenceError: z.string().optional(),
});
export type TmfError = z.infer<typeof tmfErrorSchema>;

/** The TMF v4 Error for an AppError: `code` is omnihall's stable code, `message` is localised. */
export function tmfErrorBody(e: AppError, req: FastifyRequest): TmfError {
  return {
    '@type': 'Error',
    code: e.code,
    reason: ERRORS[e.code][2],
    message: e.text[requestLang(req)],
    status: String(e.status),
    // The same URN the REST API uses as its problem `type`, so one code is documented once.
    referenceError: `urn:omnihall:problem:${e.code.toLowerCase().replaceAll('_', '-')}`,
  };
}

export function sendTmfError(reply: FastifyReply, req: FastifyRequest, e: AppError): FastifyReply {
  retryAfterHeader(reply, e);
  return reply.code(e.status).type('application/json; charset=utf-8').send(tmfErrorBody(e, req));
}

/** Any error (ours, a schema violation, Fastify's own) as the AppError it stands for. */
function asAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validation.map((v) => {
      const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(body)';
      return `${path}: ${v.message}`;
    });
    return new AppError('INVALID_INPUT', { detail: l10n(`请求有误：${where.join('；')}`, `Invalid request: ${where.join('; ')}`) });
  }
  return fromFastifyError(err as { statusCode?: number; code?: string; message: string });
}

/**
 * Error and not-found handlers for the TMF plugin only: Fastify keeps them inside this plugin's
 * encapsulation context, so the REST API outside /tmf-api keeps its RFC 9457 problem JSON.
 */
export function useTmfErrors(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const e = asAppError(err);
    if (e.status >= 500) req.log.error({ err }, 'unhandled error');
    return sendTmfError(reply, req, e);
  });
  app.setNotFoundHandler((req, reply) => sendTmfError(reply, req, new AppError('NOT_FOUND')));
  // The web app's catch-all GET route would otherwise answer unknown /tmf-api paths with its own
  // 404; a wildcard under this prefix is more specific, so it wins for every method.
  app.all('/*', { schema: { hide: true } }, async () => {
    throw new AppError('NOT_FOUND');
  });
}

/** Invalid input with one sentence in both languages. */
export function invalid(zh: string, en: string): AppError {
  return new AppError('INVALID_INPUT', { detail: l10n(zh, en) });
}

export { ifMatch } from '../etag.ts';
export { safeText } from '../schemas.ts';

// ---- collections: paging, fields=, filters ---------------------------------------------------

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/**
 * The query string of a list: `fields`, `offset`, `limit` and the attribute filters the resource
 * supports. Unknown parameters are refused (400) rather than ignored, so a client never mistakes
 * an unsupported filter for an empty or unfiltered answer.
 */
export function listQuery<F extends string>(filters: readonly F[]) {
  const shape: Record<string, z.ZodOptional<z.ZodString>> = {};
  for (const f of filters) shape[f] = z.string().min(1).max(500).optional();
  return z.object({
    fields: z.string().max(1000).optional(),
    offset: z.coerce.number().int().min(0).max(1_000_000_000).optional(),
    // Above MAX_LIMIT the page is cut to MAX_LIMIT; X-Result-Count says how many came back.
    limit: z.coerce.number().int().min(0).optional(),
    ...(shape as Record<F, z.ZodOptional<z.ZodString>>),
  }).strict();
}

/** `fields=` for a single resource. */
export const fieldsQuery = z.object({ fields: z.string().max(1000).optional() }).strict();

export interface Page {
  offset: number;
  limit: number;
}

export function page(q: { offset?: number; limit?: number }): Page {
  return { offset: q.offset ?? 0, limit: Math.min(q.limit ?? DEFAULT_LIMIT, MAX_LIMIT) };
}

/** A filter value: a comma-separated list means "any of these" (`?lifecycleStatus=Active,In test`). */
export function anyOf(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const values = v.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
  return values.length > 0 ? values : undefined;
}

/** The attributes to keep for `fields=`: always `id`, `href` and `@type`; `a.b` keeps all of `a`. */
export function project<T extends object>(resource: T, fields: string | undefined): Partial<T> {
  if (fields === undefined) return resource;
  const keep = new Set(['id', 'href', '@type']);
  for (const f of fields.split(',')) {
    const top = f.trim().split('.')[0];
    if (top) keep.add(top);
  }
  return Object.fromEntries(Object.entries(resource).filter(([k]) => keep.has(k))) as Partial<T>;
}

/** Sends one page of a collection with the TMF paging headers. */
export function sendPage<T extends object>(reply: FastifyReply, items: T[], total: number, fields: string | undefined): Partial<T>[] {
  reply.header('X-Total-Count', String(total));
  reply.header('X-Result-Count', String(items.length));
  return items.map((i) => project(i, fields));
}

/** A reference to another resource, as clients send it: only `id` is read; the rest is decoration. */
export const refInput = z.object({
  id: z.string().trim().min(1).max(64),
  href: z.string().max(500).optional(),
  name: z.string().max(200).optional(),
  '@referredType': z.string().max(100).optional(),
  '@type': z.string().max(100).optional(),
}).strict();

/** A reference to another resource in a response. */
export const refOutput = z.object({
  id: z.string(),
  href: z.string().optional(),
  name: z.string().optional(),
  role: z.string().optional(),
  '@referredType': z.string().optional(),
});

// ---- who is asking --------------------------------------------------------------------------

export type Viewer = { kind: 'subscriber'; subscriberId: number } | { kind: 'staff'; staffId: number };

/** A signed-in subscriber (who sees only their own), or staff with one of the roles (admin always). */
export function requireViewer(s: TokenDeps, req: FastifyRequest, staffRoles: readonly StaffRole[]): Viewer {
  const p = requirePrincipal(s, req);
  if (p.kind === 'subscriber') return p;
  const staff = requireStaff(s, req, staffRoles);
  return { kind: 'staff', staffId: staff.staffId };
}

// ---- money ----------------------------------------------------------------------------------

/**
 * The TMF Money `value` in yuan, parsed into integer fen at the edge by the project's one parser
 * (platform/money.ts): a JSON number by its shortest written form (`19.9`), a string as written
 * (`"19.90"`); more than two decimals, a sign or an exponent is refused.
 */
export const yuanInput = z.union([z.number(), z.string().max(20)]).transform((v, ctx) => {
  const fen = typeof v === 'number' ? yuanNumberToFen(v) : parseYuanToFen(v);
  if (fen === null) {
    ctx.addIssue({ code: 'custom', message: 'an amount in yuan, at least 0, with at most 2 decimals' });
    return z.NEVER;
  }
  return fen;
});
