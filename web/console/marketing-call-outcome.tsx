// The dialog an agent records a call in (我的外呼): who is called and the offer to tell them
// about, then one of the service's outcomes (not reached, reached and declined, reached and
// accepted) with a note. An accept charges the subscriber, so it goes in two steps: the server's
// quote first (409 CONFIRMATION_REQUIRED), which the agent reads out, then, on the subscriber's
// yes, the confirmation with the quote's terms under one Idempotency-Key, so a retry is the same
// accept. A refusal about the call shows at the outcome (held by the contact policy, the offer's
// own: not eligible, too little balance…), one about the note at the note, and one that says the
// row can no longer be worked (done meanwhile, no longer this agent's, its list closed) above the
// form, with the form shut.
import { useRef, useState } from 'react';
import { Alert, App, Descriptions, Form, Input, Modal, Radio, Space, Typography } from 'antd';
import { formatBeijing } from '../shared/format.ts';
import { newIdempotencyKey } from '../shared/api.ts';
import type { Quote } from '../shared/types.ts';
import { toApiError, type ApiError } from './api.ts';
import { useI18n } from './i18n.tsx';
import { CALL_OUTCOMES, useCampaigns, type AgentCall, type CallOutcome, type CallOutcomeAnswer } from './marketing-api.ts';
import { errorText } from './ui.tsx';

/** After three calls not reached a row is done (the service's MAX_ATTEMPTS). */
export const MAX_ATTEMPTS = 3;

/** Refusals that say this row can no longer be worked from here. */
const STALE = new Set(['CALL_ROW_DONE', 'CALL_ROW_NOT_YOURS', 'CALL_ROW_NOT_FOUND', 'CALL_LIST_NOT_ACTIVE']);
/** No answer, or a fault of the server's: nothing is known to have happened, so the same accept may be tried again. */
const unanswered = (e: ApiError) => e.code === 'NETWORK' || e.code === 'TIMEOUT' || e.status >= 500;

interface Values {
  outcome: CallOutcome;
  note?: string;
}

interface Props {
  /** The call being recorded (the dialog is made afresh for each: `key` it by the row's id). */
  call: AgentCall;
  onClose(): void;
  /** The outcome was recorded: the row as it is now. */
  onRecorded(row: CallOutcomeAnswer['row']): void;
  /** The server says the row is not this agent's to work any more: the lists are read again. */
  onStale(): void;
}

export function CallOutcomeDialog({ call, onClose, onRecorded, onStale }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useCampaigns();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const outcome = Form.useWatch('outcome', form);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [stale, setStale] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One accept, one key: the quote, its confirmation and any retry after no answer share it.
  const key = useRef<string | null>(null);

  const offer = call.list.offer;
  const price = i18n.price(offer.priceFen, null);

  const refused = (err: ApiError) => {
    // A definite refusal: the next accept is a new one, from its terms again.
    key.current = null;
    setQuote(null);
    if (STALE.has(err.code)) {
      setStale(errorText(err, i18n));
      onStale();
    } else if (err.code === 'CALL_NOT_YET' && typeof err.problem.body.notBefore === 'string') {
      form.setFields([{ name: 'outcome', errors: [t('calls.notYet', { time: formatBeijing(err.problem.body.notBefore) })] }]);
    } else if (err.code === 'INVALID_INPUT' && err.problem.body.path === 'note') {
      form.setFields([{ name: 'note', errors: [errorText(err, i18n)] }]);
    } else {
      form.setFields([{ name: 'outcome', errors: [errorText(err, i18n)] }]);
    }
  };

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const note = v.note?.trim() || undefined;
    setBusy(true);
    try {
      let answer: CallOutcomeAnswer;
      if (v.outcome === 'accepted') {
        const k = key.current ?? (key.current = newIdempotencyKey());
        answer = await api.recordCall(call.id, { outcome: 'accepted', note, ...(quote ? { confirm: true, quoteTerms: quote.terms } : {}) }, k);
      } else {
        answer = await api.recordCall(call.id, { outcome: v.outcome, note });
      }
      const row = answer.row;
      if (row.outcome === 'accepted') message.success(t('calls.done.accepted', { offer: i18n.pick(offer.names), price: i18n.price(row.priceFen ?? offer.priceFen, null) }));
      else if (row.outcome === 'declined') message.success(t('calls.done.declined'));
      else if (row.status === 'done') message.success(t('calls.done.lastTry', { n: row.attempts }));
      else message.success(t('calls.done.again', { n: row.attempts }));
      onRecorded(row);
    } catch (e) {
      const err = toApiError(e);
      const q = err.problem.body.quote as Quote | undefined;
      if ((err.code === 'CONFIRMATION_REQUIRED' || err.code === 'PRICE_CHANGED') && q) {
        // The terms to read out (again, when the price changed meanwhile: nothing was charged).
        setQuote(q);
        if (err.code === 'PRICE_CHANGED') form.setFields([{ name: 'outcome', errors: [errorText(err, i18n)] }]);
      } else if (unanswered(err)) {
        message.error(errorText(err, i18n));
      } else {
        refused(err);
      }
    } finally {
      setBusy(false);
    }
  };

  const okText = stale ? t('common.ok') : quote && outcome === 'accepted' ? t('calls.confirmAccept') : outcome === 'accepted' ? t('calls.quoteFirst') : t('calls.submit');
  return (
    <Modal
      open title={t('calls.recordTitle', { name: call.subscriberName ?? call.msisdn })} width={600} destroyOnHidden
      okText={okText} cancelText={t('common.cancel')} confirmLoading={busy} onCancel={onClose}
      onOk={() => (stale ? onClose() : void submit())} cancelButtonProps={stale ? { style: { display: 'none' } } : undefined}
    >
      {stale && (
        <Alert
          type="error" showIcon role="alert" style={{ marginBottom: 16 }} title={t('calls.staleTitle')}
          description={<><div>{stale}</div><div>{t('calls.staleHelp')}</div></>}
        />
      )}
      <Descriptions
        size="small" column={1} style={{ marginBottom: 16 }} data-testid="call-outcome-who"
        items={[
          { key: 'name', label: t('calls.customer'), children: call.subscriberName ?? '—' },
          { key: 'msisdn', label: t('calls.msisdn'), children: <a href={`tel:${call.msisdn}`}>{call.msisdn}</a> },
          { key: 'offer', label: t('calls.offer'), children: `${i18n.pick(offer.names)} · ${price}` },
          { key: 'pitch', label: t('calls.pitch'), children: i18n.pick(offer.pitch) },
          { key: 'attempts', label: t('calls.attempts'), children: t('calls.attemptsText', { n: call.attempts, max: MAX_ATTEMPTS }) },
        ]}
      />
      <Form
        form={form} layout="vertical" requiredMark={false} name="call-outcome" disabled={stale !== null} preserve={false}
        onValuesChange={(changed: Partial<Values>) => { if ('outcome' in changed) setQuote(null); }}
      >
        <Form.Item label={t('calls.outcome')} name="outcome" rules={[{ required: true, message: t('calls.outcomeRequired') }]}>
          <Radio.Group aria-label={t('calls.outcome')}>
            <Space direction="vertical">
              {CALL_OUTCOMES.map((o) => <Radio key={o} value={o}>{t(`calls.outcome.${o}`)}</Radio>)}
            </Space>
          </Radio.Group>
        </Form.Item>
        {outcome === 'not_reached' && (
          <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
            {call.attempts + 1 >= MAX_ATTEMPTS ? t('calls.lastTryHelp', { max: MAX_ATTEMPTS }) : t('calls.againHelp', { max: MAX_ATTEMPTS })}
          </Typography.Paragraph>
        )}
        {outcome === 'accepted' && !quote && <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>{t('calls.acceptHelp')}</Typography.Paragraph>}
        {outcome === 'accepted' && quote && (
          <Alert
            type="info" showIcon style={{ marginBottom: 16 }} title={t('calls.readOut')} data-testid="call-outcome-quote"
            description={<><div><strong>{i18n.pick(quote.summary)}</strong></div><div>{t('calls.readOutHelp', { price: i18n.price(quote.priceFen, null) })}</div></>}
          />
        )}
        <Form.Item label={t('calls.note')} name="note" rules={[{ max: 500, message: t('calls.noteTooLong') }]}>
          <Input.TextArea rows={2} maxLength={500} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
