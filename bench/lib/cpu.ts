// CPU time for "CPU µs per request": this process's own, and PostgreSQL backends' from /proc.
// Backends are picked by application_name, so only a PostgreSQL on this machine is measured.
import { readFileSync } from 'node:fs';
import pg from 'pg';

/** User + system CPU this process has used, µs. */
export function ownCpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Linux clock ticks per second (`getconf CLK_TCK`); 100 on every common build. */
const TICK_US = 1_000_000 / 100;

function procCpuUs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_US;
  } catch {
    return undefined;
  }
}

/** Watches the PostgreSQL backends serving one application_name. */
export class BackendCpu {
  private constructor(private readonly client: pg.Client) {}

  static async open(databaseUrl: string): Promise<BackendCpu> {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'omnihall-bench-monitor' });
    await client.connect();
    return new BackendCpu(client);
  }

  /** CPU µs by backend pid; undefined when /proc does not show them (a remote server). */
  async sample(applicationName: string): Promise<Map<number, number> | undefined> {
    const r = await this.client.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [applicationName]);
    const out = new Map<number, number>();
    for (const { pid } of r.rows) {
      const us = procCpuUs(pid);
      if (us === undefined) return undefined;
      out.set(pid, us);
    }
    return out;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/** CPU the backends used between two samples (a backend that appeared in between counts from zero). */
export function backendDelta(before: Map<number, number> | undefined, after: Map<number, number> | undefined): number {
  if (!before || !after) return Number.NaN;
  let us = 0;
  for (const [pid, v] of after) us += v - (before.get(pid) ?? 0);
  return us;
}
