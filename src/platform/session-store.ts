// Channel session state (a USSD dialogue, a pending SMS confirmation, an IVR call) behind one
// small interface: in-process by default, Redis when REDIS_URL is set so several omnihall nodes
// can serve one session. Values are JSON; every entry has an idle timeout.
import { Redis } from 'ioredis';

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

/** Shared by every node: Redis keys with PX expiry, `take` with GETDEL. */
export class RedisSessionStore implements SessionStore {
  private readonly redis: Redis;

  constructor(url: string, private readonly prefix = 'omnihall:session:') {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const v = await this.redis.get(this.prefix + key);
    return v === null ? undefined : (JSON.parse(v) as T);
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)));
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async take<T>(key: string): Promise<T | undefined> {
    const v = await this.redis.getdel(this.prefix + key);
    return v === null ? undefined : (JSON.parse(v) as T);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
