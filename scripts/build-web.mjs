// Builds the web apps (web/ → web/dist: the hall and the staff console) when either is missing or
// older than its sources (web/ and the src/platform files the apps import), then writes
// gzip and brotli copies of the text assets for @fastify/static to serve. Runs before `npm start`
// and before the browser tests; `--force` always builds. Several callers at once build it once.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const dist = join(web, 'dist');
const stamp = join(dist, '.built');
const lock = join(web, '.build-lock');
const SOURCES = [
  ...['shared', 'hall', 'console', 'public', 'vite.config.ts'].map((p) => join(web, p)),
  // Plain TS the apps share with the server: one money parser, one MSISDN normaliser.
  ...['money.ts', 'msisdn.ts'].map((p) => join(root, 'src', 'platform', p)),
];
/** Each app's page; both must be there for the build to count as made. */
const PAGES = ['hall', 'console'].map((app) => join(dist, app, 'index.html'));

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const name of readdirSync(path)) m = Math.max(m, newest(join(path, name)));
  return m;
}

function fresh() {
  return PAGES.every((p) => existsSync(p)) && existsSync(stamp) && statSync(stamp).mtimeMs >= Math.max(...SOURCES.map(newest));
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** A directory as a lock: mkdir is atomic. A lock left by a process that died is taken over. */
function acquire() {
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let pid = 0;
      try {
        pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // The holder has not written its pid yet.
      }
      if (pid && !alive(pid)) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(sleeper, 0, 0, 200);
    }
  }
}

function compressAll(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) compressAll(p);
    else if (/\.(js|css|html|svg|json)$/.test(name)) {
      const body = readFileSync(p);
      writeFileSync(`${p}.gz`, gzipSync(body, { level: 9 }));
      writeFileSync(`${p}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
    }
  }
}

const force = process.argv.includes('--force');
if (!force && fresh()) {
  process.exit(0);
}
acquire();
try {
  if (force || !fresh()) {
    process.stderr.write('omnihall: building the web apps (web/ → web/dist)…\n');
    // The tests run with NODE_ENV=test, which would make Vite bundle React's development build.
    process.env.NODE_ENV = 'production';
    const { build } = await import('vite');
    await build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
    compressAll(dist);
    writeFileSync(stamp, new Date().toISOString());
    process.stderr.write('omnihall: web apps built\n');
  }
} finally {
  rmSync(lock, { recursive: true, force: true });
}
