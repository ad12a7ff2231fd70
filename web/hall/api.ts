// The hall's client of the subscriber REST API under /api/v1: sign-in by SMS code, the registry,
// and running a business. Requests and errors go through web/shared/api.ts.
import { ApiError, isL10n, isRecord, request, type RequestOptions } from '../shared/api.ts';
import type { BusinessInfo, OutboxMessage, Quote, ResponseOf, RunResult } from '../shared/types.ts';

export { ApiError, newIdempotencyKey, toApiError } from '../shared/api.ts';

export interface ClientOptions extends RequestOptions {
  /** Which hall this is: the server then leaves out what is withdrawn on it. */
  channel: 'web' | 'mobile' | 'kiosk';
}

export interface RunOptions {
  input?: Record<string, unknown>;
  confirm?: boolean;
  /** The confirmed quote's terms: changed amounts are refused (PRICE_CHANGED) instead of charged. */
  quoteTerms?: string;
  idempotencyKey?: string;
}

export interface Client {
  requestCode(msisdn: string): Promise<{ expiresInSeconds: number }>;
  signIn(msisdn: string, code: string): Promise<{ token: string; expiresInSeconds: number }>;
  /** Revokes the token on the server; a server without the route (404) is taken as done. */
  signOut(): Promise<void>;
  businesses(): Promise<BusinessInfo[]>;
  run<T>(businessId: string, opts?: RunOptions): Promise<RunResult<T>>;
  /** The demo SMS outbox, or null when the server is not in demo mode. */
  demoOutbox(msisdn: string): Promise<OutboxMessage[] | null>;
  /** Which channels may carry marketing to this subscriber (营销信息设置). */
  contactPreferences(): Promise<ContactPreferences>;
  /** Stops or allows marketing on one channel, or on all; answers the settings as they now are. */
  setContactPreference(channel: ContactChannel, receive: boolean): Promise<ContactPreferences>;
  /** The ways of paying the server offers now (the configured providers among them). */
  paymentMethods(): Promise<PaymentMethodInfo[]>;
  /** A recharge of this number paid online: 409 CONFIRMATION_REQUIRED with its quote until `confirm`. */
  rechargeOnline(body: { amountFen: number; method: RechargeMethod; confirm?: boolean }, idempotencyKey: string): Promise<PaymentStarted>;
  /** One of this subscriber's payments, to follow it until the provider's notification settles it. */
  payment(id: string): Promise<PaymentInfo>;
}

export type PaymentMethodInfo = ResponseOf<'/api/v1/payments/methods', 'get', 200>['methods'][number];
export type PaymentInfo = ResponseOf<'/api/v1/payments/{id}', 'get', 200>;
export type PaymentStarted = ResponseOf<'/api/v1/recharges', 'post', 201>;
/** The providers a recharge may be paid with (the server's RECHARGE_METHODS). */
export const RECHARGE_METHODS = ['sandbox', 'bank', 'alipay'] as const;
export type RechargeMethod = (typeof RECHARGE_METHODS)[number];

/** The quote a recharge's CONFIRMATION_REQUIRED carries: what is paid, by which method. */
export interface PaymentQuote {
  amountFen: number;
  method: string;
  summary: { 'zh-CN': string; en: string };
}

export function paymentQuoteOf(e: ApiError): PaymentQuote | undefined {
  const q = e.problem.body.quote;
  return isRecord(q) && isL10n(q.summary) && typeof q.amountFen === 'number' && typeof q.method === 'string' ? (q as unknown as PaymentQuote) : undefined;
}

export type ContactChannel = 'all' | 'sms' | 'call' | 'ussd' | 'push';
export interface ContactPreferences {
  channels: { channel: ContactChannel; receive: boolean; optedOutAt: string | null; source: string | null }[];
}

/** The quote a CONFIRMATION_REQUIRED or PRICE_CHANGED problem carries, when it is well formed. */
export function quoteOf(e: ApiError): Quote | undefined {
  const q = e.problem.body.quote;
  return isRecord(q) && isL10n(q.summary) && typeof q.priceFen === 'number' && typeof q.terms === 'string' ? (q as unknown as Quote) : undefined;
}

export function createClient(o: ClientOptions): Client {
  const hall = { 'x-omnihall-channel': o.channel };
  const call = async <T,>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, extra?: Record<string, string>): Promise<T> =>
    (await request<T>(o, method, path, body, { ...hall, ...extra })).data;

  return {
    requestCode: (msisdn) => call('POST', '/auth/otp', { msisdn }),
    signIn: (msisdn, code) => call('POST', '/auth/token', { msisdn, code }),
    signOut: async () => {
      try {
        await call('POST', '/auth/sign-out', {});
      } catch (e) {
        if (!(e instanceof ApiError && (e.status === 404 || e.status === 401))) throw e;
      }
    },
    businesses: async () => (await call<{ businesses: BusinessInfo[] }>('GET', `/businesses?channel=${o.channel}`)).businesses,
    run: (businessId, opts = {}) => {
      const body: Record<string, unknown> = { input: opts.input ?? {} };
      if (opts.confirm) body.confirm = true;
      if (opts.confirm && opts.quoteTerms !== undefined) body.quoteTerms = opts.quoteTerms;
      const extra: Record<string, string> = opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {};
      return call('POST', `/businesses/${encodeURIComponent(businessId)}`, body, extra);
    },
    contactPreferences: () => call('GET', '/me/contact-preferences'),
    setContactPreference: (channel, receive) => call('PUT', '/me/contact-preferences', { channel, receive }),
    paymentMethods: async () => (await call<{ methods: PaymentMethodInfo[] }>('GET', '/payments/methods')).methods,
    rechargeOnline: (body, idempotencyKey) => call('POST', '/recharges', body, { 'idempotency-key': idempotencyKey }),
    payment: (id) => call('GET', `/payments/${encodeURIComponent(id)}`),
    demoOutbox: async (msisdn) => {
      try {
        const r = await call<{ messages: OutboxMessage[] }>('GET', `/demo/sms-outbox?msisdn=${encodeURIComponent(msisdn)}`);
        return r.messages;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  };
}
