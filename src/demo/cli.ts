// npm run demo -- --subscribers 1000000 [--seed N] [--now 2026-05-14T08:00:00Z] [--batch 1000]
// Fills the database named by the environment (DATABASE_URL, else PGlite in OMNIHALL_DATA_DIR,
// ./data by default) with the demo operator. Does nothing when it already has subscribers;
// an interrupted run (Ctrl-C) resumes where it stopped when run again.
import { loadConfig } from '../config.ts';
import { openDb } from '../platform/db/index.ts';
import { migrate } from '../migrations.ts';
import { DEMO_NUMBERS, seedDemo } from './seed.ts';

const USAGE = `usage: npm run demo -- [--subscribers N] [--seed N] [--now ISO-8601] [--batch N]

  --subscribers N  how many subscribers to generate, 1 to 10000000
                   (default: OMNIHALL_DEMO_SUBSCRIBERS, else 10000)
  --seed N         integer seed; the same seed and --now give the same data
                   (default: OMNIHALL_SEED, else 20071009)
  --now ISO        the moment the data is generated "as of" (default: the current time)
  --batch N        subscribers per transaction (default 1000)

The database is DATABASE_URL when set, else PGlite in OMNIHALL_DATA_DIR (default ./data).`;

class UsageError extends Error {}

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      out.help = 'yes';
      continue;
    }
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (!m || !['subscribers', 'seed', 'now', 'batch'].includes(m[1]!)) throw new UsageError(`unknown argument: ${arg}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${m[1]} needs a value`);
    out[m[1]!] = value;
  }
  return out;
}

function positiveInteger(name: string, text: string, max: number): number {
  const clean = text.replace(/[_,]/g, '');
  if (!/^[0-9]+$/.test(clean)) throw new UsageError(`--${name} must be a positive whole number, not "${text}"`);
  const n = Number(clean);
  if (n < 1 || n > max) throw new UsageError(`--${name} must be from 1 to ${max.toLocaleString('en')}, not ${text}`);
  return n;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A progress bar on stderr: redrawn in place on a terminal, a line per 10% otherwise. */
function progressBar(started: number) {
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  return {
    update(done: number, total: number, from: number) {
      const elapsed = performance.now() - started;
      const rate = (done - from) / Math.max(elapsed / 1000, 0.001);
      const eta = rate > 0 ? ((total - done) / rate) * 1000 : 0;
      const pct = Math.floor((done / total) * 100);
      const text = `${done.toLocaleString('en')}/${total.toLocaleString('en')} subscribers  ${Math.round(rate).toLocaleString('en')}/s  ${done < total ? `ETA ${duration(eta)}` : `in ${duration(elapsed)}`}`;
      if (tty) {
        const width = 30;
        const filled = Math.round((done / total) * width);
        process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}%  ${text}\x1b[K`);
        if (done >= total) process.stderr.write('\n');
      } else if (Math.floor(pct / 10) !== lastTenth || done >= total) {
        lastTenth = Math.floor(pct / 10);
        process.stderr.write(`${String(pct).padStart(3)}%  ${text}\n`);
      }
    },
  };
}

async function main(): Promise<number> {
  let args: Record<string, string>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`demo: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  let config;
  try {
    config = loadConfig();
  } catch (e) {
    process.stderr.write(`demo: ${(e as Error).message}\n`);
    return 2;
  }
  let subscribers: number;
  let seed: number;
  let now: Date;
  let batchSize: number;
  try {
    subscribers = args.subscribers ? positiveInteger('subscribers', args.subscribers, 10_000_000) : config.demoSubscribers;
    if (subscribers < 1) throw new UsageError('OMNIHALL_DEMO_SUBSCRIBERS is 0; pass --subscribers N');
    if (args.seed !== undefined && !/^-?[0-9]+$/.test(args.seed)) throw new UsageError(`--seed must be a whole number, not "${args.seed}"`);
    seed = args.seed !== undefined ? Number(args.seed) : config.seed;
    if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed is too large: ${args.seed}`);
    now = args.now ? new Date(args.now) : new Date();
    if (Number.isNaN(now.getTime())) throw new UsageError(`--now must be a date and time such as 2026-05-14T08:00:00Z, not "${args.now}"`);
    batchSize = args.batch ? positiveInteger('batch', args.batch, 100_000) : 1000;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`demo: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }

  const where = config.databaseUrl ? `PostgreSQL ${new URL(config.databaseUrl).host}${new URL(config.databaseUrl).pathname}` : `PGlite in ${config.dataDir}`;
  process.stderr.write(`demo: ${where}: migrating\n`);
  const stop = new AbortController();
  let firstSignal = 0;
  const onSignal = () => {
    // one Ctrl-C can arrive twice (from the terminal and relayed by npm/tsx): only a later one quits
    if (stop.signal.aborted) {
      if (performance.now() - firstSignal > 1000) process.exit(130);
      return;
    }
    firstSignal = performance.now();
    process.stderr.write('\ndemo: stopping after the current batch (Ctrl-C again to quit at once); run again to resume\n');
    stop.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const opened = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    await migrate(opened.db);
    if (stop.signal.aborted) return 130;
    const started = performance.now();
    const bar = progressBar(started);
    let from = 0;
    const result = await seedDemo(opened.db, {
      subscribers, seed, now, batchSize, signal: stop.signal,
      onStart(run) {
        from = run.done;
        const what = `${run.total.toLocaleString('en')} subscribers, seed ${run.seed}, as of ${run.now}`;
        process.stderr.write(run.done > 0
          ? `demo: resuming an interrupted run of ${what} at ${run.done.toLocaleString('en')} (its own seed and time are kept)\n`
          : `demo: seeding ${what}\n`);
      },
      onProgress(done, total) {
        bar.update(done, total, from);
      },
    });
    const elapsed = performance.now() - started;
    if (!result.created) {
      process.stdout.write(`The database already has ${result.subscribers.toLocaleString('en')} subscribers; nothing generated.\n`
        + `To start again, point OMNIHALL_DATA_DIR or DATABASE_URL at an empty database.\n`);
      return 0;
    }
    const rows = result.rows ?? {};
    const total = Object.values(rows).reduce((a, b) => a + b, 0);
    const lines = [
      `Seeded ${result.subscribers.toLocaleString('en')} subscribers into ${where}`
        + `${rows.subscriber !== undefined && rows.subscriber !== result.subscribers ? ` (${rows.subscriber.toLocaleString('en')} of them in this run)` : ''}`
        + ` in ${duration(elapsed)} (${Math.round(total / (elapsed / 1000)).toLocaleString('en')} rows/s).`,
      'Rows written in this run:',
      ...Object.entries(rows).map(([t, n]) => `  ${t.padEnd(14)} ${n.toLocaleString('en').padStart(13)}`),
      'Demo numbers:',
      `  ${DEMO_NUMBERS.prepaid}  prepaid, active, plan 4G畅享套餐58元, balance ≥ ¥88, points, two packs, six bills`,
      `  ${DEMO_NUMBERS.postpaid}  postpaid, credit limit ¥300, latest bill unpaid`,
      `  ${DEMO_NUMBERS.suspended}  prepaid, suspended for arrears`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (e) {
    if (stop.signal.aborted) {
      process.stderr.write('demo: stopped; run the same command again to resume\n');
      return 130;
    }
    throw e;
  } finally {
    await opened.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`demo: failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  },
);
