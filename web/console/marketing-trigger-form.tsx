// The trigger form, for a new event trigger and for editing a draft or a rejected one: its names,
// the event and the condition that event can be judged on (a call's channels, businesses, outcomes
// and offerings; a usage share typed in percent; a balance or a bill typed in yuan and sent in fen),
// the offer it sends, the channel, the window (minutes, hours or days; 30 days at most) and once or
// not. The server checks it again: its INVALID_INPUT `path`, or a refused offer, marks the field it
// names; any other refusal shows above the form.
import { useEffect } from 'react';
import { Alert, Card, Col, Form, Input, InputNumber, Modal, Row, Select, Space, Switch, Typography } from 'antd';
import { fenToYuanText, parseYuan } from '../shared/format.ts';
import type { ApiError } from './api.ts';
import { useAuth } from './auth.tsx';
import { useI18n, type I18n } from './i18n.tsx';
import { TRIGGER_CHANNELS, TRIGGER_EVENTS, useMarketing, type Trigger, type TriggerChannel, type TriggerCondition, type TriggerEvent, type TriggerInput } from './marketing-api.ts';
import { codeName } from './marketing-ui.tsx';
import { CHANNELS, KINDS } from './types.ts';
import { errorText, useLoad } from './ui.tsx';

const UNITS = { days: 24 * 60, hours: 60, minutes: 1 } as const;
type Unit = keyof typeof UNITS;
/** The service's longest window: 30 days. */
const MAX_WINDOW_MINUTES = 30 * 24 * 60;
/** A usage share up to 10× the allowance (the service's limit), typed in percent. */
const MAX_RATIO_PERCENT = 1000;
const OUTCOMES = ['ok', 'error', 'confirmation_required'] as const;
const ALLOWANCES = ['data', 'voice'] as const;

interface Values {
  nameZh: string;
  nameEn: string;
  event?: TriggerEvent;
  offerId?: number;
  channel: TriggerChannel;
  window?: number | null;
  unit: Unit;
  once: boolean;
  channels?: string[];
  businessIds?: string[];
  outcomes?: string[];
  offeringIds?: string[];
  offeringKinds?: string[];
  allowance?: string | null;
  /** Percent (90 for 0.9). */
  minRatio?: number | null;
  /** Yuan, as typed. */
  maxBalance?: string;
  minAmount?: string;
}
type Field = keyof Values;

/** The form's fields for each event's condition (the service's FIELDS_OF). */
const CONDITION_FIELDS: Record<TriggerEvent, readonly Field[]> = {
  'interaction.called': ['channels', 'businessIds', 'outcomes', 'offeringIds', 'offeringKinds'],
  'usage.threshold': ['allowance', 'minRatio'],
  'balance.low': ['maxBalance'],
  'bill.issued': ['minAmount'],
};

/** The field a server path names (`condition.minRatio`, `windowMinutes`, `condition.channels.0`). */
const FIELD_OF_PATH: Record<string, Field> = {
  nameZh: 'nameZh', nameEn: 'nameEn', event: 'event', offerId: 'offerId', channel: 'channel', windowMinutes: 'window', once: 'once',
  'condition.channels': 'channels', 'condition.businessIds': 'businessIds', 'condition.outcomes': 'outcomes', 'condition.offeringIds': 'offeringIds',
  'condition.offeringKinds': 'offeringKinds', 'condition.allowance': 'allowance', 'condition.minRatio': 'minRatio',
  'condition.maxBalanceFen': 'maxBalance', 'condition.minAmountFen': 'minAmount',
};

/** The field the server's refusal is about, when the form shows that field; else undefined (said above the form). */
function fieldOf(err: ApiError, event: TriggerEvent | undefined): Field | undefined {
  if (err.code === 'OFFER_NOT_FOUND' || err.code === 'OFFER_EXPIRED') return 'offerId';
  if (err.code !== 'INVALID_INPUT') return undefined;
  const body = err.problem.body;
  const first = Array.isArray(body.errors) ? (body.errors[0] as { path?: unknown } | undefined)?.path : undefined;
  const path = typeof body.path === 'string' ? body.path : typeof first === 'string' ? first : '';
  for (let parts = path.split('.'); parts.length; parts = parts.slice(0, -1)) {
    const f = FIELD_OF_PATH[parts.join('.')];
    if (f) return Object.values(CONDITION_FIELDS).some((fs) => fs.includes(f)) && !(event && CONDITION_FIELDS[event].includes(f)) ? undefined : f;
  }
  return undefined;
}

/** A window in the largest unit that holds it whole (4320 → 3 days, 90 → 90 minutes). */
function windowParts(minutes: number): { n: number; unit: Unit } {
  const unit = (Object.keys(UNITS) as Unit[]).find((u) => minutes % UNITS[u] === 0) ?? 'minutes';
  return { n: minutes / UNITS[unit], unit };
}

/** A trigger's window in words, in its largest whole unit. */
export function windowText(i18n: I18n, minutes: number): string {
  const { n, unit } = windowParts(minutes);
  if (unit === 'days') return i18n.t('mkt.unit.days', { n });
  if (unit === 'hours') return i18n.t('mkt.trigger.hoursN', { n });
  return i18n.t('mkt.contacts.minutes', { n });
}

function valuesOf(tr: Trigger | undefined): Partial<Values> {
  if (!tr) return { channel: 'sms', unit: 'days', once: true };
  const c = tr.condition;
  const { n, unit } = windowParts(tr.windowMinutes);
  return {
    nameZh: tr.names['zh-CN'], nameEn: tr.names.en, event: tr.event as TriggerEvent, offerId: tr.offerId,
    channel: (TRIGGER_CHANNELS as readonly string[]).includes(tr.channel) ? (tr.channel as TriggerChannel) : 'sms',
    window: n, unit, once: tr.once,
    channels: c.channels ?? [], businessIds: c.businessIds ?? [], outcomes: c.outcomes ?? [], offeringIds: c.offeringIds ?? [], offeringKinds: c.offeringKinds ?? [],
    allowance: c.allowance ?? null, minRatio: c.minRatio === undefined ? null : Math.round(c.minRatio * 1000) / 10,
    maxBalance: c.maxBalanceFen === undefined ? '' : fenToYuanText(c.maxBalanceFen), minAmount: c.minAmountFen === undefined ? '' : fenToYuanText(c.minAmountFen),
  };
}

/** What the form says as the server takes it: only the chosen event's condition, empty fields left out (any value). */
function inputOf(v: Values): TriggerInput {
  const event = v.event!;
  const condition: TriggerCondition = {};
  const list = (k: 'channels' | 'businessIds' | 'outcomes' | 'offeringIds' | 'offeringKinds') => {
    const xs = v[k];
    if (xs?.length) condition[k] = xs;
  };
  const yuan = (text: string | undefined) => (text?.trim() ? parseYuan(text) ?? undefined : undefined);
  switch (event) {
    case 'interaction.called':
      CONDITION_FIELDS[event].forEach((k) => list(k as Parameters<typeof list>[0]));
      break;
    case 'usage.threshold':
      if (v.allowance) condition.allowance = v.allowance;
      if (v.minRatio !== null && v.minRatio !== undefined) condition.minRatio = Math.round(v.minRatio * 10) / 1000;
      break;
    case 'balance.low': {
      const fen = yuan(v.maxBalance);
      if (fen !== undefined) condition.maxBalanceFen = fen;
      break;
    }
    case 'bill.issued': {
      const fen = yuan(v.minAmount);
      if (fen !== undefined) condition.minAmountFen = fen;
      break;
    }
  }
  return {
    nameZh: v.nameZh.trim(), nameEn: v.nameEn.trim(), event, condition, offerId: v.offerId!, channel: v.channel,
    windowMinutes: (v.window ?? 0) * UNITS[v.unit], once: v.once,
  };
}

interface Props {
  open: boolean;
  /** The draft or rejected trigger being edited; none for a new one. */
  trigger?: Trigger;
  busy: boolean;
  /** Why the server did not take the last save, if it did not. */
  refusal?: ApiError;
  onSave(input: TriggerInput): void;
  onCancel(): void;
}

export function TriggerForm({ open, trigger, busy, refusal, onSave, onCancel }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const { client } = useAuth();
  const api = useMarketing();
  const [form] = Form.useForm<Values>();
  const event = Form.useWatch('event', form);
  const offers = useLoad(() => (open ? api.offers() : Promise.resolve(undefined)), [open]);
  const businesses = useLoad(() => (open ? client.businesses() : Promise.resolve(undefined)), [open]);
  const offerings = useLoad(() => (open ? client.offerings({ status: 'Launched', offset: 0, limit: 200, sort: 'nameZh', order: 'asc' }) : Promise.resolve(undefined)), [open]);
  useEffect(() => {
    if (open) form.setFieldsValue(valuesOf(trigger) as Values);
  }, [open, trigger, form]);

  const at = refusal ? fieldOf(refusal, event) : undefined;
  useEffect(() => {
    if (!refusal || !at) return;
    form.setFields([{ name: at, errors: [errorText(refusal, i18n)] }]);
    form.scrollToField(at);
    // The refusal is shown once, when it comes; the language switch re-renders the rest.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refusal]);

  // A form the browser refuses shows its messages at the fields; the refusal goes no further.
  const submit = () => form.validateFields().then((v) => onSave(inputOf(v)), () => undefined);
  const required = { required: true, whitespace: true, message: t('staff.required') };
  const money = {
    validator: (_r: unknown, v: string | undefined) => (!v || !v.trim() || parseYuan(v) !== null ? Promise.resolve() : Promise.reject(new Error(t('field.priceInvalid')))),
  };
  const windowRule = ({ getFieldValue }: { getFieldValue(name: Field): unknown }) => ({
    validator: (_r: unknown, v: number | null | undefined) => {
      if (v === null || v === undefined) return Promise.reject(new Error(t('mkt.trigger.windowRequired')));
      const minutes = v * UNITS[(getFieldValue('unit') as Unit | undefined) ?? 'minutes'];
      return Number.isInteger(v) && minutes >= 1 && minutes <= MAX_WINDOW_MINUTES ? Promise.resolve() : Promise.reject(new Error(t('mkt.trigger.windowRange')));
    },
  });
  // Ended offers are refused by the server; the one a trigger already names stays listed, to be seen.
  const offerOptions = (offers.data?.items ?? [])
    .filter((o) => o.status !== 'ended' || o.id === trigger?.offerId)
    .map((o) => ({ value: o.id, label: `${i18n.pick(o.names)}（${codeName(i18n, 'offerStatus', o.status)}）` }));
  const multi = (name: Field, label: string, options: { value: string; label: string }[], loading = false) => (
    <Col xs={24} md={12} key={name}>
      <Form.Item label={label} name={name}>
        <Select mode="multiple" aria-label={label} optionFilterProp="label" loading={loading} options={options} placeholder={t('mkt.trigger.any')} />
      </Form.Item>
    </Col>
  );

  const condition = () => {
    switch (event) {
      case 'interaction.called':
        return [
          multi('channels', t('mkt.trigger.channels'), CHANNELS.map((c) => ({ value: c, label: i18n.channel(c) }))),
          multi('businessIds', t('mkt.trigger.businesses'), (businesses.data?.items ?? []).map((b) => ({ value: b.id, label: i18n.pick(b.names) })), businesses.loading),
          multi('offeringIds', t('mkt.trigger.offerings'), (offerings.data?.items ?? []).map((o) => ({ value: o.id, label: `${i18n.name(o)} · ${i18n.kind(o.kind)}` })), offerings.loading),
          multi('offeringKinds', t('mkt.trigger.offeringKinds'), KINDS.map((k) => ({ value: k, label: i18n.kind(k) }))),
          multi('outcomes', t('mkt.trigger.outcomes'), OUTCOMES.map((o) => ({ value: o, label: codeName(i18n, 'outcome', o) }))),
        ];
      case 'usage.threshold':
        return [
          <Col xs={24} md={12} key="allowance">
            <Form.Item label={t('mkt.trigger.allowance')} name="allowance">
              <Select allowClear aria-label={t('mkt.trigger.allowance')} placeholder={t('mkt.trigger.any')} options={ALLOWANCES.map((a) => ({ value: a, label: t(`mkt.allowance.${a}`) }))} />
            </Form.Item>
          </Col>,
          <Col xs={24} md={12} key="minRatio">
            <Form.Item
              label={t('mkt.trigger.minRatio')} name="minRatio" tooltip={t('mkt.trigger.minRatioHelp')}
              rules={[{ type: 'number', min: 0, max: MAX_RATIO_PERCENT, message: t('mkt.trigger.minRatioRange') }]}
            >
              <InputNumber precision={1} suffix="%" style={{ width: '100%' }} placeholder={t('mkt.trigger.any')} />
            </Form.Item>
          </Col>,
        ];
      case 'balance.low':
        return [
          <Col xs={24} md={12} key="maxBalance">
            <Form.Item label={t('mkt.trigger.maxBalance')} name="maxBalance" rules={[money]} tooltip={t('mkt.trigger.maxBalanceHelp')}>
              <Input inputMode="decimal" prefix="¥" autoComplete="off" placeholder={t('mkt.trigger.any')} />
            </Form.Item>
          </Col>,
        ];
      case 'bill.issued':
        return [
          <Col xs={24} md={12} key="minAmount">
            <Form.Item label={t('mkt.trigger.minAmount')} name="minAmount" rules={[money]}>
              <Input inputMode="decimal" prefix="¥" autoComplete="off" placeholder={t('mkt.trigger.any')} />
            </Form.Item>
          </Col>,
        ];
      default:
        return [<Col xs={24} key="none"><Typography.Text type="secondary">{t('mkt.trigger.eventFirst')}</Typography.Text></Col>];
    }
  };

  return (
    <Modal
      open={open} title={trigger ? t('mkt.trigger.editTitle') : t('mkt.trigger.createTitle')} width={760}
      okText={t('common.save')} cancelText={t('common.cancel')} onOk={submit} onCancel={onCancel} confirmLoading={busy} destroyOnHidden forceRender
    >
      {refusal && !at && (
        <Alert type="error" showIcon role="alert" style={{ marginBottom: 16 }} title={t('mkt.trigger.refused')} description={errorText(refusal, i18n)} data-testid="trigger-refusal" />
      )}
      <Form form={form} layout="vertical" requiredMark="optional" preserve={false} name="trigger">
        <Row gutter={16}>
          <Col xs={24} md={12}><Form.Item label={t('mkt.trigger.nameZh')} name="nameZh" rules={[required]}><Input maxLength={30} showCount /></Form.Item></Col>
          <Col xs={24} md={12}><Form.Item label={t('mkt.trigger.nameEn')} name="nameEn" rules={[required]}><Input maxLength={60} lang="en" /></Form.Item></Col>
          <Col xs={24}>
            <Form.Item
              label={t('mkt.trigger.event')} name="event" rules={[{ required: true, message: t('mkt.trigger.eventRequired') }]}
              extra={event ? t(`mkt.trigger.eventHelp.${event}`) : undefined}
            >
              <Select aria-label={t('mkt.trigger.event')} options={TRIGGER_EVENTS.map((e) => ({ value: e, label: codeName(i18n, 'event', e) }))} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Card
              size="small" role="group" aria-label={t('mkt.trigger.condition')} style={{ marginBottom: 24 }} styles={{ body: { paddingBottom: 0 } }} data-testid="trigger-condition"
              title={t('mkt.trigger.condition')} extra={<Typography.Text type="secondary">{t('mkt.trigger.conditionHelp')}</Typography.Text>}
            >
              <Row gutter={16}>{condition()}</Row>
            </Card>
          </Col>
          <Col xs={24}>
            <Form.Item label={t('mkt.trigger.offer')} name="offerId" tooltip={t('mkt.trigger.offerHelp')} rules={[{ required: true, message: t('mkt.trigger.offerRequired') }]}>
              <Select showSearch optionFilterProp="label" aria-label={t('mkt.trigger.offer')} loading={offers.loading} options={offerOptions} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('mkt.trigger.channel')} name="channel" rules={[{ required: true, message: t('staff.required') }]}>
              <Select aria-label={t('mkt.trigger.channel')} options={TRIGGER_CHANNELS.map((c) => ({ value: c, label: codeName(i18n, 'triggerChannel', c) }))} />
            </Form.Item>
          </Col>
          <Col xs={16} md={8}>
            {/* The number and its unit are one answer: its errors show under both. */}
            <Form.Item label={t('mkt.trigger.window')} required tooltip={t('mkt.trigger.windowHelp')} htmlFor="trigger_window">
              <Space.Compact style={{ width: '100%' }}>
                <Form.Item name="window" noStyle dependencies={['unit']} rules={[windowRule]}>
                  <InputNumber id="trigger_window" precision={0} style={{ width: '60%' }} />
                </Form.Item>
                <Form.Item name="unit" noStyle>
                  <Select aria-label={t('mkt.trigger.windowUnit')} style={{ width: '40%' }} options={(['minutes', 'hours', 'days'] as const).map((u) => ({ value: u, label: t(`mkt.trigger.unit.${u}`) }))} />
                </Form.Item>
              </Space.Compact>
            </Form.Item>
          </Col>
          <Col xs={8} md={4}>
            <Form.Item label={t('mkt.triggers.once')} name="once" valuePropName="checked" tooltip={t('mkt.trigger.onceHelp')} required>
              <Switch />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
