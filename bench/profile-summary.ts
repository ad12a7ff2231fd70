// Prints where a V8 CPU profile's time went: by package or source file, top functions self and total.
// `npm run bench -- --profile` writes one per server and case to .bench/profiles/.
// Usage: npx tsx bench/profile-summary.ts .bench/profiles/balance.query-postgres-omnihall.cpuprofile [--top 30]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const file = positionals[0];
if (!file) {
  process.stderr.write('usage: tsx bench/profile-summary.ts <file.cpuprofile> [--top N]\n');
  process.exit(2);
}
const top = Number(values.top);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

/** Which part of the program a frame belongs to: an npm package, an omnihall file, or Node/V8. */
function area(f: CallFrame): string {
  if (!f.url) return f.functionName.startsWith('(') ? f.functionName : '(native)';
  const pkg = f.url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  const own = f.url.match(/\/(src|bench)\/(.+)$/);
  if (own) return `${own[1]}/${own[2]}`;
  if (f.url.startsWith('node:')) return 'node internals';
  return f.url;
}
const where = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${area(f)}:${f.lineNumber + 1}`;

const byId = new Map<number, ProfileNode>();
const parent = new Map<number, number>();
for (const n of profile.nodes) {
  byId.set(n.id, n);
  for (const c of n.children ?? []) parent.set(c, n.id);
}

const selfByArea = new Map<string, number>();
const selfByFn = new Map<string, number>();
const totalByFn = new Map<string, number>();
let total = 0;
let idle = 0;
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const node = byId.get(id);
  if (!node) return;
  total += dt;
  if (node.callFrame.functionName === '(idle)') {
    idle += dt;
    return;
  }
  add(selfByArea, area(node.callFrame), dt);
  add(selfByFn, where(node.callFrame), dt);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const k = where(byId.get(at)!.callFrame);
    if (seen.has(k)) continue;
    seen.add(k);
    add(totalByFn, k, dt);
  }
});

const busy = total - idle;
const pct = (v: number) => `${((100 * v) / busy).toFixed(1).padStart(5)} %`;
const list = (title: string, m: Map<string, number>, n: number) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) process.stdout.write(`  ${pct(v)}  ${k}\n`);
};
process.stdout.write(`${file}\n  ${(total / 1e6).toFixed(1)} s sampled, ${((100 * idle) / total).toFixed(0)} % idle; percentages below are of the busy ${(busy / 1e6).toFixed(1)} s\n`);
list('self time by package / file', selfByArea, top);
list('self time by function', selfByFn, top);
list('total time (with callees) by function', totalByFn, top);
