// 商城 · 物流: shipments filtered by state (待发货 is the warehouse's queue) or one subscriber's
// number (已取消发货: an order refunded in full before its parcel left); one shipment
// (`/mall/shipments/:id`) with its carrier's events as a timeline in Beijing time, 发货 for one still to ship (a carrier from those plugged in and its tracking number, which a
// carrier that makes its own may leave to it), and its returns; and the returns queue (七天无理由).
// Shipping and return steps are the ops role's; agents see. docs/console-api.md, "Mall: delivery".
import { useState } from 'react';
import { Button, Card, Col, Descriptions, Empty, Flex, Form, Input, Modal, Row, Select, Space, Table, Tabs, Timeline, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { formatBeijing, formatFen } from '../../shared/format.ts';
import { Link } from '../../shared/router.tsx';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { SHIPMENT_STATES, useMall, type Shipment, type ShipmentState } from '../mall-api.ts';
import { BackLink, CodeTag, codeText, orderIdOf, useMallStep } from '../mall-orders-ui.tsx';
import { ReturnsQueue, ReturnsTable } from '../mall-orders-returns.tsx';
import { ErrorAlert, PageTitle, useLoad } from '../ui.tsx';

export default function MallShipmentsPage({ id }: { id?: string }) {
  const { t } = useI18n();
  if (id) return <ShipmentPage id={Number(id)} />;
  return (
    <>
      <PageTitle title={t('mall.ship.title')} />
      <Tabs items={[
        { key: 'shipments', label: t('mall.ship.tabShipments'), children: <ShipmentList /> },
        { key: 'returns', label: t('mall.ship.tabReturns'), children: <ReturnsQueue /> },
      ]} />
    </>
  );
}

const orderLink = (orderRef: string) => {
  const id = orderIdOf(orderRef);
  return id ? <Link to={`/mall/orders/${id}`}>{`#${id}`}</Link> : <span className="mono">{orderRef}</span>;
};

function ShipmentList() {
  const i18n = useI18n();
  const { t } = i18n;
  const mall = useMall();
  const { can } = useAuth();
  const [f, setF] = useState<{ state?: ShipmentState; msisdn?: string }>({});
  const list = useLoad(() => mall.shipments({ ...f, limit: 200 }), [f]);

  const columns: ColumnsType<Shipment> = [
    { title: t('mall.ship.id'), dataIndex: 'id', render: (v: number) => <Link to={`/mall/shipments/${v}`}>{`#${v}`}</Link> },
    // The order page is for the roles that read orders (ops); an agent sees the reference.
    { title: t('mall.ship.order'), dataIndex: 'orderRef', render: (v: string) => (can('ops', 'product') ? orderLink(v) : <span className="mono">{v}</span>) },
    { title: t('mall.ship.state'), dataIndex: 'state', render: (s: string) => <CodeTag kind="ship.state" code={s} /> },
    { title: t('mall.ship.recipient'), key: 'to', render: (_v, s) => `${s.address.name} · ${s.address.city}${s.address.district}` },
    { title: t('mall.ship.carrier'), key: 'carrier', render: (_v, s) => (s.trackingNo ? i18n.pick(s.carrierNames) : '—') },
    { title: t('mall.ship.trackingNo'), dataIndex: 'trackingNo', render: (v: string | null) => <span className="mono">{v ?? '—'}</span> },
    { title: t('mall.ship.cod'), dataIndex: 'codFen', align: 'right', render: (v: number) => (v ? formatFen(v) : '—') },
    { title: t('mall.ship.shippedAt'), dataIndex: 'shippedAt', render: (v: string | null) => (v ? formatBeijing(v) : '—') },
  ];

  return (
    <>
      <Flex wrap gap={12} style={{ marginBottom: 16 }} role="search">
        <Select
          allowClear placeholder={t('mall.ship.stateFilter')} aria-label={t('mall.ship.stateFilter')} style={{ width: 180 }} value={f.state}
          onChange={(state?: ShipmentState) => setF((o) => ({ ...o, state }))} options={SHIPMENT_STATES.map((s) => ({ value: s, label: codeText(i18n, 'ship.state', s) }))}
        />
        <Input.Search
          allowClear placeholder={t('mall.ship.msisdn')} aria-label={t('mall.ship.msisdn')} inputMode="tel" autoComplete="off" style={{ width: 240 }}
          enterButton={t('common.search')} onSearch={(v) => setF((o) => ({ ...o, msisdn: v.trim() || undefined }))}
        />
      </Flex>
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<Shipment>
        rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} scroll={{ x: 'max-content' }} data-testid="shipments-table"
        locale={{ emptyText: t('mall.ship.empty') }} pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (n) => t('mall.ship.count', { n }) }}
      />
    </>
  );
}

const TRACKING_NO = /^[A-Za-z0-9-]{4,40}$/;
const CARRIER_COLOURS: Record<string, string> = { to_ship: 'gray', shipped: 'blue', in_transit: 'blue', delivered: 'green', returned: 'gray', cancelled: 'gray' };

function ShipmentPage({ id }: { id: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const mall = useMall();
  const { can } = useAuth();
  const ops = can('ops');
  const one = useLoad(() => mall.shipment(id), [id]);
  const [shipping, setShipping] = useState(false);
  const carriers = useLoad(() => (shipping ? mall.carriers() : Promise.resolve(null)), [shipping]);
  const { busy, act } = useMallStep(() => one.reload());
  const [form] = Form.useForm<{ carrier: string; trackingNo?: string }>();
  const s = one.data;

  if (!s) {
    return (
      <>
        <BackLink to="/mall/shipments">{t('mall.ship.back')}</BackLink>
        <PageTitle title={t('mall.ship.detailTitle', { id })} />
        {one.error && <ErrorAlert error={one.error} onRetry={one.reload} />}
      </>
    );
  }

  const makes = (code: string | undefined) => carriers.data?.items.find((c) => c.code === code)?.makesTrackingNumbers ?? false;
  const ship = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const trackingNo = v.trackingNo?.trim() || undefined;
    const ok = await act(() => mall.ship(s.id, { carrier: v.carrier, ...(trackingNo ? { trackingNo } : {}) }), (r) => t('mall.ship.shipped', { no: r.trackingNo ?? '—' }));
    if (ok) setShipping(false);
  };
  const a = s.address;

  return (
    <>
      <BackLink to="/mall/shipments">{t('mall.ship.back')}</BackLink>
      <PageTitle
        title={t('mall.ship.detailTitle', { id: s.id })}
        extra={(
          <Space wrap>
            <CodeTag kind="ship.state" code={s.state} />
            {ops && s.state === 'to_ship' && <Button type="primary" onClick={() => { form.resetFields(); setShipping(true); }}>{t('mall.ship.ship')}</Button>}
          </Space>
        )}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card title={<h2 className="card-title">{t('mall.ship.basics')}</h2>}>
            <Descriptions size="small" column={{ xs: 1, md: 2 }} data-testid="shipment-basics" items={[
              { key: 'order', label: t('mall.ship.order'), children: can('ops', 'product') ? orderLink(s.orderRef) : <span className="mono">{s.orderRef}</span> },
              { key: 'warehouse', label: t('mall.ship.warehouse'), children: s.warehouse },
              { key: 'carrier', label: t('mall.ship.carrier'), children: s.trackingNo ? i18n.pick(s.carrierNames) : '—' },
              { key: 'tracking', label: t('mall.ship.trackingNo'), children: <span className="mono">{s.trackingNo ?? '—'}</span> },
              { key: 'to', label: t('mall.ship.recipient'), children: `${a.name} ${a.phone}` },
              { key: 'address', label: t('mall.order.address'), children: `${a.province}${a.city}${a.district} ${a.detail}` },
              { key: 'cod', label: t('mall.ship.cod'), children: s.codFen ? formatFen(s.codFen) : '—' },
              { key: 'shipped', label: t('mall.ship.shippedAt'), children: s.shippedAt ? formatBeijing(s.shippedAt) : '—' },
              { key: 'delivered', label: t('mall.ship.deliveredAt'), children: s.deliveredAt ? formatBeijing(s.deliveredAt) : '—' },
              { key: 'returnUntil', label: t('mall.ship.returnUntil'), children: s.returnUntil ? formatBeijing(s.returnUntil) : '—' },
            ]} />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={<h2 className="card-title">{t('mall.ship.timeline')}</h2>}>
            {s.timeline.length ? (
              <Timeline
                data-testid="shipment-timeline"
                items={[...s.timeline].reverse().map((e, i) => ({
                  key: i,
                  color: CARRIER_COLOURS[e.state] ?? 'gray',
                  title: `${e.atLocal} · ${codeText(i18n, 'ship.state', e.state)}`,
                  content: <>{i18n.pick(e.note)}{e.place && <Typography.Text type="secondary">{` · ${e.place}`}</Typography.Text>}</>,
                }))}
              />
            ) : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('mall.ship.noEvents')} />}
          </Card>
        </Col>
        {s.returns.length > 0 && (
          <Col xs={24}>
            <Card title={<h2 className="card-title">{t('mall.ship.returns')}</h2>}>
              <ReturnsTable items={s.returns} onChange={one.reload} />
            </Card>
          </Col>
        )}
      </Row>

      <Modal
        open={shipping} title={t('mall.ship.shipTitle', { id: s.id })} okText={t('mall.ship.ship')} cancelText={t('common.cancel')}
        confirmLoading={busy} destroyOnHidden onCancel={() => setShipping(false)} onOk={ship}
      >
        {carriers.error && <ErrorAlert error={carriers.error} onRetry={carriers.reload} />}
        <Form form={form} layout="vertical" requiredMark={false} preserve={false}>
          <Form.Item label={t('mall.ship.carrier')} name="carrier" rules={[{ required: true, message: t('mall.ship.pickCarrier') }]}>
            <Select
              placeholder={t('mall.ship.pickCarrier')} loading={carriers.loading}
              options={(carriers.data?.items ?? []).map((c) => ({ value: c.code, label: i18n.pick(c.names) }))}
            />
          </Form.Item>
          <Form.Item noStyle shouldUpdate={(x, y) => x.carrier !== y.carrier}>
            {({ getFieldValue }) => {
              const auto = makes(getFieldValue('carrier') as string | undefined);
              return (
                <Form.Item
                  label={auto ? t('mall.ship.trackingAuto') : t('mall.ship.trackingNo')} name="trackingNo"
                  rules={[
                    { required: !auto, whitespace: true, message: t('mall.ship.trackingRequired') },
                    { validator: async (_r, v: string | undefined) => { if (v?.trim() && !TRACKING_NO.test(v.trim())) throw new Error(t('mall.ship.trackingInvalid')); } },
                  ]}
                >
                  <Input autoComplete="off" maxLength={40} className="mono" />
                </Form.Item>
              );
            }}
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
