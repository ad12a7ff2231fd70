// The subscriber's own say over marketing contact (营销信息设置): which outbound channels may carry
// offers to them, the hall's side of what `TD` does by SMS. Service messages (bills, sign-in codes)
// are never stopped here; the contact policy lets them through whatever is set.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { OUTBOUND_CHANNELS } from '../../modules/marketing/index.ts';
import { requireSubscriber } from './auth.ts';

const problemSchema = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const channelSchema = z.enum(['all', ...OUTBOUND_CHANNELS]).describe('`all`: no marketing on any channel (as `TD` by SMS); else one outbound channel');
const preferencesSchema = z.object({
  channels: z.array(z.object({
    channel: channelSchema,
    receive: z.boolean().describe('Whether marketing may reach them on it'),
    optedOutAt: z.string().nullable().describe('When they said no (ISO time), if they did'),
    source: z.string().nullable().describe('Where they said it: sms, hall, agent, ivr'),
  })),
});

export function contactPreferenceRoutes(s: Pick<Services, 'marketing' | 'tokens' | 'clock'>): FastifyPluginAsyncZod {
  const contacts = s.marketing.contacts;

  async function preferences(subscriberId: number): Promise<z.infer<typeof preferencesSchema>> {
    const outs = new Map((await contacts.optOuts(subscriberId)).map((o) => [o.channel, o]));
    return {
      channels: (['all', ...OUTBOUND_CHANNELS] as const).map((channel) => {
        const o = outs.get(channel);
        return { channel, receive: !o, optedOutAt: o?.at ?? null, source: o?.source ?? null };
      }),
    };
  }

  return async (app) => {
    app.get('/me/contact-preferences', {
      schema: {
        tags: ['marketing'], summary: 'My marketing contact settings: which channels may carry offers to me',
        response: { 200: preferencesSchema, 401: problemSchema, 403: problemSchema },
      },
    }, async (req) => preferences(requireSubscriber(s, req)));

    app.put('/me/contact-preferences', {
      schema: {
        tags: ['marketing'], summary: 'Stop or allow marketing on one channel, or on all (service messages always arrive)',
        description: 'Setting the same value again changes nothing. `all` false is what `TD` does by SMS.',
        body: z.object({ channel: channelSchema, receive: z.boolean() }).strict(),
        response: { 200: preferencesSchema, 400: problemSchema, 401: problemSchema, 403: problemSchema },
      },
    }, async (req) => {
      const subscriberId = requireSubscriber(s, req);
      const { channel, receive } = req.body;
      if (receive) await contacts.optIn(subscriberId, channel);
      else await contacts.optOut(subscriberId, channel, 'hall');
      return preferences(subscriberId);
    });
  };
}
