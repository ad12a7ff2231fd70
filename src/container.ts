// Wires omnihall's parts together once; the app, the channels and the tests all use this. The
// only place that knows every module: each channel is handed the services it uses.
import type { Config } from './config.ts';
import { DEFAULT_OPERATOR_TIME_ZONE, setOperatorTimeZone } from './platform/dates.ts';
import { Metrics } from './platform/metrics.ts';
import type { Db } from './platform/db/index.ts';
import type { AuditLog } from './platform/audit.ts';
import { MemorySessionStore, RedisSessionStore, type SessionStore } from './platform/session-store.ts';
import { smsTransport, type SmsTransport } from './platform/sms/transport.ts';
import { cryptoRandom, systemClock, type Clock, type Random } from './platform/ports.ts';
import { CatalogueCache, CatalogueReader, CatalogueService, loadCatalogue, ResourcesService } from './modules/catalogue/index.ts';
import { HubService, type HubOptions } from './modules/hub/index.ts';
import { renderCatalogueEvent } from './channels/tmf/catalog-resources.ts';
import { builtinBss, CallerDirectory, CoalescedReads, SubscriberService } from './modules/subscriber/index.ts';
import { InteractionLog } from './modules/interactions/index.ts';
import { OrderingService } from './modules/ordering/index.ts';
import { AuthSessions, OtpService, PostgresLimitStore, RateLimiter, RedisLimitStore, TokenSigner, loadTokenKey } from './modules/identity/index.ts';
import { Marketing } from './modules/marketing/index.ts';
import { TriggerEngine, TriggerService } from './modules/marketing/index.ts';
import { BillingFeed, UsageRecorder } from './modules/subscriber/index.ts';
import { EventOutbox, openEventBus, type EventBus } from './platform/events/index.ts';
import { BroadcastRunner, BroadcastService } from './modules/marketing/index.ts';
import { bulkSender } from './platform/sms/bulk-sender.ts';
import { auditLog, StaffService } from './modules/staff/index.ts';
import { PaidRecharges, Payments } from './modules/payment/index.ts';
import { Goods } from './modules/goods/index.ts';
import { InventoryService } from './modules/inventory/index.ts';
import { configuredCarrier, Delivery, demoCarrier } from './modules/delivery/index.ts';
import { CartService } from './modules/cart/index.ts';
import { Reviews } from './modules/reviews/index.ts';
import { maskMsisdn } from './platform/msisdn.ts';
import { Checkout, QuoteService, type OrderView } from './modules/checkout/index.ts';
import { WorkflowRunner } from './platform/workflow/index.ts';
import { defineCheckout } from './workflows/checkout.ts';
import { FlashSales } from './modules/flashsale/index.ts';
import { goodsDirectory, Promotions } from './modules/promotion/index.ts';
import { BUSINESSES } from './businesses/index.ts';
import { Invoker } from './businesses/invoke.ts';
import { CHANNEL_ORDER_SOURCE, channelOrders, mallPort } from './businesses/mall-port.ts';
import { Registry } from './businesses/registry.ts';

export interface Services {
  config: Config;
  db: Db;
  clock: Clock;
  random: Random;
  registry: Registry;
  /** The catalogue lists and quotes read; catalogue writes on this node invalidate it. */
  catalogue: CatalogueCache;
  /** Offerings as other modules read them (the snapshot outside transactions). */
  catalogueReader: CatalogueReader;
  /** Every write to the catalogue: lifecycle, reviews, channels (console and TMF620). */
  catalogueService: CatalogueService;
  /** TMF620's specifications, categories, catalogs, price writes and offerings' relations. */
  catalogueResources: ResourcesService;
  /** TMF630 listeners and the delivery of catalogue events to them (its loop runs with `{ hub: true }`). */
  hub: HubService;
  subscribers: SubscriberService;
  ordering: OrderingService;
  audit: AuditLog;
  /** Staff users, their sign-in and the audit log's read; staff tokens to the actors their actions are recorded under. */
  staff: StaffService;
  invoker: Invoker;
  interactions: InteractionLog;
  metrics: Metrics;
  otp: OtpService;
  /** Texts omnihall starts: the SMPP link or Kannel's sendsms when configured (one-time codes use it). */
  sms: SmsTransport;
  tokens: TokenSigner;
  /** Sign-in sessions: issued with their generation, ended on sign-out or a staff change, on every node. */
  authSessions: AuthSessions;
  /** Sign-in limits per source address and per number (Redis with REDIS_URL, else PostgreSQL). */
  limits: RateLimiter;
  /** Channel session state: USSD dialogues, pending SMS confirmations, IVR calls. */
  sessions: SessionStore;
  /** Calling number → subscriber, for SMS, USSD and IVR. */
  callers: CallerDirectory;
  /** Customer features, segments, offers and their decisions, and the contact policy. */
  marketing: Marketing;
  /** Events between modules and nodes: in-process, or NATS JetStream with NATS_URL. */
  events: EventBus;
  /** Event triggers' rules (console), and the consumer that runs them (started with `{ marketing }`). */
  triggers: TriggerService;
  triggerEngine: TriggerEngine;
  /** Usage as it is recorded; a crossing of 90% of an allowance is published as usage.threshold. */
  usage: UsageRecorder;
  /** Events written with the change they tell of (balance.low, bill.issued), published once it committed; each node with `{ sweeps }` or `{ marketing }` relays them. */
  outbox: EventOutbox;
  /** Bills as the billing system issues them; each published as bill.issued. */
  bills: BillingFeed;
  /** SMS broadcasts and TMF681 messages: their lifecycle, review and progress. */
  broadcasts: BroadcastService;
  /** The broadcast job (runs on every node with `{ marketing }`); tests drive it with `drain()`. */
  broadcastRunner: BroadcastRunner;
  /** The mall's goods: products, SKUs, listings and their reviewed changes, the number pool and the code pool. */
  goods: Goods;
  /** The mall's stock per SKU and warehouse, and the reservations of open orders. */
  inventory: InventoryService;
  /** The mall's carts: a subscriber's or a guest's, priced and stock-flagged on each read. */
  cart: CartService;
  /** Checkout's quote of a subscriber's cart: prices and stock now, the delivery area and fee. */
  checkoutQuotes: QuoteService;
  /** The mall's orders: placed from the cart or by a seller of held stock, paid, cancelled (src/workflows/checkout.ts moves them). */
  checkout: Checkout;
  /** The workflow runner (src/platform/workflow): each node ticks due runs with `sweeps`. */
  workflows: WorkflowRunner;
  /** Payments behind their providers, notifications, refunds and reconciliation (docs/payments.md). */
  payments: Payments;
  /** Recharge paid online: credited when the payment is paid. */
  paidRecharges: PaidRecharges;
  /** The mall's shipments, carriers and their webhook events, and returns (docs/mall.md, "Delivery"). */
  delivery: Delivery;
  /** Reviews of goods and offerings by their buyers, their moderation and helpful votes (docs/mall.md, "Reviews"). */
  reviews: Reviews;
  /** Flash sales (秒杀): staff's sales and their review, buyers' units won with their orders, settlement (docs/mall.md, "Flash sales"). */
  flashSales: FlashSales<OrderView>;
  /** The mall's promotions and coupons with their limits: checkout's evaluate, redeem and release (docs/mall.md, "promotion"). */
  promotions: Promotions;
  /** Closes what the services opened (not the database, which the caller owns). */
  close(): Promise<void>;
}

/** How often each node records scheduled launches and retirements whose time has come. */
const SCHEDULE_SWEEP_MS = 30_000;
/** How often each node releases the mall's stock and number reservations whose orders were not paid in time. */
const MALL_EXPIRY_SWEEP_MS = 15_000;
/** How often each node takes due workflow runs (new, retried, timed out, resumed after a crash). */
const WORKFLOW_TICK_MS = 1_000;
/** How often each node publishes the events the outbox holds. */
const OUTBOX_TICK_MS = 1_000;

export async function buildServices(config: Config, db: Db, opts: { clock?: Clock; random?: Random; onLogError?: (e: unknown) => void; defaultMetrics?: boolean; sweeps?: { onError(e: unknown): void }; marketing?: { onError(e: unknown): void }; events?: EventBus; hub?: boolean | (HubOptions & { onError?(e: unknown): void }) } = {}): Promise<Services> {
  const clock = opts.clock ?? systemClock;
  setOperatorTimeZone(config.operatorTimeZone ?? DEFAULT_OPERATOR_TIME_ZONE);
  const random = opts.random ?? cryptoRandom;
  const registry = new Registry(BUSINESSES);
  const metrics = new Metrics({ defaults: opts.defaultMetrics ?? true });
  // A bus handed in (a test's NATS prefix) is the caller's to close; one opened here is closed here.
  const events = opts.events ?? await openEventBus({ natsUrl: config.natsUrl, prefix: config.natsSubjectPrefix });
  const interactions = new InteractionLog(db, { onError: opts.onLogError, observe: (row) => metrics.observe(row), events });
  const catalogue = new CatalogueCache(() => loadCatalogue(db), config.catalogueCacheSeconds * 1000);
  const catalogueReader = new CatalogueReader(catalogue);
  const catalogueService = new CatalogueService({ db, clock, random, cache: catalogue, audit: auditLog });
  // PGlite is one connection: one batch at a time lets the next grow while it runs.
  const reads = { inFlight: config.databaseUrl ? 4 : 1 };
  const shared = { catalogue: catalogueReader, reads: new CoalescedReads(db, reads), balanceLowFen: config.balanceLowFen };
  const outbox = new EventOutbox({ db, bus: events });
  if (opts.sweeps || opts.marketing) outbox.start(OUTBOX_TICK_MS, (e) => (opts.sweeps ?? opts.marketing)!.onError(e));
  const marketing = new Marketing({ db, clock, audit: auditLog, catalogue: catalogueReader });
  if (opts.marketing) marketing.start(opts.marketing.onError);
  const invoker = new Invoker({ db, registry, bss: (q) => builtinBss(q, shared), log: interactions, catalogue: catalogueReader, clock, random, reads, marketing, mall: mallPort(() => ({ db, goods, checkout })) });
  const key = await loadTokenKey(db, random);
  const tokens = new TokenSigner(key);
  const authSessions = new AuthSessions(db, tokens, clock, random, { onError: opts.onLogError });
  await authSessions.start();
  const limits = new RateLimiter(config.redisUrl ? new RedisLimitStore(config.redisUrl, undefined, opts.onLogError) : new PostgresLimitStore(db), clock, metrics.registry, config.signInLimitExempt);
  const sessions = config.redisUrl ? new RedisSessionStore(config.redisUrl) : new MemorySessionStore(() => clock.now().getTime());
  const sms = smsTransport(config, random, db);
  if (sms.link) metrics.watchSmpp(sms.link);
  const subscribers = new SubscriberService(db);
  const triggers = new TriggerService({ db, clock, audit: auditLog });
  // A trigger's text goes the way every text omnihall starts goes (the outbox row commits with the fire).
  const triggerEngine = new TriggerEngine({
    db, clock, bus: events, triggers, offers: marketing.offers, decisions: marketing.decisions, contacts: marketing.contacts, catalogue: catalogueReader, sms: sms.otpSender, ackWaitMs: config.natsAckWaitSeconds * 1000,
    contactOf: async (id) => { const c = await subscribers.customer(id); return c ? { msisdn: c.msisdn, language: c.language } : undefined; },
  });
  // Every node consumes the triggers' events (one durable consumer, shared out) and releases held offers.
  if (opts.marketing) await triggerEngine.start(opts.marketing.onError);
  const broadcastDeps = { db, clock, random, audit: auditLog, segments: marketing.segments, offers: marketing.offers, contacts: marketing.contacts, sender: bulkSender(sms, db), directory: subscribers, maxRate: config.broadcastMaxRate };
  const broadcasts = new BroadcastService(broadcastDeps);
  const broadcastRunner = new BroadcastRunner(broadcastDeps);
  if (opts.marketing) broadcastRunner.start(opts.marketing.onError);
  const catalogueResources = new ResourcesService({ db, clock, random, cache: catalogue, audit: auditLog });
  const hubOpts = typeof opts.hub === 'object' ? opts.hub : {};
  const hub = new HubService({
    ...hubOpts, db, clock, random, events: catalogueService,
    render: (e, base) => renderCatalogueEvent(catalogueResources, e, base),
  });
  if (opts.hub) hub.start();
  const payments = new Payments({
    db, clock, random, audit: auditLog, ledger: (q) => builtinBss(q, shared), sandboxPagePath: '/api/v1/payments/sandbox',
    config: { ...config.payment, sandbox: { enabled: config.payment.sandbox, secret: config.payment.sandboxSecret ?? random.token(32) }, alipay: config.payment.alipay },
  });
  const paidRecharges = new PaidRecharges(payments, (q) => builtinBss(q, shared));
  const sweeps = opts.sweeps;
  if (sweeps) payments.start((e) => sweeps.onError(e));
  const sweep = sweeps ? setInterval(() => void catalogueService.sweep().catch((e: unknown) => sweeps.onError(e)), SCHEDULE_SWEEP_MS) : undefined;
  sweep?.unref();
  const inventory: InventoryService = new InventoryService({ db, clock, audit: auditLog, skuExists: async (id): Promise<boolean> => (await goods.products.skus([id])).length > 0 });
  const goods: Goods = new Goods({ db, clock, audit: auditLog, inventory, offeringExists: async (id) => Boolean(await catalogueReader.offering(db, id)) });
  const delivery = new Delivery({
    db, clock, audit: auditLog,
    carriers: [
      ...(config.delivery.demoCarrier ? [demoCarrier(config.delivery.demoSecret ?? random.token(32), random)] : []),
      ...Object.entries(config.delivery.carrierSecrets).map(([code, secret]) => configuredCarrier(code, secret)),
    ],
  });
  const cart = new CartService({ db, clock, random, goods });
  const promotions = new Promotions({ db, clock, random, audit: auditLog, goods: goodsDirectory(goods) });
  const checkoutQuotes = new QuoteService({
    db, clock, cart, promotions,
    offeringsHeld: async (subscriberId, ids) => {
      const held = new Set((await builtinBss(db, shared).subscriptions(subscriberId, clock.now())).map((x) => x.offering.id));
      return new Set([...(await goods.products.many(ids)).values()].filter((p) => p.offeringId && held.has(p.offeringId)).map((p) => p.id));
    },
  });
  const workflows = new WorkflowRunner({ db, clock });
  const checkout = new Checkout({ db, clock, goods, inventory, delivery, cart, quotes: checkoutQuotes, payments, runner: workflows, pointsBalance: (id) => builtinBss(db, shared).pointsBalance(id) });
  defineCheckout({ db, runner: workflows, orders: checkout.orders, sources: checkout.sources, quotes: checkoutQuotes, goods, inventory, payments, delivery, promotions, core: (q) => builtinBss(q, shared) });
  const flashSales = new FlashSales<OrderView>({ db, clock, random, audit: auditLog, goods, inventory, orders: checkout.orders });
  checkout.sources.register('flash:', flashSales.orderEvents);
  checkout.sources.register(CHANNEL_ORDER_SOURCE, channelOrders);
  if (sweeps) workflows.startPolling(WORKFLOW_TICK_MS, (e) => sweeps.onError(e));
  const mallSweep = sweeps ? setInterval(() => void Promise.all([inventory.releaseExpired(), goods.releaseExpired(), checkout.orders.refundUndone(), checkout.orders.catchUpRefunds(), checkout.orders.completeDue(), flashSales.settleEnded()]).catch((e: unknown) => sweeps.onError(e)), MALL_EXPIRY_SWEEP_MS) : undefined;
  mallSweep?.unref();
  const reviews = new Reviews({
    db, clock, audit: auditLog,
    purchasedLines: (q, subscriberId, productId) => checkout.orders.purchasedLines(q, subscriberId, productId),
    subscriptions: async (id, at) => (await builtinBss(db, shared).subscriptions(id, at)).map((x) => ({ id: x.id, offeringId: x.offering.id, startsAt: x.startsAt })),
    authors: async (ids) => new Map((await subscribers.contactDetails(ids)).map((c) => [c.subscriberId, maskMsisdn(c.msisdn)])),
    offeringExists: async (id) => Boolean(await catalogueReader.offering(db, id)),
  });
  return {
    config, db, clock, random, registry, catalogue, catalogueReader, catalogueService, catalogueResources, hub, subscribers, invoker, interactions, metrics, sessions,
    ordering: new OrderingService(db),
    audit: auditLog,
    marketing,
    events, triggers, triggerEngine,
    usage: new UsageRecorder({ db, events, shared }),
    outbox,
    bills: new BillingFeed({ db }),
    broadcasts, broadcastRunner,
    goods, inventory,
    cart, checkoutQuotes, checkout, workflows,
    payments, paidRecharges,
    delivery,
    reviews,
    flashSales,
    promotions,
    staff: new StaffService({ db, clock, random, audit: auditLog, now: () => clock.now().getTime(), sessions: authSessions, onLocked: (scope) => limits.counted(`staff.sign-in.${scope}`) }),
    callers: new CallerDirectory(db, clock, reads),
    sms,
    otp: new OtpService(db, subscribers, key, clock, random, sms.otpSender, { limiter: limits, onSendError: opts.onLogError }),
    tokens, authSessions, limits,
    async close() {
      if (sweep) clearInterval(sweep);
      if (mallSweep) clearInterval(mallSweep);
      await workflows.stop();
      await outbox.stop();
      await triggerEngine.stop();
      await marketing.stop();
      await payments.stop();
      await broadcastRunner.stop();
      await hub.stop();
      await interactions.flush();
      if (!opts.events) await events.close();
      await sessions.close();
      await authSessions.stop();
      await limits.close();
    },
  };
}
