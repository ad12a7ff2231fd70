// Channel session state (a USSD dialogue, a pending SMS confirmation, an IVR call) behind one
// small interface: in-process by default, Redis when REDIS_URL is set so several omnihall nodes
// can serve one session. Values are JSON; every entry has an idle timeout.
import { Redis } from 'ioredis';
import { AppError } from './errors.ts';
import { l10n } from './i18n.ts';

export interface SessionStore {
  get<T>(key: string): Promise<T | undefined>;
  /** Stores a value that expires `ttlMs` after this write. */
  set<T>(key: string, value: T, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Reads and deletes in one step, so two nodes receiving the same reply cannot both act on it
   * (a confirmation code must be used once).
   */
  take<T>(key: string): Promise<T | undefined>;
  close(): Promise<void>;
}

/** How often the in-process store drops expired entries nobody asked for again. */
export const SWEEP_INTERVAL_MS = 10_000;

/** One process only: for the embedded default and tests. */
export class MemorySessionStore implements SessionStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private lastSweep: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastSweep = now();
  }

  /** Entries held, expired ones not yet swept included. */
  get size(): number {
    return this.entries.size;
  }

  private live(key: string): string | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const v = this.live(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    const t = this.now();
    this.entries.set(key, { value: JSON.stringify(value), expiresAt: t + ttlMs });
    // A sweep visits every entry, so it runs on a clock, not per write: with many sessions open,
    // a sweep per write would make every USSD hop cost as much as all of them.
    // A clock stepped back (NTP) counts as due, or sweeps would stop until it caught up again.
    if (t - this.lastSweep >= SWEEP_INTERVAL_MS || t < this.lastSweep) this.sweep(t);
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async take<T>(key: string): Promise<T | undefined> {
    const v = this.live(key);
    this.entries.delete(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  private sweep(t: number): void {
    this.lastSweep = t;
    for (const [k, e] of this.entries) if (e.expiresAt <= t) this.entries.delete(k);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}

export interface RedisSessionStoreOptions {
  /** Told when the connection is lost (once per loss, not per retry) and when it is back. */
  onConnectionChange?: (up: boolean, err?: Error) => void;
  /** Longest a command may take before it fails as UNAVAILABLE, in ms. */
  commandTimeoutMs?: number;
}

/** Reconnection delays: 100 ms doubling to 5 s, with jitter so nodes do not retry in step. */
export function redisRetryDelay(attempt: number): number {
  const base = Math.min(5_000, 100 * 2 ** Math.min(attempt - 1, 6));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

/** Redis is away: the channel answers "busy" in its own form and nothing is done. */
export function sessionsUnavailable(cause: unknown): AppError {
  const e = new AppError('UNAVAILABLE', {
    detail: l10n('会话服务暂不可用，请稍后再试', 'Sessions are unavailable for now; try again shortly'),
    extra: { retryAfter: 5 },
  });
  (e as { cause?: unknown }).cause = cause;
  return e;
}

const logToStderr = (up: boolean, err?: Error): void => {
  process.stderr.write(up ? 'redis: connected\n' : `redis: connection lost (${err?.message ?? 'closed'}); retrying with backoff\n`);
};

/**
 * Shared by every node: Redis keys with PX expiry, `take` with GETDEL. A lost connection is
 * retried with backoff for as long as it takes; meanwhile every call fails at once with
 * AppError UNAVAILABLE (nothing waits in ioredis's offline queue), and the store recovers by itself.
 */
export class RedisSessionStore implements SessionStore {
  private readonly redis: Redis;
  private state: 'new' | 'up' | 'down' = 'new';
  private closing = false;

  constructor(url: string, private readonly prefix = 'omnihall:session:', opts: RedisSessionStoreOptions = {}) {
    const tell = opts.onConnectionChange ?? logToStderr;
    this.redis = new Redis(url, {
      lazyConnect: false,
      // Commands wait for the first connection only (a node just started); once a connection
      // is lost they fail at once (see call) rather than queue for a server that may be away for
      // minutes, and a command in flight when the link drops fails instead of being resent.
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs ?? 2_000,
      connectTimeout: 5_000,
      retryStrategy: (attempt) => (this.closing ? null : redisRetryDelay(attempt)),
    });
    // Without a listener an 'error' event ends the process; ioredis reconnects on its own.
    // Told once per loss and once on the way back, not on every retry.
    this.redis.on('error', (err: Error) => {
      if (this.state !== 'down' && !this.closing) tell(false, err);
      this.state = 'down';
    });
    this.redis.on('ready', () => {
      if (this.state === 'down') tell(true);
      this.state = 'up';
    });
    this.redis.on('close', () => {
      if (this.state === 'up' && !this.closing) tell(false);
      this.state = 'down';
    });
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    if (this.state === 'down') throw sessionsUnavailable(new Error('redis connection lost; reconnecting'));
    try {
      return await work();
    } catch (e) {
      throw sessionsUnavailable(e);
    }
  }

  async get<T>(key: string): Promise<T | undefined> {
    const v = await this.call(() => this.redis.get(this.prefix + key));
    return v === null ? undefined : (JSON.parse(v) as T);
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    await this.call(() => this.redis.set(this.prefix + key, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs))));
  }

  async delete(key: string): Promise<void> {
    await this.call(() => this.redis.del(this.prefix + key));
  }

  async take<T>(key: string): Promise<T | undefined> {
    const v = await this.call(() => this.redis.getdel(this.prefix + key));
    return v === null ? undefined : (JSON.parse(v) as T);
  }

  async close(): Promise<void> {
    this.closing = true;
    // quit needs a connection; without one, just stop reconnecting
    if (this.state === 'up') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}
