// The USSD hall's HTTP face: the Africa's Talking callback, answering `CON …` or `END …` in plain text.
import formbody from '@fastify/formbody';
import { hasZodFastifySchemaValidationErrors, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sameSecret } from '../../platform/secrets.ts';
import type { Services } from '../../container.ts';
import { Menu, MENU_TEXT, type OffersSource } from '../menu.ts';
import { UssdHall, ussdSettings } from './hall.ts';
import { marketingOffers } from '../offers.ts';

const TEXT_PLAIN = 'text/plain; charset=utf-8';

export interface UssdOptions {
  /** The subscriber's own offers on the home menu (the marketing engine's unless given). */
  offers?: OffersSource;
}

export function ussdRoutes(s: Pick<Services, 'config' | 'invoker' | 'callers' | 'sessions' | 'marketing'>, opts: UssdOptions = {}): FastifyPluginAsyncZod {
  return async (app) => {
    const token = s.config.ussdGatewayToken;
    // The gateway is trusted to say who is dialling: in production only with the shared token.
    if (!token && s.config.production) return;
    // Gateways post HTML-form bodies; the parser stays inside this plugin.
    await app.register(formbody);
    // 我的优惠 heads the menu: the marketing engine's best offer for the caller, one key from its confirmation.
    const hall = new UssdHall(s, new Menu(s.invoker, { offers: opts.offers ?? marketingOffers(s) }), ussdSettings(s.config));

    // A gateway shows whatever follows END to the subscriber, so every failure is answered in
    // that form: a malformed request with 400, anything unexpected with 200 so the text is shown.
    app.setErrorHandler((err, req, reply) => {
      const status = (err as { statusCode?: number }).statusCode;
      const malformed = hasZodFastifySchemaValidationErrors(err) || (status !== undefined && status >= 400 && status < 500);
      if (!malformed) req.log.error({ err }, 'ussd hop failed');
      const text = malformed ? MENU_TEXT.badRequest : MENU_TEXT.busy;
      return reply.code(malformed ? 400 : 200).type(TEXT_PLAIN).send(`END ${text['zh-CN']}`);
    });

    app.post('/africastalking', {
      schema: {
        tags: ['channels'],
        summary: 'USSD gateway callback (Africa’s Talking form): one hop in, `CON` or `END` screen out',
        description: 'Set the gateway\'s callback URL to `/channels/ussd/africastalking?token=<USSD_GATEWAY_TOKEN>` when a token is configured.',
        consumes: ['application/x-www-form-urlencoded'],
        querystring: z.object({ token: z.string().max(256).optional() }).loose(),
        body: z.object({
          sessionId: z.string().min(1).max(128),
          serviceCode: z.string().max(40).default(''),
          phoneNumber: z.string().min(1).max(40),
          // Long histories are answered by the hall with a clear END, not refused here.
          text: z.string().max(64 * 1024).default(''),
        }).loose(),
      },
    }, async (req, reply) => {
      if (token && !sameSecret(req.query.token, token)) return reply.code(403).type(TEXT_PLAIN).send(`END ${MENU_TEXT.badRequest['zh-CN']}`);
      const out = await hall.hop(req.body);
      return reply.type(TEXT_PLAIN).send(`${out.end ? 'END' : 'CON'} ${out.text}`);
    });
  };
}
