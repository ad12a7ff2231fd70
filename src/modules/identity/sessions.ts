// Sessions that end on every node: a token names its session and its principal's generation;
// a sign-out records the session as ended, and disabling a staff user, changing their roles or
// password (or "sign out everywhere") raises the principal's generation. Both live in
// PostgreSQL; each node keeps them in memory (loaded at start, then the changes read every
// second), so checking a token stays a lookup with no database round trip and a revocation made
// on any node holds on every node within about a second (at once on the node that made it).
//
// If a node cannot read the changes (the database is away), it keeps what it knew and says so
// through `onError`: it cannot serve what needs the database meanwhile either, and nobody can
// revoke anything without the database.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Principal } from '../../platform/principal.ts';
import type { Clock, Random } from '../../platform/ports.ts';
import type { RevocationCheck, TokenSession, TokenSigner } from './tokens.ts';

/** How often a node reads the revocations made since it last looked. */
export const REVOCATION_POLL_MS = 1000;
/**
 * How far back each read looks again: a revocation's time is taken when its row is written, so one
 * whose transaction commits later than that (by up to this) is still seen.
 */
const OVERLAP_MS = 10_000;
/** How often a node drops ended sessions whose tokens have expired anyway (and deletes their rows). */
const PRUNE_EVERY_MS = 10 * 60_000;

type Kind = 's' | 'u';

function kindOf(p: Principal): { kind: Kind; id: number } {
  return p.kind === 'subscriber' ? { kind: 's', id: p.subscriberId } : { kind: 'u', id: p.staffId };
}

export interface AuthSessionsOptions {
  pollMs?: number;
  /** A read of the revocations failed (the node keeps what it knew). */
  onError?: (e: unknown) => void;
}

export class AuthSessions implements RevocationCheck {
  /** `kind:id` → the principal's generation; tokens below it are ended. */
  private readonly generations = new Map<string, number>();
  /** Ended session ids → when their token expires (ms). */
  private readonly ended = new Map<string, number>();
  /** The database's time of the last read, minus the overlap; null before the first. */
  private since: Date | null = null;
  private reading: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private lastPrune = 0;

  constructor(
    private readonly db: Db,
    private readonly signer: TokenSigner,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly opts: AuthSessionsOptions = {},
  ) {
    signer.checkRevocationsWith(this);
  }

  /** Reads every revocation still in force, then keeps reading the new ones in the background. */
  async start(): Promise<void> {
    await this.sync();
    if (this.timer) return;
    this.timer = setInterval(() => void this.sync().catch((e: unknown) => this.opts.onError?.(e)), this.opts.pollMs ?? REVOCATION_POLL_MS);
    this.timer.unref();
  }

  /** Stops reading, once the read under way (if any) has ended. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.reading.catch(() => undefined);
  }

  /** Whether a genuine token has been ended since it was issued (TokenSigner asks on every check). */
  revoked(t: TokenSession): boolean {
    if (this.ended.has(t.sid)) return true;
    return (this.generations.get(`${t.kind}:${t.id}`) ?? 0) > t.generation;
  }

  /** A new session for a principal who has just proved who they are: its token. */
  async issue(principal: Principal, ttlSeconds: number): Promise<string> {
    const { kind, id } = kindOf(principal);
    const row = await this.db.selectFrom('authGeneration').select('generation')
      .where('kind', '=', kind).where('principalId', '=', id).executeTakeFirst();
    const generation = row?.generation ?? 0;
    this.raise(kind, id, generation);
    return this.signer.issue(principal, this.clock.now(), ttlSeconds, { sid: this.random.token(16), generation });
  }

  /**
   * Ends the session of a token (a sign-out): false when the token is not genuine. With
   * `everywhere`, every session of its principal ends.
   */
  async signOut(token: string, everywhere = false): Promise<boolean> {
    const s = this.signer.session(token);
    if (!s) return false;
    if (everywhere) {
      await this.endAll(this.db, s.kind, s.id);
    } else {
      await this.db.insertInto('authSessionRevocation').values({ sessionId: s.sid, expiresAt: new Date(s.expMs) })
        .onConflict((oc) => oc.column('sessionId').doNothing()).execute();
    }
    await this.sync();
    return true;
  }

  /**
   * Ends every session of a principal, in the caller's transaction when `q` is one; call `sync()`
   * after it commits so this node holds it at once (other nodes read it within a second).
   */
  async endAll(q: Db, kind: Kind, id: number): Promise<void> {
    await q.insertInto('authGeneration').values({ kind, principalId: id, generation: 1 })
      .onConflict((oc) => oc.columns(['kind', 'principalId']).doUpdateSet((eb) => ({
        generation: eb('authGeneration.generation', '+', 1),
        changedAt: sql<Date>`clock_timestamp()`,
      }))).execute();
  }

  /** Reads the revocations made since the last read (one read at a time; a call waits for its own). */
  sync(): Promise<void> {
    const next = this.reading.catch(() => undefined).then(() => this.read());
    this.reading = next;
    return next;
  }

  private raise(kind: Kind, id: number, generation: number): void {
    const key = `${kind}:${id}`;
    if ((this.generations.get(key) ?? 0) < generation) this.generations.set(key, generation);
  }

  private async read(): Promise<void> {
    const now = this.clock.now();
    const since = this.since;
    const dbNow = (await sql<{ now: Date }>`select clock_timestamp() as now`.execute(this.db)).rows[0]!.now;
    let gens = this.db.selectFrom('authGeneration').select(['kind', 'principalId', 'generation']);
    let ends = this.db.selectFrom('authSessionRevocation').select(['sessionId', 'expiresAt']).where('expiresAt', '>', now);
    if (since) {
      gens = gens.where('changedAt', '>', since);
      ends = ends.where('revokedAt', '>', since);
    }
    const [g, e] = [await gens.execute(), await ends.execute()];
    for (const r of g) this.raise(r.kind, r.principalId, r.generation);
    for (const r of e) this.ended.set(r.sessionId, r.expiresAt.getTime());
    this.since = new Date(new Date(dbNow).getTime() - OVERLAP_MS);
    if (now.getTime() - this.lastPrune >= PRUNE_EVERY_MS || now.getTime() < this.lastPrune) {
      this.lastPrune = now.getTime();
      for (const [sid, exp] of this.ended) if (exp <= now.getTime()) this.ended.delete(sid);
      await this.db.deleteFrom('authSessionRevocation').where('expiresAt', '<=', now).execute();
    }
  }
}
