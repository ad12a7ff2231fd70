// Texts omnihall starts (not replies): which way they go out, chosen once from the configuration.
// The SMPP link when SMPP_URL is set, else Kannel's sendsms when KANNEL_SENDSMS_URL is set, else
// the sms_outbox table (the demo and tests read one-time codes there).
import type { Config } from '../../config.ts';
import { outboxFor, outboxSender, type SmsSender } from './outbox.ts';
import { ReceiptRecorder } from './receipts.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../errors.ts';
import type { Random } from '../ports.ts';
import { KannelSender } from './kannel.ts';
import { SmppLink } from './smpp.ts';

import type { MtSender } from './mt-sender.ts';

export type { MtSender };

/**
 * A one-time code sender over an MT link. It waits for the SMS centre to accept the code, so the
 * sign-in request fails (and its challenge is rolled back) when the code cannot go out, instead
 * of leaving the subscriber waiting for a text that never comes.
 */
export function mtSmsSender(mt: MtSender, ready: () => boolean = () => true): SmsSender {
  return {
    ready,
    async send(_db, msisdn, text) {
      if (!ready()) throw new AppError('UNAVAILABLE');
      try {
        await mt.send(msisdn, text);
      } catch {
        throw new AppError('UNAVAILABLE');
      }
    },
  };
}

export interface SmsTransport {
  /** The SMSC link, when SMPP_URL is set; main.ts starts and stops it. */
  link: SmppLink | null;
  kannel: KannelSender | null;
  /** Where the core's one-time codes go. */
  otpSender: SmsSender;
  /** Delivery receipts from the SMS centre, written to sms_receipt. */
  receipts: ReceiptRecorder;
  /** The latest texts in the outbox for one number (the demo's page for reading sign-in codes). */
  outbox(msisdn: string): ReturnType<typeof outboxFor>;
}

export function smsTransport(config: Config, random: Random, db: Db): SmsTransport {
  const link = config.smppUrl
    ? new SmppLink({
        url: config.smppUrl, systemId: config.smppSystemId, password: config.smppPassword, shortCode: config.smsShortCode,
        window: config.smppWindow, mps: config.smppMps, random,
      })
    : null;
  const kannel = config.kannelSendsmsUrl ? new KannelSender(config.kannelSendsmsUrl, config.smsShortCode) : null;
  let otpSender: SmsSender = outboxSender;
  if (link) otpSender = mtSmsSender({ send: async (to, text) => void (await link.send(to, text)) }, () => link.bound);
  else if (kannel) otpSender = mtSmsSender(kannel);
  return { link, kannel, otpSender, receipts: new ReceiptRecorder(db), outbox: (msisdn) => outboxFor(db, msisdn) };
}
