// Pieces the goods and stock pages share: who may change goods, a product's kind and a SKU in
// words, its price range, a listing's state now, Beijing time typed and shown, who did a thing,
// and the table of a product's changes where a second person approves or rejects them.
import { useState } from 'react';
import { App, Button, Form, Input, Modal, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { formatBeijing, formatFen } from '../shared/format.ts';
import { useAuth } from './auth.tsx';
import { useI18n, type I18n } from './i18n.tsx';
import type { Change, MallClient, Product, Sku } from './mall-api.ts';
import { useStaffStep } from './marketing-ui.tsx';
import { isMessageKey } from './messages.ts';
import { ToneTag, type Tone } from './ui.tsx';

/** Goods are written by product managers (and admins); ops read them and work the stock. */
export function useGoodsWriter(): boolean {
  const roles = useAuth().session!.user.roles;
  return roles.includes('product') || roles.includes('admin');
}

/** A code the server answers with, named under `mall.goods.<prefix>.` or `mall.stock.<prefix>.`; the code itself when unknown. */
export function named(i18n: I18n, prefix: string, code: string): string {
  const key = `mall.${prefix}.${code}`;
  return isMessageKey(key) ? i18n.t(key) : code;
}

/** A SKU as staff tell it apart: its attributes' values (雅川青 / 256GB), else its code. */
export function skuLabel(s: Pick<Sku, 'attrs' | 'code'>): string {
  const values = Object.values(s.attrs);
  return values.length ? values.join(' / ') : s.code;
}

/** `¥2,799.00 – ¥3,099.00`, one price when all SKUs sell at it. */
export function priceRange(skus: readonly Pick<Sku, 'saleFen'>[]): string {
  if (!skus.length) return '—';
  const fens = skus.map((s) => s.saleFen);
  const lo = Math.min(...fens);
  const hi = Math.max(...fens);
  return lo === hi ? formatFen(lo) : `${formatFen(lo)} – ${formatFen(hi)}`;
}

export type ListingState = 'live' | 'upcoming' | 'ended' | 'none';
export function listingState(l: Product['listings'][number] | undefined, now = Date.now()): ListingState {
  if (!l) return 'none';
  if (new Date(l.listedFrom).getTime() > now) return 'upcoming';
  if (l.listedUntil && new Date(l.listedUntil).getTime() <= now) return 'ended';
  return 'live';
}
const LISTING_TONES: Record<ListingState, Tone> = { live: 'green', upcoming: 'blue', ended: 'grey', none: 'grey' };
export function ListingTag({ state }: { state: ListingState }) {
  const i18n = useI18n();
  return <ToneTag tone={LISTING_TONES[state]}>{named(i18n, 'goods.state', state)}</ToneTag>;
}

/** Who did it: me, the system (the demo's seeding) or a colleague by their staff id (the server gives no names here). */
export function who(i18n: I18n, actorId: number | null, me: number): string {
  if (actorId === null) return '—';
  if (actorId === me) return i18n.t('mall.goods.me');
  if (actorId === 0) return i18n.t('mall.goods.system');
  return i18n.t('mall.goods.staff', { id: actorId });
}

/** What a change would do, in a line: `雅川青 / 256GB：划线价 ¥6,999.00，售价 ¥6,299.00`. */
export function changeSummary(i18n: I18n, c: Change, product?: Product): string {
  const p = c.payload as Record<string, unknown>;
  const fen = (v: unknown) => (typeof v === 'number' ? formatFen(v) : '—');
  const points = typeof p.points === 'number' ? i18n.t('mall.goods.sum.points', { n: p.points }) : '';
  switch (c.kind) {
    case 'details': {
      // Only the fields it names change: the new name when it has one, else how many fields.
      const name = i18n.lang === 'en' ? p.nameEn : p.nameZh;
      return typeof name === 'string' ? i18n.t('mall.goods.sum.details', { name }) : i18n.t('mall.goods.sum.detailsOther', { n: Object.keys(p).length });
    }
    case 'sku': {
      const attrs = (p.attrs ?? {}) as Record<string, string>;
      return i18n.t('mall.goods.sum.sku', { sku: skuLabel({ attrs, code: String(p.code ?? '') }), list: fen(p.listFen), sale: fen(p.saleFen) }) + points;
    }
    case 'price': {
      const sku = product?.skus.find((s) => s.id === p.skuId);
      return i18n.t('mall.goods.sum.price', { sku: sku ? skuLabel(sku) : `#${String(p.skuId)}`, list: fen(p.listFen), sale: fen(p.saleFen) }) + points;
    }
    case 'listing': return i18n.t('mall.goods.sum.listing', {
      channel: i18n.channel(String(p.channel)), from: formatBeijing(String(p.listedFrom)),
      until: p.listedUntil ? i18n.t('mall.goods.sum.until', { at: formatBeijing(String(p.listedUntil)) }) : i18n.t('mall.goods.forever'),
    });
    default: return JSON.stringify(p);
  }
}

const CHANGE_TONES: Record<string, Tone> = { pending: 'gold', approved: 'green', rejected: 'red' };

/**
 * Changes of one product or of many (the review queue, with `products` to name them): each with
 * who submitted and reviewed it and why it was rejected; a pending one approved (after a
 * confirmation) or rejected with a reason by a product manager. The server refuses the
 * submitter's own review (SELF_REVIEW), said in a dialog.
 */
export function ChangesTable({ api, changes, loading, products, showProduct, canReview, onReviewed, empty, testId }: {
  api: MallClient; changes: Change[]; loading: boolean; products: Map<number, Product>; showProduct: boolean; canReview: boolean;
  onReviewed(): void; empty: string; testId: string;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { modal } = App.useApp();
  const me = useAuth().session!.user.id;
  const { busy, act } = useStaffStep(t('mall.goods.self'), onReviewed);
  const [rejecting, setRejecting] = useState<Change | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const productName = (id: number) => {
    const p = products.get(id);
    return p ? i18n.pick(p.names) : `#${id}`;
  };
  const summary = (c: Change) => changeSummary(i18n, c, products.get(c.productId));

  const approve = (c: Change) => {
    modal.confirm({
      title: t('mall.goods.approveTitle'), content: t('mall.goods.approveText', { product: productName(c.productId), change: summary(c) }),
      okText: t('mall.goods.approve'), cancelText: t('common.cancel'),
      onOk: () => act(() => api.approveChange(c.id), t('mall.goods.approved')),
    });
  };
  const reject = async () => {
    if (!rejecting) return;
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const { reason } = v;
    if (await act(() => api.rejectChange(rejecting.id, reason.trim()), t('mall.goods.rejected'))) setRejecting(null);
  };

  const columns: ColumnsType<Change> = [
    ...(showProduct ? [{ title: t('mall.goods.name'), key: 'product', render: (_v: unknown, c: Change) => productName(c.productId) }] : []),
    { title: t('mall.goods.change'), key: 'change', render: (_v, c) => <><div>{named(i18n, 'goods.changeKind', c.kind)}</div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{summary(c)}</Typography.Text></> },
    {
      title: t('mall.goods.status'), key: 'status',
      render: (_v, c) => (
        <>
          <ToneTag tone={CHANGE_TONES[c.status] ?? 'grey'}>{named(i18n, 'goods.changeStatus', c.status)}</ToneTag>
          {c.status === 'rejected' && c.reason && <div><Typography.Text type="danger" style={{ fontSize: 12 }}>{t('mall.goods.rejectedBecause', { reason: c.reason })}</Typography.Text></div>}
        </>
      ),
    },
    { title: t('mall.goods.submitted'), key: 'submitted', render: (_v, c) => <>{who(i18n, c.submittedBy, me)}<br />{formatBeijing(c.submittedAt)}</> },
    { title: t('mall.goods.reviewed'), key: 'reviewed', render: (_v, c) => (c.reviewedAt ? <>{who(i18n, c.reviewedBy, me)}<br />{formatBeijing(c.reviewedAt)}</> : '—') },
    ...(canReview ? [{
      title: t('common.actions'), key: 'actions',
      render: (_v: unknown, c: Change) => c.status === 'pending' && (
        <Space wrap>
          {c.submittedBy === me && <ToneTag tone="blue">{t('mall.goods.mine')}</ToneTag>}
          <Button size="small" type="primary" loading={busy} onClick={() => approve(c)} aria-label={`${t('mall.goods.approve')}：${productName(c.productId)} ${summary(c)}`}>{t('mall.goods.approve')}</Button>
          <Button size="small" danger disabled={busy} onClick={() => { form.resetFields(); setRejecting(c); }} aria-label={`${t('mall.goods.reject')}：${productName(c.productId)} ${summary(c)}`}>{t('mall.goods.reject')}</Button>
        </Space>
      ),
    }] : []),
  ];

  return (
    <>
      <Table<Change>
        rowKey="id" size="small" columns={columns} dataSource={changes} loading={loading} scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 10, hideOnSinglePage: true }} locale={{ emptyText: empty }} data-testid={testId}
      />
      <Modal
        open={rejecting !== null} title={rejecting ? t('mall.goods.rejectTitle', { product: productName(rejecting.productId) }) : ''}
        okText={t('mall.goods.reject')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')}
        onOk={reject} onCancel={() => setRejecting(null)} confirmLoading={busy} destroyOnHidden
      >
        {rejecting && <Typography.Paragraph>{summary(rejecting)}</Typography.Paragraph>}
        <Form form={form} layout="vertical" requiredMark={false} preserve={false}>
          <Form.Item label={t('mall.goods.rejectReason')} name="reason" rules={[{ required: true, whitespace: true, message: t('common.reasonRequired') }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
