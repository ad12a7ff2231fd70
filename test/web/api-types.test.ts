// The web apps' API types are the server's: web/shared/api-types.ts (and the openapi.json it is
// made from) must be what scripts/web-types.mjs makes of the document the server serves now. A
// route whose schema changed without `node scripts/web-types.mjs` fails here, not in a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

test('the committed web API types match the server’s OpenAPI document', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'web-types.mjs'), '--check'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr.split('\n').filter(Boolean).slice(-3).join('\n'));
});
