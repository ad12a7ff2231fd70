// A real Kannel for the tests: Debian's bearerbox and smsbox (package `kannel`) on free ports with a
// configuration written to a temporary directory, and kannel-extras' fakesmsc as the SMSC: it sends
// the handset's texts into bearerbox and prints what bearerbox delivers to the handset. Where
// Kannel is not installed the tests say so loudly and skip, except in CI (CI=true), where they fail.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeUcs2, readConcat } from '../../src/platform/sms/gsm-encoding.ts';

export const BEARERBOX = process.env.KANNEL_BEARERBOX ?? '/usr/sbin/bearerbox';
export const SMSBOX = process.env.KANNEL_SMSBOX ?? '/usr/sbin/smsbox';
export const FAKESMSC = process.env.KANNEL_FAKESMSC ?? '/usr/lib/kannel/test/fakesmsc';
const IN_CI = process.env.CI === 'true';

/** false when Kannel is installed; otherwise why the tests are skipped (never in CI). */
export function kannelSkipReason(): string | false {
  const missing = [BEARERBOX, SMSBOX, FAKESMSC].filter((p) => !existsSync(p));
  if (missing.length === 0) return false;
  if (IN_CI) return false; // starting it then fails, and the test with it
  const why = `Kannel not installed (${missing.join(', ')} missing): install it with \`apt-get install -y kannel kannel-extras\``;
  console.error([
    '',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '!!  KANNEL TESTS SKIPPED: the SMS hall was NOT tested through a real Kannel.',
    `!!  ${why}`,
    '!!  (In CI, with CI=true, a missing Kannel fails the tests instead.)',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '',
  ].join('\n'));
  return `SKIPPED LOUDLY: ${why}`;
}

/** A TCP port nobody listens on at the moment of asking. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Polls until `check` returns something other than undefined, or throws after `timeoutMs`. */
export async function eventually<T>(what: string, timeoutMs: number, check: () => T | undefined | Promise<T | undefined>, detail: () => string = () => ''): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}\n${detail()}`);
    await sleep(100);
  }
}

/** A child process and a promise of its exit. */
interface Child {
  proc: ChildProcess;
  exited: Promise<void>;
  /** Set once it has exited (or could not be started). */
  gone: boolean;
}

/** The children still running, killed if the test process exits without stopping them. */
const running = new Set<Child>();
process.once('exit', () => {
  for (const c of running) c.proc.kill('SIGKILL');
});

function start(cmd: string, args: string[], outFile: string): Child {
  const fd = openSync(outFile, 'a');
  const proc = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const child: Child = { proc, exited: Promise.resolve(), gone: false };
  running.add(child);
  child.exited = new Promise<void>((done) => {
    const end = () => {
      child.gone = true;
      running.delete(child);
      done();
    };
    proc.once('exit', end);
    proc.once('error', end); // could not be started (no such file)
  });
  return child;
}

/** Ends a child: SIGTERM, then SIGKILL if it has not gone within `graceMs`. */
async function stopChild(c: Child, graceMs = 10_000): Promise<void> {
  if (c.gone) return;
  c.proc.kill('SIGTERM');
  const gone = await Promise.race([c.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!gone) {
    c.proc.kill('SIGKILL');
    await c.exited;
  }
}

export interface Kannel {
  dir: string;
  /** Where fakesmsc connects (bearerbox's fake SMSC). */
  smscPort: number;
  /** smsbox's sendsms URL with the sendsms-user's credentials, as KANNEL_SENDSMS_URL takes it. */
  sendsmsUrl: string;
  /** The end of bearerbox's and smsbox's logs, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

/**
 * The README's Kannel configuration with the fake SMSC in place of the operator's and every port
 * free: `accept-x-kannel-headers`, `concatenation` and `max-messages` on the sms-service, `mo-recode`
 * on the smsbox.
 */
export function kannelConfig(p: { dir: string; admin: number; boxes: number; smsc: number; sendsms: number; getUrl: string }): string {
  return `group = core
admin-port = ${p.admin}
admin-password = adminpass
admin-allow-ip = "127.0.0.1"
smsbox-port = ${p.boxes}
box-allow-ip = "127.0.0.1"
log-file = "${p.dir}/bearerbox.log"
log-level = 0

group = smsc
smsc = fake
smsc-id = FAKE
port = ${p.smsc}
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${p.boxes}
sendsms-port = ${p.sendsms}
mo-recode = true
log-file = "${p.dir}/smsbox.log"
log-level = 0

group = sendsms-user
username = omnihall
password = sendsmspass

group = sms-service
keyword = default
get-url = "${p.getUrl}"
accept-x-kannel-headers = true
concatenation = true
max-messages = 10
`;
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'latin1').split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

/** A box exited while starting: most likely a port taken between asking for it and binding it. */
class KannelExited extends Error {}

/**
 * Starts bearerbox and smsbox; resolves once smsbox is connected to bearerbox, the fake SMSC's
 * port takes connections and the sendsms port answers. `getUrl` is the sms-service's get-url
 * (Kannel's %-escapes). Tried again on fresh ports, up to three times, if a box exits on start.
 */
export async function startKannel(getUrl: string): Promise<Kannel> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startKannelOnce(getUrl);
    } catch (e) {
      if (!(e instanceof KannelExited) || attempt >= 3) throw e;
    }
  }
}

/** Whether something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.setTimeout(5000);
    sock.once('connect', () => {
      sock.end();
      resolve(true);
    });
    sock.once('timeout', () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', () => resolve(false));
  });
}

async function startKannelOnce(getUrl: string): Promise<Kannel> {
  const dir = mkdtempSync(join(tmpdir(), 'omnihall-kannel-'));
  const [admin, boxes, smsc, sendsms] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const conf = join(dir, 'kannel.conf');
  writeFileSync(conf, kannelConfig({ dir, admin, boxes, smsc, sendsms, getUrl }));
  const children: Child[] = [];
  const logs = () => ['bearerbox', 'smsbox'].map((b) => `--- ${b}.log (end)\n${tail(join(dir, `${b}.log`))}\n--- ${b} console\n${tail(join(dir, `${b}.out`), 10)}`).join('\n');
  const stop = async () => {
    for (const c of children.reverse()) await stopChild(c);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // -v 4: only panics on the console; the log files have everything.
    const bearerbox = start(BEARERBOX, ['-v', '4', conf], join(dir, 'bearerbox.out'));
    children.push(bearerbox);
    const status = async (): Promise<string | undefined> => {
      if (bearerbox.gone) throw new KannelExited(`bearerbox exited (${bearerbox.proc.exitCode ?? bearerbox.proc.signalCode})\n${logs()}`);
      try {
        const r = await fetch(`http://127.0.0.1:${admin}/status.txt?password=adminpass`, { signal: AbortSignal.timeout(5000) });
        return r.ok ? await r.text() : undefined;
      } catch {
        return undefined;
      }
    };
    await eventually('bearerbox to answer on its admin port', 60_000, status, logs);
    // fakesmsc gives up at once when nothing listens; bearerbox takes this probe for a client that leaves.
    await eventually('the fake SMSC to listen', 60_000, async () => (await accepts(smsc)) || undefined, logs);
    const smsbox = start(SMSBOX, ['-v', '4', conf], join(dir, 'smsbox.out'));
    children.push(smsbox);
    await eventually('smsbox to connect to bearerbox', 60_000, async () => {
      if (smsbox.gone) throw new KannelExited(`smsbox exited (${smsbox.proc.exitCode ?? smsbox.proc.signalCode})\n${logs()}`);
      return /smsbox:/u.test((await status()) ?? '') || undefined;
    }, logs);
    const sendsmsBase = `http://127.0.0.1:${sendsms}/cgi-bin/sendsms`;
    await eventually('smsbox to answer on its sendsms port', 60_000, async () => {
      try {
        await (await fetch(sendsmsBase, { signal: AbortSignal.timeout(5000) })).text();
        return true;
      } catch {
        return undefined;
      }
    }, logs);
    return { dir, smscPort: smsc, sendsmsUrl: `${sendsmsBase}?username=omnihall&password=sendsmspass`, logs, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** A message fakesmsc received from bearerbox (one SMS, so one part of a long text). */
export interface HandsetSms {
  from: string;
  to: string;
  /** fakesmsc's type: `text` (7-bit, as text), `ucs-2`, `data` (8-bit), or `udh` (UDH and octets). */
  type: string;
  /** The UDH (with its length octet), for `udh`. */
  udh: Buffer | null;
  /** The message's octets: UTF-16BE for `ucs-2`, the text's UTF-8 for `text`. */
  octets: Buffer;
}

/** A URL-encoded value's octets as Kannel encodes them: `%XX` an octet, `+` a space. */
export function urlOctets(value: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value[i] === '%' ? value.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/u.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(...Buffer.from(value[i] === '+' ? ' ' : value[i]!, 'utf8'));
    }
  }
  return Buffer.from(out);
}

/**
 * fakesmsc's "Got message N: <from to type ...>" lines. The fake SMSC's protocol is a line per
 * message and bearerbox writes a 7-bit text as it is, so a text with line breaks reaches fakesmsc
 * as several lines, each printed as a message of its own: a line that is not `from to type ...`
 * continues the text before it, and is joined back with its line break.
 */
export function parseFakesmscOutput(out: string): HandsetSms[] {
  const found: HandsetSms[] = [];
  const re = /Got message \d+: <(.*)>$/gmu;
  for (const m of out.matchAll(re)) {
    const line = m[1]!;
    const [from = '', to = '', type = ''] = line.split(' ', 3);
    const prev = found[found.length - 1];
    if (!(/^\+?\d+$/u.test(from) && /^\+?\d+$/u.test(to) && ['text', 'ucs-2', 'data', 'udh'].includes(type))) {
      if (prev?.type === 'text') prev.octets = Buffer.concat([prev.octets, Buffer.from(`\n${line}`, 'utf8')]);
      continue;
    }
    const rest = line.slice(from.length + to.length + type.length + 3);
    if (type === 'udh') {
      const [udh = '', , data = ''] = rest.split(' ', 3);
      found.push({ from, to, type, udh: urlOctets(udh), octets: urlOctets(data) });
    } else if (type === 'text') {
      found.push({ from, to, type, udh: null, octets: Buffer.from(rest, 'utf8') });
    } else {
      found.push({ from, to, type, udh: null, octets: urlOctets(rest) });
    }
  }
  return found;
}

/**
 * The texts a handset would show from these messages: single messages as they are, concatenated
 * parts once every part of their reference has come, joined in their order. fakesmsc does not say
 * a concatenated part's coding, so `udhCoding` says how to read their octets: as UTF-16BE (`ucs2`)
 * or as the 7-bit text fakesmsc prints (`gsm7`). Incomplete concatenations are left out.
 */
export function handsetTexts(msgs: readonly HandsetSms[], udhCoding: 'ucs2' | 'gsm7'): { text: string; type: string; parts: number }[] {
  const out: { text: string; type: string; parts: number }[] = [];
  const groups = new Map<string, Map<number, HandsetSms>>();
  for (const m of msgs) {
    const concat = m.udh ? readConcat(m.udh) : null;
    if (!concat) {
      out.push({ text: m.type === 'ucs-2' ? decodeUcs2(m.octets) : m.octets.toString('utf8'), type: m.type, parts: 1 });
      continue;
    }
    const key = `${m.from}>${m.to}#${concat.reference}`;
    const parts = groups.get(key) ?? new Map<number, HandsetSms>();
    groups.set(key, parts);
    parts.set(concat.seq, m);
    if (parts.size === concat.total) {
      const octets = Buffer.concat([...parts.entries()].sort(([a], [b]) => a - b).map(([, p]) => p.octets));
      out.push({ text: udhCoding === 'ucs2' ? decodeUcs2(octets) : octets.toString('utf8'), type: 'udh', parts: concat.total });
      groups.delete(key);
    }
  }
  return out;
}

/** fakesmsc connected to bearerbox: sends `messages` (in fakesmsc's form) and records what arrives. */
export class Fakesmsc {
  private readonly child: Child;
  private readonly outFile: string;

  /** @param messages e.g. `13800000001 10086 text YE`, or `… ucs2 %4F%59` (one each, in order of the list) */
  constructor(dir: string, port: number, messages: readonly string[], name: string) {
    this.outFile = join(dir, `fakesmsc-${name}.out`);
    // -m: how many it sends (0: it only receives); with several messages it picks at random, so one.
    if (messages.length > 1) throw new Error('fakesmsc sends one message at random of those given; start one per message');
    const args = ['-H', '127.0.0.1', '-r', String(port), '-i', '0', '-m', String(messages.length), ...(messages.length ? messages : ['0 0 text unused'])];
    this.child = start(FAKESMSC, args, this.outFile);
  }

  output(): string {
    try {
      return readFileSync(this.outFile, 'utf8');
    } catch {
      return '';
    }
  }

  received(): HandsetSms[] {
    return parseFakesmscOutput(this.output());
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}
