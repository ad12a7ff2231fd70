// Alipay (支付宝) on Alipay's own SDK (alipay-sdk): page pay (alipay.trade.page.pay, a signed GET
// link to the gateway), the asynchronous notification checked with Alipay's RSA2 public key,
// alipay.trade.query for a notification that never came, and alipay.trade.refund (out_request_no
// is our refund id, so a retried refund refunds once). Every gateway answer's signature is checked.
import { AlipaySdk } from 'alipay-sdk';
import { l10n } from '../../../platform/i18n.ts';
import type { NoticeCheck, PaymentProvider, ProviderTrade, RefundResult } from '../provider.ts';
import type { Payment } from '../tables.ts';
import { fenOf, yuanText } from './sandbox.ts';

export interface AlipayConfig {
  appId: string;
  /** The app's RSA2 private key (PEM, PKCS#8 or PKCS#1). */
  privateKey: string;
  /** Alipay's RSA2 public key (PEM): notifications and answers are checked with it. */
  alipayPublicKey: string;
  /** https://openapi.alipay.com/gateway.do, the sandbox's, or a local gateway's in tests. */
  gateway: string;
  /** Our notify endpoint as Alipay reaches it: https://<host>/api/v1/payments/notify/alipay. */
  notifyUrl: string;
  /** Where the subscriber's browser returns after paying. */
  returnUrl?: string;
  timeoutMs?: number;
}

const STATES: Record<string, ProviderTrade['state']> = {
  WAIT_BUYER_PAY: 'waiting', TRADE_SUCCESS: 'paid', TRADE_FINISHED: 'paid', TRADE_CLOSED: 'closed',
};

export class AlipayProvider implements PaymentProvider {
  readonly method = 'alipay' as const;
  readonly names = l10n('支付宝', 'Alipay');
  readonly notifyAnswer = { ok: 'success', fail: 'fail' };
  readonly sdk: AlipaySdk;

  constructor(private readonly config: AlipayConfig) {
    this.sdk = new AlipaySdk({
      appId: config.appId, privateKey: config.privateKey, alipayPublicKey: config.alipayPublicKey,
      keyType: config.privateKey.includes('BEGIN RSA PRIVATE KEY') ? 'PKCS1' : 'PKCS8',
      gateway: config.gateway, signType: 'RSA2', timeout: config.timeoutMs ?? 5000,
    });
  }

  async create(p: Payment) {
    const url = this.sdk.pageExecute('alipay.trade.page.pay', 'GET', {
      bizContent: { outTradeNo: p.id, productCode: 'FAST_INSTANT_TRADE_PAY', totalAmount: yuanText(p.amountFen), subject: p.subject, timeExpire: alipayTime(p.expiresAt) },
      notifyUrl: this.config.notifyUrl,
      ...(this.config.returnUrl ? { returnUrl: this.config.returnUrl } : {}),
    });
    return { kind: 'redirect' as const, url };
  }

  verifyNotification(raw: Record<string, string>): NoticeCheck {
    // V2: the values as the form parser decoded them, not decoded a second time.
    if (!raw.sign || !this.sdk.checkNotifySignV2(raw)) return { ok: false, reason: 'bad_signature' };
    if (raw.app_id !== this.config.appId) return { ok: false, reason: 'other_app' };
    const amountFen = fenOf(raw.total_amount);
    // Alipay's notify_time is Beijing wall time, `yyyy-MM-dd HH:mm:ss`.
    const notifiedAt = new Date(`${(raw.notify_time ?? '').replace(' ', 'T')}+08:00`);
    if (amountFen === null || Number.isNaN(notifiedAt.getTime()) || !raw.out_trade_no || !raw.trade_no || !raw.trade_status) return { ok: false, reason: 'malformed' };
    const state = STATES[raw.trade_status];
    return { ok: true, notice: { paymentId: raw.out_trade_no, tradeNo: raw.trade_no, status: raw.trade_status, outcome: state === 'paid' ? 'paid' : state === 'closed' ? 'closed' : 'other', amountFen, notifiedAt } };
  }

  async query(p: Payment): Promise<ProviderTrade> {
    const r = await this.sdk.exec('alipay.trade.query', { bizContent: { outTradeNo: p.id } }, { validateSign: true });
    if (r.code !== '10000') {
      if (r.subCode === 'ACQ.TRADE_NOT_EXIST') return { paymentId: p.id, tradeNo: null, state: 'missing', amountFen: 0, refundedFen: 0 };
      throw new Error(`alipay.trade.query ${r.code} ${r.subCode ?? ''} ${r.subMsg ?? r.msg}`);
    }
    return {
      paymentId: p.id, tradeNo: r.tradeNo ?? null, state: STATES[r.tradeStatus] ?? 'waiting',
      amountFen: fenOf(r.totalAmount) ?? 0, refundedFen: p.refundedFen,
    };
  }

  async refund(p: Payment, amountFen: number, refundId: string): Promise<RefundResult> {
    const r = await this.sdk.exec('alipay.trade.refund', { bizContent: { outTradeNo: p.id, refundAmount: yuanText(amountFen), outRequestNo: refundId, refundReason: '退款' } }, { validateSign: true });
    if (r.code !== '10000') return { ok: false, reason: `${r.subCode ?? r.code}: ${r.subMsg ?? r.msg}` };
    return { ok: true, refundNo: r.tradeNo ?? refundId };
  }
}

/** `2026-11-15 10:00:00` in Beijing time, as Alipay's time_expire is written. */
function alipayTime(at: Date): string {
  const t = new Date(at.getTime() + 8 * 3600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 19)}`;
}
