// The JavaScript a first visit to the web app downloads, gzipped: the entry script and the
// chunks index.html preloads. Prints the figure; `--json` prints it for the size test;
// `--max-kb N` exits non-zero when it is over N KB. Reads web/dist (build it first).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'web', 'dist');
const indexPath = join(dist, 'index.html');
if (!existsSync(indexPath)) {
  console.error('web/dist/index.html is missing: run `node scripts/build-web.mjs` first');
  process.exit(2);
}
const html = readFileSync(indexPath, 'utf8');
const refs = new Set();
for (const m of html.matchAll(/<script[^>]*\ssrc="([^"]+\.js)"/g)) refs.add(m[1]);
for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)) refs.add(m[1]);
const css = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+\.css)"/g)].map((m) => m[1]);

const measure = (ref) => {
  const body = readFileSync(join(dist, ref.replace(/^\//, '')));
  return { file: ref, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
};
const js = [...refs].map(measure);
const styles = css.map(measure);
const sum = (xs, k) => xs.reduce((n, x) => n + x[k], 0);
const report = {
  js, css: styles,
  jsBytes: sum(js, 'bytes'), jsGzipBytes: sum(js, 'gzipBytes'),
  cssGzipBytes: sum(styles, 'gzipBytes'),
};

if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  for (const f of js) console.log(`  ${f.file}  ${kb(f.bytes)} → ${kb(f.gzipBytes)} gzip`);
  console.log(`first-load JavaScript: ${kb(report.jsGzipBytes)} gzip (${kb(report.jsBytes)} raw); CSS ${kb(report.cssGzipBytes)} gzip`);
}
const max = process.argv.indexOf('--max-kb');
if (max > 0 && report.jsGzipBytes > Number(process.argv[max + 1]) * 1024) {
  console.error(`first-load JavaScript is over ${process.argv[max + 1]} KB gzip`);
  process.exit(1);
}
