// points.query: the points balance and the rewards it can buy.
import { l10n } from '../platform/i18n.ts';
import { defineBusiness } from './registry.ts';
import { noInput } from './common.ts';

export const pointsQuery = defineBusiness({
  id: 'points.query',
  kind: 'query',
  names: l10n('积分查询', 'Points'),
  descriptions: l10n('查询积分余额和可兑换的礼品', 'Your points and the rewards they buy'),
  keywords: ['积分', '查积分', '积分兑换', '礼品', 'points', 'rewards'],
  input: noInput,
  confirm: false,
  staffRoles: ['agent', 'admin'],
  async run({ bss, subscriber }) {
    const [points, rewards] = await Promise.all([bss.pointsBalance(subscriber.id), bss.rewards()]);
    const affordable = rewards.filter((r) => r.costPoints <= points);
    return {
      data: { points, rewards: rewards.map((r) => ({ ...r, affordable: r.costPoints <= points })) },
      text: {
        short: l10n(`您的积分为${points}分`, `You have ${points} points`),
        long: l10n(
          `您当前积分${points}分，可兑换${affordable.length}种礼品${affordable.length ? `，如${affordable.slice(0, 3).map((r) => `${r.nameZh}(${r.costPoints}分)`).join('、')}` : ''}。`,
          `You have ${points} points and can redeem ${affordable.length} rewards${affordable.length ? `, e.g. ${affordable.slice(0, 3).map((r) => `${r.nameEn} (${r.costPoints} pts)`).join(', ')}` : ''}.`,
        ),
      },
    };
  },
});
