// Staff users for the browser tests, made with the staff module's own service the way the
// first start makes `admin`, so a test signs in through the console like a person does.
import { createStaffUser } from '../../src/modules/staff/index.ts';
import type { StaffRole } from '../../src/businesses/registry.ts';
import type { TestEnv } from '../helpers.ts';

export const STAFF_PASSWORD = 'correct horse battery';

/** A staff user with these roles and STAFF_PASSWORD; returns the username. */
export async function addStaff(env: TestEnv, username: string, roles: StaffRole[], displayName = username): Promise<string> {
  await createStaffUser(env.db, { username, displayName, password: STAFF_PASSWORD, roles });
  return username;
}
