// Runs every *.test.ts under src/ and test/ with Node's test runner (Node 20 needs the files named).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2);
const files = only.length ? only : [...find('src'), ...find('test')].sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
console.error(`omnihall tests on ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}: ${files.length} files`);
// The browser tests run after the others, one file at a time: a page of the console (antd's
// chunks) waits on a CPU the other files keep busy, and their waits are bounded.
const isBrowser = (f) => f.split(/[\\/]/).includes('e2e');
const run = (list, concurrency) => list.length === 0 ? 0
  : spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...list], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } }).status ?? 1;
const first = run(files.filter((f) => !isBrowser(f)), 2);
const browser = run(files.filter(isBrowser), 1);
process.exit(first || browser);
