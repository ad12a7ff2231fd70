// The SMS hall as a Fastify plugin (Kannel's sms-service get-url under /channels/sms) and the
// start of the SMPP link; both feed the same SmsHall.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '../../platform/errors.ts';
import { sameSecret } from '../../platform/secrets.ts';
import type { Services } from '../../container.ts';
import { SmsHall, type SmsHallDeps, type SmsLog } from './hall.ts';
import type { SmppLink } from '../../platform/sms/smpp.ts';
import { kannelMoText, kannelReplyHeaders } from '../../platform/sms/kannel.ts';
import { hasUnstorableText } from '../../platform/text.ts';
import { edgeRule, unstorableInput } from '../edge.ts';

/** What the SMS hall and its links use of omnihall's services. */
export type SmsDeps = SmsHallDeps & Pick<Services, 'config' | 'sms'>;

export function smsHall(s: SmsDeps, log?: SmsLog): SmsHall {
  return new SmsHall(s, { confirmWithYes: s.config.smsConfirmWithYes, log });
}


/**
 * `GET /channels/sms/kannel?from=%p&to=%P&text=%a[&coding=%c][&token=...]`: Kannel's sms-service
 * get-url. The response body is the reply Kannel sends back to the subscriber, in UTF-8 with
 * `X-Kannel-Coding` saying how to send it (2 UCS-2 for Chinese, 0 GSM 7-bit).
 */
export function smsRoutes(s: SmsDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const token = s.config.kannelServiceToken;
    // The caller is trusted to say who sent the text: in production only with the shared token.
    if (!token && s.config.production) return;
    const hall = smsHall(s, app.log);
    // A text that cannot be stored (a NUL, half a surrogate pair) is answered like one that is not text.
    edgeRule(app, async (req, reply, where) => {
      const { from, coding } = req.query as { from?: unknown; coding?: unknown };
      // With coding=2 the text parameter is the message's UCS-2 octets (a NUL octet is half of any
      // Latin character, "%00Y%00E" is YE): the route decodes it and checks the text it decodes to.
      if (coding === '2' && where.every((w) => w === 'query.text')) return 'continue' as const;
      if (typeof from !== 'string' || !where.every((w) => w === 'query.text')) throw unstorableInput(where);
      const answer = await hall.handle({ from, text: null });
      return reply.headers(kannelReplyHeaders(answer)).send(answer);
    });
    app.get('/kannel', {
      schema: {
        tags: ['channels'],
        summary: 'Kannel sms-service get-url: a subscriber’s text in, the reply as the body',
        description: 'Configure Kannel with `get-url = "http://omnihall/channels/sms/kannel?from=%p&to=%P&text=%a&coding=%c&token=..."`. ' +
          'The body (text/plain; charset=utf-8) is the reply; `X-Kannel-Coding` is 2 (UCS-2) when it has a character outside GSM 03.38, else 0 ' +
          '(the sms-service needs `accept-x-kannel-headers = true`, and `concatenation = true` with `max-messages` for long replies). ' +
          '`coding=1` (8-bit) marks binary content; with `coding=2` the text is the message’s UCS-2 octets, URL-encoded (smsbox without `mo-recode`).',
        querystring: z.object({
          from: z.string().min(1).max(32),
          to: z.string().max(32).optional(),
          // Generous: an over-long text must reach the hall to be answered in SMS form, not as a 400.
          text: z.string().max(64 * 1024).optional(),
          coding: z.enum(['0', '1', '2']).optional(),
          token: z.string().max(256).optional(),
        }).loose(),
        response: { 200: z.string() },
      },
    }, async (req, reply) => {
      if (token && !sameSecret(req.query.token, token)) throw new AppError('FORBIDDEN');
      const text = req.query.coding === '1' ? null : kannelMoText(req.raw.url ?? '', req.query.coding, req.query.text);
      const answer = await hall.handle({ from: req.query.from, text: text !== null && hasUnstorableText(text) ? null : text });
      return reply.headers(kannelReplyHeaders(answer)).send(answer);
    });
  };
}

/** Starts the SMPP link (when SMPP_URL is set): texts to the hall, receipts to sms_receipt. */
export function startSmpp(s: SmsDeps, log: SmsLog): SmppLink | null {
  const link = s.sms.link;
  if (!link) return null;
  const hall = smsHall(s, log);
  const receipts = s.sms.receipts;
  link.start({
    onMessage: (mo) => hall.handle({ from: mo.from, text: mo.text }),
    onReceipt: (r) => receipts.record(r, s.clock.now()),
  }, log);
  return link;
}
