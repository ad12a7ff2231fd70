// TM Forum Open API v4 for what the core owns: TMF620, TMF622, TMF629.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../services.ts';

export function tmfRoutes(_s: Services): FastifyPluginAsyncZod {
  return async () => {};
}
