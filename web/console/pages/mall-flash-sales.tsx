// 秒杀: the flash sales with their live sold / awaiting payment / left (read again every few seconds
// while one is upcoming or live), a new one (a shipped SKU on sale in the mall, a price in yuan, a
// quantity, a window in Beijing time and a limit per buyer) submitted for review, and its approval
// or rejection by a second person: the server refuses its creator (SELF_REVIEW), which the page
// says in a dialog. Ops may watch; product and marketing create and review. docs/console-api.md,
// "Mall: flash sales".
import { useEffect, useMemo, useState } from 'react';
import { App, Button, Form, Input, InputNumber, Modal, Progress, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { query, request } from '../../shared/api.ts';
import { formatFen, fromBeijing } from '../../shared/format.ts';
import type { QueryOf, RequestOf, ResponseOf } from '../../shared/types.ts';
import { toApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { useStaffStep } from '../marketing-ui.tsx';
import type { MessageKey } from '../messages.ts';
import { ErrorAlert, PageTitle, ToneTag, useLoad, type Tone } from '../ui.tsx';

type C = '/api/v1/console/mall/flash-sales';
type FlashSale = ResponseOf<C, 'get', 200>['items'][number];
type Phase = FlashSale['phase'];
type NewSale = RequestOf<C, 'post'>;
/** What the mall has on sale (the public list): a flash sale is of a SKU shoppers can find. */
type ShopProduct = ResponseOf<'/api/v1/mall/products', 'get', 200>['items'][number];
type ShopQuery = QueryOf<'/api/v1/mall/products', 'get'>;
interface SkuChoice { value: number; label: string; saleFen: number; saleable: number | null }
interface FormValues { skuId: number; price: number; quantity: number; limit: number; startsAt: string; endsAt: string }

const TONES: Record<Phase, Tone> = { pending: 'gold', rejected: 'red', upcoming: 'blue', live: 'green', ended: 'grey', settled: 'grey' };
/** How often the list is read again while a sale is upcoming or live (sold and left move). */
const LIVE_REFRESH_MS = 5_000;

function useFlashSales() {
  const { session, end } = useAuth();
  const { lang } = useI18n();
  return useMemo(() => {
    const o = { lang, token: session?.token ?? null, onUnauthorized: () => end('expired') };
    const call = async <T,>(method: 'GET' | 'POST', path: string, body?: unknown) => (await request<T>(o, method, path, body)).data;
    const c = '/console/mall/flash-sales';
    return {
      list: () => call<ResponseOf<C, 'get', 200>>('GET', `${c}?limit=200`),
      create: (body: NewSale) => call<FlashSale>('POST', c, body),
      approve: (id: number) => call<FlashSale>('POST', `${c}/${id}/approve`, {}),
      reject: (id: number, reason: string) => call<FlashSale>('POST', `${c}/${id}/reject`, { reason }),
      /** Goods on sale in the mall, shipped ones being what a flash sale can hold stock of. */
      shop: (q: ShopQuery) => call<{ items: ShopProduct[]; total: number }>('GET', `/mall/products${query({ ...q })}`),
    };
  }, [lang, session?.token, end]);
}

export default function MallFlashSalesPage(_props: { id?: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { modal } = App.useApp();
  const api = useFlashSales();
  const { can } = useAuth();
  const staff = can('product', 'marketing');
  const list = useLoad(() => api.list(), []);
  const { busy, act } = useStaffStep(t('mall.flash.self'), () => list.reload());
  const [creating, setCreating] = useState(false);
  const [rejecting, setRejecting] = useState<FlashSale | null>(null);
  const [form] = Form.useForm<FormValues>();
  const [rejectForm] = Form.useForm<{ reason: string }>();
  const shop = useLoad(() => (creating ? api.shop({ kind: 'physical', offset: 0, limit: 100 }) : Promise.resolve(null)), [creating]);
  const skuId = Form.useWatch('skuId', form);

  const { reload } = list;
  const moving = list.data?.items.some((s) => s.phase === 'live' || s.phase === 'upcoming') ?? false;
  useEffect(() => {
    if (!moving) return;
    const timer = setInterval(reload, LIVE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [moving, reload]);

  const attrs = (a: Record<string, string>) => Object.values(a).join(' ');
  const skus: SkuChoice[] = (shop.data?.items ?? []).filter((p) => p.delivery === 'ship').flatMap((p) => p.skus.map((s) => ({
    value: s.id, saleFen: s.saleFen, saleable: s.stock.saleable,
    label: `${i18n.pick(p.names)} ${attrs(s.attrs)} · ${formatFen(s.saleFen)} · ${t('mall.flash.saleable', { n: s.stock.saleable ?? 0 })}`,
  })));
  const chosen = skus.find((s) => s.value === skuId);
  const name = (s: FlashSale) => `${i18n.pick(s.names)} ${attrs(s.attrs)}`.trim();
  /** A button's name for a screen reader: which sale it acts on (`审核通过：华为 66W…`). */
  const forSale = (action: string, s: FlashSale) => `${action}${i18n.lang === 'zh-CN' ? '：' : ': '}${name(s)}`;
  /** `2026-12-03 10:00 – 12:00`, or the end's day too when it ends on another day. */
  const when = (s: FlashSale) => `${s.startsAtLocal} – ${s.endsAtLocal.slice(0, 10) === s.startsAtLocal.slice(0, 10) ? s.endsAtLocal.slice(11) : s.endsAtLocal}`;

  const submit = async () => {
    // A field that is wrong says so beside it; nothing is sent.
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body: NewSale = {
      skuId: v.skuId, quantity: v.quantity, priceFen: Math.round(v.price * 100), perSubscriberLimit: v.limit,
      startsAt: fromBeijing(v.startsAt)!, endsAt: fromBeijing(v.endsAt)!,
    };
    const ok = await act(async () => {
      try {
        return await api.create(body);
      } catch (e) {
        // The server's refusal of one field (INVALID_INPUT with its path) shows at that field too.
        const err = toApiError(e);
        const field = ({ priceFen: 'price', perSubscriberLimit: 'limit' } as Record<string, string>)[String(err.problem.body.path)] ?? String(err.problem.body.path);
        if (err.code === 'INVALID_INPUT' && ['skuId', 'price', 'quantity', 'limit', 'startsAt', 'endsAt'].includes(field)) {
          form.setFields([{ name: field as keyof FormValues, errors: [err.problem.messages ? i18n.pick(err.problem.messages) : err.problem.detail] }]);
        }
        throw e;
      }
    }, t('mall.flash.created'));
    if (ok) setCreating(false);
  };

  const approve = (s: FlashSale) => modal.confirm({
    title: t('mall.flash.approveTitle', { name: name(s) }),
    content: t('mall.flash.approveWhat', { quantity: s.quantity, price: formatFen(s.priceFen), window: when(s) }),
    okText: t('mall.flash.approve'), cancelText: t('common.cancel'),
    onOk: () => act(() => api.approve(s.id), t('mall.flash.approved', { name: name(s) })),
  });

  const columns: ColumnsType<FlashSale> = [
    { title: t('mall.flash.product'), key: 'name', render: (_v, s) => <div style={{ maxWidth: 280 }}>{name(s)}</div> },
    {
      title: t('mall.flash.price'), key: 'price',
      render: (_v, s) => <Space direction="vertical" size={0}><span>{formatFen(s.priceFen)}</span><Typography.Text delete type="secondary">{formatFen(s.saleFen)}</Typography.Text></Space>,
    },
    { title: t('mall.flash.quantity'), dataIndex: 'quantity' },
    { title: t('mall.flash.limit'), dataIndex: 'perSubscriberLimit' },
    { title: t('mall.flash.window'), key: 'window', render: (_v, s) => <span style={{ whiteSpace: 'nowrap' }}>{when(s)}</span> },
    {
      title: t('mall.flash.status'), dataIndex: 'phase',
      render: (p: Phase, s) => (
        <Space direction="vertical" size={0}>
          <ToneTag tone={TONES[p]}>{t(`mall.flash.phase.${p}` as MessageKey)}</ToneTag>
          {s.reviewReason ? <Typography.Text type="secondary">{t('mall.flash.rejectedFor', { reason: s.reviewReason })}</Typography.Text> : null}
        </Space>
      ),
    },
    {
      title: t('mall.flash.progress'), key: 'progress',
      render: (_v, s) => (
        <div style={{ minWidth: 200 }}>
          <Progress
            percent={Math.round(((s.sold + s.awaitingPayment) / s.quantity) * 100)} success={{ percent: Math.round((s.sold / s.quantity) * 100) }}
            size="small" showInfo={false} aria-label={forSale(t('mall.flash.progress'), s)}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`flash-progress-${s.id}`}>
            {t('mall.flash.sold', { n: s.sold })} · {t('mall.flash.awaiting', { n: s.awaitingPayment })} · {t('mall.flash.remaining', { n: s.remaining })} / {s.quantity}
          </Typography.Text>
        </div>
      ),
    },
    {
      title: t('common.actions'), key: 'actions',
      render: (_v, s) => {
        if (s.phase !== 'pending' || !staff) return null;
        // The creator sees the buttons too: the server, which holds the rule, answers SELF_REVIEW.
        return (
          <Space wrap>
            <Button size="small" type="primary" loading={busy} aria-label={forSale(t('mall.flash.approve'), s)} onClick={() => approve(s)}>{t('mall.flash.approve')}</Button>
            <Button size="small" danger aria-label={forSale(t('mall.flash.reject'), s)} onClick={() => { rejectForm.resetFields(); setRejecting(s); }}>{t('mall.flash.reject')}</Button>
          </Space>
        );
      },
    },
  ];

  const required = { required: true, message: t('mall.flash.required') };
  const beijingMinute = { validator: async (_r: unknown, v: string) => { if (v && !fromBeijing(v)) throw new Error(t('mall.flash.badTime')); } };
  const afterStart = ({ getFieldValue }: { getFieldValue(n: string): unknown }) => ({
    validator: async (_r: unknown, v: string) => {
      const start = fromBeijing(String(getFieldValue('startsAt') ?? ''));
      const end = v ? fromBeijing(v) : null;
      if (start && end && end <= start) throw new Error(t('mall.flash.endBeforeStart'));
    },
  });
  const atMostSalePrice = { validator: async (_r: unknown, v: number | null) => { if (chosen && v != null && Math.round(v * 100) > chosen.saleFen) throw new Error(t('mall.flash.aboveSale', { price: formatFen(chosen.saleFen) })); } };
  return (
    <div>
      <PageTitle title={t('mall.flash.title')} extra={staff && <Button type="primary" onClick={() => { form.resetFields(); setCreating(true); }}>{t('mall.flash.new')}</Button>} />
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table
        rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading && !list.data} pagination={false}
        scroll={{ x: 'max-content' }} locale={{ emptyText: t('mall.flash.empty') }}
      />
      <Modal open={creating} title={t('mall.flash.new')} okText={t('mall.flash.create')} cancelText={t('common.cancel')} confirmLoading={busy} onOk={() => void submit()} onCancel={() => setCreating(false)} width={600}>
        {shop.error && <ErrorAlert error={shop.error} onRetry={shop.reload} />}
        <Form form={form} layout="vertical" initialValues={{ limit: 1 }}>
          <Form.Item name="skuId" label={t('mall.flash.sku')} rules={[required]} extra={chosen && t('mall.flash.skuNow', { price: formatFen(chosen.saleFen), n: chosen.saleable ?? 0 })}>
            <Select showSearch optionFilterProp="label" options={skus} placeholder={t('mall.flash.pick')} loading={shop.loading} />
          </Form.Item>
          <Space wrap align="start">
            <Form.Item name="price" label={t('mall.flash.price')} rules={[required, atMostSalePrice]} dependencies={['skuId']}><InputNumber min={0.01} max={1_000_000} precision={2} /></Form.Item>
            <Form.Item name="quantity" label={t('mall.flash.quantity')} rules={[required]}><InputNumber min={1} max={100_000} precision={0} /></Form.Item>
            <Form.Item name="limit" label={t('mall.flash.limit')} rules={[required]}><InputNumber min={1} max={10} precision={0} /></Form.Item>
          </Space>
          <Space wrap align="start">
            <Form.Item name="startsAt" label={t('mall.flash.startsAt')} rules={[required, beijingMinute]}><Input placeholder="2026-12-03 10:00" autoComplete="off" /></Form.Item>
            <Form.Item name="endsAt" label={t('mall.flash.endsAt')} rules={[required, beijingMinute, afterStart]} dependencies={['startsAt']}><Input placeholder="2026-12-03 12:00" autoComplete="off" /></Form.Item>
          </Space>
        </Form>
      </Modal>
      <Modal
        open={rejecting !== null} title={rejecting ? t('mall.flash.rejectTitle', { name: name(rejecting) }) : ''} okText={t('mall.flash.reject')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} confirmLoading={busy}
        onCancel={() => setRejecting(null)}
        onOk={async () => {
          const v = await rejectForm.validateFields().catch(() => null);
          if (v && rejecting && await act(() => api.reject(rejecting.id, v.reason.trim()), t('mall.flash.rejected', { name: name(rejecting) }))) setRejecting(null);
        }}
      >
        <Form form={rejectForm} layout="vertical">
          <Form.Item name="reason" label={t('mall.flash.reason')} rules={[required, { whitespace: true, message: t('mall.flash.required') }]}><Input.TextArea rows={3} maxLength={500} /></Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
