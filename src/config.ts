// One validated configuration object, read once from the environment and passed down.
import { z } from 'zod';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  OMNIHALL_DATA_DIR: z.string().default('./data'),
  OMNIHALL_ADMIN_PASSWORD: z.string().min(8).optional(),
  OMNIHALL_DEMO_SUBSCRIBERS: z.coerce.number().int().min(0).default(10_000),
  OMNIHALL_SEED: z.coerce.number().int().default(20071009),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
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
  /** Where PGlite keeps its files; `memory://` keeps nothing (tests). */
  dataDir: string;
  adminPassword: string | undefined;
  demoSubscribers: number;
  seed: number;
  logLevel: string;
  dbPoolSize: number;
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
    dataDir: e.OMNIHALL_DATA_DIR,
    adminPassword: e.OMNIHALL_ADMIN_PASSWORD,
    demoSubscribers: e.OMNIHALL_DEMO_SUBSCRIBERS,
    seed: e.OMNIHALL_SEED,
    logLevel: e.LOG_LEVEL,
    dbPoolSize: e.DB_POOL_SIZE,
  };
}
