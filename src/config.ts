// One validated configuration object, read once from the environment and passed down.
import { z } from 'zod';
import { DEFAULT_OPERATOR_TIME_ZONE, isTimeZone } from './platform/dates.ts';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  NATS_URL: z.string().regex(/^nats:\/\/[^/\s]+\/?$/, 'nats://host:port').optional(),
  // One deployment's subjects and stream on a shared NATS: `<prefix>.>` in the stream `<PREFIX>_EVENTS`.
  NATS_SUBJECT_PREFIX: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'letters, digits, _ and -').default('omnihall'),
  // How long a node may hold an event unacknowledged before another node gets it (a node that died).
  NATS_ACK_WAIT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  OMNIHALL_DATA_DIR: z.string().default('./data'),
  OMNIHALL_ADMIN_PASSWORD: z.string().min(8).optional(),
  OMNIHALL_DEMO_SUBSCRIBERS: z.coerce.number().int().min(0).default(10_000),
  OMNIHALL_SEED: z.coerce.number().int().default(20071009),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  CATALOGUE_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(5),
  SMPP_URL: z.string().regex(/^s?smpp:\/\/[^/:]+:\d+\/?$/, 'smpp://host:port').optional(),
  // SMPP 3.4 limits: system_id 15 characters, password 8.
  SMPP_SYSTEM_ID: z.string().min(1).max(15).default('omnihall'),
  SMPP_PASSWORD: z.string().max(8).default(''),
  SMPP_WINDOW: z.coerce.number().int().min(1).max(1000).default(10),
  SMPP_MPS: z.coerce.number().int().min(0).default(100),
  BROADCAST_MAX_RATE: z.coerce.number().int().min(1).max(100_000).optional(),
  BALANCE_LOW_FEN: z.coerce.number().int().min(1).max(100_000_00).default(1000),
  SMS_SHORT_CODE: z.string().regex(/^\d{3,20}$/, 'digits').default('10086'),
  SMS_CONFIRM_WITH_YES: z.enum(['true', 'false', '1', '0', 'yes', 'no']).default('false'),
  KANNEL_SENDSMS_URL: z.string().url().optional(),
  KANNEL_SERVICE_TOKEN: z.string().min(16).optional(),
  USSD_SERVICE_CODE: z.string().regex(/^\*[0-9*]+#$/, 'a service code such as *100#').default('*100#'),
  USSD_SESSION_IDLE_SECONDS: z.coerce.number().int().min(10).max(3600).default(180),
  USSD_GATEWAY_TOKEN: z.string().min(16).optional(),
  IVR_PLATFORM_TOKEN: z.string().min(16).optional(),
  IVR_TRANSFER_NUMBER: z.string().regex(/^\+?\d{3,20}$/, 'digits').default('10086'),
  IVR_CALL_IDLE_SECONDS: z.coerce.number().int().min(30).max(7200).default(600),
  // The load balancers in front: `true` (any), a hop count, or addresses/CIDRs separated by commas.
  // The time zone subscribers' dates, billing months and validity days are in (an IANA name).
  OPERATOR_TIME_ZONE: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai').default(DEFAULT_OPERATOR_TIME_ZONE),
  // Source addresses not limited per address at sign-in (a shop's kiosks, the agent desk's proxy): addresses/CIDRs separated by commas.
  SIGN_IN_LIMIT_EXEMPT: z.string().regex(/^[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*$/, 'addresses and CIDRs separated by commas').optional(),
  // Bearer token /metrics asks for; unset: open (say so in production), unless METRICS_PORT serves it apart.
  METRICS_TOKEN: z.string().min(16).optional(),
  // A port of its own for /metrics (e.g. reachable only inside the cluster); unset: on PORT.
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  // The longest a request may take to arrive in full (a slow body is cut with 408); 0: no limit.
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  // Payments (docs/payments.md): 100 points make a yuan; staff refunds above ¥500 need a second person.
  PAYMENT_POINTS_PER_YUAN: z.coerce.number().int().min(1).max(100_000).default(100),
  PAYMENT_REFUND_APPROVAL_FEN: z.coerce.number().int().min(0).default(50_000),
  PAYMENT_EXPIRY_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(30),
  PAYMENT_RECONCILE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  // The built-in sandbox and online-banking test gateways: on unless production, unless said.
  PAYMENT_SANDBOX: z.enum(['true', 'false', '1', '0']).optional(),
  // The sandbox gateway's signing secret; several nodes need the same one (unset: one per process).
  PAYMENT_SANDBOX_SECRET: z.string().min(16).optional(),
  // Alipay: all of app id, the app's private key and Alipay's public key (PEM), or none (not offered).
  ALIPAY_APP_ID: z.string().regex(/^\d{6,32}$/, 'digits').optional(),
  ALIPAY_PRIVATE_KEY: z.string().min(100).optional(),
  ALIPAY_PUBLIC_KEY: z.string().min(100).optional(),
  ALIPAY_GATEWAY: z.string().url().default('https://openapi.alipay.com/gateway.do'),
  ALIPAY_NOTIFY_URL: z.string().url().optional(),
  ALIPAY_RETURN_URL: z.string().url().optional(),
  // Delivery (docs/mall.md, "Delivery"): carriers' webhook secrets as code=secret pairs separated by commas (sf=…,zto=…).
  DELIVERY_CARRIER_SECRETS: z.string().regex(/^[a-z][a-z0-9_-]{0,19}=[^,=\s]{16,}(,[a-z][a-z0-9_-]{0,19}=[^,=\s]{16,})*$/, 'code=secret pairs (secrets of 16 characters or more) separated by commas').optional(),
  // The built-in demo carrier (演示快递): on unless production, unless said; several nodes need one secret.
  DELIVERY_DEMO_CARRIER: z.enum(['true', 'false', '1', '0']).optional(),
  DELIVERY_DEMO_CARRIER_SECRET: z.string().min(16).optional(),
  TRUST_PROXY: z.string().regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/, 'true, a hop count, or addresses and CIDRs separated by commas').optional(),
});

export interface Config {
  port: number;
  host: string;
  production: boolean;
  /** Demo mode exposes the SMS outbox and seeds demo data; off when NODE_ENV=production. */
  demo: boolean;
  databaseUrl: string | undefined;
  /** Channel sessions in Redis (several nodes) instead of in-process. */
  redisUrl: string | undefined;
  /** Events between nodes over NATS JetStream (`nats://host:4222`) instead of the in-process bus. */
  natsUrl: string | undefined;
  /** Subjects are `<natsSubjectPrefix>.<event>`. */
  natsSubjectPrefix: string;
  /** An event a node took and did not acknowledge within this goes to another node. */
  natsAckWaitSeconds: number;
  /** Where PGlite keeps its files; `memory://` keeps nothing (tests). */
  dataDir: string;
  adminPassword: string | undefined;
  demoSubscribers: number;
  seed: number;
  logLevel: string;
  dbPoolSize: number;
  /** The SMS centre to bind to as an ESME (`smpp://host:port`); unset = no SMPP link. */
  smppUrl: string | undefined;
  smppSystemId: string;
  smppPassword: string;
  /** Most submit_sm awaiting a response at once. */
  smppWindow: number;
  /** Most submit_sm per second (0 = no limit), as agreed with the SMSC. */
  smppMps: number;
  /** The fastest a broadcast may send, messages a second: BROADCAST_MAX_RATE, never above SMPP_MPS (the SMS centre's agreed rate). */
  broadcastMaxRate: number;
  /** A charge that takes a prepaid balance below this (fen) publishes balance.low: BALANCE_LOW_FEN, default ¥10. */
  balanceLowFen: number;
  /** The SMS hall's number: texts to it are commands, replies come from it. */
  smsShortCode: string;
  /** Confirm charging SMS commands with 是/Y instead of a random 4-digit code. */
  smsConfirmWithYes: boolean;
  /** Kannel's sendsms URL with its username and password; texts omnihall starts go there. */
  kannelSendsmsUrl: string | undefined;
  /** Shared secret Kannel's get-url must carry as `token`; required for the endpoint in production. */
  kannelServiceToken: string | undefined;
  /** Shared secret the USSD gateway's callback URL must carry as `token`; required in production. */
  ussdGatewayToken: string | undefined;
  /** Shared secret the voice platform's root URL carries as `token` (every document passes it on); required in production. */
  ivrPlatformToken: string | undefined;
  /** The USSD hall's service code, e.g. `*100#`. */
  ussdServiceCode: string;
  /** A USSD dialogue is forgotten after this long without a hop. */
  ussdSessionIdleSeconds: number;
  /** Where IVR callers go when they press 0: the hotline's agent queue. */
  ivrTransferNumber: string;
  ivrCallIdleSeconds: number;
  /**
   * Which proxies' X-Forwarded-For to believe (Fastify's trustProxy): behind a load balancer the
   * source address (staff sign-in limits, the audit log) is otherwise the balancer's.
   */
  trustProxy: boolean | number | string[];
  /**
   * Source addresses (and CIDRs) the sign-in limits per address do not apply to: many subscribers
   * sign in from one kiosk. The limits per number still do.
   */
  signInLimitExempt: string[];
  /**
   * How long a node serves the catalogue it last read to lists and quotes (0: never cached).
   * A change made through TMF620 shows at once on the node that made it, on others within this.
   */
  catalogueCacheSeconds: number;
  /** The operator's time zone: every date a subscriber sees, billing cycles and validity days. */
  operatorTimeZone: string;
  /** The bearer token /metrics requires; unset, /metrics is open (fine for the demo, not in production). */
  metricsToken: string | undefined;
  /** Serve /metrics on this port alone (not on `port`); unset, it is on the main port. */
  metricsPort: number | undefined;
  /** A request (headers and body) must arrive within this many ms, or it is cut (408); 0: no limit. */
  requestTimeoutMs: number;
  /** Payments: the points rate, refund approval, expiry and reconciliation, the sandbox gateways and Alipay. */
  payment: {
    pointsPerYuan: number;
    refundApprovalFen: number;
    expiryMinutes: number;
    reconcileAfterMinutes: number;
    sandbox: boolean;
    /** Unset: a secret of the process's own (one node). */
    sandboxSecret: string | undefined;
    /** Unset: Alipay is not offered. */
    alipay: { appId: string; privateKey: string; alipayPublicKey: string; gateway: string; notifyUrl: string; returnUrl?: string } | undefined;
  };
  /** Delivery: the carriers' webhook secrets by code, and the built-in demo carrier (unset secret: one per process). */
  delivery: { carrierSecrets: Record<string, string>; demoCarrier: boolean; demoSecret: string | undefined };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    production: e.NODE_ENV === 'production',
    demo: e.NODE_ENV !== 'production',
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    natsUrl: e.NATS_URL,
    natsSubjectPrefix: e.NATS_SUBJECT_PREFIX,
    natsAckWaitSeconds: e.NATS_ACK_WAIT_SECONDS,
    dataDir: e.OMNIHALL_DATA_DIR,
    adminPassword: e.OMNIHALL_ADMIN_PASSWORD,
    demoSubscribers: e.OMNIHALL_DEMO_SUBSCRIBERS,
    seed: e.OMNIHALL_SEED,
    logLevel: e.LOG_LEVEL,
    dbPoolSize: e.DB_POOL_SIZE,
    smppUrl: e.SMPP_URL,
    smppSystemId: e.SMPP_SYSTEM_ID,
    smppPassword: e.SMPP_PASSWORD,
    smppWindow: e.SMPP_WINDOW,
    smppMps: e.SMPP_MPS,
    balanceLowFen: e.BALANCE_LOW_FEN,
    broadcastMaxRate: Math.min(e.BROADCAST_MAX_RATE ?? (e.SMPP_MPS || 100), e.SMPP_MPS || Number.MAX_SAFE_INTEGER),
    smsShortCode: e.SMS_SHORT_CODE,
    smsConfirmWithYes: ['true', '1', 'yes'].includes(e.SMS_CONFIRM_WITH_YES),
    kannelSendsmsUrl: e.KANNEL_SENDSMS_URL,
    kannelServiceToken: e.KANNEL_SERVICE_TOKEN,
    ussdGatewayToken: e.USSD_GATEWAY_TOKEN,
    ivrPlatformToken: e.IVR_PLATFORM_TOKEN,
    ussdServiceCode: e.USSD_SERVICE_CODE,
    ussdSessionIdleSeconds: e.USSD_SESSION_IDLE_SECONDS,
    ivrTransferNumber: e.IVR_TRANSFER_NUMBER,
    ivrCallIdleSeconds: e.IVR_CALL_IDLE_SECONDS,
    catalogueCacheSeconds: e.CATALOGUE_CACHE_SECONDS,
    operatorTimeZone: e.OPERATOR_TIME_ZONE,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    payment: {
      pointsPerYuan: e.PAYMENT_POINTS_PER_YUAN,
      refundApprovalFen: e.PAYMENT_REFUND_APPROVAL_FEN,
      expiryMinutes: e.PAYMENT_EXPIRY_MINUTES,
      reconcileAfterMinutes: e.PAYMENT_RECONCILE_MINUTES,
      sandbox: e.PAYMENT_SANDBOX ? ['true', '1'].includes(e.PAYMENT_SANDBOX) : e.NODE_ENV !== 'production',
      sandboxSecret: e.PAYMENT_SANDBOX_SECRET,
      alipay: e.ALIPAY_APP_ID && e.ALIPAY_PRIVATE_KEY && e.ALIPAY_PUBLIC_KEY && e.ALIPAY_NOTIFY_URL
        ? { appId: e.ALIPAY_APP_ID, privateKey: e.ALIPAY_PRIVATE_KEY, alipayPublicKey: e.ALIPAY_PUBLIC_KEY, gateway: e.ALIPAY_GATEWAY, notifyUrl: e.ALIPAY_NOTIFY_URL, ...(e.ALIPAY_RETURN_URL ? { returnUrl: e.ALIPAY_RETURN_URL } : {}) }
        : undefined,
    },
    delivery: {
      carrierSecrets: Object.fromEntries((e.DELIVERY_CARRIER_SECRETS ?? '').split(',').filter(Boolean).map((p) => p.split('=') as [string, string])),
      demoCarrier: e.DELIVERY_DEMO_CARRIER ? ['true', '1'].includes(e.DELIVERY_DEMO_CARRIER) : e.NODE_ENV !== 'production',
      demoSecret: e.DELIVERY_DEMO_CARRIER_SECRET,
    },
    signInLimitExempt: e.SIGN_IN_LIMIT_EXEMPT ? e.SIGN_IN_LIMIT_EXEMPT.split(',') : [],
    trustProxy: !e.TRUST_PROXY || e.TRUST_PROXY === 'false' ? false : e.TRUST_PROXY === 'true' ? true : /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY.split(','),
  };
}
