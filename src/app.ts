// Builds the Fastify app from its parts. Tests build it too (without listening).
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { serializerCompiler, validatorCompiler, jsonSchemaTransform, jsonSchemaTransformObject, hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { AppError, isAppError } from './platform/errors.ts';
import type { Services } from './container.ts';
import { apiRoutes } from './channels/api/routes.ts';
import { paymentRoutes } from './channels/api/payment.ts';
import { deliveryRoutes } from './channels/api/mall-delivery.ts';
import { demoUsageRoutes } from './channels/api/demo-usage.ts';
import { consoleRoutes } from './channels/console/index.ts';
import { clientErrorResponse, databaseUnavailable, fromFastifyError, sendProblem } from './channels/api/problem.ts';
import { sameSecret } from './platform/secrets.ts';
import { tmfRoutes } from './channels/tmf/index.ts';
import { smsRoutes } from './channels/sms/index.ts';
import { ussdRoutes } from './channels/ussd/index.ts';
import { ivrRoutes } from './channels/ivr/index.ts';
import { AGENT_TRANSFER } from './channels/ivr/call.ts';
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
 * A channel's plugin: its answers carry tokens or personal data, so none is kept by a cache
 * (`Cache-Control: no-store`); with `edge`, the edge rule on every route in it (text that cannot be
 * stored is refused, answered by the plugin's own error handler in the channel's form).
 */
function channel(plugin: FastifyPluginAsync, opts: { edge: boolean }): FastifyPluginAsync {
  return async (scope) => {
    scope.addHook('onRequest', async (_req, reply) => {
      reply.header('cache-control', 'no-store');
    });
    if (opts.edge) edgeRule(scope);
    await scope.register(plugin);
  };
}

/** `/metrics` behind its bearer token, when one is configured. */
function metricsRoute(app: FastifyInstance, s: Services): void {
  const token = s.config.metricsToken;
  app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics', description: 'Needs `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set.' } }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    if (token) {
      const given = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      if (!given || !sameSecret(given, token)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        return sendProblem(reply, req, new AppError('UNAUTHENTICATED'));
      }
    }
    return reply.type(s.metrics.registry.contentType).send(await s.metrics.registry.metrics());
  });
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
    // A request (headers and body) must arrive in full within this, or it is cut with 408. Node
    // checks at connectionsCheckingInterval, so that follows the limit; headers may not take longer.
    requestTimeout: s.config.requestTimeoutMs,
    ...(s.config.requestTimeoutMs > 0 ? {
      http: {
        connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(s.config.requestTimeoutMs / 4))),
        headersTimeout: Math.min(60_000, s.config.requestTimeoutMs),
      },
    } : {}),
    // 431 (headers too large), 408, 400 before a request could be read: a problem JSON and the connection closed.
    clientErrorHandler: (err, socket) => {
      if ((err as { code?: string }).code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.end(clientErrorResponse(err as { code?: string }));
      else socket.destroy(err);
    },
    trustProxy: s.config.trustProxy as FastifyServerOptions['trustProxy'],
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // Security headers on every response (API, docs, channels, the web app): nosniff,
  // Referrer-Policy no-referrer, frame and cross-origin policies. The web app sets its own CSP on
  // its pages (the API answers JSON); HSTS only on answers that went out over TLS (below).
  await app.register(helmet, { global: true, contentSecurityPolicy: false, hsts: false });
  app.addHook('onRequest', async (req, reply) => {
    // req.protocol is https over TLS, or behind a trusted proxy (TRUST_PROXY) that says X-Forwarded-Proto: https.
    if (req.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
  // Calls to ids that are not businesses share one `unknown` label in /metrics.
  s.metrics.knownBusinesses([...s.invoker.registry.list().map((b) => b.id), AGENT_TRANSFER]);
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
    // Schemas registered with an id (a recursive one, such as the mall's category tree) become components.
    transformObject: jsonSchemaTransformObject,
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

  if (s.config.metricsPort === undefined) {
    metricsRoute(app, s);
  } else {
    // /metrics on a port of its own (one a firewall keeps inside the cluster), not on the main one.
    const metricsApp = Fastify({ logger: false });
    metricsRoute(metricsApp, s);
    app.addHook('onListen', async () => {
      await metricsApp.listen({ port: s.config.metricsPort!, host: s.config.host });
    });
    app.addHook('onClose', async () => {
      await metricsApp.close();
    });
  }

  // The SMS hall and the IVR apply the edge rule themselves, with their own answers.
  await app.register(channel(apiRoutes(s), { edge: true }), { prefix: '/api/v1' });
  // Payments beside the API's other routes (src/channels/api/payment.ts), with its notify endpoints and the sandbox's pay page.
  await app.register(channel(paymentRoutes(s), { edge: true }), { prefix: '/api/v1' });
  // The mall's shipments, returns and the carriers' signed webhook (src/channels/api/mall-delivery.ts).
  await app.register(channel(deliveryRoutes(s), { edge: true }), { prefix: '/api/v1' });
  // Demo mode's usage feed (src/channels/api/demo-usage.ts): walks a number past 90% of its data.
  await app.register(channel(demoUsageRoutes(s), { edge: true }), { prefix: '/api/v1' });
  await app.register(channel(consoleRoutes(s), { edge: true }), { prefix: '/api/v1/console' });
  await app.register(channel(tmfRoutes(s), { edge: true }), { prefix: '/tmf-api' });
  await app.register(channel(ussdRoutes(s), { edge: true }), { prefix: '/channels/ussd' });
  await app.register(channel(ivrRoutes(s), { edge: false }), { prefix: '/channels/ivr' });
  await app.register(channel(smsRoutes(s), { edge: false }), { prefix: '/channels/sms' });
  await app.register(webApp());
  return app;
}
