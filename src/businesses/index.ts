// Every business omnihall serves. Add a business here and it appears on every channel.
import type { Business } from './registry.ts';
import { balanceQuery } from './balance-query.ts';
import { usageQuery } from './usage-query.ts';
import { billQuery } from './bill-query.ts';
import { subscriptionsQuery } from './subscriptions-query.ts';
import { pointsQuery } from './points-query.ts';
import { packsList } from './packs-list.ts';
import { plansList } from './plans-list.ts';
import { packSubscribe } from './pack-subscribe.ts';
import { packUnsubscribe } from './pack-unsubscribe.ts';
import { planChange } from './plan-change.ts';
import { recharge } from './recharge.ts';
import { pointsRedeem } from './points-redeem.ts';
import { offersMine } from './offers-mine.ts';
import { offerAccept } from './offer-accept.ts';
import { mallCards } from './mall-cards.ts';
import { mallBuy } from './mall-buy.ts';
import { mallOrders } from './mall-orders.ts';

export const BUSINESSES: readonly Business[] = [
  balanceQuery, usageQuery, billQuery, subscriptionsQuery, pointsQuery, packsList, plansList,
  packSubscribe, packUnsubscribe, planChange, recharge, pointsRedeem, offersMine, offerAccept,
  mallCards, mallBuy, mallOrders,
] as unknown as readonly Business[];
