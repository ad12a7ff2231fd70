// Starts a benchmark server child and talks to it over Node's IPC channel (both sides are here).
// The child says which port it listens on, answers "how many responses, SQL statements and CPU
// µs so far", records a CPU profile between two messages, and stops when told.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Session } from 'node:inspector/promises';
import { z } from 'zod';

/** What every server child gets as its one command-line argument (JSON). */
export const serverArgsSchema = z.object({
  db: z.enum(['postgres', 'pglite']),
  /** PostgreSQL only. */
  databaseUrl: z.string().optional(),
  /** PGlite only: the data directory. */
  dataDir: z.string(),
  poolSize: z.number().int().positive(),
  logLevel: z.string(),
});
export type ServerArgs = z.infer<typeof serverArgsSchema>;

const toParent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('listening'), port: z.number() }),
  z.object({ type: z.literal('stats'), served: z.number(), inFlight: z.number(), queries: z.number(), cpuUs: z.number() }),
  z.object({ type: z.literal('stopped') }),
  z.object({ type: z.literal('profiling') }),
]);
type ToParent = z.infer<typeof toParent>;

const toChild = z.discriminatedUnion('type', [
  z.object({ type: z.literal('stats') }),
  z.object({ type: z.literal('stop') }),
  /** Starts the CPU profiler, or (with `file`) stops it and writes the profile there. */
  z.object({ type: z.literal('profile'), file: z.string().optional() }),
]);
type ToChild = z.infer<typeof toChild>;

// ---- child side ---------------------------------------------------------------------------------

export function readServerArgs(): ServerArgs {
  return serverArgsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
}

/** Tells the parent the port, then answers its questions until it says stop. */
export function serveParent(server: Server, opts: { queries(): number; close(): Promise<void> }): void {
  // Responses counted at the HTTP server, below any framework, the same way for every server.
  let served = 0;
  let inFlight = 0;
  server.on('request', (_req, res) => {
    inFlight++;
    res.once('finish', () => served++);
    res.once('close', () => inFlight--);
  });
  const { port } = server.address() as AddressInfo;
  const send = (m: ToParent, then?: () => void) => {
    if (!process.send) throw new Error('a benchmark server must be started by bench/core.ts (no IPC channel)');
    process.send(m, undefined, {}, () => then?.());
  };
  let session: Session | undefined;
  async function profile(file: string | undefined): Promise<void> {
    if (!file) {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      return;
    }
    if (!session) return;
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    session = undefined;
    writeFileSync(file, JSON.stringify(profile));
  }
  process.on('message', (raw) => {
    const m = toChild.safeParse(raw);
    if (!m.success) return;
    if (m.data.type === 'stats') {
      const cpu = process.cpuUsage();
      return send({ type: 'stats', served, inFlight, queries: opts.queries(), cpuUs: cpu.user + cpu.system });
    }
    if (m.data.type === 'profile') {
      return void profile(m.data.file).then(() => send({ type: 'profiling' }), (e: unknown) => process.stderr.write(`profiler: ${String(e)}\n`));
    }
    opts.close().then(
      () => send({ type: 'stopped' }, () => process.exit(0)),
      (e: unknown) => {
        process.stderr.write(`server close failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  });
  // The parent went away without saying stop: do not linger.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'listening', port });
}

// ---- parent side --------------------------------------------------------------------------------

export interface ServerStats {
  served: number;
  /** Requests received and not yet answered (or abandoned). */
  inFlight: number;
  queries: number;
  cpuUs: number;
}

export interface RunningServer {
  port: number;
  /** HTTP responses it has finished, SQL statements it has sent and CPU µs it has used, so far. */
  stats(): Promise<ServerStats>;
  /** Starts the server's CPU profiler, or (given a file) stops it and writes the profile there. */
  profile(file?: string): Promise<void>;
  /** Stops the server cleanly, killing it if it does not stop in time. */
  stop(): Promise<void>;
}

/**
 * The Node flags `npm start` gives omnihall (package.json's start script: `node <flags> --import
 * tsx src/main.ts`). Every benchmark server, omnihall and its peer alike, runs with them.
 */
export function shippedNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  if (words[0] !== 'node') throw new Error(`package.json start does not run node: ${pkg.scripts.start}`);
  const flags: string[] = [];
  for (let i = 1; i < words.length && words[i]!.startsWith('--'); i++) {
    if (words[i] === '--import') i++;
    else flags.push(words[i]!);
  }
  return flags;
}

/**
 * Runs `script` in its own Node process (`node <shipped flags> --import tsx`), so it has an event loop to itself;
 * its stdout (omnihall's log) goes straight to `logFile`, its stderr to ours.
 */
export async function startServer(script: string, args: ServerArgs, logFile: string, startTimeoutMs = 120_000): Promise<RunningServer> {
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, [...shippedNodeFlags(), '--import', 'tsx', script, JSON.stringify(args)], {
    stdio: ['ignore', log, 'inherit', 'ipc'],
  });
  closeSync(log);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const waiting: { type: ToParent['type']; resolve(m: ToParent): void }[] = [];
  child.on('message', (raw) => {
    const m = toParent.safeParse(raw);
    if (!m.success) return;
    const i = waiting.findIndex((w) => w.type === m.data.type);
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(m.data);
  });

  function next<T extends ToParent['type']>(type: T, timeoutMs: number): Promise<Extract<ToParent, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script}: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      const done = (m: ToParent) => {
        clearTimeout(timer);
        resolve(m as Extract<ToParent, { type: T }>);
      };
      waiting.push({ type, resolve: done });
      void exit.then(() => {
        clearTimeout(timer);
        reject(new Error(`${script} exited (code ${child.exitCode}) while waiting for "${type}"`));
      });
    });
  }
  const ask = (m: ToChild) => child.send(m);

  let listening;
  try {
    listening = await next('listening', startTimeoutMs);
  } catch (e) {
    if (!exited) child.kill('SIGKILL');
    throw e;
  }
  return {
    port: listening.port,
    async stats() {
      const reply = next('stats', 10_000);
      ask({ type: 'stats' });
      const { served, inFlight, queries, cpuUs } = await reply;
      return { served, inFlight, queries, cpuUs };
    },
    async profile(file) {
      const reply = next('profiling', 60_000);
      ask(file ? { type: 'profile', file } : { type: 'profile' });
      await reply;
    },
    async stop() {
      if (exited) return;
      const stopped = next('stopped', 30_000).catch(() => undefined);
      ask({ type: 'stop' });
      await stopped;
      const killTimer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 10_000);
      await exit;
      clearTimeout(killTimer);
    },
  };
}

/** The shared secret the benchmark's omnihall expects from its USSD gateway and voice platform (production mode needs one). */
export const BENCH_GATEWAY_TOKEN = 'omnihall-bench-gateway-secret';
