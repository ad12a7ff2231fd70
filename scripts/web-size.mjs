// The JavaScript a first visit to each web app downloads, gzipped: the entry script and the
// chunks its index.html preloads (chunks loaded later, on a route, are not counted). Prints the
// figures of the hall (web/dist/hall) and the staff console (web/dist/console); `--json` prints
// them for the size test; `--max-kb hall=300,console=600` exits non-zero when an app is over.
// Reads web/dist (build it first).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'web', 'dist');
const APPS = ['hall', 'console'];

const gz = (body) => gzipSync(body, { level: 9 }).length;
const measure = (ref) => {
  const body = readFileSync(join(dist, ref.replace(/^\//, '')));
  return { file: ref, bytes: body.length, gzipBytes: gz(body) };
};
const sum = (xs, k) => xs.reduce((n, x) => n + x[k], 0);

function firstLoad(app) {
  const indexPath = join(dist, app, 'index.html');
  if (!existsSync(indexPath)) {
    console.error(`web/dist/${app}/index.html is missing: run \`node scripts/build-web.mjs\` first`);
    process.exit(2);
  }
  const html = readFileSync(indexPath, 'utf8');
  const refs = new Set();
  for (const m of html.matchAll(/<script[^>]*\ssrc="([^"]+\.js)"/g)) refs.add(m[1]);
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)) refs.add(m[1]);
  const css = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+\.css)"/g)].map((m) => m[1]);
  const js = [...refs].map(measure);
  const styles = css.map(measure);
  return { js, css: styles, jsBytes: sum(js, 'bytes'), jsGzipBytes: sum(js, 'gzipBytes'), cssGzipBytes: sum(styles, 'gzipBytes') };
}

const report = Object.fromEntries(APPS.map((app) => [app, firstLoad(app)]));
// Everything the build made, for a sense of what the routes load later.
const all = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js')).map((f) => measure(`/assets/${f}`));
const allGzipBytes = sum(all, 'gzipBytes');

if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify({ ...report, allJsGzipBytes: allGzipBytes })}\n`);
} else {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  for (const app of APPS) {
    const r = report[app];
    console.log(`${app}:`);
    for (const f of r.js) console.log(`  ${f.file}  ${kb(f.bytes)} → ${kb(f.gzipBytes)} gzip`);
    console.log(`  first-load JavaScript: ${kb(r.jsGzipBytes)} gzip (${kb(r.jsBytes)} raw); CSS ${kb(r.cssGzipBytes)} gzip`);
  }
  console.log(`all JavaScript the build made (both apps, every route): ${kb(allGzipBytes)} gzip in ${all.length} files`);
}
const max = process.argv.indexOf('--max-kb');
if (max > 0) {
  let over = false;
  for (const pair of String(process.argv[max + 1] ?? '').split(',')) {
    const [app, limit] = pair.split('=');
    if (report[app] && report[app].jsGzipBytes > Number(limit) * 1024) {
      console.error(`${app}: first-load JavaScript is over ${limit} KB gzip`);
      over = true;
    }
  }
  if (over) process.exit(1);
}
