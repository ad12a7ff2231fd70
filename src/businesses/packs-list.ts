// packs.list: every pack and service this channel sells, grouped (流量 / 语音 / 短信 / 增值 / 宽带),
// each marked held (已订购) and orderable or not, with why not (the line is suspended, not for this
// plan or account, already held). The texts list only what can be ordered now, one per line.
import { ineligibility, type OfferingKind, type OfferingView } from '../modules/catalogue/index.ts';
import { l10n, money, type L10n } from '../platform/i18n.ts';
import { ERRORS } from '../platform/errors.ts';
import { allowanceText, noInput, salesChannel } from './common.ts';
import { lineStateOf, refusal, suspensionText } from './line.ts';
import { defineBusiness } from './registry.ts';

export const PACK_GROUPS = ['data', 'voice', 'sms', 'vas', 'broadband'] as const;
export type PackGroup = (typeof PACK_GROUPS)[number];

const GROUP_OF: Record<Exclude<OfferingKind, 'plan'>, PackGroup> = {
  data_pack: 'data', voice_pack: 'voice', sms_pack: 'sms', vas: 'vas', broadband: 'broadband',
};

export const GROUP_NAMES: Record<PackGroup, L10n> = {
  data: l10n('流量', 'Data'), voice: l10n('语音', 'Voice'), sms: l10n('短信', 'SMS'), vas: l10n('增值', 'Services'), broadband: l10n('宽带', 'Broadband'),
};

/** `10.00元/月` / `¥10.00/month` for a monthly price, `5.00元` / `¥5.00` for a one-off. */
export function priceText(o: { priceFen: number; priceType: 'recurring' | 'oneTime' }): L10n {
  const m = money(o.priceFen);
  return o.priceType === 'recurring' ? l10n(`${m['zh-CN']}/月`, `${m.en}/month`) : m;
}

export interface UnavailableReason {
  code: string;
  messages: L10n;
}

function notEligibleWhy(o: OfferingView, account: { type: 'prepaid' | 'postpaid' }, planId: string): L10n {
  const e = o.eligibility;
  if (e.plans && !e.plans.includes(planId)) return l10n('您的套餐不能办理此业务', 'Not available on your plan');
  if (e.accountTypes && !e.accountTypes.includes(account.type)) {
    return e.accountTypes.includes('prepaid') ? l10n('仅限预付费用户办理', 'For prepaid accounts only') : l10n('仅限后付费用户办理', 'For postpaid accounts only');
  }
  return l10n(ERRORS.NOT_ELIGIBLE[1], ERRORS.NOT_ELIGIBLE[2]);
}

export const packsList = defineBusiness({
  id: 'packs.list',
  kind: 'query',
  names: l10n('可订业务', 'Packs to order'),
  descriptions: l10n('可订购的流量包、语音包、短信包、增值业务和宽带', 'Data, voice and SMS packs, services and broadband you can order'),
  keywords: ['办流量', '流量包', '语音包', '短信包', '增值业务', '宽带', '加油包', 'data pack', 'voice pack', 'packs'],
  input: noInput,
  confirm: false,
  staffRoles: ['agent', 'admin'],
  async run(ctx) {
    const { bss, subscriber, account, channel, now } = ctx;
    const [all, subs, line] = await Promise.all([
      bss.offerings(['data_pack', 'voice_pack', 'sms_pack', 'vas', 'broadband']),
      bss.subscriptions(subscriber.id, now),
      lineStateOf(ctx),
    ]);
    const have = new Set(subs.map((s) => s.offering.id));
    const sold = salesChannel(channel);
    const packs = all
      .flatMap((o) => {
        const why = ineligibility(o, subscriber, account, sold, now);
        // What is not on sale to this subscriber, or not on this channel, is not listed at all.
        if (why === 'OFFERING_NOT_FOUND' || why === 'NOT_AVAILABLE_ON_CHANNEL' || o.kind === 'plan') return [];
        const held = have.has(o.id);
        let reason: UnavailableReason | null = null;
        if (held) reason = { code: 'ALREADY_SUBSCRIBED', messages: l10n('已订购', 'Already yours') };
        else if (why === 'LINE_SUSPENDED') reason = { code: why, messages: refusal(why, line).text };
        else if (why === 'NOT_ELIGIBLE') reason = { code: why, messages: notEligibleWhy(o, account, subscriber.planId) };
        return [{
          id: o.id, code: o.code, kind: o.kind, group: GROUP_OF[o.kind], nameZh: o.nameZh, nameEn: o.nameEn,
          descriptionZh: o.descriptionZh, descriptionEn: o.descriptionEn, priceFen: o.priceFen, priceType: o.priceType,
          validityDays: o.validityDays, dataMb: o.dataMb, voiceMin: o.voiceMin, sms: o.sms,
          held, orderable: reason === null, unavailableReason: reason,
        }];
      })
      // By group; within one, in the catalogue's order (a stable sort).
      .sort((a, b) => PACK_GROUPS.indexOf(a.group) - PACK_GROUPS.indexOf(b.group));
    const open = packs.filter((p) => p.orderable);
    const suspended = suspensionText(line);
    const what = (p: (typeof packs)[number]) => allowanceText(p);
    // One line per pack: the SMS short text names the code to reply with, the long text does not.
    const shortZh = open.slice(0, 3).map((p) => `${p.nameZh} ${priceText(p)['zh-CN']}，回复KT ${p.code}`).join('\n');
    const shortEn = open.slice(0, 3).map((p) => `${p.nameEn} ${priceText(p).en}, reply KT ${p.code}`).join('\n');
    const longOf = (lang: 'zh-CN' | 'en') => PACK_GROUPS.flatMap((g) => {
      const inGroup = open.filter((p) => p.group === g);
      if (!inGroup.length) return [];
      const lines = inGroup.map((p) => {
        const a = what(p)[lang];
        const validity = p.validityDays ? (lang === 'zh-CN' ? `有效期${p.validityDays}天` : `valid ${p.validityDays} days`) : '';
        const detail = [a, validity].filter(Boolean).join(lang === 'zh-CN' ? '，' : ', ');
        return lang === 'zh-CN'
          ? `${p.nameZh}：${priceText(p)['zh-CN']}${detail ? `（${detail}）` : ''}。`
          : `${p.nameEn}: ${priceText(p).en}${detail ? ` (${detail})` : ''}.`;
      });
      return [`【${GROUP_NAMES[g][lang]}】`, ...lines];
    }).join('\n');
    return {
      data: { packs, groups: PACK_GROUPS.filter((g) => packs.some((p) => p.group === g)), lineStatus: line.lineStatus },
      text: suspended
        ? { short: refusal('LINE_SUSPENDED', line).text, long: refusal('LINE_SUSPENDED', line).text }
        : {
            short: open.length ? l10n(`可订${open.length}种：\n${shortZh}`, `${open.length} to order:\n${shortEn}`) : l10n('暂无可订业务', 'Nothing to order now'),
            long: open.length
              ? l10n(`您可订购：\n${longOf('zh-CN')}`, `You can order:\n${longOf('en')}`)
              : l10n('您目前没有可订购的业务。', 'There is nothing you can order right now.'),
          },
    };
  },
});
