// 商城 · 库存: a SKU's stock in each warehouse (on hand, reserved by open orders, safety stock and
// saleable = on hand − reserved − safety, with a tag when it is down to the safety stock), its
// movements with their reasons, and an adjustment (goods received, a count, the safety stock set)
// with a reason, audited by the server, whose refusal (INVALID_QUANTITY, STOCK_BELOW_RESERVED…)
// shows by the form. The SKU is picked here or comes from the goods page (/mall/stock/<skuId>?product=<id>).
// docs/console-api.md, "Mall: goods and stock".
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, Empty, Flex, Form, Input, InputNumber, Radio, Row, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { formatBeijing } from '../../shared/format.ts';
import { useRouter } from '../../shared/router.tsx';
import { toApiError, type ApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { useMall, type Adjustment, type Product, type SkuStock } from '../mall-api.ts';
import { named, skuLabel, who } from '../mall-goods-ui.tsx';
import { ErrorAlert, errorText, PageTitle, ToneTag, useLoad } from '../ui.tsx';

type Level = SkuStock['warehouses'][number];
type Movement = SkuStock['movements'][number];
type Kind = Adjustment['kind'];
const KINDS: Kind[] = ['receive', 'count', 'safety'];

const positiveId = (v: string | null | undefined) => {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

export default function MallStockPage({ id }: { id?: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMall();
  const { navigate } = useRouter();
  const skuId = positiveId(id);
  const [productId, setProductId] = useState<number | undefined>(() => positiveId(new URLSearchParams(window.location.search).get('product')));
  const [search, setSearch] = useState('');
  const found = useLoad(() => api.products({ q: search || undefined, offset: 0, limit: 20 }), [search]);
  const chosen = useLoad(() => (productId ? api.product(productId) : Promise.resolve(undefined)), [productId]);
  const product = chosen.data && chosen.data.id === productId ? chosen.data : undefined;
  const sku = product?.skus.find((s) => s.id === skuId);
  useEffect(() => {
    // A link's ?product= that is not the SKU's (a product picked here leaves the SKU first): the product is not known here.
    if (product && skuId && !sku) setProductId(undefined);
  }, [product, skuId, sku]);

  const options = useMemo(() => {
    const items: Product[] = [...(found.data?.items ?? [])];
    if (product && !items.some((p) => p.id === product.id)) items.unshift(product);
    return items.map((p) => ({ value: p.id, label: `${i18n.pick(p.names)}${p.brand ? ` · ${p.brand}` : ''}` }));
  }, [found.data, product, i18n]);

  const pickSku = (pid: number, sid: number) => navigate(`/mall/stock/${sid}?product=${pid}`);

  return (
    <>
      <PageTitle title={t('nav.mallStock')} />
      <Card style={{ marginBottom: 16 }}>
        <Row gutter={[16, 12]}>
          <Col xs={24} md={12}>
            <Typography.Text strong id="stock-product-label">{t('mall.stock.product')}</Typography.Text>
            <Select
              showSearch={{ filterOption: false, onSearch: (v) => setSearch(v.trim()) }} style={{ width: '100%', marginTop: 4 }}
              aria-labelledby="stock-product-label" placeholder={t('mall.stock.pickProduct')} value={productId} loading={found.loading}
              options={options} onChange={(v: number) => { setProductId(v); if (skuId) navigate('/mall/stock'); }} notFoundContent={t('mall.goods.empty')}
            />
          </Col>
          <Col xs={24} md={12}>
            <Typography.Text strong id="stock-sku-label">{t('mall.stock.sku')}</Typography.Text>
            <Select
              style={{ width: '100%', marginTop: 4 }} aria-labelledby="stock-sku-label" placeholder={t('mall.stock.pickSku')} disabled={!product}
              value={sku?.id} onChange={(v: number) => product && pickSku(product.id, v)}
              options={(product?.skus ?? []).map((s) => ({ value: s.id, label: `${skuLabel(s)} · ${s.code}` }))}
            />
          </Col>
        </Row>
      </Card>
      {chosen.error && <ErrorAlert error={chosen.error} onRetry={chosen.reload} />}
      {skuId ? <SkuStockView skuId={skuId} title={sku && product ? `${i18n.pick(product.names)} · ${skuLabel(sku)}` : t('mall.stock.skuOnly', { id: skuId })} />
        : <Empty description={t('mall.stock.pickFirst')} />}
    </>
  );
}

function SkuStockView({ skuId, title }: { skuId: number; title: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMall();
  const me = useAuth().session!.user.id;
  const { message } = App.useApp();
  const stock = useLoad(() => api.stock(skuId), [skuId]);
  const warehouses = useLoad(() => api.warehouses(), []);
  const [form] = Form.useForm<{ warehouseId: string; kind: Kind; quantity: number; reason: string }>();
  const kind = Form.useWatch('kind', form) ?? 'receive';
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<ApiError>();
  useEffect(() => { setRefusal(undefined); form.resetFields(); }, [skuId, form]);
  const whName = (wid: string) => {
    const w = warehouses.data?.items.find((x) => x.id === wid) ?? stock.data?.warehouses.find((x) => x.warehouseId === wid);
    return w ? i18n.pick(w.names) : wid;
  };

  const submit = async (v: { warehouseId: string; kind: Kind; quantity: number; reason: string }) => {
    setBusy(true);
    setRefusal(undefined);
    try {
      const level = await api.adjust({ skuId, warehouseId: v.warehouseId, kind: v.kind, quantity: v.quantity, reason: v.reason.trim() });
      message.success(t('mall.stock.done', { warehouse: i18n.pick(level.names), onHand: level.onHand, saleable: level.saleable }));
      form.resetFields(['quantity', 'reason']);
      stock.reload();
    } catch (e) {
      setRefusal(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const levels = stock.data?.warehouses ?? [];
  const sum = (f: (l: Level) => number) => levels.reduce((n, l) => n + f(l), 0);
  const columns: ColumnsType<Level> = [
    { title: t('mall.stock.warehouse'), key: 'name', render: (_v, l) => i18n.pick(l.names) },
    { title: t('mall.stock.city'), dataIndex: 'city' },
    { title: t('mall.stock.onHand'), dataIndex: 'onHand', align: 'right' },
    { title: t('mall.stock.reserved'), dataIndex: 'reserved', align: 'right' },
    { title: t('mall.stock.safety'), dataIndex: 'safety', align: 'right' },
    {
      title: t('mall.stock.saleable'), dataIndex: 'saleable', align: 'right',
      render: (n: number, l) => (
        <Space size={6}>
          <span>{n}</span>
          {n === 0 ? <ToneTag tone="red">{t('mall.stock.out')}</ToneTag> : n <= l.safety && <ToneTag tone="gold">{t('mall.stock.low')}</ToneTag>}
        </Space>
      ),
    },
  ];
  const movementColumns: ColumnsType<Movement> = [
    { title: t('mall.stock.at'), dataIndex: 'at', render: (v: string) => formatBeijing(v) },
    { title: t('mall.stock.warehouse'), dataIndex: 'warehouseId', render: (w: string) => whName(w) },
    { title: t('mall.stock.kind'), dataIndex: 'kind', render: (k: string) => named(i18n, 'stock.move', k) },
    { title: t('mall.stock.delta'), dataIndex: 'delta', align: 'right', render: (d: number) => (d > 0 ? `+${d}` : String(d)) },
    { title: t('mall.stock.onHandAfter'), dataIndex: 'onHandAfter', align: 'right' },
    { title: t('mall.stock.safetyAfter'), dataIndex: 'safetyAfter', align: 'right' },
    { title: t('mall.stock.reason'), dataIndex: 'reason' },
    { title: t('mall.stock.who'), dataIndex: 'actorId', render: (a: number) => who(i18n, a, me) },
  ];
  const reserved = refusal?.problem.body.reserved;

  return (
    <Flex vertical gap={16}>
      <Card title={<h2 className="card-title">{t('mall.stock.byWarehouse', { sku: title })}</h2>}>
        {stock.error && <ErrorAlert error={stock.error} onRetry={stock.reload} />}
        <Table<Level>
          rowKey="warehouseId" size="small" columns={columns} dataSource={levels} loading={stock.loading} pagination={false} scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('mall.stock.noWarehouse') }} data-testid="stock-table"
          summary={() => (levels.length > 1 ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={2}><strong>{t('mall.stock.total')}</strong></Table.Summary.Cell>
              <Table.Summary.Cell index={2} align="right">{sum((l) => l.onHand)}</Table.Summary.Cell>
              <Table.Summary.Cell index={3} align="right">{sum((l) => l.reserved)}</Table.Summary.Cell>
              <Table.Summary.Cell index={4} align="right">{sum((l) => l.safety)}</Table.Summary.Cell>
              <Table.Summary.Cell index={5} align="right">{sum((l) => l.saleable)}</Table.Summary.Cell>
            </Table.Summary.Row>
          ) : null)}
        />
      </Card>
      <Card title={<h2 className="card-title">{t('mall.stock.adjust')}</h2>}>
        {refusal && (
          <Alert
            type="error" showIcon role="alert" title={t('mall.stock.refused')} style={{ marginBottom: 16 }} data-testid="adjust-refusal"
            description={<><div>{errorText(refusal, i18n)}</div>{typeof reserved === 'number' && <div>{t('mall.stock.reservedNow', { n: reserved })}</div>}</>}
          />
        )}
        <Form form={form} layout="vertical" requiredMark={false} initialValues={{ kind: 'receive' }} style={{ maxWidth: 640 }} onFinish={submit}>
          <Form.Item label={t('mall.stock.warehouse')} name="warehouseId" rules={[{ required: true, message: t('mall.goods.required') }]}>
            <Select aria-label={t('mall.stock.warehouse')} loading={warehouses.loading} options={(warehouses.data?.items ?? []).map((w) => ({ value: w.id, label: i18n.pick(w.names) }))} />
          </Form.Item>
          <Form.Item label={t('mall.stock.kind')} name="kind">
            <Radio.Group optionType="button" options={KINDS.map((k) => ({ value: k, label: named(i18n, 'stock.move', k) }))} />
          </Form.Item>
          <Form.Item label={t('mall.stock.quantity')} name="quantity" extra={named(i18n, 'stock.quantityHint', kind)} rules={[{ required: true, message: t('mall.goods.required') }]}>
            <InputNumber precision={0} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item label={t('mall.stock.reason')} name="reason" rules={[{ required: true, whitespace: true, message: t('common.reasonRequired') }]}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>{t('mall.stock.submit')}</Button>
        </Form>
      </Card>
      <Card title={<h2 className="card-title">{t('mall.stock.movements')}</h2>}>
        <Table<Movement>
          rowKey="id" size="small" columns={movementColumns} dataSource={stock.data?.movements ?? []} loading={stock.loading} scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: t('mall.stock.noMovements') }} data-testid="movement-table"
        />
      </Card>
    </Flex>
  );
}
