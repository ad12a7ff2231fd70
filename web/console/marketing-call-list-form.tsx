// The call-list form (新建外呼名单): its names, the segment it is built from (with the segment's size
// now; at most 50,000), the offer agents pitch (a live one open on the agent channel) and the
// holdout share never called (0 to 50%). A saved list is pending: the segment is frozen at once
// and nobody is called until a second person approves it. The server checks it again: its
// INVALID_INPUT `path`, or a refused offer or segment, marks the field it names; any other refusal
// shows above the form.
import { useEffect, useState } from 'react';
import { Alert, App, Col, Form, Input, InputNumber, Modal, Row, Select } from 'antd';
import { toApiError, type ApiError } from './api.ts';
import { useI18n } from './i18n.tsx';
import { useCampaigns, useMarketing, type CallList, type CallListInput, type Offer } from './marketing-api.ts';
import { errorText, useLoad } from './ui.tsx';

/** Most subscribers one list may hold (the service's MAX_CALL_LIST). */
const MAX_CALL_LIST = 50_000;
const DEFAULT_HOLDOUT_PCT = 10;

interface Values {
  nameZh: string;
  nameEn: string;
  segmentId?: number;
  offerId?: number;
  holdoutPct: number | null;
}
type Field = keyof Values;
const FIELDS: readonly Field[] = ['nameZh', 'nameEn', 'segmentId', 'offerId', 'holdoutPct'];

/** The field a refusal is about, if the form shows it. */
function fieldOf(err: ApiError): Field | undefined {
  if (err.code === 'OFFER_NOT_FOUND' || err.code === 'OFFER_EXPIRED') return 'offerId';
  if (err.code === 'SEGMENT_NOT_FOUND') return 'segmentId';
  if (err.code !== 'INVALID_INPUT') return undefined;
  const path = String(err.problem.body.path ?? '').split('.')[0];
  return (FIELDS as readonly string[]).includes(path!) ? (path as Field) : undefined;
}

/** An offer agents can take for a subscriber: live, and on the agent channel (no channels: every one). */
const pitchable = (o: Offer) => o.status === 'active' && (o.channels.length === 0 || o.channels.includes('agent'));

function inputOf(v: Values): CallListInput {
  return { nameZh: v.nameZh.trim(), nameEn: v.nameEn.trim(), segmentId: v.segmentId!, offerId: v.offerId!, holdoutPct: v.holdoutPct ?? DEFAULT_HOLDOUT_PCT };
}

interface Props {
  open: boolean;
  onSaved(list: CallList): void;
  onCancel(): void;
}

export function CallListForm({ open, onSaved, onCancel }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const api = useCampaigns();
  const mkt = useMarketing();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<ApiError>();
  const segments = useLoad(() => (open ? mkt.segments() : Promise.resolve(undefined)), [open]);
  const offers = useLoad(() => (open ? mkt.offers('active') : Promise.resolve(undefined)), [open]);

  useEffect(() => {
    if (open) {
      setRefusal(undefined);
      form.setFieldsValue({ holdoutPct: DEFAULT_HOLDOUT_PCT });
    }
  }, [open, form]);

  const submit = async () => {
    // A form the browser refuses shows its messages at the fields; the refusal goes no further.
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    setRefusal(undefined);
    try {
      const saved = await api.createList(inputOf(v));
      message.success(t('mkt.clform.saved', { name: i18n.pick(saved.names), n: saved.size.toLocaleString() }));
      onSaved(saved);
    } catch (e) {
      const err = toApiError(e);
      const field = fieldOf(err);
      if (field) {
        form.setFields([{ name: field, errors: [errorText(err, i18n)] }]);
        form.scrollToField(field);
      } else {
        setRefusal(err);
      }
    } finally {
      setBusy(false);
    }
  };

  const required = { required: true, whitespace: true, message: t('staff.required') };
  const max = MAX_CALL_LIST.toLocaleString();
  const segmentList = segments.data?.items ?? [];
  const notTooBig = {
    validator: async (_r: unknown, id: number | undefined) => {
      const seg = segmentList.find((s) => s.id === id);
      if (seg && seg.size > MAX_CALL_LIST) throw new Error(t('mkt.clform.segmentTooBig', { max }));
    },
  };

  return (
    <Modal
      open={open} title={t('mkt.clform.title')} width={720} okText={t('common.save')} cancelText={t('common.cancel')}
      onOk={() => void submit()} onCancel={onCancel} confirmLoading={busy} destroyOnHidden forceRender
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('mkt.clform.review')} />
      {refusal && (
        <Alert type="error" showIcon role="alert" style={{ marginBottom: 16 }} title={t('mkt.clform.refused')} description={errorText(refusal, i18n)} data-testid="call-list-refusal" />
      )}
      <Form form={form} layout="vertical" requiredMark="optional" preserve={false} name="callList">
        <Row gutter={16}>
          <Col xs={24} md={12}><Form.Item label={t('mkt.clform.nameZh')} name="nameZh" rules={[required]}><Input maxLength={40} showCount /></Form.Item></Col>
          <Col xs={24} md={12}><Form.Item label={t('mkt.clform.nameEn')} name="nameEn" rules={[required]}><Input maxLength={60} lang="en" /></Form.Item></Col>
          <Col xs={24}>
            <Form.Item
              label={t('mkt.clform.segment')} name="segmentId" extra={t('mkt.clform.segmentHelp', { max })}
              rules={[{ required: true, message: t('mkt.clform.segmentRequired') }, notTooBig]}
            >
              <Select
                showSearch optionFilterProp="label" aria-label={t('mkt.clform.segment')} loading={segments.loading}
                options={segmentList.map((s) => ({ value: s.id, label: `${i18n.pick(s.names)}（${s.size.toLocaleString()}）` }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item label={t('mkt.clform.offer')} name="offerId" extra={t('mkt.clform.offerHelp')} rules={[{ required: true, message: t('mkt.clform.offerRequired') }]}>
              <Select
                showSearch optionFilterProp="label" aria-label={t('mkt.clform.offer')} loading={offers.loading}
                options={(offers.data?.items ?? []).filter(pitchable).map((o) => ({ value: o.id, label: `${i18n.pick(o.names)} · ${i18n.price(o.priceFen, null)}` }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item
              label={t('mkt.clform.holdout')} name="holdoutPct" extra={t('mkt.clform.holdoutHelp')}
              rules={[{ required: true, message: t('mkt.clform.holdoutRange') }, { type: 'integer', min: 0, max: 50, message: t('mkt.clform.holdoutRange') }]}
            >
              <InputNumber precision={0} suffix="%" style={{ width: 160 }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
