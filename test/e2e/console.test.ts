// The staff console in a real browser, at 1440×900 and at 768×1024: an admin signs in and makes
// two product managers; A creates a data pack with only a name and a price, adds its allowance
// (an If-Match edit), and submits it to In test (approving one's own change is refused), B approves; A submits it to
// Launched on USSD only, B approves. The pack is then on the USSD menu and not in the web hall's
// pack list. Every page is checked with axe-core and for sideways overflow, and photographed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { addSubscriber, signIn as subscriberToken } from '../helpers.ts';
import { axeProblems, overflowProblems, screenshot, skipReason, startHall, type Hall } from './browser.ts';
import { addStaff, consoleSignIn, consoleSignOut, STAFF_PASSWORD, toast } from './staff.ts';

const skip = skipReason();

const CONSOLE_SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'tablet', width: 768, height: 1024 },
] as const;

/** Accessibility and layout of the page as it stands, and a photograph of it. */
async function check(page: Page, name: string): Promise<void> {
  // Let Ant Design's fades finish: half-faded text fails axe's contrast check.
  await page.waitForTimeout(400);
  // A toast (Ant Design's message) fades out on its own clock, which a loaded machine stretches:
  // it is left out of the page's check (its text is also announced to screen readers).
  assert.deepEqual(await axeProblems(page, ['.ant-message']), [], `${name}: accessibility`);
  assert.deepEqual(await overflowProblems(page), [], `${name}: sideways overflow`);
  await screenshot(page, `console-${name}`);
}

describe('staff console in a browser', { skip }, () => {
  let hall: Hall;
  const admin = 'admin1';

  before(async () => {
    hall = await startHall();
    await addStaff(hall.env, admin, ['admin'], '系统管理员');
  });

  after(async () => {
    await hall?.close();
  });

  for (const size of CONSOLE_SIZES) {
    test(`at ${size.width}×${size.height}: a data pack goes through two reviews to USSD only`, async (t) => {
      const page = await hall.context.newPage();
      // The console's chunks (antd) are larger than the hall's: on a machine busy with the other
      // test files a page can take longer than the harness's 15 s to appear. A bound, not a timing.
      page.setDefaultTimeout(45_000);
      t.after(() => page.close().catch(() => undefined));
      await page.setViewportSize({ width: size.width, height: size.height });
      const shot = (what: string) => check(page, `${what}-${size.name}`);
      const pmA = `pma${size.name}`;
      const pmB = `pmb${size.name}`;
      const packName = `测试流量包${size.width}`;
      // A subscriber of each run's own: sign-in codes are rate-limited per number.
      const { msisdn } = await addSubscriber(hall.env.db, { balanceFen: 10_000 });

      const go = async (menu: string) => {
        // At 768 the side menu is icons only: the items keep their names for assistive technology.
        await page.getByRole('menuitem', { name: menu }).click();
        await page.getByRole('heading', { level: 1, name: menu }).waitFor();
      };
      // The side menu up to the mall's group (商城), which comes last and is there: its pages are console-mall.test.ts's.
      const menuBeforeMall = async () => {
        const items = await page.getByRole('menuitem').allInnerTexts().then((xs) => xs.map((x) => x.trim()).filter(Boolean));
        assert.ok(items.includes('商城'), `the mall's group is in the menu: ${items.join(' ')}`);
        return items.slice(0, items.indexOf('商城'));
      };
      const signIn = (username: string, shotName?: string) => consoleSignIn(page, hall.base, username, shotName ? () => shot(shotName) : undefined);
      const signOut = () => consoleSignOut(page);
      const openPack = async () => {
        await go('产品目录');
        await page.getByRole('searchbox', { name: '搜索名称或编码' }).fill(packName);
        await page.getByRole('button', { name: '搜索' }).click();
        await page.getByRole('link', { name: packName }).click();
        await page.getByRole('heading', { level: 1, name: packName }).waitFor();
      };
      const approveAsB = async () => {
        await signIn(pmB);
        await page.getByTestId('home-to-review').getByRole('link', { name: packName }).waitFor();
        await go('待审核');
        await page.getByRole('button', { name: `通过：${packName}` }).click();
        await page.getByRole('dialog').getByRole('button', { name: '通过' }).click();
        await toast(page, '已通过');
        await signOut();
      };

      // A wrong password gets the server's message. (Start signed out: the browser profile is shared.)
      // Cleared on a page of the origin where no app runs, so no app can write its session back
      // between the clearing and the next load.
      await page.goto(`${hall.base}/favicon.svg`);
      await page.evaluate('localStorage.clear(); sessionStorage.clear()');
      await page.goto(`${hall.base}/console`);
      await page.getByRole('heading', { level: 1, name: '登录运营管理台' }).waitFor();
      await page.getByLabel('用户名').fill(admin);
      await page.getByLabel('密码').fill('not the password');
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.getByTestId('sign-in-error').filter({ hasText: '用户名或密码错误' }).waitFor();

      // The admin makes the two product managers.
      await signIn(admin, 'sign-in');
      await shot('home-admin');
      assert.deepEqual(
        await menuBeforeMall(),
        // The marketing pages are a group of their own; at 768 the menu is icons and the group's pages open from it.
        ['首页', '产品目录', '待审核', '业务渠道', '员工管理', '审计日志', '营销', ...(size.name === 'desktop' ? ['客户特征', '客群', '优惠', '最佳优惠解释', '接触策略', '触发规则', '群发', '外呼名单', '我的外呼', '营销效果'] : [])],
        'the admin has every page',
      );
      await go('员工管理');
      for (const [username, name] of [[pmA, '产品经理甲'], [pmB, '产品经理乙']] as const) {
        await page.getByRole('button', { name: '新建员工' }).click();
        const dialog = page.getByRole('dialog', { name: '新建员工' });
        await dialog.getByLabel('用户名').fill(username);
        await dialog.getByLabel('姓名').fill(name);
        await dialog.getByLabel('初始密码').fill(STAFF_PASSWORD);
        await dialog.getByRole('checkbox', { name: '产品经理' }).check();
        await dialog.getByRole('button', { name: '保存' }).click();
        await toast(page, `已创建员工：${name}`);
        await page.getByTestId('staff-table').getByRole('cell', { name: username, exact: true }).waitFor();
      }
      await shot('staff');
      await go('审计日志');
      await page.getByTestId('audit-table').getByText('staff.create').first().waitFor();
      await shot('audit');
      await go('业务渠道');
      await page.getByRole('switch', { name: '话费余额查询：USSD 菜单' }).waitFor();
      await shot('businesses');
      await signOut();

      // A creates the pack with only a name and a price (a data pack: the kind chosen), In design.
      await signIn(pmA);
      assert.deepEqual(await menuBeforeMall(), ['首页', '产品目录', '待审核', '业务渠道'], 'a product manager’s menu');
      await go('产品目录');
      await page.getByTestId('offerings-table').locator('tbody tr.ant-table-row').first().waitFor();
      await shot('offerings');
      await page.getByRole('button', { name: '新建产品' }).click();
      const create = page.getByRole('dialog', { name: '新建产品' });
      await create.getByLabel('中文名称').fill(packName);
      // The visible list (Ant Design's role=option elements are a hidden copy for screen readers).
      // A click that lands while the list is still opening is lost, so the choice is read back
      // from the field, and made again until it shows.
      for (let attempt = 1; ; attempt++) {
        await create.getByRole('combobox', { name: '类型' }).click();
        await page.locator('.ant-select-item-option[title="流量包"]').click();
        // The field shows its value with the value as its title.
        const chosen = create.locator('.ant-select-content[title="流量包"]');
        if (await chosen.waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
        assert.ok(attempt < 4, 'the kind 流量包 was chosen in the create dialog');
      }
      await create.getByLabel('价格（元）').fill('6.5');
      await shot('offering-create');
      await create.getByRole('button', { name: '保存' }).click();
      await page.getByRole('heading', { level: 1, name: packName }).waitFor();
      const details = page.getByTestId('offering-details');
      await details.getByText('¥6.50').waitFor();
      await details.getByText('流量包', { exact: true }).waitFor();
      await page.getByTestId('offering-status').getByText('设计中').waitFor();

      // A adds its allowance (an edit sent with If-Match on the revision read).
      await page.getByRole('button', { name: '编辑', exact: true }).first().click();
      const edit = page.getByRole('dialog', { name: '编辑产品' });
      await edit.getByLabel('流量（MB）').fill('1024');
      await edit.getByRole('button', { name: '保存' }).click();
      await toast(page, '已保存');
      await details.getByText('流量 1GB').waitFor();
      await page.getByRole('button', { name: '提交测试审核' }).click();
      await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
      await toast(page, /已提交审核/);
      await page.getByText(/有一项申请正在等待审核/).waitFor();
      await shot('offering-in-design');

      // A cannot approve their own change.
      await go('待审核');
      await page.getByRole('button', { name: `通过：${packName}` }).click();
      await page.getByRole('dialog').getByRole('button', { name: '通过' }).click();
      await page.locator('.ant-modal-confirm-title').filter({ hasText: '不能审核自己提交的申请，请由另一位产品经理审核。' }).waitFor();
      await page.getByRole('dialog').getByRole('button', { name: '确定' }).last().click();
      await shot('reviews');
      await signOut();

      await approveAsB();

      // A submits it to Launched on USSD only.
      await signIn(pmA);
      await openPack();
      await page.getByTestId('offering-status').getByText('测试中').waitFor();
      await page.getByRole('button', { name: '提交上线审核' }).click();
      const launch = page.getByRole('dialog', { name: '提交审核：上线' });
      await launch.getByRole('checkbox', { name: 'USSD 菜单' }).check();
      await launch.getByRole('button', { name: '确定' }).click();
      await toast(page, /已提交审核/);
      await signOut();

      await approveAsB();

      // Launched, on USSD and nowhere else.
      await signIn(pmA);
      await openPack();
      await page.getByTestId('offering-status').getByText('已上线').waitFor();
      const channels = page.getByTestId('offering-channels');
      assert.equal(await channels.getByRole('switch', { name: 'USSD 菜单上架' }).getAttribute('aria-checked'), 'true');
      assert.equal(await channels.getByRole('switch', { name: '网上营业厅上架' }).getAttribute('aria-checked'), 'false');
      await page.getByTestId('history').getByText('测试中 → 已上线').waitFor();
      await shot('offering-launched');
      // English, remembered.
      await page.getByRole('button', { name: '切换到中文' }).or(page.getByRole('button', { name: 'Switch to English' })).click();
      await page.getByRole('heading', { level: 2, name: 'Lifecycle' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { level: 2, name: 'Lifecycle' }).waitFor();
      await shot('offering-launched-en');
      await page.getByRole('button', { name: '切换到中文' }).click();
      await page.getByRole('heading', { level: 2, name: '生命周期' }).waitFor();
      await page.close();

      // On the USSD menu: dial, choose the packs, page until the pack shows.
      const screens: string[] = [];
      const sessionId = `ATUid_console_${size.name}`;
      let text = '';
      const hop = async (input?: string) => {
        if (input !== undefined) text = text ? `${text}*${input}` : input;
        const r = await fetch(`${hall.base}/channels/ussd/africastalking`, {
          method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ sessionId, serviceCode: '*100#', phoneNumber: msisdn, text }).toString(),
        });
        const body = await r.text();
        assert.equal(r.status, 200, body);
        screens.push(body);
        return body;
      };
      const option = (screen: string, name: string) => new RegExp(`(\\d+)[.、)]\\s*${name}`).exec(screen)?.[1];
      /** Pages on (98) until the screen names `name`, or there is no next page. */
      const pageTo = async (screen: string, name: string) => {
        for (let i = 0; i < 10 && !screen.includes(name) && /98下页/.test(screen); i++) screen = await hop('98');
        return screen;
      };
      // 订购业务 (pack.subscribe): its choices are the packs this number may order on USSD.
      const menu = await pageTo(await hop(), '订购业务');
      const order = option(menu, '订购业务');
      assert.ok(order, `the USSD menu offers ordering a pack:\n${screens.join('\n---\n')}`);
      const choices = await pageTo(await hop(order), packName);
      assert.ok(choices.includes(packName), `the pack is on the USSD menu:\n${screens.join('\n---\n')}`);

      // Not in the web hall's pack list.
      const token = await subscriberToken(hall.env, msisdn);
      const web = await fetch(`${hall.base}/api/v1/businesses/packs.list`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-omnihall-channel': 'web' }, body: '{"input":{}}',
      });
      assert.equal(web.status, 200);
      const packs = ((await web.json()) as { result: { packs: { nameZh: string }[] } }).result.packs;
      assert.ok(packs.length > 0, 'the web hall lists other packs');
      assert.ok(!packs.some((p) => p.nameZh === packName), 'the pack launched on USSD only is not in the web hall');
      assert.deepEqual(hall.pageErrors, []);
    });
  }
});
