// The first load of the web app stays under 300 KB of JavaScript (gzip). A size check on the
// built files, not a timing: it builds web/dist if needed and measures what index.html loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const LIMIT_KB = 300;

test(`first-load JavaScript is under ${LIMIT_KB} KB gzip`, () => {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { stdio: 'inherit' });
  assert.equal(build.status, 0, 'the web app builds');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'web-size.mjs'), '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { js: { file: string; gzipBytes: number }[]; jsGzipBytes: number };
  assert.ok(report.js.length > 0, 'index.html loads a script');
  const kb = report.jsGzipBytes / 1024;
  console.error(`web app first-load JavaScript: ${kb.toFixed(1)} KB gzip (${report.js.map((f) => f.file).join(', ')})`);
  assert.ok(kb < LIMIT_KB, `${kb.toFixed(1)} KB gzip is over ${LIMIT_KB} KB`);
});
