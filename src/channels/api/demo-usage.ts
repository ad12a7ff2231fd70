// Demo mode only: record a subscriber's usage as the network's feed would, so a demo can walk a
// number past 90% of its data and see the event trigger's SMS offer in the outbox; and issue a
// month's bill as the billing system's run would (published as bill.issued).
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { AppError } from '../../platform/errors.ts';
import { msisdnSchema } from './routes.ts';
import { MAX_BILL_ITEMS } from '../../modules/subscriber/index.ts';

const billView = z.object({
  month: z.string(), totalFen: z.number().int(), status: z.enum(['unpaid', 'paid']), issuedOn: z.string(), dueOn: z.string(),
  items: z.array(z.object({ kind: z.string(), nameZh: z.string(), nameEn: z.string(), amountFen: z.number().int() })),
});

export function demoUsageRoutes(s: Pick<Services, 'config' | 'clock' | 'subscribers' | 'usage' | 'bills'>): FastifyPluginAsyncZod {
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
    const item = z.object({
      kind: z.enum(['plan', 'pack', 'usage', 'vas', 'discount']),
      nameZh: z.string().trim().min(1).max(60),
      nameEn: z.string().trim().min(1).max(60),
      amountFen: z.number().int().min(-100_000_000).max(100_000_000),
    }).strict();
    app.post('/demo/bills', {
      schema: {
        tags: ['demo'], summary: 'Demo mode only: issue a number’s bill for a month that has ended, as the billing system’s run would; published as bill.issued (201; 200 when it was issued before with the same items)',
        body: z.object({ msisdn: msisdnSchema, month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/), items: z.array(item).min(1).max(MAX_BILL_ITEMS) }).strict(),
        response: {
          200: billView, 201: billView,
          400: problem, 404: problem, 409: problem,
        },
      },
    }, async (req, reply) => {
      const sub = await s.subscribers.byMsisdn(req.body.msisdn);
      if (!sub) throw new AppError('NOT_A_SUBSCRIBER');
      const { bill, created } = await s.bills.issue(Number(sub.id), req.body.month, req.body.items, s.clock.now());
      return reply.code(created ? 201 : 200).send(bill);
    });
  };
}
