// Wires omnihall's parts together once; the app, the channels and the tests all use this.
import type { Config } from './config.ts';
import { Metrics } from './platform/metrics.ts';
import type { Db } from './platform/db/index.ts';
import { builtinBss, CoalescedReads, loadCatalogue } from './modules/subscriber/builtin-bss.ts';
import { CallerDirectory } from './modules/subscriber/caller-directory.ts';
import { CatalogueCache } from './modules/catalogue/catalogue-cache.ts';
import { BUSINESSES } from './businesses/index.ts';
import { InteractionLog } from './modules/interactions/interaction-log.ts';
import { Invoker } from './businesses/invoke.ts';
import { Registry } from './businesses/registry.ts';
import { OtpService } from './modules/identity/otp.ts';
import { smsTransport, type SmsTransport } from './platform/sms/transport.ts';
import { TokenSigner, loadTokenKey } from './modules/identity/tokens.ts';
import { MemorySessionStore, RedisSessionStore, type SessionStore } from './platform/session-store.ts';
import { cryptoRandom, systemClock, type Clock, type Random } from './platform/ports.ts';

export interface Services {
  config: Config;
  db: Db;
  clock: Clock;
  random: Random;
  registry: Registry;
  /** The catalogue lists and quotes read; catalogue writes on this node invalidate it. */
  catalogue: CatalogueCache;
  invoker: Invoker;
  interactions: InteractionLog;
  metrics: Metrics;
  otp: OtpService;
  /** Texts omnihall starts: the SMPP link or Kannel's sendsms when configured (one-time codes use it). */
  sms: SmsTransport;
  tokens: TokenSigner;
  /** Channel session state: USSD dialogues, pending SMS confirmations, IVR calls. */
  sessions: SessionStore;
  /** Calling number → subscriber, for SMS, USSD and IVR. */
  callers: CallerDirectory;
  /** Closes what the services opened (not the database, which the caller owns). */
  close(): Promise<void>;
}

export async function buildServices(config: Config, db: Db, opts: { clock?: Clock; random?: Random; onLogError?: (e: unknown) => void; defaultMetrics?: boolean } = {}): Promise<Services> {
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? cryptoRandom;
  const registry = new Registry(BUSINESSES);
  const metrics = new Metrics({ defaults: opts.defaultMetrics ?? true });
  const interactions = new InteractionLog(db, { onError: opts.onLogError, observe: (row) => metrics.observe(row) });
  const catalogue = new CatalogueCache(() => loadCatalogue(db), config.catalogueCacheSeconds * 1000);
  // PGlite is one connection: one batch at a time lets the next grow while it runs.
  const reads = { inFlight: config.databaseUrl ? 4 : 1 };
  const shared = { catalogue, reads: new CoalescedReads(db, reads) };
  const invoker = new Invoker({ db, registry, bss: (q) => builtinBss(q, shared), log: interactions, clock, random, reads });
  const key = await loadTokenKey(db, random);
  const sessions = config.redisUrl ? new RedisSessionStore(config.redisUrl) : new MemorySessionStore(() => clock.now().getTime());
  const sms = smsTransport(config, random);
  if (sms.link) metrics.watchSmpp(sms.link);
  return {
    config, db, clock, random, registry, catalogue, invoker, interactions, metrics, sessions,
    callers: new CallerDirectory(db, clock, reads),
    sms,
    otp: new OtpService(db, key, clock, random, sms.otpSender),
    tokens: new TokenSigner(key),
    async close() {
      await interactions.flush();
      await sessions.close();
    },
  };
}
