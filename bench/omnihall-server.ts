// Benchmark child: omnihall as it ships, on 127.0.0.1 port 0, over the database core.ts prepared.
// Token check, registry, validation, idempotency record and interaction log all included.
import { loadConfig } from '../src/config.ts';
import { openDb } from '../src/platform/db/index.ts';
import { buildServices } from '../src/container.ts';
import { buildApp } from '../src/app.ts';
import { BENCH_GATEWAY_TOKEN, readServerArgs, serveParent } from './lib/child.ts';
import { countDriverQueries, queryCount } from './lib/query-counter.ts';

const args = readServerArgs();
countDriverQueries();
const opened = await openDb({ databaseUrl: args.databaseUrl, dataDir: args.dataDir, poolSize: args.poolSize });
const config = {
  ...loadConfig({ NODE_ENV: 'production', USSD_GATEWAY_TOKEN: BENCH_GATEWAY_TOKEN, IVR_PLATFORM_TOKEN: BENCH_GATEWAY_TOKEN }),
  databaseUrl: args.databaseUrl, dataDir: args.dataDir, dbPoolSize: args.poolSize, logLevel: args.logLevel,
};
const services = await buildServices(config, opened.db);
const app = await buildApp(services, { logger: { level: args.logLevel } });
await app.listen({ port: 0, host: '127.0.0.1' });

serveParent(app.server, {
  queries: queryCount,
  async close() {
    await app.close();
    await services.close();
    await opened.close();
  },
});
