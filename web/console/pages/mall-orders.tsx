// 商城 · 订单: the mall's orders, found by order number or the buyer's phone number and filtered by
// state, a page at a time; one order (`/mall/orders/:id`) with its lines (the number chosen, the
// codes delivered), its money, its address, its payment and shipment, and its checkout workflow's
// steps, each with its state and error: where a stuck order stopped; what was refunded, once any
// was (an order refunded in full is 已退款). Read-only (refunds are the payments page's, shipping
// the shipping page's). docs/console-api.md, checkout's console orders.
import { useState } from 'react';
import { Card, Col, Descriptions, Empty, Flex, Input, Row, Select, Table, Timeline, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { formatBeijing, formatFen, maskMsisdn } from '../../shared/format.ts';
import { Link } from '../../shared/router.tsx';
import { useAuth } from '../auth.tsx';
import { useI18n, type I18n } from '../i18n.tsx';
import { ORDER_STATES, useMall, type Order, type OrderDetail, type OrderLine, type OrderState, type OrderStep } from '../mall-api.ts';
import { BackLink, CodeTag, codeText, sourceText } from '../mall-orders-ui.tsx';
import { isMessageKey } from '../messages.ts';
import { ErrorAlert, PageTitle, useLoad } from '../ui.tsx';

export default function MallOrdersPage({ id }: { id?: string }) {
  return id ? <OrderPage id={id} /> : <OrderList />;
}

const lineName = (i18n: I18n, l: OrderLine) => [i18n.pick(l.names), ...Object.values(l.attrs)].join(' ');

function linesSummary(i18n: I18n, lines: OrderLine[]): string {
  if (!lines.length) return '—';
  const first = lineName(i18n, lines[0]!);
  const n = lines.reduce((s, l) => s + l.quantity, 0);
  return lines.length === 1 ? `${first} ×${lines[0]!.quantity}` : i18n.t('mall.order.linesMore', { name: first, n });
}

interface Filters { q: string; state?: OrderState; page: number; pageSize: number }

function OrderList() {
  const i18n = useI18n();
  const { t } = i18n;
  const mall = useMall();
  const [f, setF] = useState<Filters>({ q: '', page: 1, pageSize: 20 });
  const list = useLoad(() => mall.orders({ q: f.q || undefined, state: f.state, offset: (f.page - 1) * f.pageSize, limit: f.pageSize }), [f]);
  const set = (patch: Partial<Filters>) => setF((old) => ({ ...old, page: 1, ...patch }));

  const columns: ColumnsType<Order> = [
    { title: t('mall.order.no'), dataIndex: 'orderNo', render: (no: string, o) => <Link to={`/mall/orders/${o.id}`} className="mono">{no}</Link> },
    { title: t('mall.order.buyer'), dataIndex: 'msisdn', render: (m: string | null) => (m ? maskMsisdn(m) : '—') },
    { title: t('mall.order.lines'), key: 'lines', render: (_v, o) => <span style={{ display: 'inline-block', maxWidth: 320 }}>{linesSummary(i18n, o.lines)}</span> },
    { title: t('mall.order.total'), dataIndex: 'totalFen', align: 'right', render: (v: number) => formatFen(v) },
    { title: t('mall.order.method'), dataIndex: 'method', render: (m: string | null) => codeText(i18n, 'pay.method', m) },
    { title: t('mall.order.state'), dataIndex: 'state', render: (s: string) => <CodeTag kind="order.state" code={s} /> },
    { title: t('mall.order.placedAt'), dataIndex: 'placedAt', render: (v: string) => formatBeijing(v) },
  ];

  return (
    <>
      <PageTitle title={t('mall.order.title')} />
      <Typography.Paragraph type="secondary">{t('mall.order.intro')}</Typography.Paragraph>
      <Flex wrap gap={12} style={{ marginBottom: 16 }} role="search">
        <Input.Search
          allowClear placeholder={t('mall.order.search')} aria-label={t('mall.order.search')} style={{ width: 300 }} autoComplete="off"
          enterButton={t('common.search')} onSearch={(q) => set({ q: q.trim() })}
        />
        <Select
          allowClear placeholder={t('mall.order.stateFilter')} aria-label={t('mall.order.stateFilter')} style={{ width: 200 }} value={f.state}
          onChange={(state?: OrderState) => set({ state })} options={ORDER_STATES.map((s) => ({ value: s, label: codeText(i18n, 'order.state', s) }))}
        />
      </Flex>
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<Order>
        rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} scroll={{ x: 'max-content' }}
        data-testid="orders-table" locale={{ emptyText: t('mall.order.empty') }}
        onChange={(p) => setF((old) => ({ ...old, page: p.current ?? 1, pageSize: p.pageSize ?? old.pageSize }))}
        pagination={{ current: f.page, pageSize: f.pageSize, total: list.data?.total ?? 0, showSizeChanger: true, showTotal: (n) => t('mall.order.count', { n }) }}
      />
    </>
  );
}

const STEP_COLOURS: Record<string, string> = { done: 'green', running: 'blue', waiting: 'blue', pending: 'gray', undoing: 'red', undone: 'gray' };

function Steps({ o }: { o: OrderDetail }) {
  const i18n = useI18n();
  const { t } = i18n;
  const stepName = (name: string) => codeText(i18n, 'order.step', name);
  return (
    <Card title={<h2 className="card-title">{t('mall.order.steps')}</h2>}>
      <Typography.Paragraph type="secondary">{t('mall.order.stepsIntro')}</Typography.Paragraph>
      <Typography.Paragraph>
        {t('mall.order.workflow', { state: codeText(i18n, 'order.flow', o.workflow.state), step: isMessageKey(`mall.order.step.${o.workflow.step}`) ? stepName(o.workflow.step) : codeText(i18n, 'order.flow', o.workflow.step) })}
        {o.workflow.error && <Typography.Text type="danger"> · {t('mall.order.stepError', { error: o.workflow.error })}</Typography.Text>}
      </Typography.Paragraph>
      <Timeline
        data-testid="order-steps"
        items={o.steps.map((s: OrderStep) => ({
          key: s.name,
          color: STEP_COLOURS[s.state] ?? 'gray',
          content: (
            <div data-step={s.name}>
              <span style={{ marginInlineEnd: 8 }}>{stepName(s.name)}</span>
              <CodeTag kind="order.stepState" code={s.state} />
              {s.error && <div><Typography.Text type="danger">{t('mall.order.stepError', { error: s.error })}</Typography.Text></div>}
            </div>
          ),
        }))}
      />
    </Card>
  );
}

function OrderPage({ id }: { id: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const mall = useMall();
  const { can } = useAuth();
  const payments = can('ops', 'agent');
  const one = useLoad(() => mall.order(id), [id]);
  const o = one.data;

  if (!o) {
    return (
      <>
        <BackLink to="/mall/orders">{t('mall.order.back')}</BackLink>
        <PageTitle title={t('mall.order.detailTitle', { no: `#${id}` })} />
        {one.error && <ErrorAlert error={one.error} onRetry={one.reload} />}
      </>
    );
  }

  const lineColumns: ColumnsType<OrderLine> = [
    { title: t('mall.order.product'), key: 'name', render: (_v, l) => lineName(i18n, l) },
    { title: t('mall.order.quantity'), dataIndex: 'quantity', align: 'right' },
    { title: t('mall.order.unit'), dataIndex: 'unitFen', align: 'right', render: (v: number) => formatFen(v) },
    { title: t('mall.order.lineTotal'), dataIndex: 'lineFen', align: 'right', render: (v: number) => formatFen(v) },
    {
      title: t('mall.order.delivered'), key: 'delivered',
      render: (_v, l) => (l.number || l.codes?.length ? (
        <>
          {l.number && <div>{t('mall.order.number', { number: l.number })}</div>}
          {l.codes?.length ? <div className="mono">{t(l.codesVoidedAt ? 'mall.order.codesVoided' : 'mall.order.codes', { codes: l.codes.join('、') })}</div> : null}
        </>
      ) : '—'),
    },
  ];
  const a = o.address;
  const p = o.payment;
  const sh = o.shipment;

  return (
    <>
      <BackLink to="/mall/orders">{t('mall.order.back')}</BackLink>
      <PageTitle title={t('mall.order.detailTitle', { no: o.orderNo })} extra={<CodeTag kind="order.state" code={o.state} />} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Flex vertical gap={16}>
            <Card title={<h2 className="card-title">{t('mall.order.basics')}</h2>}>
              <Descriptions column={{ xs: 1, md: 2 }} size="small" items={[
                { key: 'buyer', label: t('mall.order.buyer'), children: o.msisdn ? maskMsisdn(o.msisdn) : '—' },
                { key: 'source', label: t('mall.order.source'), children: sourceText(i18n, o.source) },
                { key: 'placed', label: t('mall.order.placedAt'), children: formatBeijing(o.placedAt) },
                { key: 'payBy', label: t('mall.order.payBy'), children: formatBeijing(o.payBy) },
                { key: 'paid', label: t('mall.order.paidAt'), children: o.paidAt ? formatBeijing(o.paidAt) : '—' },
                { key: 'delivered', label: t('mall.order.deliveredAt'), children: o.deliveredAt ? formatBeijing(o.deliveredAt) : '—' },
              ]} />
            </Card>
            <Card title={<h2 className="card-title">{t('mall.order.linesTitle')}</h2>}>
              <Table<OrderLine> rowKey="lineId" size="small" columns={lineColumns} dataSource={o.lines} pagination={false} scroll={{ x: 'max-content' }} data-testid="order-lines" />
            </Card>
            <Steps o={o} />
          </Flex>
        </Col>
        <Col xs={24} xl={10}>
          <Flex vertical gap={16}>
            <Card title={<h2 className="card-title">{t('mall.order.money')}</h2>}>
              <Descriptions column={1} size="small" data-testid="order-money" items={[
                { key: 'goods', label: t('mall.order.goods'), children: formatFen(o.goodsFen) },
                { key: 'delivery', label: t('mall.order.deliveryFee'), children: formatFen(o.deliveryFen) },
                { key: 'discount', label: t('mall.order.discount'), children: o.discountFen ? `-${formatFen(o.discountFen)}` : formatFen(0) },
                ...(o.couponCode ? [{ key: 'coupon', label: t('mall.order.coupon'), children: <span className="mono">{o.couponCode}</span> }] : []),
                { key: 'total', label: t('mall.order.total'), children: formatFen(o.totalFen) },
                { key: 'points', label: t('mall.order.points'), children: o.points ? t('mall.order.pointsText', { n: o.points, fen: formatFen(o.pointsFen) }) : t('common.none') },
                { key: 'pay', label: t('mall.order.pay'), children: <strong>{formatFen(o.payFen)}</strong> },
                ...(o.refundedFen > 0 || o.refundedPoints > 0 ? [{
                  key: 'refunded', label: t('mall.order.refunded'),
                  children: o.refundedPoints > 0 ? t('mall.order.refundedWithPoints', { fen: formatFen(o.refundedFen), n: o.refundedPoints }) : formatFen(o.refundedFen),
                }] : []),
                { key: 'method', label: t('mall.order.method'), children: codeText(i18n, 'pay.method', o.method) },
              ]} />
            </Card>
            <Card title={<h2 className="card-title">{t('mall.order.address')}</h2>}>
              {a ? (
                <div>
                  <div>{`${a.name} ${a.phone}`}</div>
                  <div>{`${a.province}${a.city}${a.district} ${a.detail}`}</div>
                </div>
              ) : <Typography.Text type="secondary">{t('mall.order.noAddress')}</Typography.Text>}
            </Card>
            <Card title={<h2 className="card-title">{t('mall.order.payment')}</h2>}>
              {p ? (
                <div>
                  <div>
                    {t('mall.order.paymentText', { method: codeText(i18n, 'pay.method', p.method), state: codeText(i18n, 'pay.state', p.state), fen: formatFen(p.amountFen) })}
                    {p.refundedFen > 0 && ` · ${t('mall.order.refundedText', { fen: formatFen(p.refundedFen) })}`}
                  </div>
                  {p.paidAt && <div>{`${t('mall.order.paidAt')}：${formatBeijing(p.paidAt)}`}</div>}
                  {payments ? <Link to={`/mall/payments/${encodeURIComponent(p.id)}`}>{t('mall.order.openPayment', { id: p.id })}</Link> : <span className="mono">{p.id}</span>}
                </div>
              ) : <Typography.Text type="secondary">{t('mall.order.noPayment')}</Typography.Text>}
            </Card>
            <Card title={<h2 className="card-title">{t('mall.order.shipment')}</h2>}>
              {sh ? (
                <div>
                  <div><CodeTag kind="ship.state" code={sh.state} />{sh.trackingNo && ` ${t('mall.order.trackingText', { carrier: sh.carrier, no: sh.trackingNo })}`}</div>
                  {sh.codFen > 0 && <div>{`${t('mall.ship.cod')}：${formatFen(sh.codFen)}`}</div>}
                  {payments ? <Link to={`/mall/shipments/${sh.id}`}>{t('mall.order.openShipment', { id: sh.id })}</Link> : <span>#{sh.id}</span>}
                </div>
              ) : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('mall.order.noShipment')} />}
            </Card>
          </Flex>
        </Col>
      </Row>
    </>
  );
}
