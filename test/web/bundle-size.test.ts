// Each web app's first load stays within its budget of JavaScript (gzip): the hall (web hall,
// mobile hall, kiosk: subscribers on phones and slow links) under 300 KB, the staff console
// (Ant Design; staff on office desktops; 243 KB when the limit was set) under 280 KB, its pages beyond the sign-in
// and the frame loaded when first visited. A size check on the built files, not a timing: it
// builds web/dist if needed and measures what each index.html loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const LIMITS_KB = { hall: 300, console: 280 } as const;

interface AppReport { js: { file: string; gzipBytes: number }[]; jsGzipBytes: number }

function measure(): Record<keyof typeof LIMITS_KB, AppReport> {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { stdio: 'inherit' });
  assert.equal(build.status, 0, 'the web apps build');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'web-size.mjs'), '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<keyof typeof LIMITS_KB, AppReport>;
}

const report = measure();
for (const [app, limit] of Object.entries(LIMITS_KB) as [keyof typeof LIMITS_KB, number][]) {
  test(`${app}: first-load JavaScript is under ${limit} KB gzip`, () => {
    const r = report[app];
    assert.ok(r.js.length > 0, `${app}/index.html loads a script`);
    const kb = r.jsGzipBytes / 1024;
    console.error(`${app} first-load JavaScript: ${kb.toFixed(1)} KB gzip (${r.js.map((f) => f.file).join(', ')})`);
    assert.ok(kb < limit, `${kb.toFixed(1)} KB gzip is over ${limit} KB`);
  });
}
