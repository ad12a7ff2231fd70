// Pieces the mall's orders, payments and shipping pages share: the server's codes (states, methods,
// workflow steps) in this language with a tag's tone, the back link of an item's page, and a staff
// step that says a refusal in words (a refund's own asker approving it as a dialog of its own).
import { useState, type ReactNode } from 'react';
import { App } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Link } from '../shared/router.tsx';
import { toApiError } from './api.ts';
import { useI18n, type I18n } from './i18n.tsx';
import { isMessageKey } from './messages.ts';
import { errorText, ToneTag, type Tone } from './ui.tsx';

/** The kinds of code these pages name: `mall.<kind>.<code>` in the dictionary. */
export type CodeKind =
  | 'order.state' | 'order.step' | 'order.stepState' | 'order.flow'
  | 'pay.state' | 'pay.method' | 'pay.refundState'
  | 'ship.state' | 'ship.ret.state';

/** A code in this language; the code itself when the dictionary does not know it. */
export function codeText(i18n: I18n, kind: CodeKind, code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return '—';
  const key = `mall.${kind}.${code}`;
  return isMessageKey(key) ? i18n.t(key) : code;
}

const TONES: Partial<Record<CodeKind, Record<string, Tone>>> = {
  'order.state': {
    awaiting_payment: 'gold', awaiting_delivery: 'blue', paid: 'blue', shipped: 'blue', delivered: 'green', completed: 'green',
    cancelled: 'grey', expired: 'grey', returned: 'grey', refunded: 'red',
  },
  'order.stepState': { done: 'green', running: 'blue', waiting: 'gold', pending: 'grey', undoing: 'red', undone: 'grey' },
  'pay.state': { created: 'grey', pending: 'gold', paid: 'green', failed: 'red', closed: 'grey', partially_refunded: 'gold', refunded: 'red' },
  'pay.refundState': { awaiting_approval: 'gold', pending: 'blue', succeeded: 'green', failed: 'red', rejected: 'grey' },
  'ship.state': { to_ship: 'gold', shipped: 'blue', in_transit: 'blue', delivered: 'green', returned: 'grey', cancelled: 'grey' },
  'ship.ret.state': { requested: 'gold', approved: 'blue', received: 'red', refunding: 'gold', refunded: 'green', rejected: 'grey' },
};

/** A state as a tag in a readable tone, with the code as its data for tests and scripts. */
export function CodeTag({ kind, code }: { kind: CodeKind; code: string }) {
  const i18n = useI18n();
  return <span data-state={code}><ToneTag tone={TONES[kind]?.[code] ?? 'grey'}>{codeText(i18n, kind, code)}</ToneTag></span>;
}

/** The order's source (`cart`, `flash:<id>`) in words. */
export function sourceText(i18n: I18n, source: string): string {
  const kind = source.split(':')[0]!;
  const key = `mall.order.source.${kind}`;
  return isMessageKey(key) ? i18n.t(key) : source;
}

/** The order id in a payment's or shipment's `orderRef` (`order:12`), or null for other kinds (a recharge). */
export function orderIdOf(orderRef: string): string | null {
  const m = /^order:(\d+)$/.exec(orderRef);
  return m ? m[1]! : null;
}

export function BackLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <p style={{ margin: '0 0 8px' }}>
      <Link to={to}><ArrowLeftOutlined aria-hidden /> {children}</Link>
    </p>
  );
}

/**
 * A staff step (ship, refund, approve…): busy while it runs, a toast with `done` (or what it
 * makes of the answer) and `after` run; one's own refund or change to review (REFUND_SELF_REVIEW,
 * SELF_REVIEW) as a dialog saying a colleague must, any other refusal as a toast in the staff
 * member's language. Answers whether it went through.
 */
export function useMallStep(after: () => void) {
  const { message, modal } = App.useApp();
  const i18n = useI18n();
  const [busy, setBusy] = useState(false);
  const act = async <T,>(f: () => Promise<T>, done: string | ((r: T) => string)): Promise<boolean> => {
    setBusy(true);
    try {
      const r = await f();
      message.success(typeof done === 'string' ? done : done(r));
      after();
      return true;
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'REFUND_SELF_REVIEW' || err.code === 'SELF_REVIEW') {
        modal.warning({ title: i18n.t('mall.pay.selfTitle'), content: errorText(err, i18n), okText: i18n.t('common.ok') });
      } else message.error(errorText(err, i18n));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, act };
}
