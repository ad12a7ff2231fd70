// usage.query: this cycle's data, voice and SMS use against the allowances of plan and packs,
// and what was used in the six cycles up to it (the usage chart).
import { z } from 'zod';
import { cycleOf, cyclesUpTo } from '../platform/cycle.ts';
import { monthText } from '../platform/dates.ts';
import { dataAmount, l10n } from '../platform/i18n.ts';
import { monthInput } from './common.ts';
import { defineBusiness } from './registry.ts';

export const USAGE_HISTORY_CYCLES = 6;

export const usageQuery = defineBusiness({
  id: 'usage.query',
  kind: 'query',
  names: l10n('套餐余量查询', 'Usage'),
  descriptions: l10n('本月流量、通话、短信的已用和剩余，以及近六个月的用量', 'Data, calls and SMS used and left this month, and the last six months'),
  keywords: ['查流量', '流量', '剩余流量', '余量', '通话', '分钟', '短信', '用量', 'usage', 'data left', 'minutes'],
  input: z.object({ month: monthInput.optional() }).strict(),
  confirm: false,
  staffRoles: ['agent', 'admin'],
  async run({ bss, subscriber, now }, input) {
    const cycle = input.month ?? cycleOf(now);
    const [u, used] = await Promise.all([
      bss.usage(subscriber.id, cycle, now),
      bss.usageHistory(subscriber.id, cyclesUpTo(cycle, USAGE_HISTORY_CYCLES)),
    ]);
    const left = {
      dataMb: Math.max(0, u.allowance.dataMb - u.used.dataMb),
      voiceMin: Math.max(0, u.allowance.voiceMin - u.used.voiceMin),
      sms: Math.max(0, u.allowance.sms - u.used.sms),
    };
    const month = monthText(cycle);
    return {
      data: { ...u, left, history: used },
      text: {
        short: l10n(
          `剩余流量${dataAmount(left.dataMb)}，通话${left.voiceMin}分钟，短信${left.sms}条`,
          `Left: ${dataAmount(left.dataMb)} data, ${left.voiceMin} min, ${left.sms} SMS`,
        ),
        long: l10n(
          `${month['zh-CN']}：流量已用${dataAmount(u.used.dataMb)}，共${dataAmount(u.allowance.dataMb)}；通话已用${u.used.voiceMin}分钟，共${u.allowance.voiceMin}分钟；短信已用${u.used.sms}条，共${u.allowance.sms}条。`,
          `${month.en}: data ${dataAmount(u.used.dataMb)} of ${dataAmount(u.allowance.dataMb)} used; calls ${u.used.voiceMin} of ${u.allowance.voiceMin} min; SMS ${u.used.sms} of ${u.allowance.sms}.`,
        ),
      },
    };
  },
});
