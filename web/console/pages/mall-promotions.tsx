// 优惠活动: every promotion with its status, rule, window and uses (or coupons claimed) against its
// limits; a new one or an edited draft (满减: spend X take off Y, 折扣: per cent off with a cap, or a
// coupon template with how many to issue and how many each subscriber may claim; scoped to
// categories or products, or the whole shop; its window typed in Beijing time; yuan typed, fen
// sent); a draft submitted, then approved or rejected by a second person (the server refuses whoever
// created or submitted it: SELF_REVIEW); a live one paused, resumed or ended. docs/console-api.md,
// "Mall: promotions". Every step is in the audit log.
import { useMemo, useState } from 'react';
import { Button, Form, Input, InputNumber, Modal, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { query, request } from '../../shared/api.ts';
import { formatBeijing, fromBeijing } from '../../shared/format.ts';
import type { QueryOf, RequestOf, ResponseOf } from '../../shared/types.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { useMall, type Category } from '../mall-api.ts';
import { useStaffStep } from '../marketing-ui.tsx';
import type { MessageKey } from '../messages.ts';
import { ErrorAlert, PageTitle, ToneTag, useLoad, type Tone } from '../ui.tsx';

type C = '/api/v1/console';
type Promotion = ResponseOf<`${C}/mall/promotions/{id}`, 'get', 200>;
type PromotionInput = RequestOf<`${C}/mall/promotions`, 'post'>;
type Status = NonNullable<QueryOf<`${C}/mall/promotions`, 'get'>['status']>;
type Step = 'submit' | 'approve' | 'pause' | 'resume' | 'end';
/** What the form offers: 满减 and 折扣 apply by themselves; a coupon template is claimed into wallets. */
type Kind = 'threshold' | 'percent' | 'coupon';

interface Fields {
  kind: Kind; nameZh: string; nameEn: string;
  minSpend?: number | null; off?: number | null; percentOff?: number | null; cap?: number | null;
  quantity?: number | null; perSubscriber?: number | null; validDays?: number | null;
  usesPerSubscriber?: number | null; usesTotal?: number | null;
  categoryIds: number[]; productIds: number[]; startsAt: string; endsAt: string;
}

const TONES: Record<Status, Tone> = { draft: 'blue', pending: 'gold', active: 'green', paused: 'grey', rejected: 'red', ended: 'grey' };
const DONE: Record<Step, MessageKey> = { submit: 'mall.promo.submitted', approve: 'mall.promo.approved', pause: 'mall.promo.paused', resume: 'mall.promo.resumed', end: 'mall.promo.ended' };
const fen = (yuan: number | null | undefined) => (yuan == null ? null : Math.round(yuan * 100));
const yuan = (f: number | null) => (f == null ? null : f / 100);
const kindOf = (p: Promotion): Kind | 'code' => (p.mode === 'wallet' ? 'coupon' : p.mode === 'code' ? 'code' : p.benefit === 'percent' ? 'percent' : 'threshold');

function usePromotions() {
  const { session, end } = useAuth();
  const { lang } = useI18n();
  return useMemo(() => {
    const o = { lang, token: session?.token ?? null, onUnauthorized: () => end('expired') };
    const call = async <T,>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) => (await request<T>(o, method, `/console/mall/promotions${path}`, body)).data;
    return {
      list: (status?: Status) => call<{ items: Promotion[]; total: number }>('GET', query({ status, limit: 200 })),
      create: (body: PromotionInput) => call<Promotion>('POST', '', body),
      update: (id: number, body: PromotionInput) => call<Promotion>('PUT', `/${id}`, body),
      step: (id: number, step: Step) => call<Promotion>('POST', `/${id}/${step}`, {}),
      reject: (id: number, reason: string) => call<Promotion>('POST', `/${id}/reject`, { reason }),
    };
  }, [lang, session?.token, end]);
}

/** The form's values as the server takes them: yuan to fen, the window to instants, only the kind's fields. */
function toInput(v: Fields): PromotionInput {
  const common = {
    nameZh: v.nameZh.trim(), nameEn: v.nameEn.trim(), categoryIds: v.categoryIds ?? [], productIds: v.productIds ?? [],
    startsAt: fromBeijing(v.startsAt)!, endsAt: fromBeijing(v.endsAt)!, minSpendFen: fen(v.minSpend) ?? 0,
  };
  if (v.kind === 'coupon') {
    return { ...common, mode: 'wallet', benefit: 'amount', offFen: fen(v.off), globalLimit: v.quantity ?? null, perSubscriberLimit: v.perSubscriber ?? null, validDays: v.validDays ?? null };
  }
  const limits = { perSubscriberLimit: v.usesPerSubscriber ?? null, globalLimit: v.usesTotal ?? null };
  if (v.kind === 'percent') return { ...common, ...limits, mode: 'auto', benefit: 'percent', percentOff: v.percentOff ?? null, capFen: fen(v.cap) };
  return { ...common, ...limits, mode: 'auto', benefit: 'amount', offFen: fen(v.off) };
}

function toFields(p: Promotion): Fields {
  const k = kindOf(p);
  return {
    kind: k === 'code' ? 'threshold' : k, nameZh: p.names['zh-CN'], nameEn: p.names.en, minSpend: yuan(p.minSpendFen), off: yuan(p.offFen), percentOff: p.percentOff, cap: yuan(p.capFen),
    quantity: k === 'coupon' ? p.globalLimit : null, perSubscriber: k === 'coupon' ? p.perSubscriberLimit : null, validDays: p.validDays,
    usesPerSubscriber: k === 'coupon' ? null : p.perSubscriberLimit, usesTotal: k === 'coupon' ? null : p.globalLimit,
    categoryIds: p.categoryIds, productIds: p.productIds, startsAt: formatBeijing(p.startsAt), endsAt: formatBeijing(p.endsAt),
  };
}

/** The category tree as one list, each below its parent and marked by its depth. */
function flatten(cs: Category[], pick: (n: Category['names']) => string, depth = 0): { value: number; label: string }[] {
  return cs.flatMap((c) => [{ value: c.id, label: `${'— '.repeat(depth)}${pick(c.names)}` }, ...flatten((c as { children?: Category[] }).children ?? [], pick, depth + 1)]);
}

export default function MallPromotionsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = usePromotions();
  const mall = useMall();
  const me = useAuth().session!.user.id;
  const [status, setStatus] = useState<Status>();
  const list = useLoad(() => api.list(status), [status]);
  const { busy, act } = useStaffStep(t('mall.promo.self'), () => list.reload());
  const [editing, setEditing] = useState<Promotion | 'new' | null>(null);
  const [rejecting, setRejecting] = useState<Promotion | null>(null);
  const [form] = Form.useForm<Fields>();
  const [rejectForm] = Form.useForm<{ reason: string }>();
  const kind = Form.useWatch('kind', form) ?? 'threshold';
  const categories = useLoad(() => mall.categories(), []);
  const products = useLoad(() => (editing ? mall.products({ offset: 0, limit: 200 }) : Promise.resolve(null)), [editing !== null]);
  const categoryOptions = useMemo(() => flatten(categories.data?.items ?? [], i18n.pick), [categories.data, i18n.pick]);
  const categoryName = (id: number) => {
    const all = (cs: Category[]): Category[] => cs.flatMap((c) => [c, ...all((c as { children?: Category[] }).children ?? [])]);
    const c = all(categories.data?.items ?? []).find((x) => x.id === id);
    return c ? i18n.pick(c.names) : `#${id}`;
  };
  const name = (p: Promotion) => i18n.pick(p.names);

  const open = (p: Promotion | 'new') => {
    form.resetFields();
    if (p === 'new') {
      const now = Date.now();
      form.setFieldsValue({ kind: 'threshold', categoryIds: [], productIds: [], startsAt: formatBeijing(now), endsAt: formatBeijing(now + 7 * 86_400_000), perSubscriber: 1 });
    } else {
      form.setFieldsValue(toFields(p));
    }
    setEditing(p);
  };

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body = toInput({ ...form.getFieldsValue(true), ...v });
    const target = editing;
    const ok = await act(() => (target && target !== 'new' ? api.update(target.id, body) : api.create(body)), t('mall.promo.saved', { name: i18n.pick({ 'zh-CN': body.nameZh, en: body.nameEn }) }));
    if (ok) setEditing(null);
  };

  const label = (what: string, p: Promotion) => `${what}：${name(p)}`;
  const actions = (p: Promotion) => {
    const b = (step: Step, primary = false) => (
      <Button key={step} size="small" type={primary ? 'primary' : 'default'} danger={step === 'end'} loading={busy} aria-label={label(t(`mall.promo.${step}`), p)}
        onClick={() => void act(() => api.step(p.id, step), t(DONE[step], { name: name(p) }))}>
        {t(`mall.promo.${step}`)}
      </Button>
    );
    const edit = kindOf(p) === 'code' ? null : <Button key="edit" size="small" onClick={() => open(p)} aria-label={label(t('mall.promo.edit'), p)}>{t('mall.promo.edit')}</Button>;
    switch (p.status) {
      case 'draft': return [edit, b('submit', true)];
      case 'rejected': return [edit];
      // Whoever made or sent it may try too: the server answers SELF_REVIEW, which the page shows.
      case 'pending': return [
        b('approve', true),
        <Button key="reject" size="small" danger disabled={busy} aria-label={label(t('mall.promo.reject'), p)} onClick={() => { rejectForm.resetFields(); setRejecting(p); }}>{t('mall.promo.reject')}</Button>,
      ];
      case 'active': return [b('pause'), b('end')];
      case 'paused': return [b('resume', true), b('end')];
      default: return [];
    }
  };

  const usage = (p: Promotion) => {
    const wallet = p.mode === 'wallet';
    const lines = [
      wallet ? t('mall.promo.issued', { issued: p.issued }) : null,
      t('mall.promo.used', { used: p.used }),
      p.globalLimit === null ? t('mall.promo.noLimit') : t('mall.promo.ofLimit', { limit: p.globalLimit }),
      p.perSubscriberLimit === null ? null : t('mall.promo.perLimit', { n: p.perSubscriberLimit }),
    ].filter(Boolean);
    return <div style={{ maxWidth: 200 }}>{lines.join(' · ')}</div>;
  };

  const columns: ColumnsType<Promotion> = [
    {
      title: t('mall.promo.name'), key: 'name',
      render: (_v, p) => (
        <div style={{ maxWidth: 240 }}>
          <div>{name(p)}</div>
          {p.code && <Typography.Text code>{p.code}</Typography.Text>}
        </div>
      ),
    },
    { title: t('mall.promo.kind'), key: 'kind', render: (_v, p) => <Tag>{t(`mall.promo.kind.${kindOf(p)}`)}</Tag> },
    { title: t('mall.promo.rule'), key: 'rule', render: (_v, p) => <span>{i18n.pick(p.terms)}</span> },
    {
      title: t('mall.promo.scope'), key: 'scope',
      render: (_v, p) => (
        <div className="tag-wrap" style={{ maxWidth: 220 }}>
          {p.categoryIds.map((id) => <Tag key={`c${id}`}>{categoryName(id)}</Tag>)}
          {p.productIds.length > 0 && <Tag>{`${t('mall.promo.products')} ×${p.productIds.length}`}</Tag>}
          {!p.categoryIds.length && !p.productIds.length && t('mall.promo.wholeShop')}
        </div>
      ),
    },
    { title: t('mall.promo.window'), key: 'window', render: (_v, p) => <span>{p.startsAtLocal}<br />– {p.endsAtLocal}</span> },
    { title: t('mall.promo.usage'), key: 'usage', render: (_v, p) => usage(p) },
    {
      title: t('mall.promo.status'), dataIndex: 'status',
      render: (s: Status, p) => (
        <>
          <ToneTag tone={TONES[s]}>{t(`mall.promo.status.${s}`)}</ToneTag>
          {s === 'pending' && (p.createdBy === me || p.submittedBy === me) && <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('mall.promo.selfNote')}</Typography.Text></div>}
          {p.reviewReason && <div><Typography.Text type="danger" style={{ fontSize: 12 }}>{t('mall.promo.rejectedBecause', { reason: p.reviewReason })}</Typography.Text></div>}
        </>
      ),
    },
    { title: t('common.actions'), key: 'actions', render: (_v, p) => <Space wrap size={[8, 8]} style={{ maxWidth: 160 }}>{actions(p)}</Space> },
  ];

  const required = { required: true, message: t('mall.promo.required') };
  const beijingMinute = { validator: async (_r: unknown, v: string) => { if (v && !fromBeijing(v)) throw new Error(t('mall.promo.timeFormat')); } };
  const productOptions = (products.data?.items ?? []).map((p) => ({ value: p.id, label: i18n.pick(p.names) }));
  const money = (key: MessageKey, field: keyof Fields, must: boolean) => (
    <Form.Item name={field} label={t(key)} rules={must ? [required] : []}><InputNumber min={must && field === 'off' ? 0.01 : 0} max={1_000_000} precision={2} style={{ width: 160 }} /></Form.Item>
  );
  const count = (key: MessageKey, field: keyof Fields, must: boolean, max: number) => (
    <Form.Item name={field} label={t(key)} rules={must ? [required] : []}><InputNumber min={1} max={max} precision={0} style={{ width: 160 }} /></Form.Item>
  );

  return (
    <div>
      <PageTitle title={t('mall.promo.title')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>{t('mall.promo.new')}</Button>} />
      <Space style={{ marginBottom: 16 }}>
        <Select
          allowClear placeholder={t('mall.promo.status')} aria-label={t('mall.promo.status')} style={{ width: 160 }} value={status} onChange={(s?: Status) => setStatus(s)}
          options={(Object.keys(TONES) as Status[]).map((s) => ({ value: s, label: t(`mall.promo.status.${s}`) }))}
        />
      </Space>
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<Promotion>
        rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading && !list.data} scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: t('mall.promo.empty') }}
      />
      <Modal
        open={editing !== null} width={640} title={editing && editing !== 'new' ? t('mall.promo.editTitle', { name: name(editing) }) : t('mall.promo.new')}
        okText={t('mall.promo.save')} cancelText={t('common.cancel')} confirmLoading={busy} onOk={() => void save()} onCancel={() => setEditing(null)} forceRender
      >
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item name="kind" label={t('mall.promo.kind')}>
            <Radio.Group optionType="button" buttonStyle="solid" disabled={editing !== null && editing !== 'new'}
              options={(['threshold', 'percent', 'coupon'] as const).map((k) => ({ value: k, label: t(`mall.promo.kind.${k}`) }))} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="nameZh" label={t('mall.promo.nameZh')} rules={[required, { max: 30 }]}><Input style={{ width: 260 }} maxLength={30} /></Form.Item>
            <Form.Item name="nameEn" label={t('mall.promo.nameEn')} rules={[required, { max: 60 }]}><Input style={{ width: 260 }} maxLength={60} /></Form.Item>
          </Space>
          {kind === 'threshold' && <Space wrap>{money('mall.promo.minSpend', 'minSpend', true)}{money('mall.promo.off', 'off', true)}</Space>}
          {kind === 'percent' && (
            <Space wrap>
              <Form.Item name="percentOff" label={t('mall.promo.percentOff')} rules={[required]}><InputNumber min={1} max={99} precision={0} style={{ width: 160 }} /></Form.Item>
              {money('mall.promo.cap', 'cap', false)}
              {money('mall.promo.minSpendOptional', 'minSpend', false)}
            </Space>
          )}
          {kind === 'coupon' && (
            <>
              <Space wrap>{money('mall.promo.minSpendOptional', 'minSpend', false)}{money('mall.promo.off', 'off', true)}</Space>
              <Space wrap>
                {count('mall.promo.quantity', 'quantity', true, 100_000_000)}
                {count('mall.promo.perSubscriber', 'perSubscriber', true, 1000)}
                {count('mall.promo.validDays', 'validDays', false, 366)}
              </Space>
            </>
          )}
          {kind !== 'coupon' && <Space wrap>{count('mall.promo.usesPerSubscriber', 'usesPerSubscriber', false, 1000)}{count('mall.promo.usesTotal', 'usesTotal', false, 100_000_000)}</Space>}
          <Form.Item name="categoryIds" label={t('mall.promo.categories')} extra={t('mall.promo.scopeHint')}>
            <Select mode="multiple" allowClear optionFilterProp="label" options={categoryOptions} loading={categories.loading} aria-label={t('mall.promo.categories')} />
          </Form.Item>
          <Form.Item name="productIds" label={t('mall.promo.products')}>
            <Select mode="multiple" allowClear optionFilterProp="label" options={productOptions} loading={products.loading} aria-label={t('mall.promo.products')} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="startsAt" label={t('mall.promo.startsAt')} rules={[required, beijingMinute]}><Input placeholder="2026-12-03 10:00" style={{ width: 200 }} /></Form.Item>
            <Form.Item name="endsAt" label={t('mall.promo.endsAt')} rules={[required, beijingMinute]}><Input placeholder="2026-12-10 10:00" style={{ width: 200 }} /></Form.Item>
          </Space>
        </Form>
      </Modal>
      <Modal
        open={rejecting !== null} title={rejecting ? t('mall.promo.rejectTitle', { name: name(rejecting) }) : ''} okText={t('mall.promo.reject')} okButtonProps={{ danger: true }}
        cancelText={t('common.cancel')} confirmLoading={busy} onCancel={() => setRejecting(null)}
        onOk={async () => {
          const v = await rejectForm.validateFields().catch(() => null);
          if (!v) return;
          if (rejecting && await act(() => api.reject(rejecting.id, v.reason.trim()), t('mall.promo.rejected', { name: name(rejecting) }))) setRejecting(null);
        }}
      >
        <Form form={rejectForm} layout="vertical" requiredMark={false}>
          <Form.Item name="reason" label={t('mall.promo.reason')} rules={[{ ...required, whitespace: true }]}><Input.TextArea rows={3} maxLength={500} /></Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
