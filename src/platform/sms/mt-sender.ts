// What an MT link (the SMPP link, Kannel's sendsms) offers the transport: one text to one number.

/** Sends one text to one number; resolves once the SMS centre (or gateway) has accepted it. */
export interface MtSender {
  send(to: string, text: string): Promise<void>;
}
