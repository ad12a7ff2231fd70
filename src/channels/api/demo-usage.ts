// Demo mode only: record a subscriber's usage as the network's feed would, so a demo can walk a
// number past 90% of its data and see the event trigger's SMS offer in the outbox.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { AppError } from '../../platform/errors.ts';
import { msisdnSchema } from './routes.ts';

export function demoUsageRoutes(s: Pick<Services, 'config' | 'clock' | 'subscribers' | 'usage'>): FastifyPluginAsyncZod {
  return async (app) => {
    if (!s.config.demo) return;
    const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
    const amount = z.number().int().min(0).max(10_000_000).optional();
    app.post('/demo/usage', {
      schema: {
        tags: ['demo'], summary: 'Demo mode only: add data (MB), minutes or texts to a number’s use this cycle; a crossing of 90% is published as usage.threshold',
        body: z.object({ msisdn: msisdnSchema, dataMb: amount, voiceMin: amount, sms: amount }).strict(),
        response: {
          200: z.object({
            cycle: z.string(),
            used: z.object({ dataMb: z.number(), voiceMin: z.number(), sms: z.number() }),
            allowance: z.object({ dataMb: z.number(), voiceMin: z.number(), sms: z.number() }),
            crossed: z.array(z.object({ allowance: z.string(), threshold: z.number(), usedRatio: z.number() })),
          }),
          400: problem, 404: problem,
        },
      },
    }, async (req) => {
      const sub = await s.subscribers.byMsisdn(req.body.msisdn);
      if (!sub) throw new AppError('NOT_A_SUBSCRIBER');
      const { usage, crossed } = await s.usage.record(Number(sub.id), { dataMb: req.body.dataMb, voiceMin: req.body.voiceMin, sms: req.body.sms }, s.clock.now());
      return { ...usage, crossed: crossed.map((c) => ({ allowance: c.allowance, threshold: c.threshold, usedRatio: c.usedRatio })) };
    });
  };
}
