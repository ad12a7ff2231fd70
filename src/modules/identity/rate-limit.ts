// Sign-in limits shared by every node: per source address and per number, with growing delays.
// A rule allows `limit` hits per `windowS`; the hit over it is refused and the subject blocked
// for `blockS`, doubling with each further block (up to `maxBlockS`) until it has gone a day
// without one. A blocked subject's hits are not counted. Counters live in Redis when REDIS_URL
// is set (one script, atomic on the server), otherwise in PostgreSQL (the auth_rate_limit table,
// a row lock per subject), which every node shares too; PGlite is one node's database, and the
// same table serves it. Refusals are counted in /metrics as omnihall_rate_limited_total{limit}.
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Clock } from '../../platform/ports.ts';

export interface LimitRule {
  /** The limit's name: the metric's label and the counters' namespace. */
  name: string;
  limit: number;
  windowS: number;
  blockS: number;
  maxBlockS: number;
}

/** A block's strikes are forgotten after this long without a new one. */
const STRIKE_MEMORY_MS = 24 * 3600_000;
/** How often a node deletes PostgreSQL counters nobody has used for a day. */
const PRUNE_EVERY_MS = 10 * 60_000;
/** Seconds a client is asked to wait when the counters cannot be reached. */
const STORE_AWAY_RETRY_S = 5;

/** What one hit found: allowed, or refused for `retryAfter` seconds. */
export type Verdict = { ok: true } | { ok: false; retryAfter: number };

interface State {
  windowStart: number;
  hits: number;
  strikes: number;
  lastStrikeAt: number | null;
  blockedUntil: number | null;
}

/** The rule's arithmetic, the same for both stores: the state after one hit at `now`, and the verdict. */
export function step(rule: LimitRule, s: State | undefined, now: number): { state: State; verdict: Verdict } {
  const st: State = s ? { ...s } : { windowStart: now, hits: 0, strikes: 0, lastStrikeAt: null, blockedUntil: null };
  if (st.blockedUntil !== null && st.blockedUntil > now) {
    return { state: st, verdict: { ok: false, retryAfter: Math.max(1, Math.ceil((st.blockedUntil - now) / 1000)) } };
  }
  if (now - st.windowStart >= rule.windowS * 1000 || now < st.windowStart) {
    st.windowStart = now;
    st.hits = 0;
  }
  if (st.lastStrikeAt !== null && now - st.lastStrikeAt >= STRIKE_MEMORY_MS) st.strikes = 0;
  st.hits += 1;
  if (st.hits <= rule.limit) return { state: st, verdict: { ok: true } };
  st.strikes += 1;
  const blockS = Math.min(rule.blockS * 2 ** Math.min(st.strikes - 1, 20), rule.maxBlockS);
  st.lastStrikeAt = now;
  st.blockedUntil = now + blockS * 1000;
  return { state: st, verdict: { ok: false, retryAfter: blockS } };
}

/** Where the counters are kept. */
export interface LimitStore {
  /** Applies one hit atomically (across nodes). */
  hit(rule: LimitRule, subject: string, now: number): Promise<Verdict>;
  /** Takes one hit back (the attempt it counted succeeded), unless the subject is blocked. */
  refund(rule: LimitRule, subject: string): Promise<void>;
  close(): Promise<void>;
}

export class PostgresLimitStore implements LimitStore {
  private lastPrune = 0;

  constructor(private readonly db: Db) {}

  async hit(rule: LimitRule, subject: string, now: number): Promise<Verdict> {
    const verdict = await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('authRateLimit')
        .values({ name: rule.name, subject, windowStart: new Date(now), hits: 0, strikes: 0, lastStrikeAt: null, blockedUntil: null })
        .onConflict((oc) => oc.columns(['name', 'subject']).doNothing()).execute();
      const row = await trx.selectFrom('authRateLimit').selectAll().where('name', '=', rule.name).where('subject', '=', subject).forUpdate().executeTakeFirstOrThrow();
      const { state, verdict } = step(rule, {
        windowStart: row.windowStart.getTime(), hits: row.hits, strikes: row.strikes,
        lastStrikeAt: row.lastStrikeAt?.getTime() ?? null, blockedUntil: row.blockedUntil?.getTime() ?? null,
      }, now);
      await trx.updateTable('authRateLimit').set({
        windowStart: new Date(state.windowStart), hits: state.hits, strikes: state.strikes,
        lastStrikeAt: state.lastStrikeAt === null ? null : new Date(state.lastStrikeAt),
        blockedUntil: state.blockedUntil === null ? null : new Date(state.blockedUntil),
      }).where('name', '=', rule.name).where('subject', '=', subject).execute();
      return verdict;
    });
    if (now - this.lastPrune >= PRUNE_EVERY_MS || now < this.lastPrune) {
      this.lastPrune = now;
      const idle = new Date(now - STRIKE_MEMORY_MS);
      await this.db.deleteFrom('authRateLimit').where('windowStart', '<', idle)
        .where((eb) => eb.or([eb('blockedUntil', 'is', null), eb('blockedUntil', '<', idle)])).execute();
    }
    return verdict;
  }

  async refund(rule: LimitRule, subject: string): Promise<void> {
    await this.db.updateTable('authRateLimit').set((eb) => ({ hits: eb.fn('greatest', [eb('hits', '-', 1), eb.lit(0)]) }))
      .where('name', '=', rule.name).where('subject', '=', subject).where('blockedUntil', 'is', null).execute();
  }

  async close(): Promise<void> {}
}

/** The same arithmetic as `step`, run by Redis on one hash per subject. */
const HIT_SCRIPT = `
local now = tonumber(ARGV[1])
local limit, windowMs, blockS, maxBlockS, memoryMs = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local h = redis.call('HMGET', KEYS[1], 'ws', 'hits', 'strikes', 'ls', 'bu')
local ws, hits, strikes = tonumber(h[1]) or now, tonumber(h[2]) or 0, tonumber(h[3]) or 0
local ls, bu = tonumber(h[4]), tonumber(h[5])
if bu and bu > now then return math.max(1, math.ceil((bu - now) / 1000)) end
if now - ws >= windowMs or now < ws then ws = now; hits = 0 end
if ls and now - ls >= memoryMs then strikes = 0 end
hits = hits + 1
local retry = 0
if hits > limit then
  strikes = strikes + 1
  local b = math.min(blockS * 2 ^ math.min(strikes - 1, 20), maxBlockS)
  ls = now; bu = now + b * 1000; retry = b
end
redis.call('HSET', KEYS[1], 'ws', ws, 'hits', hits, 'strikes', strikes, 'ls', ls or '', 'bu', bu or '')
redis.call('PEXPIRE', KEYS[1], memoryMs + math.max(windowMs, maxBlockS * 1000))
return retry
`;
const REFUND_SCRIPT = `
local bu = redis.call('HGET', KEYS[1], 'bu')
if bu and bu ~= '' then return 0 end
local hits = tonumber(redis.call('HGET', KEYS[1], 'hits') or '0') or 0
if hits > 0 then redis.call('HSET', KEYS[1], 'hits', hits - 1) end
return 1
`;

export class RedisLimitStore implements LimitStore {
  private readonly redis: Redis;

  constructor(url: string, private readonly prefix = 'omnihall:limit:', onError?: (e: unknown) => void) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1 });
    // A lost connection is retried by ioredis; meanwhile hits answer UNAVAILABLE, never a crash.
    this.redis.on('error', (e: unknown) => onError?.(e));
  }

  private key(rule: LimitRule, subject: string): string {
    return `${this.prefix}${rule.name}:${subject}`;
  }

  async hit(rule: LimitRule, subject: string, now: number): Promise<Verdict> {
    const retry = Number(await this.redis.eval(HIT_SCRIPT, 1, this.key(rule, subject), now, rule.limit, rule.windowS * 1000, rule.blockS, rule.maxBlockS, STRIKE_MEMORY_MS));
    return retry > 0 ? { ok: false, retryAfter: retry } : { ok: true };
  }

  async refund(rule: LimitRule, subject: string): Promise<void> {
    await this.redis.eval(REFUND_SCRIPT, 1, this.key(rule, subject));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** 429 RATE_LIMITED with the seconds to wait (the REST API adds `Retry-After`). */
export function rateLimited(retryAfter: number): AppError {
  return new AppError('RATE_LIMITED', {
    detail: l10n(`操作过于频繁，请 ${retryAfter} 秒后再试`, `Too many requests; try again in ${retryAfter} s`),
    extra: { retryAfter },
  });
}

/**
 * The key a source address is counted under: an IPv4 address as it is, an IPv6 address by its
 * /64 (one subscriber's line usually holds a whole /64, so rotating inside it gains nothing).
 */
export function addressSubject(ip: string | undefined): string {
  const a = (ip ?? 'unknown').trim().toLowerCase();
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (v4) return v4[1]!;
  if (!a.includes(':')) return a.slice(0, 64);
  const [head, tail = ''] = a.split('::', 2) as [string, string?];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** Addresses and CIDRs (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7`) as one list to test addresses against. */
export function addressList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const [addr = '', bits] = raw.trim().split('/', 2);
    const type = isIPv4(addr) ? 'ipv4' : isIPv6(addr) ? 'ipv6' : null;
    if (!type) throw new Error(`not an address or CIDR: ${raw}`);
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return list;
}

export class RateLimiter {
  private readonly refused: Counter<'limit'>;
  private readonly exempt: BlockList;

  constructor(private readonly store: LimitStore, private readonly clock: Clock, registry?: Registry, exemptAddresses: readonly string[] = []) {
    this.exempt = addressList(exemptAddresses);
    this.refused = new Counter({
      name: 'omnihall_rate_limited_total',
      help: 'Requests refused by a sign-in limit (429), by limit: otp.send.address, otp.send.number, otp.verify.address, otp.verify.number, staff.sign-in.user, staff.sign-in.address',
      labelNames: ['limit'],
      registers: registry ? [registry] : [],
    });
  }

  /** Counts one hit; RATE_LIMITED (429, `retryAfter`) when it is over the rule or the subject is blocked. */
  async hit(rule: LimitRule, subject: string): Promise<void> {
    let v: Verdict;
    try {
      v = await this.store.hit(rule, subject, this.clock.now().getTime());
    } catch (e) {
      if (e instanceof AppError) throw e;
      if (this.store instanceof RedisLimitStore) throw new AppError('UNAVAILABLE', { extra: { retryAfter: STORE_AWAY_RETRY_S } });
      throw e;
    }
    if (!v.ok) {
      this.counted(rule.name);
      throw rateLimited(v.retryAfter);
    }
  }

  /** Whether a source address is exempt from the limits per address (the configured kiosks and proxies). */
  exempted(ip: string | undefined): boolean {
    const a = (ip ?? '').replace(/^::ffff:(?=\d+\.)/, '');
    const type = isIPv4(a) ? 'ipv4' : isIPv6(a) ? 'ipv6' : null;
    return type !== null && this.exempt.check(a, type);
  }

  /** `hit` for a source address (by addressSubject), unless it is exempt. True when counted. */
  async hitAddress(rule: LimitRule, ip: string | undefined): Promise<boolean> {
    if (this.exempted(ip)) return false;
    await this.hit(rule, addressSubject(ip));
    return true;
  }

  /** Takes back a hit whose attempt succeeded (failures only are what a verify limit counts). */
  async refund(rule: LimitRule, subject: string): Promise<void> {
    try {
      await this.store.refund(rule, subject);
    } catch {
      // A refund lost only makes the limit stricter for a while.
    }
  }

  /** Counts a refusal made elsewhere (the staff sign-in lock, the per-number code windows). */
  counted(limit: string): void {
    this.refused.inc({ limit });
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
