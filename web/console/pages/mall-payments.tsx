// 商城 · 支付: payments filtered by state and method (or one subscriber's, by number); one payment
// (`/mall/payments/:id`) with its refunds and the provider's notifications; a refund, all that is
// left or part of it in yuan (sent as integer fen) with its reason, which above the approval limit
// waits for a second person (the asker's own approval is refused: REFUND_SELF_REVIEW); cash on
// delivery marked taken; and a Beijing day's reconciliation with a provider. Refunds, cash on
// delivery and reconciliation are the ops role's; agents see. A refund is sent under an
// Idempotency-Key kept while its request stays the same, so sending it again (a retry after a
// lost answer, a second click) refunds once. docs/console-api.md, "Payments".
import { useRef, useState } from 'react';
import { App, Button, Card, Col, Descriptions, Flex, Form, Input, Modal, Radio, Row, Select, Space, Table, Tabs, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { newIdempotencyKey } from '../../shared/api.ts';
import { fenToYuanText, formatBeijing, formatFen, parseYuan } from '../../shared/format.ts';
import { Link } from '../../shared/router.tsx';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { PAYMENT_STATES, useMall, type Payment, type PaymentDetail, type PaymentMethod, type PaymentState, type Refund } from '../mall-api.ts';
import { BackLink, CodeTag, codeText, orderIdOf, useMallStep } from '../mall-orders-ui.tsx';
import { ReconciliationReport } from '../mall-orders-reconcile.tsx';
import { ErrorAlert, PageTitle, useLoad } from '../ui.tsx';

const METHODS = ['balance', 'points', 'cod', 'bank', 'alipay', 'sandbox'] as const satisfies readonly PaymentMethod[];

export default function MallPaymentsPage({ id }: { id?: string }) {
  return id ? <PaymentPage id={id} /> : <Payments />;
}

function Payments() {
  const { t } = useI18n();
  const { can } = useAuth();
  return (
    <>
      <PageTitle title={t('mall.pay.title')} />
      {can('ops') ? (
        <Tabs items={[
          { key: 'payments', label: t('mall.pay.tabPayments'), children: <PaymentList /> },
          { key: 'reconcile', label: t('mall.pay.tabReconcile'), children: <ReconciliationReport /> },
        ]} />
      ) : <PaymentList />}
    </>
  );
}

function PaymentList() {
  const i18n = useI18n();
  const { t } = i18n;
  const mall = useMall();
  const [f, setF] = useState<{ msisdn?: string; state?: PaymentState; method?: PaymentMethod }>({});
  const list = useLoad(() => mall.payments({ ...f, limit: 200 }), [f]);

  const columns: ColumnsType<Payment> = [
    { title: t('mall.pay.id'), dataIndex: 'id', render: (v: string) => <Link to={`/mall/payments/${encodeURIComponent(v)}`} className="mono">{v}</Link> },
    { title: t('mall.pay.subject'), dataIndex: 'subject', render: (v: string) => <span style={{ display: 'inline-block', maxWidth: 280 }}>{v}</span> },
    { title: t('mall.pay.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => formatFen(v) },
    { title: t('mall.pay.refunded'), dataIndex: 'refundedFen', align: 'right', render: (v: number) => (v ? formatFen(v) : '—') },
    { title: t('mall.pay.method'), dataIndex: 'method', render: (m: string) => codeText(i18n, 'pay.method', m) },
    { title: t('mall.pay.state'), dataIndex: 'state', render: (s: string) => <CodeTag kind="pay.state" code={s} /> },
    { title: t('mall.pay.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatBeijing(v) },
  ];

  return (
    <>
      <Flex wrap gap={12} style={{ marginBottom: 16 }} role="search">
        <Input.Search
          allowClear placeholder={t('mall.pay.msisdn')} aria-label={t('mall.pay.msisdn')} inputMode="tel" autoComplete="off" style={{ width: 240 }}
          enterButton={t('common.search')} onSearch={(v) => setF((o) => ({ ...o, msisdn: v.trim() || undefined }))}
        />
        <Select
          allowClear placeholder={t('mall.pay.stateFilter')} aria-label={t('mall.pay.stateFilter')} style={{ width: 160 }} value={f.state}
          onChange={(state?: PaymentState) => setF((o) => ({ ...o, state }))} options={PAYMENT_STATES.map((s) => ({ value: s, label: codeText(i18n, 'pay.state', s) }))}
        />
        <Select
          allowClear placeholder={t('mall.pay.methodFilter')} aria-label={t('mall.pay.methodFilter')} style={{ width: 160 }} value={f.method}
          onChange={(method?: PaymentMethod) => setF((o) => ({ ...o, method }))} options={METHODS.map((m) => ({ value: m, label: codeText(i18n, 'pay.method', m) }))}
        />
      </Flex>
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<Payment>
        rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} scroll={{ x: 'max-content' }} data-testid="payments-table"
        locale={{ emptyText: t('mall.pay.empty') }} pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (n) => t('mall.pay.count', { n }) }}
      />
    </>
  );
}

/** What is left to refund of the money part: paid, less what is refunded or on its way to be. */
function refundableFen(d: PaymentDetail): number {
  const open = d.refunds.filter((r) => r.state === 'awaiting_approval' || r.state === 'pending').reduce((s, r) => s + r.amountFen, 0);
  return Math.max(0, d.payment.amountFen - d.payment.refundedFen - open);
}

function PaymentPage({ id }: { id: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const mall = useMall();
  const { can, session } = useAuth();
  const { modal } = App.useApp();
  const me = session!.user.id;
  const ops = can('ops');
  const one = useLoad(() => mall.payment(id), [id]);
  const { busy, act } = useMallStep(() => one.reload());
  const [refunding, setRefunding] = useState(false);
  // The key of the refund being asked for, and the request it was made for.
  const refundKey = useRef<{ key: string; body: string } | null>(null);
  const [rejecting, setRejecting] = useState<Refund | null>(null);
  const [refundForm] = Form.useForm<{ kind: 'all' | 'part'; yuan?: string; reason: string }>();
  const [rejectForm] = Form.useForm<{ reason: string }>();
  const d = one.data;

  if (!d) {
    return (
      <>
        <BackLink to="/mall/payments">{t('mall.pay.back')}</BackLink>
        <PageTitle title={t('mall.pay.detailTitle', { id })} />
        {one.error && <ErrorAlert error={one.error} onRetry={one.reload} />}
      </>
    );
  }
  const p = d.payment;
  const left = refundableFen(d);
  const orderId = orderIdOf(p.orderRef);
  const refundable = ops && (p.state === 'paid' || p.state === 'partially_refunded') && left > 0;
  const codOpen = ops && p.method === 'cod' && (p.state === 'created' || p.state === 'pending');

  const refundAnswer = (r: Refund) => {
    const fen = formatFen(r.amountFen);
    if (r.state === 'awaiting_approval') return t('mall.pay.refundAwaiting', { fen });
    if (r.state === 'pending') return t('mall.pay.refundPending', { fen });
    if (r.state === 'failed') return t('mall.pay.refundFailed', { fen });
    return t('mall.pay.refundDone', { fen });
  };
  const submitRefund = async () => {
    // A form not filled in right shows its messages; nothing is sent.
    const v = await refundForm.validateFields().catch(() => null);
    if (!v) return;
    const amountFen = v.kind === 'part' ? parseYuan(v.yuan ?? '') ?? undefined : undefined;
    const body = { ...(amountFen !== undefined ? { amountFen } : {}), reason: v.reason.trim() };
    const same = refundKey.current?.body === JSON.stringify(body);
    const key = same ? refundKey.current!.key : newIdempotencyKey();
    refundKey.current = { key, body: JSON.stringify(body) };
    const ok = await act(() => mall.refund(p.id, body, key), refundAnswer);
    if (ok) {
      refundKey.current = null;
      setRefunding(false);
    }
  };

  // Staff are named by id (their names are the admin's to list); the signed-in one as themself.
  const staff = (v: number | null) => (v === null ? '—' : v === me ? t('mall.pay.me', { name: session!.user.displayName }) : t('mall.pay.staffId', { id: v }));
  const refundColumns: ColumnsType<Refund> = [
    { title: t('mall.pay.refundAmount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => formatFen(v) },
    { title: t('mall.pay.refundPoints'), dataIndex: 'points', align: 'right', render: (v: number) => (v ? String(v) : '—') },
    { title: t('mall.pay.refundState'), dataIndex: 'state', render: (s: string) => <CodeTag kind="pay.refundState" code={s} /> },
    { title: t('mall.pay.reason'), dataIndex: 'reason', render: (v: string) => <span style={{ display: 'inline-block', maxWidth: 240 }}>{v}</span> },
    { title: t('mall.pay.requestedBy'), dataIndex: 'requestedBy', render: staff },
    { title: t('mall.pay.reviewedBy'), dataIndex: 'reviewedBy', render: staff },
    { title: t('mall.pay.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatBeijing(v) },
    {
      title: t('common.actions'), key: 'actions',
      render: (_v, r) => (r.state === 'awaiting_approval' && ops ? (
        <Space wrap>
          {/* Shown to the asker too: the server answers that a colleague must (REFUND_SELF_REVIEW). */}
          <Button size="small" type="primary" loading={busy} aria-label={`${t('mall.pay.approve')}：${formatFen(r.amountFen)}`}
            onClick={() => void act(() => mall.reviewRefund(r.id, true), (x) => `${t('mall.pay.approved')} · ${refundAnswer(x)}`)}>
            {t('mall.pay.approve')}
          </Button>
          <Button size="small" danger onClick={() => { rejectForm.resetFields(); setRejecting(r); }}>{t('mall.pay.reject')}</Button>
          {r.requestedBy === me && <Typography.Text type="secondary">{t('mall.pay.selfNote')}</Typography.Text>}
        </Space>
      ) : null),
    },
  ];
  const notificationColumns: ColumnsType<PaymentDetail['notifications'][number]> = [
    { title: t('mall.pay.receivedAt'), dataIndex: 'receivedAt', render: (v: string) => formatBeijing(v, { seconds: true }) },
    { title: t('mall.pay.tradeNo'), dataIndex: 'tradeNo', render: (v: string | null) => <span className="mono">{v ?? '—'}</span> },
    { title: t('mall.pay.state'), dataIndex: 'status', render: (v: string | null) => v ?? '—' },
    { title: t('mall.pay.verified'), dataIndex: 'verified', render: (v: boolean) => (v ? t('common.yes') : t('common.no')) },
    { title: t('mall.pay.outcome'), dataIndex: 'outcome' },
  ];

  return (
    <>
      <BackLink to="/mall/payments">{t('mall.pay.back')}</BackLink>
      <PageTitle
        title={t('mall.pay.detailTitle', { id: p.id })}
        extra={(
          <Space wrap>
            <CodeTag kind="pay.state" code={p.state} />
            {refundable && (
              <Button type="primary" onClick={() => { refundForm.resetFields(); refundKey.current = null; setRefunding(true); }}>{t('mall.pay.refund')}</Button>
            )}
            {codOpen && (
              <Button
                onClick={() => modal.confirm({
                  title: t('mall.pay.codTitle', { fen: formatFen(p.amountFen) }), okText: t('mall.pay.cod'), cancelText: t('common.cancel'),
                  onOk: () => act(() => mall.codDelivered(p.id), t('mall.pay.codDone')),
                })}
              >
                {t('mall.pay.cod')}
              </Button>
            )}
          </Space>
        )}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24}>
          <Card title={<h2 className="card-title">{t('mall.pay.basics')}</h2>}>
            <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} data-testid="payment-basics" items={[
              { key: 'subject', label: t('mall.pay.subject'), children: p.subject },
              { key: 'method', label: t('mall.pay.method'), children: codeText(i18n, 'pay.method', p.method) },
              { key: 'order', label: t('mall.pay.order'), children: orderId ? <Link to={`/mall/orders/${orderId}`}>{t('mall.pay.openOrder')}</Link> : <span className="mono">{p.orderRef}</span> },
              { key: 'total', label: t('mall.pay.total'), children: formatFen(p.totalFen) },
              { key: 'amount', label: t('mall.pay.amount'), children: formatFen(p.amountFen) },
              { key: 'points', label: t('mall.pay.points'), children: p.points ? t('mall.pay.pointsText', { n: p.points, fen: formatFen(p.pointsFen) }) : t('common.none') },
              { key: 'refunded', label: t('mall.pay.refunded'), children: formatFen(p.refundedFen) },
              { key: 'left', label: t('mall.pay.refundable'), children: formatFen(left) },
              { key: 'trade', label: t('mall.pay.tradeNo'), children: <span className="mono">{p.providerTradeNo ?? '—'}</span> },
              { key: 'created', label: t('mall.pay.createdAt'), children: formatBeijing(p.createdAt) },
              { key: 'expires', label: t('mall.pay.expiresAt'), children: formatBeijing(p.expiresAt) },
              { key: 'paid', label: t('mall.pay.paidAt'), children: p.paidAt ? formatBeijing(p.paidAt) : '—' },
            ]} />
          </Card>
        </Col>
        <Col xs={24}>
          <Card title={<h2 className="card-title">{t('mall.pay.refunds')}</h2>}>
            <Table<Refund>
              rowKey="id" size="small" columns={refundColumns} dataSource={d.refunds} pagination={false} scroll={{ x: 'max-content' }}
              locale={{ emptyText: t('mall.pay.noRefunds') }} data-testid="refunds-table"
            />
          </Card>
        </Col>
        <Col xs={24}>
          <Card title={<h2 className="card-title">{t('mall.pay.notifications')}</h2>}>
            <Table
              rowKey="id" size="small" columns={notificationColumns} dataSource={d.notifications} pagination={false} scroll={{ x: 'max-content' }}
              locale={{ emptyText: t('mall.pay.noNotifications') }}
            />
          </Card>
        </Col>
      </Row>

      <Modal
        open={refunding} title={t('mall.pay.refundTitle', { id: p.id })} okText={t('mall.pay.refund')} cancelText={t('common.cancel')}
        confirmLoading={busy} destroyOnHidden onCancel={() => setRefunding(false)} onOk={submitRefund}
      >
        <Typography.Paragraph type="secondary">{t('mall.pay.approvalNote')}</Typography.Paragraph>
        <Form form={refundForm} layout="vertical" requiredMark={false} preserve={false} initialValues={{ kind: 'all' }}>
          <Form.Item label={t('mall.pay.refundKind')} name="kind">
            <Radio.Group options={[
              { value: 'all', label: t('mall.pay.refundAll', { fen: formatFen(left) }) },
              { value: 'part', label: t('mall.pay.refundPart') },
            ]} />
          </Form.Item>
          <Form.Item noStyle shouldUpdate={(a, b) => a.kind !== b.kind}>
            {({ getFieldValue }) => getFieldValue('kind') === 'part' && (
              <Form.Item
                label={t('mall.pay.refundYuan')} name="yuan"
                rules={[{
                  validator: async (_r, v: string | undefined) => {
                    const fen = parseYuan(v ?? '');
                    if (fen === null || fen < 1 || fen > left) throw new Error(t('mall.pay.amountInvalid', { max: fenToYuanText(left) }));
                  },
                }]}
              >
                <Input inputMode="decimal" autoComplete="off" prefix="¥" style={{ width: 200 }} />
              </Form.Item>
            )}
          </Form.Item>
          <Form.Item label={t('mall.pay.refundReason')} name="reason" rules={[{ required: true, whitespace: true, message: t('common.reasonRequired') }]}>
            <Input.TextArea rows={2} maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={rejecting !== null} title={rejecting ? t('mall.pay.rejectTitle', { fen: formatFen(rejecting.amountFen) }) : ''} okText={t('mall.pay.reject')}
        okButtonProps={{ danger: true }} cancelText={t('common.cancel')} confirmLoading={busy} destroyOnHidden onCancel={() => setRejecting(null)}
        onOk={async () => {
          const v = await rejectForm.validateFields().catch(() => null);
          if (v && rejecting && await act(() => mall.reviewRefund(rejecting.id, false, v.reason.trim()), t('mall.pay.rejected'))) setRejecting(null);
        }}
      >
        <Form form={rejectForm} layout="vertical" requiredMark={false} preserve={false}>
          <Form.Item label={t('mall.pay.rejectReason')} name="reason" rules={[{ required: true, whitespace: true, message: t('common.reasonRequired') }]}>
            <Input.TextArea rows={2} maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
