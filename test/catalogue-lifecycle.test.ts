// The catalogue's lifecycle as product managers live it: an offering that is only a name, review
// by a second product manager (never oneself), test numbers while In test, launch on chosen
// channels only, a launch scheduled for 00:00 Beijing time, withdrawal per channel, businesses
// switched off per channel; every refusal changes nothing and every action is audited.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor } from '../src/platform/audit.ts';
import type { StaffRole } from '../src/platform/principal.ts';
import { createStaffUser } from '../src/modules/staff/index.ts';
import { addSubscriber, startTestEnv, type TestEnv } from './helpers.ts';

let env: TestEnv;
before(async () => {
  env = await startTestEnv();
});
after(async () => {
  await env.close();
});

let nextStaff = 0;
async function staff(roles: StaffRole[]): Promise<Actor> {
  const username = `pm${++nextStaff}`;
  const id = await createStaffUser(env.db, { username, displayName: `产品经理${nextStaff}`, password: 'correct horse battery', roles });
  return { id, name: `产品经理${nextStaff}`, roles };
}

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: { code?: string }) => {
    assert.equal(e.code, code);
    return true;
  });
}

/** The packs a subscriber is offered on a channel, as every channel's menu lists them. */
async function packsOn(subscriberId: number, channel: string): Promise<string[]> {
  const out = await env.s.invoker.invoke({ channel, principal: { kind: 'subscriber', subscriberId }, subscriberId, businessId: 'packs.list', input: {} });
  assert.equal(out.status, 'ok');
  return ((out as { result: { packs: { id: string }[] } }).result.packs).map((p) => p.id);
}

/** What an offering's row and trail look like, to show a refusal changed nothing. */
async function trail(id: string) {
  const o = await env.s.catalogueService.get(id);
  const audit = await env.db.selectFrom('auditEntry').select((eb) => eb.fn.countAll<number>().as('n')).where('entityId', '=', id).executeTakeFirstOrThrow();
  return { status: o.lifecycleStatus, revision: o.revision, channels: o.channels, history: o.history.length, reviews: o.reviews.length, audit: Number(audit.n) };
}

describe('an offering from a name to a launch on USSD only', () => {
  test('created with a name, completed, reviewed twice by another product manager, on sale on USSD and nowhere else', async () => {
    const a = await staff(['product']);
    const b = await staff(['product']);
    const tester = await addSubscriber(env.db, { balanceFen: 10_000 });
    const someone = await addSubscriber(env.db, { balanceFen: 10_000 });

    const created = await env.s.catalogueService.create(a, { nameZh: '周末流量包' });
    assert.equal(created.lifecycleStatus, 'In design');
    assert.equal(created.nameEn, '周末流量包', 'the English name starts as the Chinese one');
    await rejects(env.s.catalogueService.submit(a, created.id, { to: 'In test' }), 'INCOMPLETE');

    const edited = await env.s.catalogueService.update(a, created.id, created.revision, {
      nameEn: 'Weekend data', kind: 'data_pack', code: 'zm2g', priceFen: 1000, dataMb: 2048, validityDays: 2,
    });
    assert.equal(edited.code, 'ZM2G');
    assert.equal(edited.priceFen, 1000);
    assert.equal(edited.revision, created.revision + 1);

    const toTest = await env.s.catalogueService.submit(a, created.id, { to: 'In test', channels: ['ussd', 'web'], reason: '请审核' });
    assert.equal(toTest.status, 'pending');
    const before = await trail(created.id);
    await rejects(env.s.catalogueService.approve(a, toTest.id), 'SELF_REVIEW');
    assert.deepEqual(await trail(created.id), before, 'approving one’s own change changes nothing');
    await rejects(env.s.catalogueService.submit(b, created.id, { to: 'In test' }), 'REVIEW_PENDING');

    await env.s.catalogueService.approve(b, toTest.id, '同意测试');
    assert.equal((await env.s.catalogueService.get(created.id)).lifecycleStatus, 'In test');
    assert.ok(!(await packsOn(tester.id, 'ussd')).includes(created.id), 'in test: unknown to anyone not on its list');
    await env.s.catalogueService.setTestNumbers(a, created.id, [`+86 ${tester.msisdn.slice(0, 3)} ${tester.msisdn.slice(3)}`]);
    assert.ok((await packsOn(tester.id, 'ussd')).includes(created.id), 'a test number sees it');
    assert.ok(!(await packsOn(someone.id, 'ussd')).includes(created.id), 'nobody else does');

    const toLaunch = await env.s.catalogueService.submit(a, created.id, { to: 'Launched', channels: ['ussd'] });
    await env.s.catalogueService.approve(b, toLaunch.id);
    const launched = await env.s.catalogueService.get(created.id);
    assert.equal(launched.lifecycleStatus, 'Launched');
    assert.deepEqual(launched.channels, ['ussd']);
    assert.ok((await packsOn(someone.id, 'ussd')).includes(created.id), 'on sale on USSD');
    for (const ch of ['web', 'mobile', 'sms', 'ivr', 'api']) assert.ok(!(await packsOn(someone.id, ch)).includes(created.id), `not on ${ch}`);

    // The USSD menu lists it among the packs to order; the web hall's REST call is refused.
    const send = dialogue(someone.msisdn);
    let screen = await send();
    let key = /(\d+)\.\s*订购业务/u.exec(screen)?.[1];
    for (let i = 0; !key && i < 5 && /98/u.test(screen); i++) {
      screen = await send('98');
      key = /(\d+)\.\s*订购业务/u.exec(screen)?.[1];
    }
    assert.ok(key, `the home menu offers 订购业务: ${screen}`);
    assert.match(await allPages(send, await send(key)), /周末流量包/u, 'among the packs to order on USSD');
    const refused = await env.s.invoker.invoke({
      channel: 'web', principal: { kind: 'subscriber', subscriberId: someone.id }, subscriberId: someone.id, businessId: 'pack.subscribe',
      input: { packId: 'ZM2G' }, confirm: true, idempotencyKey: 'web-zm2g-1',
    }).catch((e: { code: string }) => e.code);
    assert.equal(refused, 'NOT_AVAILABLE_ON_CHANNEL');

    const history = launched.history.map((h) => `${h.from ?? ''}>${h.to ?? ''}:${h.actorName}`);
    assert.deepEqual(history.filter((h) => h.includes('>')).slice(0, 1), [`>In design:${a.name}`]);
    assert.ok(history.includes(`In design>In test:${b.name}`));
    assert.ok(history.includes(`In test>Launched:${b.name}`));
    const actions = (await env.db.selectFrom('auditEntry').select('action').where('entityId', '=', created.id).orderBy('id').execute()).map((r) => r.action);
    assert.deepEqual(actions, ['offering.create', 'offering.update', 'offering.submit', 'review.approve', 'offering.test-numbers', 'offering.submit', 'review.approve']);
  });
});

describe('defaults a product manager can change', () => {
  test('a data pack given only a name and a price gets a free short code and 30 days, and can go to review', async () => {
    const a = await staff(['product']);
    const o = await env.s.catalogueService.create(a, { nameZh: '只有名字和价格', kind: 'data_pack', priceFen: 800 });
    assert.match(o.code ?? '', /^P[A-Z2-9]{5}$/u);
    assert.equal(o.validityDays, 30);
    const other = await env.s.catalogueService.create(a, { nameZh: '另一个', kind: 'data_pack', priceFen: 800 });
    assert.notEqual(other.code, o.code);
    assert.equal((await env.s.catalogueService.submit(a, o.id, { to: 'In test' })).status, 'pending');
    const monthly = await env.s.catalogueService.create(a, { nameZh: '包月', kind: 'vas', priceFen: 300, priceType: 'recurring' });
    assert.equal(monthly.validityDays, null, 'a monthly service runs until cancelled');
  });
});

describe('refusals change nothing', () => {
  test('steps the lifecycle does not allow, incomplete offerings, other roles, stale revisions', async () => {
    const a = await staff(['product']);
    const b = await staff(['product']);
    const retired = await env.db.selectFrom('offering').select('id').where('lifecycleStatus', '=', 'Retired').executeTakeFirstOrThrow();
    const before = await trail(retired.id);
    await rejects(env.s.catalogueService.submit(a, retired.id, { to: 'In test' }), 'INVALID_TRANSITION');
    await rejects(env.s.catalogueService.transition(a, retired.id, 'In test'), 'INVALID_TRANSITION');
    await rejects(env.s.catalogueService.update(a, retired.id, null, { nameZh: '改名' }), 'NOT_EDITABLE');
    assert.deepEqual(await trail(retired.id), before);

    const launched = await env.db.selectFrom('offering').select('id').where('lifecycleStatus', '=', 'Launched').where('kind', '=', 'data_pack').executeTakeFirstOrThrow();
    await rejects(env.s.catalogueService.transition(a, launched.id, 'In design'), 'INVALID_TRANSITION');
    await rejects(env.s.catalogueService.transition(a, launched.id, 'Launched'), 'INVALID_TRANSITION');

    for (const role of ['marketing', 'agent', 'ops'] as const) {
      const other = await staff([role]);
      await rejects(env.s.catalogueService.create(other, { nameZh: '不该有' }), 'FORBIDDEN');
      await rejects(env.s.catalogueService.setChannel(other, launched.id, 'sms', false), 'FORBIDDEN');
    }
    assert.equal((await env.db.selectFrom('offering').select('id').where('nameZh', '=', '不该有').execute()).length, 0);

    const o = await env.s.catalogueService.create(a, { nameZh: '并发测试包' });
    await env.s.catalogueService.update(b, o.id, o.revision, { nameEn: 'first' });
    await rejects(env.s.catalogueService.update(a, o.id, o.revision, { nameEn: 'second' }), 'CONFLICT');
    assert.equal((await env.s.catalogueService.get(o.id)).nameEn, 'first', 'the first save stands');
  });

  test('two concurrent edits of one revision: exactly one is saved', async () => {
    const a = await staff(['product']);
    const b = await staff(['product']);
    const o = await env.s.catalogueService.create(a, { nameZh: '同时修改' });
    const results = await Promise.allSettled([
      env.s.catalogueService.update(a, o.id, o.revision, { nameEn: 'by a' }),
      env.s.catalogueService.update(b, o.id, o.revision, { nameEn: 'by b' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal(lost.reason.code, 'CONFLICT');
    const saved = await env.s.catalogueService.get(o.id);
    assert.equal(saved.revision, o.revision + 1);
    assert.ok(['by a', 'by b'].includes(saved.nameEn));
  });

  test('a rejected step leaves the offering Rejected, to be reworked In design', async () => {
    const a = await staff(['product']);
    const b = await staff(['product']);
    const o = await env.s.catalogueService.create(a, { nameZh: '驳回测试', kind: 'vas', code: 'BH1', priceFen: 300, priceType: 'recurring' });
    const r = await env.s.catalogueService.submit(a, o.id, { to: 'In test' });
    await assert.rejects(env.s.catalogueService.reject(b, r.id, '  '), (e: { code?: string }) => e.code === 'INVALID_INPUT');
    await env.s.catalogueService.reject(b, r.id, '价格偏高');
    assert.equal((await env.s.catalogueService.get(o.id)).lifecycleStatus, 'Rejected');
    await rejects(env.s.catalogueService.approve(b, r.id), 'REVIEW_NOT_PENDING');
    assert.equal((await env.s.catalogueService.transition(a, o.id, 'In design', '调整价格')).lifecycleStatus, 'In design');
  });
});

describe('schedules and channels', () => {
  test('a launch approved for a day starts at 00:00 Beijing time; the sweep then records it', async () => {
    const a = await staff(['product']);
    const b = await staff(['product']);
    const sub = await addSubscriber(env.db);
    // 2026-11-15 10:00 Beijing; launch on the 16th.
    env.clock.set(new Date('2026-11-15T02:00:00Z'));
    const o = await env.s.catalogueService.create(a, { nameZh: '定时上线包', kind: 'data_pack', code: 'DS1', priceFen: 500, dataMb: 500, validityDays: 7 });
    await env.s.catalogueService.approve(b, (await env.s.catalogueService.submit(a, o.id, { to: 'In test', channels: ['sms'] })).id);
    await rejects(env.s.catalogueService.submit(a, o.id, { to: 'Launched', channels: ['sms'], launchOn: '2026-11-14' }), 'INVALID_INPUT');
    await env.s.catalogueService.approve(b, (await env.s.catalogueService.submit(a, o.id, { to: 'Launched', channels: ['sms'], launchOn: '2026-11-16' })).id);
    const waiting = await env.s.catalogueService.get(o.id);
    assert.equal(waiting.lifecycleStatus, 'In test');
    assert.equal(waiting.launchAt?.toISOString(), '2026-11-15T16:00:00.000Z', '00:00 on the 16th in Beijing');
    assert.ok(!(await packsOn(sub.id, 'sms')).includes(o.id), 'not yet');
    env.clock.set(new Date('2026-11-15T15:59:59Z'));
    assert.ok(!(await packsOn(sub.id, 'sms')).includes(o.id), 'not a second early');
    env.clock.set(new Date('2026-11-15T16:00:00Z'));
    assert.ok((await packsOn(sub.id, 'sms')).includes(o.id), 'on sale at midnight, before any sweep');
    assert.equal(await env.s.catalogueService.sweep(), 1);
    assert.equal(await env.s.catalogueService.sweep(), 0, 'a second sweep finds nothing to do');
    const done = await env.s.catalogueService.get(o.id);
    assert.equal(done.lifecycleStatus, 'Launched');
    assert.equal(done.history.at(-1)?.actorName, 'system 系统');

    await rejects(env.s.catalogueService.setRetireOn(a, o.id, '2026-11-16'), 'INVALID_INPUT');
    await env.s.catalogueService.setRetireOn(a, o.id, '2026-11-20');
    env.clock.set(new Date('2026-11-19T16:00:00Z'));
    assert.ok(!(await packsOn(sub.id, 'sms')).includes(o.id), 'retired at 00:00 on the 20th');
    await env.s.catalogueService.sweep();
    assert.equal((await env.s.catalogueService.get(o.id)).lifecycleStatus, 'Retired');
    env.clock.set(new Date('2026-11-15T02:00:00Z'));
  });

  test('withdrawn from a channel at once; launched on another only after review', async () => {
    const a = await staff(['product']);
    const b = await staff(['product']);
    const sub = await addSubscriber(env.db);
    const o = await env.s.catalogueService.create(a, { nameZh: '渠道测试包', kind: 'voice_pack', code: 'QD1', priceFen: 600, voiceMin: 100, validityDays: 30 });
    await env.s.catalogueService.approve(b, (await env.s.catalogueService.submit(a, o.id, { to: 'In test', channels: ['ussd', 'sms'] })).id);
    await env.s.catalogueService.approve(b, (await env.s.catalogueService.submit(a, o.id, { to: 'Launched' })).id);
    assert.ok((await packsOn(sub.id, 'sms')).includes(o.id));
    await env.s.catalogueService.setChannel(a, o.id, 'sms', false, '短信渠道暂停');
    assert.ok(!(await packsOn(sub.id, 'sms')).includes(o.id), 'gone from SMS');
    assert.ok((await packsOn(sub.id, 'ussd')).includes(o.id), 'still on USSD');
    const asked = await env.s.catalogueService.setChannel(a, o.id, 'ivr', true, '语音上线');
    assert.ok('review' in asked, 'launching on a new channel is reviewed');
    assert.ok(!(await packsOn(sub.id, 'ivr')).includes(o.id), 'not before approval');
    await env.s.catalogueService.approve(b, (asked as { review: { id: number } }).review.id);
    assert.ok((await packsOn(sub.id, 'ivr')).includes(o.id), 'on IVR once approved');
  });

  test('a business withdrawn on one channel is gone there and refused if called, and back when restored', async () => {
    const ops = await staff(['ops']);
    const sub = await addSubscriber(env.db, { balanceFen: 10_000 });
    await rejects(env.s.catalogueService.setBusinessChannel(await staff(['marketing']), 'recharge', 'ussd', false, '维护'), 'FORBIDDEN');
    await rejects(env.s.catalogueService.setBusinessChannel(ops, 'recharge', 'ussd', false, ' '), 'INVALID_INPUT');
    await env.s.catalogueService.setBusinessChannel(ops, 'recharge', 'ussd', false, '充值通道维护');
    await env.s.catalogueService.setBusinessChannel(ops, 'balance.query', 'sms', false, '测试');
    try {
      assert.doesNotMatch(await ussdHome(sub.msisdn), /充值/u, 'not in the USSD menu');
      const code = await env.s.invoker.invoke({
        channel: 'ussd', principal: { kind: 'subscriber', subscriberId: sub.id }, subscriberId: sub.id, businessId: 'recharge',
        input: { amount: 1000 }, confirm: true, idempotencyKey: 'ussd-withdrawn-1',
      }).catch((e: { code: string }) => e.code);
      assert.equal(code, 'NOT_OFFERED_ON_CHANNEL');
      assert.match(await sms(sub.msisdn, 'YE'), /暂未在此渠道提供/u, 'SMS says so in its own words');
      assert.doesNotMatch(await sms(sub.msisdn, 'BZ'), /YE余额/u, 'and leaves it out of help');
      assert.match(await sms(sub.msisdn, 'BZ'), /CZ/u, 'the other commands stay');
      const list = await env.app.inject({ method: 'GET', url: '/api/v1/businesses?channel=web' });
      assert.ok(list.json().businesses.some((x: { id: string }) => x.id === 'recharge'), 'still offered on the web');
      assert.equal((await env.s.catalogueService.businessChannels()).filter((r) => !r.enabled).length, 2);
    } finally {
      await env.s.catalogueService.setBusinessChannel(ops, 'recharge', 'ussd', true, '恢复');
      await env.s.catalogueService.setBusinessChannel(ops, 'balance.query', 'sms', true, '恢复');
    }
    assert.match(await ussdHome(sub.msisdn), /充值/u, 'back in the menu');
    const audit = await env.db.selectFrom('auditEntry').select(['action', 'entityId', 'reason']).where('action', 'like', 'business.channel.%').orderBy('id').execute();
    assert.deepEqual(audit.slice(-4).map((r) => `${r.action} ${r.entityId}`), [
      'business.channel.withdraw recharge@ussd', 'business.channel.withdraw balance.query@sms',
      'business.channel.restore recharge@ussd', 'business.channel.restore balance.query@sms',
    ]);
  });
});

let session = 0;
/** A USSD dialogue as Africa's Talking drives it: `text` is every answer so far, joined by `*`. */
function dialogue(msisdn: string) {
  const sessionId = `lifecycle-${++session}`;
  let text = '';
  let hops = 0;
  return async (input?: string): Promise<string> => {
    if (input !== undefined) text = hops++ === 0 ? input : `${text}*${input}`;
    const r = await env.app.inject({
      method: 'POST', url: '/channels/ussd/africastalking', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ sessionId, serviceCode: '*100#', phoneNumber: msisdn, text }).toString(),
    });
    assert.equal(r.statusCode, 200);
    return r.body;
  };
}

/** Every page of the screen a dialogue is on (98 turns the page), joined. */
async function allPages(send: (input?: string) => Promise<string>, first: string): Promise<string> {
  let screen = first;
  let all = screen;
  for (let i = 0; i < 10 && /98\S*下页|98\S*More/u.test(screen); i++) {
    screen = await send('98');
    all += `\n${screen}`;
  }
  return all;
}

/** The home menu's every line. */
async function ussdHome(msisdn: string): Promise<string> {
  const send = dialogue(msisdn);
  return allPages(send, await send());
}

async function sms(from: string, text: string): Promise<string> {
  const r = await env.app.inject({ method: 'GET', url: `/channels/sms/kannel?from=${from}&to=10086&text=${encodeURIComponent(text)}` });
  return r.body;
}
