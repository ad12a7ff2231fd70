// Staff users for the browser tests, made with the staff module's own service the way the
// first start makes `admin`, so a test signs in through the console like a person does.
import { createStaffUser } from '../../src/modules/staff/index.ts';
import type { StaffRole } from '../../src/businesses/registry.ts';
import type { Page } from 'playwright-core';
import type { TestEnv } from '../helpers.ts';

export const STAFF_PASSWORD = 'correct horse battery';

/** A staff user with these roles and STAFF_PASSWORD; returns the username. */
export async function addStaff(env: TestEnv, username: string, roles: StaffRole[], displayName = username): Promise<string> {
  await createStaffUser(env.db, { username, displayName, password: STAFF_PASSWORD, roles });
  return username;
}

/**
 * Signs in to the console as a person does: its sign-in page, the username and STAFF_PASSWORD,
 * then 首页; `onSignInPage` runs while the sign-in page shows (a screenshot of it).
 */
export async function consoleSignIn(page: Page, base: string, username: string, onSignInPage?: () => Promise<void>): Promise<void> {
  await page.goto(`${base}/console`);
  await page.getByRole('heading', { level: 1, name: '登录运营管理台' }).waitFor();
  if (onSignInPage) await onSignInPage();
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: '首页' }).waitFor();
}

/** Signs out from the user menu and waits for the console to say so. */
export async function consoleSignOut(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await page.getByText('您已退出登录。').waitFor();
}
