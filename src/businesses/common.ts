// Pieces several businesses share: offering lookup by id or code, and offering names.
import { z } from 'zod';
import type { OfferingView } from '../modules/catalogue/index.ts';
import { AppError } from '../platform/errors.ts';
import { dataAmount, l10n, type L10n } from '../platform/i18n.ts';
import type { BusinessContext } from './registry.ts';

/** An offering id (`PK-DATA-1G`) or the short code subscribers type (`LL1G`). */
export const offeringRef = z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only');

/** A month as `YYYY-MM`. */
export const monthInput = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');

export async function findOffering(ctx: BusinessContext, ref: string): Promise<OfferingView> {
  const byId = await ctx.bss.offering(ref);
  if (byId) return byId;
  const upper = ref.toUpperCase();
  const all = await ctx.bss.offerings(['plan', 'data_pack', 'voice_pack', 'sms_pack', 'vas', 'broadband']);
  const byCode = all.find((o) => o.code.toUpperCase() === upper);
  if (!byCode) throw new AppError('OFFERING_NOT_FOUND');
  return byCode;
}

export function offeringName(o: OfferingView): L10n {
  return l10n(o.nameZh, o.nameEn);
}

/** The channel name the catalogue's availability list uses. */
export function salesChannel(channel: string): string {
  return channel === 'tmf' ? 'api' : channel;
}

/** What an offering gives, e.g. `10GB流量` / `10GB data`. */
export function allowanceText(o: { dataMb: number; voiceMin: number; sms: number }): L10n {
  const zh: string[] = [];
  const en: string[] = [];
  if (o.dataMb) { zh.push(`${dataAmount(o.dataMb)}流量`); en.push(`${dataAmount(o.dataMb)} data`); }
  if (o.voiceMin) { zh.push(`${o.voiceMin}分钟通话`); en.push(`${o.voiceMin} min calls`); }
  if (o.sms) { zh.push(`${o.sms}条短信`); en.push(`${o.sms} SMS`); }
  return l10n(zh.join('、'), en.join(', '));
}

export const noInput = z.object({}).strict();
