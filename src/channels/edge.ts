// One rule at the edge of every channel: text PostgreSQL cannot store (a NUL, an unpaired
// surrogate) in the path, the query, a header or anywhere in a JSON or form body is bad input.
// It is refused before the route runs, so it changes nothing, and answered in the channel's own
// form: by default the channel's error handler renders the INVALID_INPUT thrown here (problem
// JSON for the REST API and console, a TMF Error, a USSD END, a VoiceXML document); a channel with
// a gentler answer (the SMS hall's reply, the IVR's no-match prompt) passes its own.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { l10n } from '../platform/i18n.ts';
import { hasUnstorableText, unstorablePaths } from '../platform/text.ts';

/** Where a request carries text that cannot be stored: `params.id`, `query.name`, `header.x-y`, `body.a.b`. */
export function unstorableParts(req: FastifyRequest): string[] {
  const where = [
    ...unstorablePaths(req.params, 'params'),
    ...unstorablePaths(req.query, 'query'),
    ...unstorablePaths(req.body, 'body'),
  ];
  for (const [name, value] of Object.entries(req.headers)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'string' && hasUnstorableText(v))) where.push(`header.${name}`);
  }
  return where;
}

/**
 * The refusal: 400 INVALID_INPUT naming where the text was. It carries Fastify's `statusCode` too,
 * so the gateways' error handlers (USSD, IVR), which tell malformed requests by it, see a 400.
 */
export function unstorableInput(where: readonly string[]): AppError {
  const list = where.join(', ');
  const e = new AppError('INVALID_INPUT', {
    detail: l10n(`请求含有无法保存的字符（空字符或不成对的代理项）：${list}`, `The request has characters that cannot be stored (NUL or an unpaired surrogate): ${list}`),
    extra: { reason: 'UNSTORABLE_TEXT', errors: where.map((path) => ({ path, message: 'contains characters that cannot be stored' })) },
  });
  return Object.assign(e, { statusCode: e.status });
}

/**
 * A channel's own answer to such a request. Return the reply it sent, or `'continue'` when it
 * made the request harmless (the IVR treats unreadable digits as a key that is not an option).
 */
export type EdgeAnswer = (req: FastifyRequest, reply: FastifyReply, where: readonly string[]) => FastifyReply | 'continue' | Promise<FastifyReply | 'continue'>;

/**
 * Registers the rule on a channel's plugin (every route in it, after the body is parsed and
 * before it is validated or handled). Without `answer` the refusal is thrown to the plugin's
 * error handler.
 */
export function edgeRule(app: FastifyInstance, answer?: EdgeAnswer): void {
  app.addHook('preValidation', async (req, reply) => {
    const where = unstorableParts(req);
    if (where.length === 0) return;
    if (!answer) throw unstorableInput(where);
    const answered = await answer(req, reply, where);
    if (answered === 'continue') return;
    return answered;
  });
}
