// A business added to the registry appears on USSD and IVR with no channel code changed: its
// choice list, money and text inputs, quote and confirmation all come from its declaration.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BUSINESSES } from '../src/businesses/index.ts';
import { noInput } from '../src/businesses/common.ts';
import { Invoker } from '../src/businesses/invoke.ts';
import { defineBusiness, Registry, type Business } from '../src/businesses/registry.ts';
import { ivrRoutes } from '../src/channels/ivr/index.ts';
import type { OffersSource } from '../src/channels/menu.ts';
import { ussdRoutes } from '../src/channels/ussd/index.ts';
import { measure } from '../src/channels/ussd/render.ts';
import { builtinBss } from '../src/modules/subscriber/index.ts';
import { l10n, money } from '../src/platform/i18n.ts';
import { addSubscriber, balanceAndLedger, startTestEnv, type TestEnv } from './helpers.ts';
import { checkVxml, docVar, mainPrompt, type ParsedVxml } from './vxml-check.ts';

// Names with XML's special characters: the IVR must escape them, USSD must show them as they are.
const CHARITY = '希望<工程> & "书"';

const charities = defineBusiness({
  id: 'test.charities', kind: 'query',
  names: l10n('慈善项目', 'Charities'), descriptions: l10n('可捐助的项目', 'Causes to give to'),
  input: noInput, confirm: false, staffRoles: [],
  async run() {
    return {
      data: { charities: [{ id: 'C1', nameZh: CHARITY, nameEn: 'Hope <School> & "Books"' }, { id: 'C2', nameZh: '春蕾计划', nameEn: 'Spring Bud' }] },
      text: { short: l10n('2个项目', '2 causes'), long: l10n('共2个项目', '2 causes') },
    };
  },
});

const donate = defineBusiness({
  id: 'test.donate', kind: 'transaction',
  names: l10n('爱心捐款&<测试>', 'Donate & <test>'), descriptions: l10n('捐款', 'Give'),
  input: z.object({
    charityId: z.string().min(1),
    amount: z.number().int().min(100).max(100_000).describe('amount in fen'),
    note: z.string().min(1).max(20).describe('note'),
  }).strict(),
  confirm: true, staffRoles: [],
  options: { charityId: { business: 'test.charities', list: 'charities', value: 'id' } },
  async quote(_ctx, input) {
    return { businessId: 'test.donate', priceFen: input.amount, summary: l10n(`向${input.charityId}捐款${money(input.amount)['zh-CN']}`, `Give ${money(input.amount).en} to ${input.charityId}`) };
  },
  async run(ctx, input) {
    const { balanceFen } = await ctx.bss.charge(ctx.subscriber.id, input.amount, { channel: ctx.channel, reference: ctx.idempotencyKey, noteZh: '捐款', noteEn: 'Donation', at: ctx.now });
    const t = l10n(`已向${input.charityId}捐款${money(input.amount)['zh-CN']}，留言：${input.note}`, `Gave ${money(input.amount).en} to ${input.charityId}: ${input.note}`);
    return { data: { balanceFen }, text: { short: t, long: t } };
  },
});

let env: TestEnv;
let app: FastifyInstance;

/** The same channels over a registry with two more businesses and a stand-in offers source. */
async function channelsOver(registry: Registry, offers?: OffersSource): Promise<FastifyInstance> {
  const invoker = new Invoker({ db: env.db, registry, bss: (q) => builtinBss(q, { catalogue: env.s.catalogueReader }), log: env.s.interactions, catalogue: env.s.catalogueReader, clock: env.clock, random: env.s.random });
  const s = { ...env.s, registry, invoker };
  const a = Fastify().withTypeProvider<ZodTypeProvider>();
  a.setValidatorCompiler(validatorCompiler);
  a.setSerializerCompiler(serializerCompiler);
  await a.register(ussdRoutes(s, { offers }), { prefix: '/channels/ussd' });
  await a.register(ivrRoutes(s, { offers }), { prefix: '/channels/ivr' });
  await a.ready();
  return a;
}

before(async () => {
  env = await startTestEnv();
  app = await channelsOver(new Registry([...BUSINESSES, charities, donate] as unknown as Business[]));
});
after(async () => {
  await app.close();
  await env.close();
});

async function ussd(a: FastifyInstance, sessionId: string, phoneNumber: string, text: string): Promise<string> {
  const r = await a.inject({
    method: 'POST', url: '/channels/ussd/africastalking',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ sessionId, serviceCode: '*100#', phoneNumber, text }).toString(),
  });
  assert.equal(r.statusCode, 200, r.body);
  const m = measure(r.body.slice(4));
  assert.ok(m.length <= m.limit, r.body);
  return r.body;
}

describe('a business added to the registry', () => {
  test('is on the USSD home menu and runs: choice list, yuan, free text with a *, confirmation', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const answers: string[] = [];
    const hop = (input?: string) => {
      if (input !== undefined) answers.push(input);
      return ussd(app, 'reg-1', sub.msisdn, answers.join('*'));
    };
    let screen = await hop();
    const pages = [screen];
    while (screen.includes('98下页')) pages.push((screen = await hop('98')));
    const line = pages.join('\n').split('\n').find((l) => l.includes('爱心捐款&<测试>'));
    assert.ok(line, 'the new business is on the home menu');
    assert.ok(pages.join('\n').indexOf('慈善项目') < pages.join('\n').indexOf('爱心捐款'), 'queries before transactions');

    // A page's first line carries the gateway's `CON `.
    const list = await hop(line.replace(/^CON /, '').split('.')[0]!);
    assert.match(list, /^CON 爱心捐款&<测试>：请选择\n1\.希望<工程> & "书"\n2\.春蕾计划/);
    assert.match(await hop('1'), /请输入金额（元，1至1000）/);
    assert.match(await hop('12.5'), /请输入note/);
    const quote = await hop('a*b');
    assert.match(quote, /^CON 向C1捐款12\.50元\n1\.确认办理/);
    const done = await hop('1');
    assert.equal(done, 'END 已向C1捐款12.50元，留言：a*b');
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 10_000 - 1250);
  });

  test('is on the IVR and runs, with every document well-formed and its name escaped', async () => {
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    const get = async (url: string): Promise<ParsedVxml> => {
      const r = await app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 200);
      return checkVxml(r.body);
    };
    const press = (doc: ParsedVxml, d: string) =>
      get(`/channels/ivr/vxml/step?${new URLSearchParams({ call: docVar(doc, 'call'), h: docVar(doc, 'h'), caller: docVar(doc, 'caller'), d })}`);
    let doc = await get(`/channels/ivr/vxml?caller=${sub.msisdn}`);
    while (!mainPrompt(doc).includes('爱心捐款')) doc = await press(doc, '9');
    const key = /爱心捐款&<测试>，请按(\d)/.exec(mainPrompt(doc))?.[1];
    assert.ok(key, mainPrompt(doc));
    doc = await press(doc, key);
    assert.match(mainPrompt(doc), new RegExp(`${CHARITY.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}，请按1`));
    doc = await press(doc, '1');
    assert.match(mainPrompt(doc), /请输入金额/);
    doc = await press(doc, '20');
    doc = await press(doc, '7');
    assert.match(mainPrompt(doc), /向C1捐款20元。确认办理，请按1/);
    doc = await press(doc, '1');
    assert.match(mainPrompt(doc), /已向C1捐款20元，留言：7/);
    assert.equal((await balanceAndLedger(env.db, sub.id)).balanceFen, 10_000 - 2000);
  });

  test('offers from the marketing engine lead the home menu and go straight to their quote', async () => {
    const offers: OffersSource = {
      async forSubscriber() {
        return [{ id: 'O1', label: l10n('我的优惠：春蕾计划捐5元', 'My offer: ¥5 to Spring Bud'), businessId: 'test.donate', input: { charityId: 'C2', amount: 500, note: 'offer' } }];
      },
    };
    const withOffers = await channelsOver(new Registry([...BUSINESSES, charities, donate] as unknown as Business[]), offers);
    try {
      const sub = await addSubscriber(env.db);
      const home = await ussd(withOffers, 'offer-1', sub.msisdn, '');
      assert.match(home, /^CON 请选择业务\n1\.我的优惠：春蕾计划捐5元\n2\.话费余额查询/);
      assert.match(await ussd(withOffers, 'offer-1', sub.msisdn, '1'), /^CON 向C2捐款5\.00元/);
    } finally {
      await withOffers.close();
    }
  });
});
