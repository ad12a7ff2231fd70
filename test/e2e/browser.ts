// Browser tests' harness: Debian's chromium driven by playwright-core against omnihall started
// in-process on a fresh database, the web bundle built first, axe-core for accessibility, and a
// layout check for horizontal overflow. Where chromium is missing the tests say so loudly and
// skip, except in CI (CI=true), where they fail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startTestEnv, type TestEnv } from '../helpers.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IN_CI = process.env.CI === 'true';
const ROOT = resolve(import.meta.dirname, '..', '..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

/** false when the browser tests can run; otherwise why they are skipped (never in CI). */
export function skipReason(): string | false {
  if (existsSync(CHROMIUM)) return false;
  if (IN_CI) return false; // launching then fails, and the test with it
  const why = `chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium fonts-noto-cjk\``;
  console.error([
    '',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '!!  BROWSER TESTS SKIPPED: the web hall, mobile hall and kiosk were NOT tested.',
    `!!  ${why}`,
    '!!  (In CI, with CI=true, a missing chromium fails the tests instead.)',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '',
  ].join('\n'));
  return `SKIPPED LOUDLY: ${why}`;
}

/** Builds web/dist when it is missing or older than web/ (a no-op when it is fresh). */
export function ensureWebBuilt(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`building the web app failed (exit ${r.status})`);
}

export interface Hall {
  env: TestEnv;
  base: string;
  context: BrowserContext;
  /** Uncaught errors in the pages, which a test expects to be none. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** omnihall on a fresh database, listening on a free port, and a browser with an empty profile. */
export async function startHall(): Promise<Hall> {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium is required for the browser tests (CI=true) but is not at ${CHROMIUM}`);
  ensureWebBuilt();
  const env = await startTestEnv();
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = env.app.server.address() as { port: number };
  const profile = mkdtempSync(join(tmpdir(), 'omnihall-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    serviceWorkers: 'block',
    // The console then opens its dialogs without the zoom, so a click never lands on a dialog that
    // is still growing (on a loaded CI machine a checkbox was clicked mid-animation and stayed unticked).
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(15_000);
  const pageErrors: string[] = [];
  context.on('page', (p) => p.on('pageerror', (e) => pageErrors.push(`${p.url()}: ${e.message}`)));
  return {
    env, base: `http://127.0.0.1:${port}`, context, pageErrors,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
      await env.close();
    },
  };
}

/** The newest code in the demo SMS outbox, read the way a person in demo mode reads it. */
export async function codeFromOutbox(base: string, msisdn: string): Promise<string> {
  const r = await fetch(`${base}/api/v1/demo/sms-outbox?msisdn=${msisdn}`);
  const body = (await r.json()) as { messages: { text: string }[] };
  const code = body.messages[0]?.text.match(/(\d{6})/)?.[1];
  if (!code) throw new Error(`no code in the outbox for ${msisdn}`);
  return code;
}

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core in the page; returns the serious and critical violations, described. */
export async function axeProblems(page: Page, exclude: readonly string[] = []): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE);
  const context = exclude.length ? JSON.stringify({ include: [['html']], exclude: exclude.map((s) => [s]) }) : 'document';
  const violations = (await page.evaluate(`axe.run(${context}, { resultTypes: ["violations"] }).then((r) => r.violations)`)) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** Elements that stick out of the viewport sideways, and whether the page scrolls sideways. */
export async function overflowProblems(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const w = document.documentElement.clientWidth;
    const out = [];
    if (document.documentElement.scrollWidth > w) out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + 'px > ' + w + 'px');
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (el.closest('.sr-only, .skip-link')) continue;
      // Content a scrolling box clips (a wide table scrolling inside its frame) is not page overflow.
      let clipped = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; }
      }
      if (clipped) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden') continue;
      if (r.right > w + 1 || r.left < -1) {
        const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
        out.push(name + ' spans ' + Math.round(r.left) + '..' + Math.round(r.right) + ' of ' + w + 'px');
      }
    }
    return out.slice(0, 10);
  })()`)) as string[];
}

export const SIZES = [
  { name: 'phone', width: 360, height: 640 },
  { name: 'tablet', width: 768, height: 1024 },
  { name: 'desktop', width: 1440, height: 900 },
] as const;

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** axe passes and nothing sticks out sideways, then the screenshot under `name`. */
export async function checkPage(page: Page, name: string): Promise<void> {
  assert.deepEqual(await axeProblems(page), [], `${name}: axe`);
  assert.deepEqual(await overflowProblems(page), [], `${name}: overflow`);
  await screenshot(page, name);
}

/** A new page at the phone's size (360×640) on a path of the hall, as a first visit (nothing kept on the device). */
export async function freshPhonePage(hall: Hall, path: string): Promise<Page> {
  const page = await hall.context.newPage();
  await page.setViewportSize({ width: 360, height: 640 });
  await page.goto(`${hall.base}${path}`);
  await page.evaluate('localStorage.clear()');
  await page.reload();
  return page;
}

/** Signs in to the hall as a subscriber does: the number, 获取验证码, the code from the SMS outbox, 登录. */
export async function hallSignIn(page: Page, msisdn: string, base: string): Promise<void> {
  await page.getByLabel('手机号码').fill(msisdn);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.getByText(`验证码已发送至 ${msisdn}`).waitFor();
  await page.getByLabel('短信验证码').fill(await codeFromOutbox(base, msisdn));
  await page.getByRole('button', { name: '登录', exact: true }).click();
}
