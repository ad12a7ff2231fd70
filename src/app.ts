// Builds the Fastify app from its parts. Tests build it too (without listening).
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { serializerCompiler, validatorCompiler, jsonSchemaTransform, hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { AppError, isAppError } from './platform/errors.ts';
import type { Services } from './container.ts';
import { apiRoutes } from './channels/api/routes.ts';
import { consoleRoutes } from './channels/console/index.ts';
import { databaseUnavailable, fromFastifyError, sendProblem } from './channels/api/problem.ts';
import { tmfRoutes } from './channels/tmf/index.ts';
import { smsRoutes } from './channels/sms/index.ts';
import { ussdRoutes } from './channels/ussd/index.ts';
import { ivrRoutes } from './channels/ivr/index.ts';
import { webApp } from './channels/web/index.ts';
import { edgeRule } from './channels/edge.ts';

export interface AppOptions {
  logger?: boolean | { level: string; stream?: { write(line: string): void } };
}

/** A request URL as it may be logged: gateway secrets in the query (`token=`) replaced. */
export function loggableUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/g, '$1[redacted]');
}

/**
 * A channel's plugin with the edge rule on every route in it: text that cannot be stored is
 * refused, answered by the plugin's own error handler in the channel's form.
 */
function atEdge(plugin: FastifyPluginAsync): FastifyPluginAsync {
  return async (scope) => {
    edgeRule(scope);
    await scope.register(plugin);
  };
}

export async function buildApp(s: Services, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // Gateways (Kannel, the USSD gateway, the voice platform) put their shared secret in the URL.
    logger: opts.logger
      ? {
          ...(opts.logger === true ? {} : opts.logger),
          serializers: {
            req: (req: { method: string; url: string; hostname?: string; ip?: string }) => ({
              method: req.method, url: loggableUrl(req.url), hostname: req.hostname, remoteAddress: req.ip,
            }),
          },
        }
      : false,
    bodyLimit: 64 * 1024,
    trustProxy: s.config.trustProxy as FastifyServerOptions['trustProxy'],
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((err, req, reply) => {
    if (isAppError(err)) return sendProblem(reply, req, err);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const errors = err.validation.map((v) => ({ path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'), message: v.message }));
      return sendProblem(reply, req, new AppError('INVALID_INPUT', {
        detail: { 'zh-CN': `请求有误：${errors.map((e) => e.path || '(body)').join('，')}`, en: `Invalid request: ${errors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; ')}` },
        extra: { errors },
      }));
    }
    const e = err as { statusCode?: number; code?: string; message: string };
    if (!e.statusCode || e.statusCode >= 500) req.log.error({ err }, 'unhandled error');
    return sendProblem(reply, req, fromFastifyError(e));
  });
  app.setNotFoundHandler((req, reply) => sendProblem(reply, req, new AppError('NOT_FOUND')));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'omnihall',
        version: '0.1.0',
        description: 'Electronic channels for telecom operators: one business registry served on every channel. 电子渠道：一套业务，所有渠道。',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/health', { schema: { tags: ['ops'], summary: 'Liveness', response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));
  app.get('/ready', { schema: { tags: ['ops'], summary: 'Readiness: the database answers' } }, async (req, reply) => {
    try {
      await sql`select 1`.execute(s.db);
      return { status: 'ready' };
    } catch (err) {
      req.log.warn({ err }, 'database not reachable');
      return sendProblem(reply, req, databaseUnavailable());
    }
  });

  app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics' } }, async (_req, reply) =>
    reply.type(s.metrics.registry.contentType).send(await s.metrics.registry.metrics()));

  // The SMS hall and the IVR apply the edge rule themselves, with their own answers.
  await app.register(atEdge(apiRoutes(s)), { prefix: '/api/v1' });
  await app.register(atEdge(consoleRoutes(s)), { prefix: '/api/v1/console' });
  await app.register(atEdge(tmfRoutes(s)), { prefix: '/tmf-api' });
  await app.register(atEdge(ussdRoutes(s)), { prefix: '/channels/ussd' });
  await app.register(ivrRoutes(s), { prefix: '/channels/ivr' });
  await app.register(smsRoutes(s), { prefix: '/channels/sms' });
  await app.register(webApp());
  return app;
}
