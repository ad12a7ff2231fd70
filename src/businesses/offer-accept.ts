// offer.accept: take one of my exclusive offers. It charges the offer's price, so it is quoted
// and confirmed; in one transaction it passes the offer's gates again, claims one of its budget
// (never past it, whatever the concurrency), passes the catalogue's one eligibility rule and
// orders the offering at the offer's price and validity.
import { z } from 'zod';
import { AppError, ERRORS, type ErrorCode } from '../platform/errors.ts';
import { l10n, money } from '../platform/i18n.ts';
import type { OfferingView, SalesChannel } from '../modules/catalogue/index.ts';
import { allowanceText, salesChannel } from './common.ts';
import { assertObtainable, balanceText } from './line.ts';
import { defineBusiness, type BusinessContext } from './registry.ts';

/** The gate's reason as the code the subscriber is told. */
function refused(reason: string): AppError {
  if (reason === 'ALREADY_ACCEPTED') return new AppError('OFFER_ALREADY_ACCEPTED');
  if (reason === 'ALREADY_HELD' || reason === 'SAME_PLAN') return new AppError('ALREADY_SUBSCRIBED');
  if (reason in ERRORS && reason !== 'OFFERING_NOT_FOUND') return new AppError(reason as ErrorCode);
  return new AppError('OFFER_NOT_FOR_YOU');
}

async function terms(ctx: BusinessContext, offerId: number) {
  if (!ctx.marketing) throw new AppError('UNAVAILABLE');
  const channel = salesChannel(ctx.channel) as SalesChannel;
  const gate = await ctx.marketing.decisions.check(ctx.db, ctx.subscriber.id, offerId, channel);
  if (!gate) throw new AppError('OFFER_NOT_FOUND');
  const offer = await ctx.marketing.offers.view(offerId, ctx.db);
  if (offer.status !== 'active' || new Date(offer.endsAt) <= ctx.now || new Date(offer.startsAt) > ctx.now) throw new AppError('OFFER_EXPIRED');
  if (!gate.ok) throw refused(gate.reason);
  if (offer.left <= 0) throw new AppError('OFFER_BUDGET_EXHAUSTED');
  const base = await ctx.bss.offering(offer.offeringId);
  if (!base) throw new AppError('OFFER_NOT_FOUND');
  // What they get: the offering, for the offer's validity when it sets one.
  const offering: OfferingView = { ...base, validityDays: offer.validityDays ?? base.validityDays };
  return { offer, offering, segmentId: gate.segmentId, channel };
}

export const offerAccept = defineBusiness({
  id: 'offer.accept',
  kind: 'transaction',
  names: l10n('办理优惠', 'Take an offer'),
  descriptions: l10n('办理为您专属推荐的优惠，按优惠价扣费', 'Take an offer picked for you, charged at its price'),
  input: z.object({ offerId: z.coerce.number().int().positive().max(2_147_483_647) }).strict(),
  confirm: true,
  staffRoles: ['agent'],
  options: { offerId: { business: 'offers.mine', list: 'offers', value: 'id' } },
  async quote(ctx, { offerId }) {
    const { offer, offering } = await terms(ctx, offerId);
    await assertObtainable(ctx, offering, salesChannel(ctx.channel));
    const p = money(offer.priceFen);
    const listed = offering.priceFen > offer.priceFen ? money(offering.priceFen) : null;
    const validity = offering.validityDays ? l10n(`有效期${offering.validityDays}天`, `valid ${offering.validityDays} days`) : l10n('按月', 'monthly');
    const gives = allowanceText(offering);
    const monthly = offering.priceType === 'recurring' ? money(offering.priceFen) : null;
    return {
      businessId: 'offer.accept',
      priceFen: offer.priceFen,
      // A monthly offering commits them to its own price from the next month on.
      ...(offering.priceType === 'recurring' ? { recurringFen: offering.priceFen } : {}),
      summary: l10n(
        `办理${offer.names['zh-CN']}（${[gives['zh-CN'], validity['zh-CN']].filter(Boolean).join('，')}），优惠价${p['zh-CN']}${listed ? `（原价${listed['zh-CN']}）` : ''}${monthly ? `，次月起每月${monthly['zh-CN']}` : ''}`,
        `Take ${offer.names.en} (${[gives.en, validity.en].filter(Boolean).join(', ')}) for ${p.en}${listed ? ` (usually ${listed.en})` : ''}${monthly ? `, then ${monthly.en} a month` : ''}`,
      ),
    };
  },
  async run(ctx, { offerId }) {
    const { offer, offering, segmentId, channel } = await terms(ctx, offerId);
    await assertObtainable(ctx, offering, channel);
    const claimed = await ctx.marketing!.offers.claim(ctx.db, offerId, ctx.subscriber.id, channel, segmentId);
    const earned = Math.trunc(offer.priceFen / 100);
    const { subscription, balanceFen } = await ctx.bss.order(ctx.subscriber.id, offering, {
      priceFen: offer.priceFen, pointsEarned: earned, channel: ctx.channel, reference: ctx.idempotencyKey,
      noteZh: `优惠办理${offer.names['zh-CN']}`, noteEn: `Offer: ${offer.names.en}`, at: ctx.now,
    });
    const p = money(offer.priceFen);
    const b = balanceText({ ...ctx.account, balanceFen });
    return {
      data: { offerId, offeringId: offering.id, subscriptionId: subscription.id, priceFen: offer.priceFen, balanceFen, endsAt: subscription.endsAt?.toISOString() ?? null, left: claimed.offer.left },
      text: {
        short: l10n(`已办理${offer.names['zh-CN']}，扣费${p['zh-CN']}`, `${offer.names.en} taken, ${p.en} charged`),
        long: l10n(`您已成功办理${offer.names['zh-CN']}，扣费${p['zh-CN']}，${b['zh-CN']}。`, `You have taken ${offer.names.en} for ${p.en}; ${b.en}.`),
      },
    };
  },
});
