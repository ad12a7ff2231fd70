// The channels that trust the caller's number the gateway sends (Kannel's get-url, the USSD
// gateway, the voice platform) take requests only with their shared secret when one is set, and
// are off in production without one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/app.ts';
import type { Config } from '../src/config.ts';
import { addSubscriber, startTestEnv, type TestEnv } from './helpers.ts';
import { checkVxml } from './vxml-check.ts';

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env.close();
});

async function appWith(config: Partial<Config>) {
  return buildApp({ ...env.s, config: { ...env.s.config, ...config } });
}

const USSD_TOKEN = 'u'.repeat(24);
const IVR_TOKEN = 'v'.repeat(24);

test('USSD: the callback needs the gateway token when one is configured', async () => {
  const app = await appWith({ ussdGatewayToken: USSD_TOKEN });
  const sub = await addSubscriber(env.db);
  const hop = (query: string) => app.inject({
    method: 'POST', url: `/channels/ussd/africastalking${query}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ sessionId: `tok-${query}`, serviceCode: '*100#', phoneNumber: sub.msisdn, text: '' }).toString(),
  });
  try {
    for (const q of ['', '?token=wrong', `?token=${'u'.repeat(23)}`]) {
      const r = await hop(q);
      assert.equal(r.statusCode, 403, q);
      assert.equal(r.body, 'END 请求无效', 'refused in the channel\'s own form');
    }
    const ok = await hop(`?token=${USSD_TOKEN}`);
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /^CON /);
  } finally {
    await app.close();
  }
});

test('IVR: the root and every step need the platform token, and every document passes it on', async () => {
  const app = await appWith({ ivrPlatformToken: IVR_TOKEN });
  const sub = await addSubscriber(env.db, { balanceFen: 12_345 });
  try {
    const refused = await app.inject({ method: 'GET', url: `/channels/ivr/vxml?caller=${sub.msisdn}` });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /请求无效/);
    checkVxml(refused.body);

    const root = await app.inject({ method: 'GET', url: `/channels/ivr/vxml?caller=${sub.msisdn}&token=${IVR_TOKEN}` });
    assert.equal(root.statusCode, 200);
    const doc = checkVxml(root.body);
    const submit = doc.elements.find((e) => e.name === 'submit')!;
    assert.equal(submit.attrs.namelist, 'call h caller token d');
    const tokenVar = doc.elements.find((e) => e.name === 'var' && e.attrs.name === 'token');
    assert.equal(tokenVar?.attrs.expr, `'${IVR_TOKEN}'`);
    for (const e of doc.elements.filter((x) => x.name === 'goto' && x.attrs.next?.startsWith('/'))) assert.match(e.attrs.next!, new RegExp(`token=${IVR_TOKEN}`));

    const vars = Object.fromEntries(doc.elements.filter((e) => e.name === 'var').map((e) => [e.attrs.name, (e.attrs.expr ?? '').replace(/^'|'$/g, '')]));
    const step = (token: string) => app.inject({ method: 'GET', url: `${submit.attrs.next}?${new URLSearchParams({ ...vars, token, d: '1' }).toString()}` });
    assert.equal((await step('wrong')).statusCode, 403);
    const balance = await step(IVR_TOKEN);
    assert.equal(balance.statusCode, 200);
    assert.match(balance.body, /123元4角5分/);
  } finally {
    await app.close();
  }
});

test('in production, each of the three is off until its token is set', async () => {
  const app = await appWith({ production: true, demo: false, kannelServiceToken: undefined, ussdGatewayToken: undefined, ivrPlatformToken: undefined });
  try {
    const sms = await app.inject({ method: 'GET', url: '/channels/sms/kannel?from=13800000001&text=YE' });
    const ussd = await app.inject({
      method: 'POST', url: '/channels/ussd/africastalking', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'sessionId=x&serviceCode=*100%23&phoneNumber=13800000001&text=',
    });
    const ivr = await app.inject({ method: 'GET', url: '/channels/ivr/vxml?caller=13800000001' });
    assert.deepEqual([sms.statusCode, ussd.statusCode, ivr.statusCode], [404, 404, 404]);
  } finally {
    await app.close();
  }
});

test('a gateway secret in a request URL never reaches the log', async () => {
  const lines: string[] = [];
  const app = await buildApp({ ...env.s, config: { ...env.s.config, kannelServiceToken: 'k'.repeat(20) } }, { logger: { level: 'info', stream: { write: (l: string) => void lines.push(l) } } });
  try {
    const sub = await addSubscriber(env.db);
    const r = await app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${sub.msisdn}&text=YE&token=${'k'.repeat(20)}` });
    assert.equal(r.statusCode, 200);
    const log = lines.join('');
    assert.match(log, /token=\[redacted\]/);
    assert.doesNotMatch(log, /kkkkkkkkkkkkkkkkkkkk/);
  } finally {
    await app.close();
  }
});
