// The kiosk's printable receipt (凭条) of the last transaction.
import { createContext, useContext } from 'react';
import { formatFen, maskMsisdn } from '../../shared/format.ts';
import { useI18n } from '../i18n.tsx';
import type { L10n } from '../../shared/types.ts';

export interface ReceiptData {
  businessName: L10n;
  text: L10n;
  priceFen?: number;
  msisdn: string;
  /** Epoch milliseconds. */
  at: number;
  reference: string;
}

export interface ReceiptSink {
  show(r: ReceiptData): void;
}

/** Present only in the kiosk: the result of a transaction offers a receipt there. */
export const ReceiptContext = createContext<ReceiptSink | null>(null);

export function useReceiptSink(): ReceiptSink | null {
  return useContext(ReceiptContext);
}

export function Receipt({ r }: { r: ReceiptData }) {
  const { t, pick, lang } = useI18n();
  const when = new Date(r.at).toLocaleString(lang, { timeZone: 'Asia/Shanghai', hour12: false });
  return (
    <article className="receipt" aria-labelledby="receipt-title">
      <h2 id="receipt-title">{t('receipt.title')}</h2>
      <p className="receipt-org">{t('brand.operator')}</p>
      <dl>
        <dt>{t('receipt.number')}</dt><dd>{maskMsisdn(r.msisdn)}</dd>
        <dt>{t('receipt.business')}</dt><dd>{pick(r.businessName)}</dd>
        {r.priceFen !== undefined && r.priceFen > 0 && (<><dt>{t('receipt.amount')}</dt><dd>{formatFen(r.priceFen)}</dd></>)}
        <dt>{t('receipt.time')}</dt><dd>{when}</dd>
        <dt>{t('receipt.reference')}</dt><dd className="mono">{r.reference.slice(0, 8).toUpperCase()}</dd>
      </dl>
      <p className="receipt-text">{pick(r.text)}</p>
      <p className="receipt-foot">{t('receipt.keep')}</p>
    </article>
  );
}
