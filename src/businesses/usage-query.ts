// usage.query: this cycle's data, voice and SMS use against the allowances of plan and packs.
import { z } from 'zod';
import { cycleOf } from '../platform/cycle.ts';
import { dataAmount, l10n } from '../platform/i18n.ts';
import { monthInput } from './common.ts';
import { defineBusiness } from './registry.ts';

export const usageQuery = defineBusiness({
  id: 'usage.query',
  kind: 'query',
  names: l10n('套餐余量查询', 'Usage'),
  descriptions: l10n('本月流量、通话、短信的已用和剩余', 'Data, calls and SMS used and left this month'),
  input: z.object({ month: monthInput.optional() }).strict(),
  confirm: false,
  staffRoles: ['agent', 'admin'],
  async run({ bss, subscriber, now }, input) {
    const cycle = input.month ?? cycleOf(now);
    const u = await bss.usage(subscriber.id, cycle, now);
    const left = {
      dataMb: Math.max(0, u.allowance.dataMb - u.used.dataMb),
      voiceMin: Math.max(0, u.allowance.voiceMin - u.used.voiceMin),
      sms: Math.max(0, u.allowance.sms - u.used.sms),
    };
    return {
      data: { ...u, left },
      text: {
        short: l10n(
          `剩余流量${dataAmount(left.dataMb)}，通话${left.voiceMin}分钟，短信${left.sms}条`,
          `Left: ${dataAmount(left.dataMb)} data, ${left.voiceMin} min, ${left.sms} SMS`,
        ),
        long: l10n(
          `${cycle}月：流量已用${dataAmount(u.used.dataMb)}，共${dataAmount(u.allowance.dataMb)}；通话已用${u.used.voiceMin}分钟，共${u.allowance.voiceMin}分钟；短信已用${u.used.sms}条，共${u.allowance.sms}条。`,
          `${cycle}: data ${dataAmount(u.used.dataMb)} of ${dataAmount(u.allowance.dataMb)} used; calls ${u.used.voiceMin} of ${u.allowance.voiceMin} min; SMS ${u.used.sms} of ${u.allowance.sms}.`,
        ),
      },
    };
  },
});
