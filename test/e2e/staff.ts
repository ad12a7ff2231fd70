// Staff users for the browser tests, made with the staff module's own service the way the
// first start makes `admin`, so a test signs in through the console like a person does; and the
// demo operator a marketing page's test starts on.
import { createStaffUser } from '../../src/modules/staff/index.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { seedDemoMarketing } from '../../src/modules/marketing/index.ts';
import { axeProblems, overflowProblems, screenshot, startHall, type Hall } from './browser.ts';
import type { StaffRole } from '../../src/businesses/registry.ts';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import type { TestEnv } from '../helpers.ts';

export const STAFF_PASSWORD = 'correct horse battery';

/**
 * The hall and console on the demo operator with its marketing (mart, segments, live offers and
 * triggers): `subscribers` demo lines, the server's clock at `now` (the browser's clock when not
 * given, as forms type the browser's days and minutes).
 */
export async function startMarketingHall(o: { subscribers: number; now?: Date }): Promise<Hall> {
  const hall = await startHall();
  hall.env.clock.set(o.now ?? new Date());
  await seedDemo(hall.env.db, { subscribers: o.subscribers, seed: 7, now: hall.env.clock.now() });
  await seedDemoMarketing(hall.env.db, hall.env.s.marketing.mart, hall.env.s.audit, hall.env.clock.now());
  return hall;
}

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

/** Waits for the console's toast (antd message) with this text. */
export async function toast(page: Page, text: string | RegExp): Promise<void> {
  await page.locator('.ant-message-notice').filter({ hasText: text }).first().waitFor();
}

/**
 * Chooses the option with `option` in the select labelled `name` inside `scope` (typing `search`
 * first, for a searchable one), read back until it shows: a click while the list opens is lost.
 */
export async function choose(page: Page, scope: Locator | Page, name: string, option: string, search?: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const box = scope.getByRole('combobox', { name });
    await box.click();
    if (search) await box.fill(search);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).first().click();
    if (await scope.locator(`.ant-select-content[title*="${option}"], .ant-select-selection-item[title*="${option}"]`).first().waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
    assert.ok(attempt < 4, `${option} was chosen in ${name}`);
  }
  // Close the dropdown if it is still open. With reduced motion it has already gone, and an Escape
  // then would close the dialog the select sits in.
  if (await page.locator('.ant-select-dropdown:visible').count()) await page.keyboard.press('Escape');
}

/**
 * A page of the hall's browser for one test, closed after it. The console's chunks are large: on a
 * machine busy with other tests a page can take longer than the harness's 15 s to appear, so its
 * waits are bound at 45 s (a bound, not a timing).
 */
export async function consolePage(hall: Hall, t: { after(fn: () => unknown): void }): Promise<Page> {
  const page = await hall.context.newPage();
  page.setDefaultTimeout(45_000);
  t.after(() => page.close().catch(() => undefined));
  return page;
}

/** Accessibility and layout of the page as it stands (axe-core, sideways overflow), and a photograph of it as `name`. */
export async function checkConsole(page: Page, name: string): Promise<void> {
  // A toast fades on its own clock; it is announced to screen readers and left out of the check.
  assert.deepEqual(await axeProblems(page, ['.ant-message']), [], `${name}: accessibility`);
  assert.deepEqual(await overflowProblems(page), [], `${name}: sideways overflow`);
  await screenshot(page, name);
}
