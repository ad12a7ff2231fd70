// Staff users (admin, product, marketing, agent, ops): password sign-in, and the first admin.
import type { Db } from '../../platform/db/index.ts';
import { STAFF_ROLES, type StaffRole } from '../../platform/principal.ts';
import { AppError } from '../../platform/errors.ts';
import type { Random } from '../../platform/ports.ts';
import { hashPassword, verifyPassword } from './password.ts';

export async function createStaffUser(db: Db, u: { username: string; displayName: string; password: string; roles: StaffRole[] }): Promise<number> {
  const row = await db.insertInto('staffUser')
    .values({ username: u.username, displayName: u.displayName, passwordHash: await hashPassword(u.password), roles: u.roles, active: true })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Makes sure an admin exists. On first start it creates `admin` with the given password, or a
 * random one that is returned so start-up can print it once.
 */
export async function ensureAdmin(db: Db, random: Random, password: string | undefined): Promise<{ created: boolean; password?: string }> {
  const existing = await db.selectFrom('staffUser').select('id').where('username', '=', 'admin').executeTakeFirst();
  if (existing) return { created: false };
  const pw = password ?? random.token(12);
  await createStaffUser(db, { username: 'admin', displayName: '系统管理员 Administrator', password: pw, roles: ['admin'] });
  return { created: true, password: password ? undefined : pw };
}

export async function authenticateStaff(db: Db, username: string, password: string): Promise<{ id: number; roles: StaffRole[] }> {
  const u = await db.selectFrom('staffUser').select(['id', 'passwordHash', 'roles', 'active']).where('username', '=', username).executeTakeFirst();
  // Hash even for unknown users so timing does not reveal which usernames exist.
  const ok = await verifyPassword(password, u?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  if (!u || !u.active || !ok) throw new AppError('BAD_CREDENTIALS');
  return { id: u.id, roles: u.roles.filter((r): r is StaffRole => (STAFF_ROLES as readonly string[]).includes(r)) };
}
