// The offer form, for a new offer and for editing a draft: a catalogue offering on the offer's own
// terms (its price typed in yuan and sent in fen, its validity), a budget of acceptances, the
// targeting (segments, cities, channels), its margin and the staff lever, and the days it runs
// (Beijing days: from the start day's first minute to the end day's last).
import { useEffect } from 'react';
import { Col, DatePicker, Form, Input, InputNumber, Modal, Row, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { fenToYuanText, formatBeijing, parseYuan } from '../shared/format.ts';
import { useAuth } from './auth.tsx';
import { useI18n } from './i18n.tsx';
import { useMarketing, type Offer, type OfferInput } from './marketing-api.ts';
import { CHANNELS, type Channel } from './types.ts';
import { useLoad } from './ui.tsx';

interface Values {
  offeringId: string;
  nameZh: string;
  nameEn: string;
  pitchZh: string;
  pitchEn: string;
  price: string;
  validityDays?: number | null;
  budget: number;
  margin: string;
  lever: number;
  segmentIds: number[];
  cities: string[];
  channels: Channel[];
  days: [Dayjs, Dayjs];
}

/** A Beijing day as the instant it starts (`2026-12-01` → `2026-11-30T16:00:00.000Z`). */
const beijingStart = (day: string) => new Date(`${day}T00:00:00+08:00`).toISOString();

function valuesOf(o: Offer | undefined): Partial<Values> {
  const today = dayjs(formatBeijing(new Date(), { date: true }));
  if (!o) return { lever: 1, budget: 1000, validityDays: 30, segmentIds: [], cities: [], channels: [], days: [today, today.add(30, 'day')] };
  // The end is stored as the instant after the last day; the form shows that last day.
  const lastDay = formatBeijing(new Date(new Date(o.endsAt).getTime() - 1), { date: true });
  return {
    offeringId: o.offeringId, nameZh: o.names['zh-CN'], nameEn: o.names.en, pitchZh: o.pitch['zh-CN'], pitchEn: o.pitch.en,
    price: fenToYuanText(o.priceFen), validityDays: o.validityDays, budget: o.budget, margin: fenToYuanText(o.marginFen), lever: o.lever,
    segmentIds: o.segmentIds, cities: o.cities, channels: o.channels.filter((c): c is Channel => (CHANNELS as readonly string[]).includes(c)),
    days: [dayjs(formatBeijing(o.startsAt, { date: true })), dayjs(lastDay)],
  };
}

function inputOf(v: Values): OfferInput {
  const [from, to] = v.days;
  return {
    offeringId: v.offeringId, nameZh: v.nameZh.trim(), nameEn: v.nameEn.trim(), pitchZh: v.pitchZh.trim(), pitchEn: v.pitchEn.trim(),
    priceFen: parseYuan(v.price)!, validityDays: v.validityDays ?? null, budget: v.budget, marginFen: parseYuan(v.margin)!, lever: v.lever,
    segmentIds: v.segmentIds ?? [], cities: (v.cities ?? []).map((c) => c.trim()).filter(Boolean), channels: v.channels ?? [],
    startsAt: beijingStart(from.format('YYYY-MM-DD')), endsAt: beijingStart(to.add(1, 'day').format('YYYY-MM-DD')),
  };
}

interface Props {
  open: boolean;
  offer?: Offer;
  busy: boolean;
  onSave(input: OfferInput): void;
  onCancel(): void;
}

export function OfferForm({ open, offer, busy, onSave, onCancel }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const { client } = useAuth();
  const api = useMarketing();
  const [form] = Form.useForm<Values>();
  const offerings = useLoad(() => (open ? client.offerings({ status: 'Launched', offset: 0, limit: 200, sort: 'nameZh', order: 'asc' }) : Promise.resolve(undefined)), [open]);
  const segments = useLoad(() => (open ? api.segments() : Promise.resolve(undefined)), [open]);
  useEffect(() => {
    if (open) form.setFieldsValue(valuesOf(offer) as Values);
  }, [open, offer, form]);

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    onSave(inputOf(v));
  };
  const money = (required: boolean) => ({
    required,
    validator: (_r: unknown, v: string | undefined) => {
      if (!v || !v.trim()) return required ? Promise.reject(new Error(t('mkt.offer.moneyRequired'))) : Promise.resolve();
      return parseYuan(v) !== null ? Promise.resolve() : Promise.reject(new Error(t('field.priceInvalid')));
    },
  });
  const required = { required: true, whitespace: true, message: t('staff.required') };

  return (
    <Modal
      open={open} title={offer ? t('mkt.offer.editTitle') : t('mkt.offer.createTitle')} width={760}
      okText={t('common.save')} cancelText={t('common.cancel')} onOk={submit} onCancel={onCancel} confirmLoading={busy} destroyOnHidden forceRender
    >
      <Form form={form} layout="vertical" requiredMark="optional" preserve={false} name="offer">
        <Row gutter={16}>
          <Col xs={24}>
            <Form.Item label={t('mkt.offer.offering')} name="offeringId" rules={[{ required: true, message: t('mkt.offer.offeringRequired') }]}>
              <Select
                showSearch optionFilterProp="label" aria-label={t('mkt.offer.offering')} loading={offerings.loading}
                options={(offerings.data?.items ?? []).map((o) => ({ value: o.id, label: `${i18n.name(o)} · ${i18n.kind(o.kind)} · ${i18n.price(o.priceFen, o.priceType)}` }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}><Form.Item label={t('mkt.offer.nameZh')} name="nameZh" rules={[required]}><Input maxLength={20} showCount /></Form.Item></Col>
          <Col xs={24} md={12}><Form.Item label={t('mkt.offer.nameEn')} name="nameEn" rules={[required]}><Input maxLength={40} lang="en" /></Form.Item></Col>
          <Col xs={24} md={12}><Form.Item label={t('mkt.offer.pitchZh')} name="pitchZh" rules={[required]}><Input maxLength={40} showCount /></Form.Item></Col>
          <Col xs={24} md={12}><Form.Item label={t('mkt.offer.pitchEn')} name="pitchEn" rules={[required]}><Input maxLength={80} lang="en" /></Form.Item></Col>
          <Col xs={12} md={6}>
            <Form.Item label={t('mkt.offer.price')} name="price" rules={[money(true)]}><Input inputMode="decimal" prefix="¥" autoComplete="off" /></Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item label={t('mkt.offer.validityDays')} name="validityDays"><InputNumber min={1} max={3650} precision={0} style={{ width: '100%' }} /></Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item label={t('mkt.offer.budget')} name="budget" rules={[{ required: true, message: t('staff.required') }]}>
              <InputNumber min={1} max={100_000_000} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item label={t('mkt.offer.margin')} name="margin" rules={[money(true)]} tooltip={t('mkt.offer.marginHelp')}>
              <Input inputMode="decimal" prefix="¥" autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('mkt.offer.segments')} name="segmentIds" tooltip={t('mkt.offer.segmentsHelp')}>
              <Select
                mode="multiple" aria-label={t('mkt.offer.segments')} optionFilterProp="label" loading={segments.loading}
                options={(segments.data?.items ?? []).map((s) => ({ value: s.id, label: `${i18n.pick(s.names)}（${s.size.toLocaleString()}）` }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('mkt.offer.cities')} name="cities" tooltip={t('mkt.offer.everywhere')}>
              <Select mode="tags" aria-label={t('mkt.offer.cities')} tokenSeparators={[',', '，', '、']} open={false} suffixIcon={null} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('mkt.offer.channels')} name="channels" tooltip={t('mkt.offer.everywhere')}>
              <Select mode="multiple" aria-label={t('mkt.offer.channels')} options={CHANNELS.map((c) => ({ value: c, label: i18n.channel(c) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item label={t('mkt.offer.lever')} name="lever" tooltip={t('mkt.offer.leverHelp')} rules={[{ required: true, message: t('staff.required') }]}>
              <InputNumber min={0} max={10} step={0.1} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={18}>
            <Form.Item label={t('mkt.offer.days')} name="days" rules={[{ required: true, message: t('staff.required') }]}>
              <DatePicker.RangePicker style={{ width: '100%' }} allowClear={false} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
