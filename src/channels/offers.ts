// My exclusive offers (我的优惠) on the menus of USSD and IVR: the marketing engine's best offers for
// the caller on that channel, each a choice that goes straight to the offer's confirmation
// (offer.accept with its id). Showing them records their impressions.
import type { Services } from '../container.ts';
import type { SalesChannel } from '../modules/catalogue/index.ts';
import { l10n, money } from '../platform/i18n.ts';
import type { MenuOffer, OffersSource } from './menu.ts';

/** How many offers head the home menu: a USSD screen has room for one beside the businesses. */
const ON_HOME: Record<string, number> = { ussd: 1, ivr: 1 };

export function marketingOffers(s: Pick<Services, 'marketing'>): OffersSource {
  return {
    async forSubscriber(subscriberId: number, channel: string): Promise<MenuOffer[]> {
      // The offers are a bonus on the menu: if they cannot be read, the menu comes without them.
      const shown = await s.marketing.decisions.show(subscriberId, channel as SalesChannel, ON_HOME[channel] ?? 1).catch(() => []);
      return shown.map((r) => {
        const p = r.offer.priceFen === 0 ? l10n('免费', 'free') : money(r.offer.priceFen);
        return {
          id: String(r.offer.id),
          label: l10n(`我的优惠：${r.offer.names['zh-CN']}，${p['zh-CN']}`, `My offer: ${r.offer.names.en}, ${p.en}`),
          businessId: 'offer.accept',
          input: { offerId: r.offer.id },
        };
      });
    },
  };
}
