// The broadcast form, for a new SMS broadcast and for editing a draft or a rejected one: its names,
// the segment it goes to, an optional offer whose name, price and end fill the text, the text in
// Chinese (and in English for subscribers who chose English), when it starts (Beijing time) and its
// rate, no faster than the SMS centre's agreed rate. Under each text, as it is typed, the server's
// own check of it (the same one approval makes): the text with sample values, GSM-7 or UCS-2, its
// length against 70/160 and how many parts it takes, unknown variables and sensitive words. A
// staff member can also see the text exactly as one subscriber would get it. A segment of no
// members is warned of beside it (a draft to it saves; submitting it is refused, and the page
// opens the form with that refusal at the segment).
import { useEffect, useRef, useState } from 'react';
import { Alert, App, Button, Col, Form, Input, InputNumber, Modal, Row, Select, Space, Typography } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { formatBeijing, fromBeijing } from '../shared/format.ts';
import { toApiError, type ApiError } from './api.ts';
import { useI18n, type I18n } from './i18n.tsx';
import { useBroadcasts, useMarketing, type Broadcast, type BroadcastInput, type SmsMeasure, type TemplatePreview } from './marketing-api.ts';
import { errorText, useLoad } from './ui.tsx';

interface Values {
  nameZh: string;
  nameEn: string;
  segmentId: number;
  offerId: number | null;
  templateZh: string;
  templateEn?: string;
  startsAt: string;
  rate: number;
}
type Lang = 'zh-CN' | 'en';
const FIELDS = ['nameZh', 'nameEn', 'segmentId', 'offerId', 'templateZh', 'templateEn', 'startsAt', 'rate'] as const;

/** The next whole hour, Beijing time, as the form types it. */
const nextHour = () => formatBeijing(Math.ceil((Date.now() + 1) / 3_600_000) * 3_600_000);

function valuesOf(b: Broadcast | undefined, maxRate: number): Partial<Values> {
  if (!b) return { offerId: null, startsAt: nextHour(), rate: Math.min(100, maxRate) };
  return {
    nameZh: b.names['zh-CN'], nameEn: b.names.en, segmentId: b.segmentId ?? undefined, offerId: b.offerId,
    templateZh: b.template['zh-CN'], templateEn: b.template.en ?? '', startsAt: formatBeijing(b.startsAt), rate: b.rate,
  };
}

function inputOf(v: Values): BroadcastInput {
  const en = v.templateEn?.trim();
  return {
    nameZh: v.nameZh.trim(), nameEn: v.nameEn.trim(), segmentId: v.segmentId, offerId: v.offerId ?? null,
    templateZh: v.templateZh.trim(), templateEn: en ? en : null, startsAt: fromBeijing(v.startsAt)!, rate: v.rate,
  };
}

/** The server's check of a text as it is typed: asked a moment after typing stops, the last answer kept. */
function useTemplateCheck(template: string | undefined, offerId: number | null | undefined, lang: Lang) {
  const api = useBroadcasts();
  const [answer, setAnswer] = useState<TemplatePreview | null>(null);
  const [checking, setChecking] = useState(false);
  const asked = useRef(0);
  useEffect(() => {
    const text = template?.trim() ?? '';
    const n = ++asked.current;
    if (!text) {
      setAnswer(null);
      setChecking(false);
      return;
    }
    setChecking(true);
    const timer = setTimeout(() => {
      api.preview({ template: text, offerId: offerId ?? null, lang })
        .then((a) => { if (n === asked.current) setAnswer(a); })
        .catch(() => { if (n === asked.current) setAnswer(null); })
        .finally(() => { if (n === asked.current) setChecking(false); });
    }, 300);
    return () => clearTimeout(timer);
  }, [api, template, offerId, lang]);
  return { answer, checking };
}

/** `UCS-2 · 48/70 字符 · 共 1 条 · 本条还可写 22 字符`. */
const measureText = (i18n: I18n, m: SmsMeasure) =>
  i18n.t('mkt.bform.measure', { encoding: m.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2', length: m.length, perPart: m.perPart, parts: m.parts, remaining: m.remaining });

/** What a text comes to: its sample, its length and parts, and what approval would refuse in it. */
function TemplateCheck({ template, offerId, lang, testId }: { template?: string; offerId?: number | null; lang: Lang; testId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { answer, checking } = useTemplateCheck(template, offerId, lang);
  if (!template?.trim()) return null;
  if (!answer) return <Typography.Text type="secondary" data-testid={testId}>{t('mkt.bform.checking')}</Typography.Text>;
  const m = answer.measure;
  const words = [...new Set(answer.sensitiveWords.map((w) => w.found))];
  return (
    <div data-testid={testId} aria-busy={checking} style={{ display: 'grid', gap: 6, marginBottom: 16 }}>
      <Typography.Text data-testid={`${testId}-measure`} strong={m.parts > 1}>{measureText(i18n, m)}</Typography.Text>
      <div style={{ background: '#f5f5f5', borderRadius: 8, padding: '6px 10px', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        <Typography.Text type="secondary">{t('mkt.bform.sample')}</Typography.Text>
        <div lang={lang}>{answer.sample}</div>
      </div>
      {answer.unknownVariables.length > 0 && <Alert type="warning" showIcon message={t('mkt.bform.unknownVars', { vars: answer.unknownVariables.map((v) => `{${v}}`).join(lang === 'en' ? ', ' : '、') })} />}
      {words.length > 0 && <Alert type="error" showIcon message={t('mkt.bform.sensitive', { words: words.join('、') })} />}
      {answer.offerNeeded && <Alert type="warning" showIcon message={t('mkt.bform.offerNeeded')} />}
    </div>
  );
}

interface Props {
  open: boolean;
  broadcast?: Broadcast;
  /** A refusal of submitting this broadcast (SEGMENT_EMPTY), shown at its field when the form opens. */
  refusal?: ApiError;
  onSaved(b: Broadcast): void;
  onCancel(): void;
}

export function BroadcastForm({ open, broadcast, refusal, onSaved, onCancel }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const api = useBroadcasts();
  const mkt = useMarketing();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const vars = useLoad(() => (open ? api.variables() : Promise.resolve(undefined)), [open]);
  const segments = useLoad(() => (open ? mkt.segments() : Promise.resolve(undefined)), [open]);
  const offers = useLoad(() => (open ? mkt.offers() : Promise.resolve(undefined)), [open]);
  const maxRate = vars.data?.maxRate;
  const refs = { templateZh: useRef<TextAreaRef>(null), templateEn: useRef<TextAreaRef>(null) };
  const templateZh = Form.useWatch('templateZh', form);
  const templateEn = Form.useWatch('templateEn', form);
  const offerId = Form.useWatch('offerId', form);
  const segmentId = Form.useWatch('segmentId', form);
  // Asked now, as submitting asks: the size beside a segment's name is as it was counted.
  const firstMembers = useLoad(() => (open && segmentId ? mkt.members(segmentId) : Promise.resolve(undefined)), [open, segmentId]);
  const emptySegment = !!segmentId && !firstMembers.loading && firstMembers.data?.items.length === 0;
  const [tryNumber, setTryNumber] = useState('');
  const [tried, setTried] = useState<NonNullable<TemplatePreview['recipient']> | null>(null);
  const [tryError, setTryError] = useState<string | null>(null);

  useEffect(() => {
    if (open && maxRate !== undefined) form.setFieldsValue(valuesOf(broadcast, maxRate) as Values);
    if (!open) { setTried(null); setTryError(null); }
  }, [open, broadcast, form, maxRate]);
  // Once the saved values are in, the refusal that opened the form is shown at the segment.
  useEffect(() => {
    if (open && maxRate !== undefined && refusal?.code === 'SEGMENT_EMPTY') form.setFields([{ name: 'segmentId', errors: [errorText(refusal, i18n)] }]);
    // Shown once, when it comes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, maxRate, refusal, form]);

  /** Puts `{name}` where the caret is, or was when the text was left (at its end when it was never focused). */
  const insert = (field: 'templateZh' | 'templateEn', variable: string) => {
    const el = refs[field].current?.resizableTextArea?.textArea;
    const value = String(form.getFieldValue(field) ?? '');
    const touched = el && (document.activeElement === el || el.dataset.caret === 'kept');
    const [from, to] = touched ? [el.selectionStart, el.selectionEnd] : [value.length, value.length];
    const token = `{${variable}}`;
    form.setFieldValue(field, value.slice(0, from) + token + value.slice(to));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(from + token.length, from + token.length);
    });
  };
  // A text area keeps its selection when it loses focus; this marks that it has one worth using.
  const keepCaret = (e: { currentTarget: HTMLTextAreaElement }) => { e.currentTarget.dataset.caret = 'kept'; };
  const variableButtons = (field: 'templateZh' | 'templateEn') => (
    <Space size={4} wrap style={{ marginBottom: 12 }} role="group" aria-label={t('mkt.bform.insertGroup', { field: t(field === 'templateZh' ? 'mkt.bform.templateZh' : 'mkt.bform.templateEn') })}>
      <Typography.Text type="secondary">{t('mkt.bform.insert')}</Typography.Text>
      {(vars.data?.items ?? []).map((v) => (
        // Pressing the button must not take the caret out of the text first.
        <Button key={v.name} size="small" onMouseDown={(e) => e.preventDefault()} onClick={() => insert(field, v.name)} title={i18n.pick(v.label)} aria-label={`{${v.name}} ${i18n.pick(v.label)}`}>
          {`{${v.name}}`}
        </Button>
      ))}
    </Space>
  );

  const tryFor = async () => {
    setTryError(null);
    setTried(null);
    const v = form.getFieldsValue();
    if (!v.templateZh?.trim() || !tryNumber.trim()) return;
    try {
      const a = await api.preview({ template: v.templateZh.trim(), templateEn: v.templateEn?.trim() || null, offerId: v.offerId ?? null, msisdn: tryNumber.trim() });
      setTried(a.recipient ?? null);
    } catch (e) {
      setTryError(errorText(toApiError(e), i18n));
    }
  };

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      const saved = broadcast ? await api.update(broadcast.id, inputOf(v)) : await api.create(inputOf(v));
      message.success(t('mkt.bform.saved', { name: i18n.pick(saved.names) }));
      onSaved(saved);
    } catch (e) {
      const err = toApiError(e);
      // A refusal of one field shows beside it; anything else as a toast.
      const path = String(err.problem.body.path ?? '');
      const field = err.code === 'BROADCAST_RATE_TOO_HIGH' ? 'rate'
        : err.code === 'SEGMENT_NOT_FOUND' || err.code === 'SEGMENT_EMPTY' ? 'segmentId'
        : err.code === 'OFFER_NOT_FOUND' ? 'offerId'
        : (FIELDS as readonly string[]).includes(path) ? path : null;
      const text = err.code === 'BROADCAST_RATE_TOO_HIGH' ? t('mkt.bform.rateTooHigh', { max: Number(err.problem.body.maxRate ?? maxRate) }) : errorText(err, i18n);
      if (field) form.setFields([{ name: field as keyof Values, errors: [text] }]);
      else message.error(text);
    } finally {
      setBusy(false);
    }
  };

  const required = (msg: string) => ({ required: true, whitespace: true, message: msg });
  const beijingMinute = { validator: async (_r: unknown, v: string) => { if (v && !fromBeijing(v)) throw new Error(t('mkt.bform.timeBad')); } };
  const offerOptions = (offers.data?.items ?? [])
    .filter((o) => o.status === 'active' || o.id === broadcast?.offerId)
    .map((o) => ({ value: o.id, label: `${i18n.pick(o.names)} · ${i18n.price(o.priceFen, null)}` }));

  return (
    <Modal
      open={open} title={broadcast ? t('mkt.bform.editTitle') : t('mkt.bform.createTitle')} width={820}
      okText={t('common.save')} cancelText={t('common.cancel')} onOk={submit} onCancel={onCancel} confirmLoading={busy} destroyOnHidden forceRender
    >
      <Form form={form} layout="vertical" requiredMark="optional" preserve={false} name="broadcast">
        <Row gutter={16}>
          <Col xs={24} md={12}><Form.Item label={t('mkt.bform.nameZh')} name="nameZh" rules={[required(t('staff.required'))]}><Input maxLength={40} showCount /></Form.Item></Col>
          <Col xs={24} md={12}><Form.Item label={t('mkt.bform.nameEn')} name="nameEn" rules={[required(t('staff.required'))]}><Input maxLength={80} lang="en" /></Form.Item></Col>
          <Col xs={24} md={12}>
            <Form.Item
              label={t('mkt.broadcasts.segment')} name="segmentId" rules={[{ required: true, message: t('mkt.bform.segmentRequired') }]}
              extra={emptySegment ? <Alert type="warning" showIcon style={{ marginTop: 4 }} message={t('mkt.bform.segmentEmpty')} data-testid="segment-empty" /> : undefined}
            >
              <Select
                showSearch optionFilterProp="label" aria-label={t('mkt.broadcasts.segment')} loading={segments.loading}
                options={(segments.data?.items ?? []).map((s) => ({ value: s.id, label: `${i18n.pick(s.names)}（${s.size.toLocaleString()}）` }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('mkt.bform.offer')} name="offerId" tooltip={t('mkt.bform.offerHelp')}>
              <Select
                showSearch allowClear optionFilterProp="label" aria-label={t('mkt.bform.offer')} loading={offers.loading}
                placeholder={t('mkt.bform.noOffer')} options={offerOptions}
              />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item label={t('mkt.bform.templateZh')} name="templateZh" rules={[required(t('mkt.bform.templateRequired'))]} style={{ marginBottom: 8 }}>
              <Input.TextArea ref={refs.templateZh} rows={3} maxLength={1000} onBlur={keepCaret} />
            </Form.Item>
            {variableButtons('templateZh')}
            <TemplateCheck template={templateZh} offerId={offerId} lang="zh-CN" testId="check-zh" />
          </Col>
          <Col xs={24}>
            <Form.Item label={t('mkt.bform.templateEn')} name="templateEn" extra={t('mkt.bform.templateEnHelp')} style={{ marginBottom: 8 }}>
              <Input.TextArea ref={refs.templateEn} rows={2} maxLength={1000} lang="en" onBlur={keepCaret} />
            </Form.Item>
            {variableButtons('templateEn')}
            <TemplateCheck template={templateEn} offerId={offerId} lang="en" testId="check-en" />
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('mkt.bform.startsAt')} name="startsAt" rules={[required(t('staff.required')), beijingMinute]} extra={t('mkt.bform.startsHelp')}>
              <Input placeholder="2026-12-03 10:00" autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('mkt.bform.rate')} name="rate" rules={[{ required: true, message: t('staff.required') }]} extra={maxRate !== undefined ? t('mkt.bform.rateHelp', { max: maxRate }) : undefined}>
              <InputNumber min={1} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Typography.Text strong>{t('mkt.bform.tryFor')}</Typography.Text>
            <Space.Compact style={{ width: '100%', maxWidth: 420, display: 'flex', marginTop: 4 }}>
              <Input value={tryNumber} onChange={(e) => setTryNumber(e.target.value)} onPressEnter={() => void tryFor()} inputMode="tel" maxLength={20} aria-label={t('mkt.bform.tryNumber')} placeholder="13800000001" />
              <Button onClick={() => void tryFor()} disabled={!templateZh?.trim() || !tryNumber.trim()}>{t('mkt.bform.tryButton')}</Button>
            </Space.Compact>
            {tryError && <Alert style={{ marginTop: 8 }} type="error" showIcon message={tryError} />}
            {tried && (
              <div data-testid="try-result" style={{ marginTop: 8 }}>
                <Typography.Text type="secondary">{t('mkt.bform.tryResult', { msisdn: tried.msisdn, name: tried.name, language: t(`mkt.bform.lang.${tried.language}`) })}</Typography.Text>
                <div lang={tried.language} style={{ background: '#f5f5f5', borderRadius: 8, padding: '6px 10px', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{tried.text}</div>
                <Typography.Text type="secondary">{measureText(i18n, tried.measure)}</Typography.Text>
              </div>
            )}
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
