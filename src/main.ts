// Start-up: read config, open the database, migrate, seed the demo operator, build the app, listen.
import { loadConfig } from './config.ts';
import { openDb } from './platform/db/index.ts';
import { migrate } from './migrations.ts';
import { seedDemo } from './demo/seed.ts';
import { seedDemoCalls, seedDemoMarketing } from './modules/marketing/index.ts';
import { seedDemoGoods } from './modules/goods/index.ts';
import { seedDemoInventory } from './modules/inventory/index.ts';
import { seedDemoFlashSales } from './modules/flashsale/index.ts';
import { seedDemoPromotions } from './modules/promotion/index.ts';
import { seedDemoOrders } from './modules/checkout/index.ts';
import { ManualClock } from './platform/ports.ts';
import { buildServices } from './container.ts';
import { buildApp } from './app.ts';
import { startSmpp } from './channels/sms/index.ts';

const config = loadConfig();
// Until the app's logger exists, a lost connection is told on stderr.
let onPoolError = (err: Error): void => void process.stderr.write(`database connection lost: ${err.message}\n`);
const opened = await openDb({
  databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize,
  // an idle connection cut by a restart of PostgreSQL: logged; the pool connects afresh when next asked
  onPoolError: (err) => onPoolError(err),
});
await migrate(opened.db);

// Each node records scheduled launches and retirements whose time has come (safe on every node at once).
const services = await buildServices(config, opened.db, {
  sweeps: { onError: (err) => app.log.warn({ err }, 'catalogue schedule sweep failed; it runs again shortly') },
  // Each node keeps the marketing features mart current (the passes are idempotent upserts), runs
  // event triggers and sends broadcasts (both taken from the database, so any node may fail).
  marketing: { onError: (err) => app.log.warn({ err }, 'marketing background work failed (features mart, triggers or broadcasts); it runs again shortly') },
  // Every node delivers TMF630 hub events; listeners are shared out through the database.
  hub: { onError: (err) => app.log.warn({ err }, 'TMF630 hub delivery failed; it retries shortly') },
});
const app = await buildApp(services, { logger: { level: config.logLevel } });
const log = app.log;
onPoolError = (err) => log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'database connection lost; the pool connects afresh when next asked');

const admin = await services.staff.ensureAdmin(config.adminPassword);
if (admin.password) log.warn(`created staff user "admin" with password ${admin.password} (set OMNIHALL_ADMIN_PASSWORD to choose one)`);
// The demo's two agents (坐席), who work its live call list in 我的外呼.
const agents = config.demo ? await services.staff.ensureDemoAgents() : undefined;
if (agents?.password) log.warn(`created demo agents "agent1" and "agent2" with password ${agents.password}`);

if (config.demo) {
  const started = Date.now();
  const seeded = await seedDemo(opened.db, { subscribers: config.demoSubscribers, seed: config.seed, now: services.clock.now() });
  if (seeded.created) log.info(`demo operator generated: ${seeded.subscribers} subscribers in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // The demo shop: its goods, then their stock in the two warehouses (each written once, on any node).
  const shop = await seedDemoGoods(opened.db, services.audit, services.clock.now());
  await seedDemoInventory(opened.db, services.audit, services.clock.now(), shop.stockPlan);
  if (shop.created) log.info(`demo shop: goods, number pool and code pools created`);
  // The demo's past orders, placed through the real checkout by services on a clock moved over
  // the last two weeks (their own: no background jobs), then closed.
  const past = new ManualClock(services.clock.now());
  const then = await buildServices(config, opened.db, { clock: past, defaultMetrics: false });
  try {
    if ((await seedDemoOrders({ ...then, clock: past }, services.clock.now())).created) log.info('demo orders: one in every state, over the last two weeks');
  } finally {
    await then.close();
  }
  // Its flash sales: one live now, one tomorrow at 10:00 Beijing time (their stock held from what is left).
  await seedDemoFlashSales(opened.db, services.goods, services.flashSales, services.clock.now());
  // Its promotions: 满300减30 on phones, 9折 on accessories, a ¥10 coupon to claim (approved by a second demo id).
  await seedDemoPromotions(opened.db, services.goods, services.promotions, services.clock.now());
}

await app.listen({ port: config.port, host: config.host });
// The demo's segments and offers need the features mart, which takes a while for many subscribers:
// built after the node listens (once, whichever node gets there first).
if (config.demo) {
  void seedDemoMarketing(opened.db, services.marketing.mart, services.audit, services.clock.now())
    .then(async (r) => {
      if (!r.created) return;
      log.info('demo marketing: segments and offers created');
      // Its live call list, its first rows handed to the demo's agents.
      if (agents && (await seedDemoCalls(opened.db, services.marketing, agents.ids)).created) log.info('demo calls: a live call list, rows handed to agent1 and agent2');
    })
    .catch((err: unknown) => log.warn({ err }, 'demo marketing could not be seeded'));
}
// The SMS centre link (only when SMPP_URL is set): texts to the short code, replies and one-time codes out.
const smpp = startSmpp(services, log);
const where = `http://localhost:${(app.server.address() as { port: number }).port}`;
// One-time codes go where the SMS transport sends them: the SMS centre, Kannel, or the outbox.
const codesGo = services.sms.link
  ? `the code goes out over SMPP to ${config.smppUrl}`
  : services.sms.kannel
    ? 'the code goes out through Kannel (KANNEL_SENDSMS_URL)'
    : `read the code at ${where}/api/v1/demo/sms-outbox?msisdn=13800000001`;
const store = opened.kind === 'pglite' ? `embedded PostgreSQL (PGlite) in ${config.dataDir}` : 'PostgreSQL at DATABASE_URL';
process.stderr.write(
  `\nomnihall is running on ${where} with ${store}\n` +
    `  web hall     ${where}/   (mobile hall on a phone; kiosk at ${where}/kiosk)\n` +
    `  console      ${where}/console   (staff: ${admin.password ? `admin / ${admin.password}  ← the first admin's password, shown once` : 'sign in as admin'})\n` +
    (agents?.password ? `  agents       agent1, agent2 / ${agents.password}   (我的外呼: the demo's calls; shown once)\n` : '') +
    `  API docs     ${where}/docs   (OpenAPI: ${where}/openapi.json)\n` +
    `  TM Forum     ${where}/tmf-api/productCatalogManagement/v4/productOffering\n` +
    (config.demo
      ? `  demo numbers 13800000001 (prepaid), 13800000002 (postpaid), 13800000003 (suspended)\n` +
        `  sign in      POST /api/v1/auth/otp {"msisdn":"13800000001"}, ${codesGo}\n`
      : '') +
    '\n',
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: shutting down`);
  await app.close();
  await smpp?.stop();
  await services.close();
  await opened.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
