// Throwaway PostgreSQL clusters for fault tests: a cluster of its own in a temp
// directory on a free port (initdb and pg_ctl run as the `postgres` user, which initdb needs when
// the tests run as root), that a test can restart, stop and start without touching the machine's
// shared server.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The newest installed PostgreSQL's bin directory with initdb and pg_ctl, if any. */
function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(root, v, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return undefined;
}

export interface PgCluster {
  url: string;
  port: number;
  /** `pg_ctl restart -m fast`: the server ends every connection and comes back. */
  restart(): Promise<void>;
  /** `pg_ctl stop -m fast`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it (if running) and removes its files; safe to call twice. */
  destroy(): void;
}

/** Why a throwaway cluster cannot be made here, or undefined when it can. */
export function pgClusterUnavailable(): string | undefined {
  if (!process.env.DATABASE_URL) return 'DATABASE_URL is not set (the fault tests run with the real PostgreSQL)';
  if (!postgresBin()) return 'no /usr/lib/postgresql/<version>/bin/{initdb,pg_ctl}';
  if (userInfo().uid === 0 && spawnSync('runuser', ['-u', 'postgres', '--', 'true']).status !== 0) return 'running as root and cannot run as the postgres user';
  return undefined;
}

/** Makes and starts a cluster of its own; `destroy` stops it and removes its files. */
export async function startPgCluster(): Promise<PgCluster> {
  const bin = postgresBin()!;
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'omnihall-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(pw.stdout.trim()), Number(gid.stdout.trim()));
    chmodSync(dir, 0o700);
  }
  const command = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args]);
  const run = (cmd: string, args: string[]): void => {
    const [file, argv] = command(cmd, args);
    const r = spawnSync(file, argv, { encoding: 'utf8', cwd: dir, timeout: 120_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  };
  // pg_ctl while the test's own clients keep running: not spawnSync, which would stop them too
  const runAsync = (cmd: string, args: string[]): Promise<void> => new Promise((resolve, reject) => {
    const [file, argv] = command(cmd, args);
    const c = spawn(file, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    c.once('error', reject);
    c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}):\n${out}`))));
  });
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const log = join(dir, 'log');
  const start = () => runAsync('pg_ctl', ['-D', data, '-l', log, '-o', opts, '-w', '-t', '60', 'start']);
  await start();
  let gone = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    restart: () => runAsync('pg_ctl', ['-D', data, '-l', log, '-o', opts, '-m', 'fast', '-w', '-t', '60', 'restart']),
    stop: () => runAsync('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']),
    start,
    destroy() {
      if (gone) return;
      gone = true;
      if (existsSync(join(data, 'postmaster.pid'))) {
        try {
          run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '60', 'stop']);
        } catch {
          // already stopped
        }
      }
      if (existsSync(dir) && statSync(dir).isDirectory()) rmSync(dir, { recursive: true, force: true });
    },
  };
}
