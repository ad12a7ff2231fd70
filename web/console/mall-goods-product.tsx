// One product of the mall (/console/mall/goods/:id): its details, its SKUs with their prices and
// saleable stock, its specification table, where it is listed and from when until when (Beijing
// time), and its changes with who submitted and reviewed them. A product manager submits changes
// of details, price, a new SKU or a listing for a second person's review, takes it off a channel
// at once, imports a number card's numbers and loads a code-delivered SKU's codes; ops read it.
import { useMemo, useState } from 'react';
import { Alert, Button, Card, Descriptions, Flex, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { formatBeijing, formatFen } from '../shared/format.ts';
import { Link } from '../shared/router.tsx';
import { useI18n } from './i18n.tsx';
import { MALL_CHANNELS, useMall, type Category, type MallChannel, type Product, type Sku } from './mall-api.ts';
import { GoodsDialogs, type Dialog } from './mall-goods-forms.tsx';
import { ChangesTable, ListingTag, listingState, named, skuLabel, useGoodsWriter } from './mall-goods-ui.tsx';
import { ErrorAlert, PageTitle, useLoad } from './ui.tsx';

function flatten(items: readonly Category[]): Category[] {
  return items.flatMap((c) => [c, ...flatten((c as Category & { children?: Category[] }).children ?? [])]);
}

export function ProductPage({ id }: { id: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMall();
  const write = useGoodsWriter();
  const product = useLoad(() => api.product(id), [id]);
  const changes = useLoad(() => (write ? api.changes({ productId: id }) : Promise.resolve({ items: [] })), [id, write]);
  const categories = useLoad(() => api.categories(), []);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const reload = () => { product.reload(); changes.reload(); };
  const p = product.data;
  const products = useMemo(() => new Map(p ? [[p.id, p]] : []), [p]);

  if (!p) {
    return (
      <>
        <PageTitle title={t('nav.mallGoods')} extra={<Link to="/mall/goods">{t('mall.goods.back')}</Link>} />
        {product.error ? <ErrorAlert error={product.error} onRetry={product.reload} /> : <Card loading />}
      </>
    );
  }

  const category = p.categoryId ? flatten(categories.data?.items ?? []).find((c) => c.id === p.categoryId) : undefined;
  const name = i18n.pick(p.names);
  const skuColumns: ColumnsType<Sku> = [
    { title: t('mall.goods.skuCode'), dataIndex: 'code' },
    { title: t('mall.goods.attrs'), key: 'attrs', render: (_v, s) => (Object.keys(s.attrs).length ? <div className="tag-wrap">{Object.entries(s.attrs).map(([k, v]) => <Tag key={k}>{`${k}：${v}`}</Tag>)}</div> : '—') },
    { title: t('mall.goods.listPrice'), dataIndex: 'listFen', align: 'right', render: (f: number) => formatFen(f) },
    { title: t('mall.goods.salePrice'), dataIndex: 'saleFen', align: 'right', render: (f: number) => <strong>{formatFen(f)}</strong> },
    ...(p.skus.some((s) => s.points !== null) ? [{ title: t('mall.goods.points'), dataIndex: 'points', align: 'right' as const, render: (n: number | null) => (n === null ? '—' : n.toLocaleString()) }] : []),
    { title: t('mall.goods.saleable'), key: 'stock', align: 'right', render: (_v, s) => (s.stock.saleable === null ? t('mall.goods.unlimited') : s.stock.saleable.toLocaleString()) },
    {
      title: t('common.actions'), key: 'actions',
      render: (_v, s) => (
        <Space wrap>
          {write && <Button size="small" onClick={() => setDialog({ kind: 'price', sku: s })} aria-label={`${t('mall.goods.changePrice')}：${skuLabel(s)}`}>{t('mall.goods.changePrice')}</Button>}
          {write && p.delivery === 'code' && <Button size="small" onClick={() => setDialog({ kind: 'codes', sku: s })} aria-label={`${t('mall.goods.loadCodes')}：${skuLabel(s)}`}>{t('mall.goods.loadCodes')}</Button>}
          {s.stock.saleable !== null && <Link to={`/mall/stock/${s.id}?product=${p.id}`} aria-label={`${t('mall.goods.stockLink')}：${skuLabel(s)}`}>{t('mall.goods.stockLink')}</Link>}
        </Space>
      ),
    },
  ];

  type Row = { channel: MallChannel; listing?: Product['listings'][number] };
  const listingRows: Row[] = MALL_CHANNELS.map((c) => ({ channel: c, listing: p.listings.find((l) => l.channel === c) }));
  const listingColumns: ColumnsType<Row> = [
    { title: t('mall.goods.channel'), key: 'channel', render: (_v, r) => i18n.channel(r.channel) },
    { title: t('mall.goods.listingState'), key: 'state', render: (_v, r) => <ListingTag state={listingState(r.listing)} /> },
    { title: t('mall.goods.listedFrom'), key: 'from', render: (_v, r) => (r.listing ? formatBeijing(r.listing.listedFrom) : '—') },
    { title: t('mall.goods.listedUntil'), key: 'until', render: (_v, r) => (r.listing ? (r.listing.listedUntil ? formatBeijing(r.listing.listedUntil) : t('mall.goods.forever')) : '—') },
    ...(write ? [{
      title: t('common.actions'), key: 'actions',
      render: (_v: unknown, r: Row) => (
        <Space wrap>
          <Button size="small" onClick={() => setDialog({ kind: 'listing', channel: r.channel })} aria-label={`${t('mall.goods.list')}：${i18n.channel(r.channel)}`}>{t('mall.goods.list')}</Button>
          {r.listing && <Button size="small" danger onClick={() => setDialog({ kind: 'unlist', channel: r.channel })} aria-label={`${t('mall.goods.unlist')}：${i18n.channel(r.channel)}`}>{t('mall.goods.unlist')}</Button>}
        </Space>
      ),
    }] : []),
  ];

  return (
    <>
      <PageTitle
        title={name}
        extra={(
          <Space wrap>
            <Link to="/mall/goods">{t('mall.goods.back')}</Link>
            {write && <Button onClick={() => setDialog({ kind: 'details' })}>{t('mall.goods.editDetails')}</Button>}
            {write && <Button onClick={() => setDialog({ kind: 'sku' })}>{t('mall.goods.addSku')}</Button>}
            {write && <Button onClick={() => setDialog({ kind: 'listing' })}>{t('mall.goods.list')}</Button>}
            {write && p.kind === 'number_card' && <Button onClick={() => setDialog({ kind: 'numbers' })}>{t('mall.goods.importNumbers')}</Button>}
          </Space>
        )}
      />
      {!write && <Alert type="info" showIcon title={t('mall.goods.readOnly')} style={{ marginBottom: 16 }} />}
      {product.error && <ErrorAlert error={product.error} onRetry={product.reload} />}
      <Flex vertical gap={16}>
        <Card>
          <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} items={[
            { key: 'kind', label: t('mall.goods.kind'), children: named(i18n, 'goods.kind', p.kind) },
            { key: 'delivery', label: t('mall.goods.delivery'), children: named(i18n, 'goods.deliveryKind', p.delivery) },
            { key: 'brand', label: t('mall.goods.brand'), children: p.brand || '—' },
            { key: 'category', label: t('mall.goods.category'), children: category ? i18n.pick(category.names) : '—' },
            { key: 'tags', label: t('mall.goods.tags'), children: p.tags.length ? <div className="tag-wrap">{p.tags.map((x) => <Tag key={x}>{x}</Tag>)}</div> : '—' },
            { key: 'updated', label: t('mall.goods.updatedAt'), children: formatBeijing(p.updatedAt) },
            { key: 'description', label: t('mall.goods.description'), span: 'filled', children: i18n.pick(p.descriptions) || '—' },
          ]} />
        </Card>
        <Card title={<h2 className="card-title">{t('mall.goods.skus')}</h2>}>
          <Table<Sku> rowKey="id" size="small" columns={skuColumns} dataSource={p.skus} pagination={false} scroll={{ x: 'max-content' }} data-testid="sku-table" />
        </Card>
        <Card title={<h2 className="card-title">{t('mall.goods.listings')}</h2>}>
          <Table<Row> rowKey="channel" size="small" columns={listingColumns} dataSource={listingRows} pagination={false} scroll={{ x: 'max-content' }} data-testid="listing-table" />
        </Card>
        <Card title={<h2 className="card-title">{t('mall.goods.specs')}</h2>}>
          {p.specs.length ? (
            <Descriptions size="small" bordered column={1} items={p.specs.flatMap((g) => g.items.map((it, k) => ({
              key: `${i18n.pick(g.group)}-${k}`, label: `${i18n.pick(g.group)} · ${i18n.pick(it.name)}`, children: it.value,
            })))} />
          ) : <Typography.Text type="secondary">{t('mall.goods.noSpecs')}</Typography.Text>}
        </Card>
        {write && (
          <Card title={<h2 className="card-title">{t('mall.goods.history')}</h2>}>
            {changes.error && <ErrorAlert error={changes.error} onRetry={changes.reload} />}
            <ChangesTable
              api={api} changes={changes.data?.items ?? []} loading={changes.loading} products={products} showProduct={false} canReview
              onReviewed={reload} empty={t('mall.goods.noHistory')} testId="change-history"
            />
          </Card>
        )}
      </Flex>
      <GoodsDialogs api={api} product={p} dialog={dialog} onClose={() => setDialog(null)} onDone={reload} />
    </>
  );
}
