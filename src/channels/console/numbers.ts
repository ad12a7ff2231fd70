// A phone number typed into a console search or look-up: read as the subscriber it names, or
// refused in words staff understand (INVALID_INPUT) when it is not a number at all.
import type { Services } from '../../container.ts';
import { AppError } from '../../platform/errors.ts';
import { normaliseMsisdn } from '../../platform/msisdn.ts';

/** The number in its stored form; INVALID_INPUT when it is not a phone number. */
export function consoleMsisdn(text: string): string {
  const n = normaliseMsisdn(text);
  if (!n) throw new AppError('INVALID_INPUT', { detail: { 'zh-CN': '号码格式不对', en: 'That is not a phone number' } });
  return n;
}

/** The id of the subscriber with this number, or null when it is nobody's. */
export async function subscriberIdOf(s: Pick<Services, 'subscribers'>, text: string): Promise<number | null> {
  const sub = await s.subscribers.byMsisdn(consoleMsisdn(text));
  return sub ? sub.id : null;
}
