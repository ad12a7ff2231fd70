// Where the tests find a NATS server with JetStream: NATS_TEST_URL, else 127.0.0.1:4222 (.ci/run
// starts one there when the machine has nats-server). No server: the NATS tests skip with a
// warning, except under CI=true on a machine that has nats-server, where not reaching it is a failure.
import { connect as tcp } from 'node:net';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const NATS_TEST_URL = process.env.NATS_TEST_URL ?? 'nats://127.0.0.1:4222';

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((done) => {
    const s = tcp({ host: u.hostname, port: Number(u.port || 4222), timeout: 2000 });
    s.once('connect', () => { s.destroy(); done(true); });
    s.once('timeout', () => { s.destroy(); done(false); });
    s.once('error', () => done(false));
  });
}

function hasNatsServer(): boolean {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/bin', '/usr/bin'];
  return dirs.some((d) => d && existsSync(join(d, 'nats-server')));
}

/** Undefined when NATS is there; otherwise why its tests skip. Throws under CI when a server should be there. */
export async function natsSkip(): Promise<string | undefined> {
  if (await reachable(NATS_TEST_URL)) return undefined;
  if (process.env.CI === 'true' && hasNatsServer()) throw new Error(`nats-server is installed but ${NATS_TEST_URL} cannot be reached (.ci/run starts it)`);
  const why = `no NATS server at ${NATS_TEST_URL} (start nats-server -js, or set NATS_TEST_URL)`;
  process.stderr.write(`warning: ${why}; the NATS tests are skipped\n`);
  return why;
}

/** A subject prefix no other run uses, so runs on one server never see each other's events. */
export function uniquePrefix(name: string): string {
  return `t${name}${process.pid}${Math.random().toString(36).slice(2, 8)}`;
}

/** Deletes the stream a test's prefix made (and its consumers with it). */
export async function dropStream(prefix: string): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const { NatsBus } = await import('../src/platform/events/index.ts');
  const nc = await connect({ servers: new URL(NATS_TEST_URL).host });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(NatsBus.streamName(prefix)).catch(() => false);
  } finally {
    await nc.close();
  }
}
