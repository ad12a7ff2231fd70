// omnihall as a child process for fault tests: started with `src/main.ts` and its own environment,
// its stderr kept, its exit noticed.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything it wrote to stderr so far. */
  output(): string;
  /** The exit code or signal once it has exited, undefined while it runs. */
  exited(): string | undefined;
  stop(): Promise<void>;
}

/** The environment every fault test's node gets; `env` adds to or overrides it (undefined removes). */
export function serverEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? 'warn', OMNIHALL_DEMO_SUBSCRIBERS: '5', NODE_ENV: 'development' };
  delete out.REDIS_URL;
  delete out.OMNIHALL_ADMIN_PASSWORD;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Starts a node and resolves once it listens (it prints "running on http://localhost:PORT"). */
export function startServer(env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // the log (stdout) and the banner (stderr) in one transcript
  child.stdout!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  let err = '';
  let exit: string | undefined;
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.on('exit', (code, signal) => {
    exit = signal ?? String(code);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${timeoutMs} ms:\n${err}`)), timeoutMs);
    const onData = () => {
      const m = err.match(/running on (http:\/\/localhost:\d+)/);
      if (!m) return;
      clearTimeout(timer);
      child.stderr!.off('data', onData);
      resolve({
        child,
        url: m[1]!.replace('localhost', '127.0.0.1'),
        output: () => err,
        exited: () => exit,
        stop: () => new Promise((done) => {
          if (exit !== undefined) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }),
      });
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${signal ?? code} before it listened:\n${err}`));
    });
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: any }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: r.status, headers: r.headers, json };
}

/** Signs a subscriber in as a person does: a code by SMS, read from the demo outbox. */
export async function signInByOutbox(base: string, msisdn: string): Promise<string> {
  const otp = await postJson(`${base}/api/v1/auth/otp`, { msisdn });
  if (otp.status !== 202) throw new Error(`otp: ${otp.status} ${JSON.stringify(otp.json)}`);
  const out = (await (await fetch(`${base}/api/v1/demo/sms-outbox?msisdn=${msisdn}`)).json()) as { messages: { text: string }[] };
  const code = out.messages[0]!.text.match(/(\d{6})/)![1];
  const t = await postJson(`${base}/api/v1/auth/token`, { msisdn, code });
  if (t.status !== 200) throw new Error(`token: ${t.status} ${JSON.stringify(t.json)}`);
  return t.json.token as string;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The lines of a node's transcript worth reading after it failed: errors first, then the end. */
export function transcript(output: string): string {
  const lines = output.split('\n');
  const errors = lines.filter((l) => /error|unhandled|emitted|terminat/i.test(l)).slice(0, 20).map((l) => l.slice(0, 400));
  return [...errors, '…', ...lines.slice(-15).map((l) => l.slice(0, 400))].join('\n');
}
