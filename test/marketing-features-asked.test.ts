// The feature offeringsAsked3d: the offerings a subscriber called the hotline about (IVR, or an agent
// serving them) in the last 3 days, from the interaction log. A web visit about a pack is not a
// hotline call; a call 4 days ago is out of the window; a segment finds the callers; and the row is
// emptied by the incremental pass once the window has passed, though nothing of theirs changed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addSubscriber, startTestEnv, type TestEnv } from './helpers.ts';
import { FeatureMart, FEATURE_BY_NAME, SegmentService } from '../src/modules/marketing/index.ts';

let env: TestEnv;
let mart: FeatureMart;
const DAY = 86_400_000;

before(async () => {
  env = await startTestEnv({ now: new Date('2026-11-20T04:00:00Z') });
  mart = new FeatureMart({ db: env.db, clock: env.clock, catalogue: env.s.catalogueReader, overlapMs: 0 });
});
after(async () => {
  await env.close();
});

async function called(subscriberId: number, channel: string, offeringId: string | null, daysAgo: number) {
  await env.db.insertInto('interaction').values({
    at: new Date(env.clock.now().getTime() - daysAgo * DAY), channel, subscriberId, businessId: 'packs.list', outcome: 'ok', errorCode: null, latencyMs: 5, offeringId,
  }).execute();
}

describe('offerings asked about in 3 days', () => {
  test('IVR and agent calls about an offering in 3 days count; web visits, older calls and calls about nothing do not', async () => {
    assert.equal(FEATURE_BY_NAME.get('offeringsAsked3d')?.type, 'strings');
    const ivr = await addSubscriber(env.db);
    const agent = await addSubscriber(env.db);
    const web = await addSubscriber(env.db);
    const old = await addSubscriber(env.db);
    await called(ivr.id, 'ivr', 'PK-DATA-3G', 1);
    await called(ivr.id, 'ivr', null, 0.5);
    await called(ivr.id, 'ivr', 'PK-DATA-3G', 0.2);
    await called(agent.id, 'agent', 'VAS-139MAIL', 2.5);
    await called(agent.id, 'ivr', 'PK-DATA-1G', 0.1);
    await called(web.id, 'web', 'PK-DATA-3G', 0.1);
    await called(old.id, 'ivr', 'PK-DATA-3G', 4);
    await mart.refresh([ivr.id, agent.id, web.id, old.id]);
    const asked = async (id: number) => (await env.db.selectFrom('marketingFeature').select('offeringsAsked3d').where('subscriberId', '=', id).executeTakeFirstOrThrow()).offeringsAsked3d;
    assert.deepEqual(await asked(ivr.id), ['PK-DATA-3G']);
    assert.deepEqual(await asked(agent.id), ['PK-DATA-1G', 'VAS-139MAIL']);
    assert.deepEqual(await asked(web.id), []);
    assert.deepEqual(await asked(old.id), []);

    const segments = new SegmentService({ db: env.db, clock: env.clock, audit: env.s.audit });
    assert.equal(await segments.count({ all: [{ feature: 'offeringsAsked3d', op: 'containsAny', value: ['PK-DATA-3G', 'VAS-139MAIL'] }] }), 2);
  });

  test('the incremental pass empties the feature once the 3 days have passed', async () => {
    const sub = await addSubscriber(env.db);
    await called(sub.id, 'ivr', 'PK-DATA-3G', 0);
    await mart.refreshAll();
    const asked = async () => (await env.db.selectFrom('marketingFeature').select('offeringsAsked3d').where('subscriberId', '=', sub.id).executeTakeFirstOrThrow()).offeringsAsked3d;
    assert.deepEqual(await asked(), ['PK-DATA-3G']);
    env.clock.advance(3 * DAY + 60_000);
    await mart.refreshChanged();
    assert.deepEqual(await asked(), []);
  });
});
