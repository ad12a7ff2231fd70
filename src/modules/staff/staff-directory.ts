// Staff members as their actions name them: a signed-in token's staff id to the actor the audit
// log and the catalogue's history record (display name, current roles), refused once the user is
// disabled. Kept a few seconds per node, so a token's every request does not read the user.
import type { Actor } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import { STAFF_ROLES, type StaffRole } from '../../platform/principal.ts';

/** How long a looked-up user is kept: a disabled user (or a removed role) is refused within this. */
export const STAFF_DIRECTORY_TTL_MS = 10_000;

interface Known {
  name: string;
  active: boolean;
  roles: StaffRole[];
  at: number;
}

/** The roles omnihall knows, in their canonical order (a stored unknown one is ignored). */
export function knownRoles(roles: readonly string[]): StaffRole[] {
  return STAFF_ROLES.filter((r) => roles.includes(r));
}

export class StaffDirectory {
  private readonly cache = new Map<number, Known>();

  constructor(
    private readonly load: (staffId: number) => Promise<{ displayName: string; active: boolean; roles: string[] } | undefined>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * The actor for a staff token; UNAUTHENTICATED when the user is gone or disabled. Its roles
   * are the user's roles now, not those the token was issued with.
   */
  async actor(staffId: number, sourceIp?: string): Promise<Actor> {
    let c = this.cache.get(staffId);
    if (!c || this.now() - c.at > STAFF_DIRECTORY_TTL_MS) {
      const u = await this.load(staffId);
      c = { name: u?.displayName ?? '', active: u?.active ?? false, roles: knownRoles(u?.roles ?? []), at: this.now() };
      this.cache.set(staffId, c);
    }
    if (!c.active) throw new AppError('UNAUTHENTICATED');
    return { id: staffId, name: c.name, roles: c.roles, sourceIp };
  }

  /** Forgets a user after a change to it, so this node sees it at once. */
  forget(staffId: number): void {
    this.cache.delete(staffId);
  }
}
