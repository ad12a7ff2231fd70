// A throwaway redis-server for fault tests: a child on a free port, nothing saved to disk, that a
// test stops and starts again on the same port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './pg-cluster.ts';

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** Why a throwaway redis-server cannot be started here, or undefined when it can. */
export function redisServerUnavailable(): string | undefined {
  return spawnSync('redis-server', ['--version']).status === 0 ? undefined : 'no redis-server on the PATH';
}

/** A redis-server child on a free port, nothing saved to disk; `stop` and `start` keep its port. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = (): Promise<void> => new Promise((resolve, reject) => {
    const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 30_000);
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    c.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${out}`));
    });
  });
  const stop = (): Promise<void> => new Promise((resolve) => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
    c.removeAllListeners('exit');
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  });
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start, destroy: stop };
}
