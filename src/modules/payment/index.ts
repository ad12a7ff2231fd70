// The payment module's public face: payments and their providers (docs/payments.md), the order
// source contract callers register (recharge today, checkout next), and recharge paid online.
export {
  Payments, paymentView, refundView,
  type CreatePayment, type OrderSource, type PaidAnswer, type PaymentConfig, type PaymentView, type ReconciliationLine, type ReconciliationReport, type RefundView,
} from './payments.service.ts';
export type { Ledger, NextStep, NoticeCheck, PaymentProvider, ProviderTrade, RefundResult, VerifiedNotice } from './provider.ts';
export type { AlipayConfig } from './providers/alipay.ts';
export { SandboxGateway, fenOf, signingString, yuanText, type NotifyDelivery } from './providers/sandbox.ts';
export { PaidRecharges, RECHARGE_METHODS, RECHARGE_REF } from './recharge.ts';
export { PAYMENT_METHODS, PAYMENT_STATES, type Payment, type PaymentMethod, type PaymentRefund, type PaymentState } from './tables.ts';
export { paymentMigrations } from './migrations/index.ts';
