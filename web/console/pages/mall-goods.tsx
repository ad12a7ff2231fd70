// 商城 · 商品: every product, listed or not, searched by name or brand (Chinese, pinyin initials)
// and filtered by kind, a page at a time, each with its SKUs' price range, the channels it is on
// sale on and its changes waiting for review; the review queue (待审核变更) where a second product
// manager approves or rejects a change with a reason; one product at /mall/goods/:id.
// docs/console-api.md, "Mall: goods and stock".
import { useMemo, useState } from 'react';
import { Input, Select, Space, Table, Tabs, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { Link } from '../../shared/router.tsx';
import { useI18n } from '../i18n.tsx';
import { MALL_CHANNELS, PRODUCT_KINDS, useMall, type Product, type ProductKind } from '../mall-api.ts';
import { ProductPage } from '../mall-goods-product.tsx';
import { ChangesTable, ListingTag, listingState, named, priceRange, useGoodsWriter } from '../mall-goods-ui.tsx';
import { ErrorAlert, PageTitle, ToneTag, useLoad } from '../ui.tsx';

const PAGE_SIZE = 20;
type TabKey = 'all' | 'review';

export default function MallGoodsPage({ id }: { id?: string }) {
  const n = id !== undefined ? Number(id) : NaN;
  if (id !== undefined) return <ProductPage id={Number.isInteger(n) && n > 0 ? n : 0} />;
  return <GoodsList />;
}

function GoodsList() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMall();
  const write = useGoodsWriter();
  const [tab, setTab] = useState<TabKey>('all');
  const [q, setQ] = useState('');
  const [typed, setTyped] = useState('');
  const [kind, setKind] = useState<ProductKind>();
  const [page, setPage] = useState(1);
  const list = useLoad(() => api.products({ q: q || undefined, kind, offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE }), [q, kind, page]);
  // Changes are read by product managers only (the server's rule); ops see goods without them.
  const pending = useLoad(async () => {
    if (!write) return { items: [], products: new Map<number, Product>() };
    const { items } = await api.changes({ status: 'pending' });
    const ids = [...new Set(items.map((c) => c.productId))];
    const products = new Map((await Promise.all(ids.map((x) => api.product(x)))).map((p) => [p.id, p]));
    return { items, products };
  }, [write]);
  const pendingBy = useMemo(() => {
    const m = new Map<number, number>();
    for (const c of pending.data?.items ?? []) m.set(c.productId, (m.get(c.productId) ?? 0) + 1);
    return m;
  }, [pending.data]);

  const columns: ColumnsType<Product> = [
    {
      title: t('mall.goods.name'), key: 'name',
      render: (_v, p) => <Link to={`/mall/goods/${p.id}`}>{i18n.pick(p.names)}</Link>,
    },
    { title: t('mall.goods.brand'), dataIndex: 'brand', render: (b: string) => b || '—' },
    { title: t('mall.goods.kind'), dataIndex: 'kind', render: (k: string) => named(i18n, 'goods.kind', k) },
    { title: t('mall.goods.skuCount'), key: 'skus', align: 'right', render: (_v, p) => p.skus.length },
    { title: t('mall.goods.priceRange'), key: 'price', align: 'right', render: (_v, p) => priceRange(p.skus) },
    {
      title: t('mall.goods.channels'), key: 'channels',
      render: (_v, p) => {
        const live = MALL_CHANNELS.flatMap((c) => p.listings.filter((l) => l.channel === c));
        if (!live.length) return <ListingTag state="none" />;
        return <div className="tag-wrap">{live.map((l) => <span key={l.channel} title={named(i18n, 'goods.state', listingState(l))}><ToneTag tone={listingState(l) === 'live' ? 'green' : 'grey'}>{i18n.channel(l.channel)}</ToneTag></span>)}</div>;
      },
    },
    ...(write ? [{
      title: t('mall.goods.pending'), key: 'pending',
      render: (_v: unknown, p: Product) => (pendingBy.get(p.id) ? <ToneTag tone="gold">{t('mall.goods.pendingCount', { n: pendingBy.get(p.id)! })}</ToneTag> : <Typography.Text type="secondary">—</Typography.Text>),
    }] : []),
  ];

  return (
    <>
      <PageTitle title={t('nav.mallGoods')} />
      {write && (
        <Tabs
          activeKey={tab} onChange={(k) => setTab(k as TabKey)}
          items={[
            { key: 'all', label: t('mall.goods.tabAll') },
            { key: 'review', label: pending.data?.items.length ? `${t('mall.goods.tabReview')} (${pending.data.items.length})` : t('mall.goods.tabReview') },
          ]}
        />
      )}
      {tab === 'all' && (
        <>
          <Space wrap style={{ marginBottom: 16 }}>
            <Input.Search
              value={typed} onChange={(e) => setTyped(e.target.value)} aria-label={t('mall.goods.search')} placeholder={t('mall.goods.search')}
              allowClear enterButton={t('common.search')} style={{ width: 320 }} onSearch={(v) => { setQ(v.trim()); setPage(1); }}
            />
            <Select
              allowClear placeholder={t('mall.goods.kind')} aria-label={t('mall.goods.kind')} style={{ width: 160 }} value={kind}
              onChange={(k?: ProductKind) => { setKind(k); setPage(1); }} options={PRODUCT_KINDS.map((k) => ({ value: k, label: named(i18n, 'goods.kind', k) }))}
            />
          </Space>
          {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
          <Table<Product>
            rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} scroll={{ x: 'max-content' }}
            locale={{ emptyText: t('mall.goods.empty') }} data-testid="goods-table"
            pagination={{ current: page, pageSize: PAGE_SIZE, total: list.data?.total ?? 0, showSizeChanger: false, hideOnSinglePage: true, onChange: setPage, showTotal: (n) => t('common.total', { n }) }}
          />
        </>
      )}
      {tab === 'review' && write && (
        <>
          {pending.error && <ErrorAlert error={pending.error} onRetry={pending.reload} />}
          <ChangesTable
            api={api} changes={pending.data?.items ?? []} loading={pending.loading} products={pending.data?.products ?? new Map()} showProduct canReview
            onReviewed={() => { pending.reload(); list.reload(); }} empty={t('mall.goods.noReview')} testId="review-queue"
          />
        </>
      )}
    </>
  );
}
