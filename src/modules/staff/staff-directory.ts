// Staff members as their actions name them: a signed-in token's staff id to the actor the audit
// log and the catalogue's history record (display name), refused once the user is disabled.
import type { Db } from '../../platform/db/index.ts';
import type { Actor } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import type { StaffRole } from '../../platform/principal.ts';

/** How long a looked-up name and active flag are kept: a disabled user is refused within this. */
const TTL_MS = 10_000;

export class StaffDirectory {
  private readonly cache = new Map<number, { name: string; active: boolean; at: number }>();

  constructor(private readonly db: Db, private readonly now: () => number = () => performance.now()) {}

  /** The actor for a staff token; UNAUTHENTICATED when the user is gone or disabled. */
  async actor(staffId: number, roles: readonly StaffRole[], sourceIp?: string): Promise<Actor> {
    let c = this.cache.get(staffId);
    if (!c || this.now() - c.at > TTL_MS) {
      const u = await this.db.selectFrom('staffUser').select(['displayName', 'active']).where('id', '=', staffId).executeTakeFirst();
      c = { name: u?.displayName ?? '', active: u?.active ?? false, at: this.now() };
      this.cache.set(staffId, c);
    }
    if (!c.active) throw new AppError('UNAUTHENTICATED');
    return { id: staffId, name: c.name, roles, sourceIp };
  }

  /** Forgets a user after a change to it, so this node sees it at once. */
  forget(staffId: number): void {
    this.cache.delete(staffId);
  }
}
