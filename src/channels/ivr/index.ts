// The IVR's HTTP face: VoiceXML 2.1 documents for the operator's voice platform, the root for a
// new call and one step URL that every document submits back to.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sameSecret } from '../../platform/secrets.ts';
import type { Services } from '../../container.ts';
import { Menu, MENU_TEXT, type OffersSource } from '../menu.ts';
import { IvrCalls, ivrSettings, type IvrDeps } from './call.ts';
import { goodbyeDocument } from './vxml.ts';
import { marketingOffers } from '../offers.ts';
import { edgeRule, unstorableInput } from '../edge.ts';

const VXML_TYPE = 'application/voicexml+xml; charset=utf-8';

export interface IvrOptions {
  /** The subscriber's own offers on the home menu (the marketing engine's unless given). */
  offers?: OffersSource;
}

export function ivrRoutes(s: IvrDeps & Pick<Services, 'config' | 'invoker' | 'marketing'>, opts: IvrOptions = {}): FastifyPluginAsyncZod {
  return async (app) => {
    const settings = ivrSettings(s.config);
    const token = settings.token;
    // The platform is trusted to say who is calling: in production only with the shared token.
    if (!token && s.config.production) return;
    // The caller's best offer is read out first (我的优惠), one key from its confirmation.
    const calls = new IvrCalls(s, new Menu(s.invoker, { offers: opts.offers ?? marketingOffers(s) }), settings, app.prefix);
    // Text that cannot be stored: unreadable digits are a key that is not an option (the call's
    // no-match prompt); anywhere else the request is refused with a spoken apology.
    edgeRule(app, (req, _reply, where) => {
      if (!where.every((w) => w === 'query.d')) throw unstorableInput(where);
      (req.query as { d?: string }).d = '';
      return 'continue';
    });
    // Requests without the platform's token are not from the platform.
    app.addHook('preHandler', async (req, reply) => {
      if (!token || sameSecret((req.query as { token?: string }).token, token)) return;
      return reply.code(403).type(VXML_TYPE).send(goodbyeDocument(MENU_TEXT.badRequest));
    });

    // The platform can only play a document: every failure, even a malformed request, is a
    // spoken apology rather than a problem JSON the caller would hear as silence.
    app.setErrorHandler((err, req, reply) => {
      const status = (err as { statusCode?: number }).statusCode;
      const malformed = status !== undefined && status >= 400 && status < 500;
      if (!malformed) req.log.error({ err }, 'ivr step failed');
      const text = malformed ? MENU_TEXT.badRequest : MENU_TEXT.busy;
      return reply.code(200).type(VXML_TYPE).send(goodbyeDocument(text));
    });

    const param = z.string().max(64).optional();

    app.get('/vxml', {
      schema: {
        tags: ['channels'],
        summary: 'IVR root document (VoiceXML 2.1) for a call from `caller`',
        querystring: z.object({ caller: param, token: param }).loose(),
      },
    }, async (req, reply) => reply.type(VXML_TYPE).send(await calls.open(req.query.caller)));

    app.get('/vxml/step', {
      schema: {
        tags: ['channels'],
        summary: 'IVR step: the DTMF answer to a document, and the next document',
        // Overlong digits are re-prompted by the call, not refused here.
        querystring: z.object({ call: param, h: param, caller: param, token: param, d: z.string().max(4096).optional(), go: param }).loose(),
      },
    }, async (req, reply) => reply.type(VXML_TYPE).send(await calls.step(req.query)));
  };
}
