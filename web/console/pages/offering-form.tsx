// The offering form, for a new offering and for editing one: only the Chinese name is required;
// the price is typed in yuan and read by the shared money parser into integer fen.
import { useEffect } from 'react';
import { Col, Form, Input, Modal, Radio, Row, Select } from 'antd';
import { fenToYuanText, parseYuan } from '../../shared/format.ts';
import { useI18n } from '../i18n.tsx';
import { isOfferingKind, isPriceType, KINDS, PRICE_TYPES, type NewOffering, type Offering, type OfferingKind, type PriceType } from '../types.ts';

interface Values {
  nameZh: string;
  nameEn?: string;
  kind?: OfferingKind;
  code?: string;
  price?: string;
  priceType?: PriceType;
  dataMb?: string;
  voiceMin?: string;
  sms?: string;
  validityDays?: string;
  descriptionZh?: string;
  descriptionEn?: string;
}

const COUNTS = ['dataMb', 'voiceMin', 'sms', 'validityDays'] as const;

function valuesOf(o: Offering | undefined): Partial<Values> {
  if (!o) return { priceType: PRICE_TYPES.oneTime };
  const text = (n: number | null) => (n === null || n === undefined ? undefined : String(n));
  return {
    nameZh: o.nameZh, nameEn: o.nameEn ?? undefined, kind: isOfferingKind(o.kind) ? o.kind : undefined, code: o.code ?? undefined,
    price: o.priceFen === null || o.priceFen === undefined ? undefined : fenToYuanText(o.priceFen),
    priceType: isPriceType(o.priceType) ? o.priceType : PRICE_TYPES.oneTime,
    dataMb: text(o.dataMb), voiceMin: text(o.voiceMin), sms: text(o.sms), validityDays: text(o.validityDays),
    descriptionZh: o.descriptionZh ?? undefined, descriptionEn: o.descriptionEn ?? undefined,
  };
}

/** The form's values as the API takes them: empty fields left out (or, editing, left as they were). */
function inputOf(v: Values): NewOffering {
  const out: NewOffering = { nameZh: v.nameZh.trim() };
  const str = (s: string | undefined) => (s && s.trim() ? s.trim() : undefined);
  if (str(v.nameEn)) out.nameEn = str(v.nameEn);
  if (v.kind) out.kind = v.kind;
  if (str(v.code)) out.code = str(v.code);
  const fen = v.price ? parseYuan(v.price) : null;
  if (fen !== null) {
    out.priceFen = fen;
    out.priceType = v.priceType ?? PRICE_TYPES.oneTime;
  }
  for (const k of COUNTS) {
    const s = str(v[k]);
    if (s !== undefined) out[k] = Number(s);
  }
  if (str(v.descriptionZh)) out.descriptionZh = str(v.descriptionZh);
  if (str(v.descriptionEn)) out.descriptionEn = str(v.descriptionEn);
  return out;
}

interface Props {
  open: boolean;
  /** The offering being edited; none for a new one. */
  offering?: Offering;
  busy: boolean;
  /** What the form sends: a whole new offering, or (editing) the fields to set. */
  onSave(input: NewOffering): void;
  onCancel(): void;
}

export function OfferingForm({ open, offering, busy, onSave, onCancel }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<Values>();
  useEffect(() => {
    if (open) form.setFieldsValue({ ...valuesOf(offering) } as Values);
  }, [open, offering, form]);

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    onSave(inputOf(v));
  };
  const count = { pattern: /^\s*\d{1,9}\s*$/, message: t('field.countInvalid') };

  return (
    <Modal
      open={open} title={offering ? t('offering.editTitle') : t('offering.createTitle')} width={720}
      okText={t('common.save')} cancelText={t('common.cancel')} onOk={submit} onCancel={onCancel} confirmLoading={busy}
      destroyOnHidden forceRender
    >
      <Form form={form} layout="vertical" requiredMark="optional" preserve={false} name="offering">
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item label={t('field.nameZh')} name="nameZh" rules={[{ required: true, whitespace: true, message: t('field.nameRequired') }]}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('field.nameEn')} name="nameEn"><Input maxLength={100} lang="en" /></Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('field.kind')} name="kind">
              <Select allowClear aria-label={t('field.kind')} options={KINDS.map((k) => ({ value: k, label: i18n.kind(k) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('field.code')} name="code"><Input maxLength={40} /></Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              label={t('field.price')} name="price"
              rules={[{ validator: (_r, v: string | undefined) => (!v || !v.trim() || parseYuan(v) !== null ? Promise.resolve() : Promise.reject(new Error(t('field.priceInvalid')))) }]}
            >
              <Input inputMode="decimal" prefix="¥" autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('field.priceType')} name="priceType">
              <Radio.Group
                options={[
                  { value: PRICE_TYPES.oneTime, label: t('priceType.oneTime') },
                  { value: PRICE_TYPES.monthly, label: t('priceType.monthly') },
                ]}
              />
            </Form.Item>
          </Col>
          {COUNTS.map((k) => (
            <Col key={k} xs={12} md={6}>
              <Form.Item label={t(`field.${k}`)} name={k} rules={[count]}>
                <Input inputMode="numeric" autoComplete="off" />
              </Form.Item>
            </Col>
          ))}
          <Col xs={24} md={12}>
            <Form.Item label={t('field.descriptionZh')} name="descriptionZh"><Input.TextArea rows={3} maxLength={500} /></Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('field.descriptionEn')} name="descriptionEn"><Input.TextArea rows={3} maxLength={500} lang="en" /></Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
