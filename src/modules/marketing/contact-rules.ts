// What the contact policy says: caps per subscriber per channel and in total per calendar day,
// week and month (Beijing time), the least gap between two marketing contacts, and quiet hours.
import { z } from 'zod';

/** The channels omnihall contacts a subscriber on by itself (outbound), as opposed to answering them. */
export const OUTBOUND_CHANNELS = ['sms', 'call', 'ussd', 'push'] as const;
export type OutboundChannel = (typeof OUTBOUND_CHANNELS)[number];

const cap = z.object({
  day: z.number().int().min(0).max(100),
  week: z.number().int().min(0).max(500),
  month: z.number().int().min(0).max(2000),
}).strict().refine((c) => c.day <= c.week && c.week <= c.month, { message: 'day ≤ week ≤ month' });

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

export const contactPolicySchema = z.object({
  total: cap,
  channels: z.object(Object.fromEntries(OUTBOUND_CHANNELS.map((c) => [c, cap])) as Record<OutboundChannel, typeof cap>).strict(),
  minGapMinutes: z.number().int().min(0).max(7 * 24 * 60),
  /** Marketing is held from `start` to `end` (wall clock in the operator's zone; may span midnight); null: no quiet hours. */
  quietHours: z.object({ start: hhmm, end: hhmm }).strict().refine((q) => q.start !== q.end, { message: 'start ≠ end' }).nullable(),
}).strict();

export type ContactPolicyRules = z.infer<typeof contactPolicySchema>;

/** The policy until staff approve another: two a day, five a week, twelve a month; four hours apart; nothing 21:00–08:00. */
export const DEFAULT_CONTACT_POLICY: ContactPolicyRules = {
  total: { day: 2, week: 5, month: 12 },
  channels: {
    sms: { day: 1, week: 3, month: 8 },
    call: { day: 1, week: 1, month: 2 },
    ussd: { day: 1, week: 3, month: 8 },
    push: { day: 2, week: 5, month: 12 },
  },
  minGapMinutes: 240,
  quietHours: { start: '21:00', end: '08:00' },
};

/** Why a contact was not sent now. */
export type ContactRule =
  | 'OPT_OUT' | 'OPT_OUT_CHANNEL' | 'DO_NOT_DISTURB' | 'QUIET_HOURS' | 'MIN_GAP'
  | 'CAP_TOTAL_DAY' | 'CAP_TOTAL_WEEK' | 'CAP_TOTAL_MONTH' | 'CAP_CHANNEL_DAY' | 'CAP_CHANNEL_WEEK' | 'CAP_CHANNEL_MONTH';
