// The one entry point every channel calls: who may run it, input validation, confirmation of
// anything that charges, idempotency, one database transaction (or, for a business that opens its
// own, `ownTransactions`, its answer recorded after them), and the interaction log.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Db } from '../platform/db/index.ts';
import { coalesced, type CoalesceOptions } from '../platform/db/coalesce.ts';
import { withSavepoint } from '../platform/db/index.ts';
import type { Bss } from '../modules/subscriber/index.ts';
import { AppError, isAppError } from '../platform/errors.ts';
import { l10n } from '../platform/i18n.ts';
import type { Clock, Random } from '../platform/ports.ts';
import { IdempotencyRecords, type InteractionLog } from '../modules/interactions/index.ts';
import type { CatalogueReader } from '../modules/catalogue/index.ts';
import { withTerms, type Business, type BusinessContext, type BusinessText, type MallPort, type MarketingPort, type Principal, type Quote, type Registry } from './registry.ts';

/** Thrown inside a transaction that lost its key to a duplicate: rolls it back, then replays. */
class KeyTaken extends Error {}

export interface InvokeRequest {
  channel: string;
  principal: Principal;
  /** The subscriber the business is for; a subscriber principal may only name itself. */
  subscriberId: number;
  businessId: string;
  input: unknown;
  confirm?: boolean;
  /**
   * The `terms` of the quote the subscriber confirmed. When given, the business is quoted again
   * inside its transaction and nothing is charged if any amount is no longer the same
   * (PRICE_CHANGED, with the new quote): a subscriber is never held to terms they did not see.
   */
  quoteTerms?: string;
  /** The same check for the price alone, for clients that only keep the quote's `priceFen`. */
  quotedPriceFen?: number;
  /** Required for transactions: a repeated key returns the first answer and changes nothing. */
  idempotencyKey?: string | null;
}

export type InvokeOutcome =
  | { status: 'ok'; businessId: string; result: unknown; text: BusinessText; replayed: boolean }
  | { status: 'confirmation_required'; businessId: string; quote: Quote; text: BusinessText };

export interface InvokerDeps {
  db: Db;
  registry: Registry;
  bss: (q: Db) => Bss;
  log: InteractionLog;
  /** Which businesses staff have withdrawn on which channel. */
  catalogue: Pick<CatalogueReader, 'businessEnabled' | 'withdrawnOn'>;
  clock: Clock;
  random: Random;
  /** How reads outside transactions are coalesced. */
  reads?: CoalesceOptions;
  /** The marketing module, for my exclusive offers. */
  marketing?: MarketingPort;
  /** The mall's goods and orders, for the mall businesses. */
  mall?: MallPort;
}

/** The channel a business is switched on or off for: TMF622 orders count as the open API. */
export function businessChannel(channel: string): string {
  return channel === 'tmf' ? 'api' : channel;
}

/** Stable JSON: object keys sorted, so the same input always hashes the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The offering a call was about, from its input (a pack, a plan), for the log and its events. */
function offeringOf(input: unknown): string | null {
  if (!input || typeof input !== 'object') return null;
  const i = input as { packId?: unknown; planId?: unknown; offeringId?: unknown };
  const id = [i.packId, i.planId, i.offeringId].find((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 60);
  return id ?? null;
}

function invalidInput(error: z.ZodError): AppError {
  const fields = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
  const list = fields.map((f) => f.path || '(input)').join(', ');
  return new AppError('INVALID_INPUT', {
    detail: l10n(`输入有误：${list}`, `Invalid input: ${fields.map((f) => `${f.path || '(input)'}: ${f.message}`).join('; ')}`),
    extra: { errors: fields },
  });
}

export class Invoker {
  /** Answers already recorded, looked up for every request of one event-loop turn in one statement. */
  private readonly answer: (id: { principal: string; key: string }) => Promise<{ requestHash: string; response: unknown } | undefined>;

  constructor(private readonly deps: InvokerDeps) {
    this.answer = coalesced(async (ids) => {
      const rows = await IdempotencyRecords.answers(deps.db, ids.map((i) => i.principal), ids.map((i) => i.key));
      const found = new Map(rows.map((r) => [`${r.principal}\n${r.key}`, r]));
      return ids.map((i) => found.get(`${i.principal}\n${i.key}`));
    }, deps.reads);
  }

  get registry(): Registry {
    return this.deps.registry;
  }

  /** The businesses staff have withdrawn on a channel: menus, commands and pages leave them out. */
  withdrawnOn(channel: string): Promise<ReadonlySet<string>> {
    return this.deps.catalogue.withdrawnOn(businessChannel(channel));
  }

  async invoke(req: InvokeRequest): Promise<InvokeOutcome> {
    return this.logged(req, () => this.run(req));
  }

  /**
   * Checks a transaction (who may run it, on this channel, with this input) outside any database
   * transaction, and gives back its run inside the caller's own transaction `trx`, in a savepoint:
   * its charge commits with what the caller writes there (a TMF622 order) or not at all, and its
   * refusal undoes only its own statements. A refused check is thrown, and logged, by the run.
   */
  async prepare(req: InvokeRequest): Promise<(trx: Db) => Promise<InvokeOutcome & { status: 'ok' }>> {
    const checked = await this.check(req).then((c) => ({ ok: true as const, ...c }), (e: unknown) => ({ ok: false as const, e }));
    return (trx) => this.logged(req, async () => {
      if (!checked.ok) throw checked.e;
      if (checked.b.kind !== 'transaction') throw new Error(`${checked.b.id} is not a transaction`);
      if (checked.b.confirm && req.confirm !== true) throw new Error(`${checked.b.id} runs only confirmed`);
      if (checked.b.ownTransactions) throw new Error(`${checked.b.id} opens its own transactions: it cannot run inside the caller's`);
      return this.transact(trx, req, checked.b, checked.input);
    });
  }

  /** Runs `work` and writes its interaction-log row, whatever the outcome. */
  private async logged<T extends InvokeOutcome>(req: InvokeRequest, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let outcome: 'ok' | 'error' | 'confirmation_required' = 'error';
    let errorCode: string | null = null;
    try {
      const result = await work();
      outcome = result.status === 'ok' ? 'ok' : 'confirmation_required';
      return result;
    } catch (e) {
      errorCode = isAppError(e) ? e.code : 'INTERNAL';
      throw e;
    } finally {
      this.deps.log.record({
        at: this.deps.clock.now(),
        channel: req.channel,
        subscriberId: req.subscriberId,
        businessId: req.businessId,
        outcome,
        errorCode,
        latencyMs: Math.round(performance.now() - started),
        offeringId: offeringOf(req.input),
      });
    }
  }

  private authorise(b: Business, req: InvokeRequest): void {
    const p = req.principal;
    if (p.kind === 'subscriber') {
      if (p.subscriberId !== req.subscriberId) throw new AppError('FORBIDDEN');
      return;
    }
    if (!p.roles.some((r) => b.staffRoles.includes(r))) throw new AppError('FORBIDDEN');
  }

  private async context(db: Db, req: InvokeRequest, idempotencyKey: string | null): Promise<BusinessContext> {
    const bss = this.deps.bss(db);
    const customer = await bss.customer(req.subscriberId);
    if (!customer) throw new AppError('NOT_A_SUBSCRIBER');
    // A closed number does nothing for itself on any channel, whatever a channel remembered about
    // it; staff may still look up a closed customer's bills and history for them.
    if (customer.subscriber.status === 'closed' && req.principal.kind === 'subscriber') throw new AppError('NOT_A_SUBSCRIBER');
    const { subscriber, account } = customer;
    return { bss, db, subscriber, account, channel: req.channel, now: this.deps.clock.now(), idempotencyKey, random: this.deps.random, marketing: this.deps.marketing, mall: this.deps.mall };
  }

  /** The business, allowed for this principal on this channel, and its parsed input. */
  private async check(req: InvokeRequest): Promise<{ b: Business; input: Record<string, unknown> }> {
    const b = this.deps.registry.get(req.businessId);
    if (!b) throw new AppError('BUSINESS_NOT_FOUND');
    this.authorise(b, req);
    if (!(await this.deps.catalogue.businessEnabled(b.id, businessChannel(req.channel)))) throw new AppError('NOT_OFFERED_ON_CHANNEL');
    const parsed = b.input.safeParse(req.input ?? {});
    if (!parsed.success) throw invalidInput(parsed.error);
    return { b, input: parsed.data };
  }

  private async run(req: InvokeRequest): Promise<InvokeOutcome> {
    const { b, input } = await this.check(req);
    const { db } = this.deps;

    if (b.confirm && req.confirm !== true) {
      const ctx = await this.context(db, req, null);
      const quote = withTerms(await b.quote!(ctx, input));
      return { status: 'confirmation_required', businessId: b.id, quote, text: { short: quote.summary, long: quote.summary } };
    }

    if (b.kind === 'query') {
      const ctx = await this.context(db, req, null);
      const r = await b.run(ctx, input);
      return { status: 'ok', businessId: b.id, result: r.data, text: r.text, replayed: false };
    }
    return this.transact(db, req, b, input);
  }

  /**
   * Runs a transaction business once per idempotency key: in a transaction of its own when `q` is
   * the database, in a savepoint when `q` is the caller's transaction. A business with
   * `ownTransactions` runs on the database itself, its answer recorded after its work.
   */
  private async transact(q: Db, req: InvokeRequest, b: Business, input: Record<string, unknown>): Promise<InvokeOutcome & { status: 'ok' }> {
    const key = req.idempotencyKey;
    if (!key) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
    const principal = req.principal.kind === 'subscriber' ? `s:${req.subscriberId}` : `staff:${req.principal.staffId}`;
    const requestHash = createHash('sha256').update(`${b.id}\n${req.subscriberId}\n${canonical(input)}`).digest('base64url');

    // The key is recorded with the answer, in the same transaction as the work: of two requests
    // with one key only one can commit (the primary key), and the other rolls its work back and
    // answers with the committed answer. A repeat after the first has committed (the common
    // retry) finds the answer before it starts, so it does no work at all.
    // Inside a caller's transaction the lookup reads through it (embedded PGlite has one
    // connection, which that transaction holds).
    const answer = async () => q.isTransaction ? (await IdempotencyRecords.answers(q, [principal], [key]))[0] : this.answer({ principal, key });
    const committed = async (): Promise<(InvokeOutcome & { status: 'ok' }) | undefined> => {
      const first = await answer();
      if (!first) return undefined;
      if (first.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      return { ...(first.response as InvokeOutcome & { status: 'ok' }), replayed: true };
    };
    const earlier = await committed();
    if (earlier) return earlier;
    // The work, and the answer recorded with the key: in one transaction (a savepoint inside the
    // caller's), or, for a business that opens its own, the work first and the record after it.
    const work = async (trx: Db) => {
      const ctx = await this.context(trx, req, key);
      if (b.confirm && b.quote && (req.quoteTerms !== undefined || req.quotedPriceFen !== undefined)) {
        const now = withTerms(await b.quote(ctx, input));
        if ((req.quoteTerms !== undefined && now.terms !== req.quoteTerms) || (req.quotedPriceFen !== undefined && now.priceFen !== req.quotedPriceFen)) {
          throw new AppError('PRICE_CHANGED', { detail: now.summary, extra: { quote: now } });
        }
      }
      const r = await b.run(ctx, input);
      const outcome: InvokeOutcome & { status: 'ok' } = { status: 'ok', businessId: b.id, result: r.data, text: r.text, replayed: false };
      const recorded = await IdempotencyRecords.record(trx, principal, key, b.id, requestHash, JSON.stringify(outcome), this.deps.clock.now());
      if (!recorded) throw new KeyTaken();
      return outcome;
    };
    try {
      return await (b.ownTransactions && !q.isTransaction ? work(q) : withSavepoint(q, work));
    } catch (e) {
      // A refusal, or a failure such as a deadlock, may only be this request meeting the work of
      // a duplicate that committed first (ALREADY_SUBSCRIBED under the same key): then the
      // committed answer is the answer. If the lookup itself fails, the first failure stands.
      const first = await committed().catch((lookup: unknown) => (isAppError(lookup) ? Promise.reject(lookup) : undefined));
      if (first) return first;
      if (e instanceof KeyTaken) throw new Error(`idempotency key ${key} was taken but its answer is not readable`);
      throw e;
    }
  }
}
