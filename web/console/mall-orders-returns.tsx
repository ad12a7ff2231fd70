// 退货 (七天无理由): the returns queue, oldest first, filtered by state, and each return's next
// step for the ops role: approve or reject (with the reason the subscriber is shown) a requested
// one, mark an approved one's goods received (its refund follows), or run its refund again: a
// received one (the refund failed), or one refunding (退款中: awaiting approval or the provider;
// asked again only if its refund was rejected or failed meanwhile).
import { useState } from 'react';
import { Button, Flex, Form, Input, Modal, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { formatFen } from '../shared/format.ts';
import { Link } from '../shared/router.tsx';
import { useAuth } from './auth.tsx';
import { useI18n } from './i18n.tsx';
import { RETURN_STATES, useMall, type Return, type ReturnState, type ReturnStep } from './mall-api.ts';
import { CodeTag, codeText, useMallStep } from './mall-orders-ui.tsx';
import { ErrorAlert, useLoad } from './ui.tsx';

/** Returns as a table with each one's next steps; `items` given (a shipment's own) or the queue read here. */
export function ReturnsTable({ items, onChange }: { items: Return[]; onChange: () => void }) {
  const { t } = useI18n();
  const mall = useMall();
  const ops = useAuth().can('ops');
  const { busy, act } = useMallStep(onChange);
  const [rejecting, setRejecting] = useState<Return | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const run = (r: Return, step: ReturnStep, reason?: string) => act(() => mall.returnStep(r.id, step, reason), t('mall.ship.ret.done', { id: r.id }));

  const steps = (r: Return) => {
    if (!ops) return null;
    const btn = (step: ReturnStep, label: string, primary = false) => (
      <Button key={step} size="small" type={primary ? 'primary' : 'default'} loading={busy} aria-label={`${label}：${r.id}`} onClick={() => void run(r, step)}>{label}</Button>
    );
    switch (r.state) {
      case 'requested': return [
        btn('approve', t('mall.ship.ret.approve'), true),
        <Button key="reject" size="small" danger aria-label={`${t('mall.ship.ret.reject')}：${r.id}`} onClick={() => { form.resetFields(); setRejecting(r); }}>{t('mall.ship.ret.reject')}</Button>,
      ];
      case 'approved': return [btn('received', t('mall.ship.ret.received'), true)];
      case 'received': return [btn('refund', t('mall.ship.ret.refund'), true)];
      case 'refunding': return [btn('refund', t('mall.ship.ret.refund'))];
      default: return null;
    }
  };

  const columns: ColumnsType<Return> = [
    { title: t('mall.ship.ret.id'), dataIndex: 'id', render: (v: number) => <span className="mono">{v}</span> },
    { title: t('mall.ship.ret.shipment'), dataIndex: 'shipmentId', render: (v: number) => <Link to={`/mall/shipments/${v}`}>{`#${v}`}</Link> },
    { title: t('mall.ship.state'), dataIndex: 'state', render: (s: string) => <CodeTag kind="ship.ret.state" code={s} /> },
    {
      title: t('mall.ship.ret.reason'), dataIndex: 'reason',
      render: (v: string, r) => (
        <div style={{ maxWidth: 260 }}>
          <div>{v || '—'}</div>
          {r.rejectReason && <Typography.Text type="secondary">{t('mall.ship.ret.rejectReason', { reason: r.rejectReason })}</Typography.Text>}
        </div>
      ),
    },
    { title: t('mall.ship.ret.lines'), dataIndex: 'lines', render: (ls: Return['lines']) => (ls.length ? ls.map((l) => t('mall.ship.ret.line', { sku: l.skuId, n: l.quantity })).join('、') : t('mall.ship.ret.whole')) },
    { title: t('mall.ship.ret.refundFen'), dataIndex: 'refundFen', align: 'right', render: (v: number | null) => (v === null ? '—' : formatFen(v)) },
    { title: t('mall.ship.ret.requestedAt'), dataIndex: 'requestedAtLocal' },
    ...(ops ? [{ title: t('common.actions'), key: 'actions', render: (_v: unknown, r: Return) => <Space wrap>{steps(r)}</Space> }] : []),
  ];

  return (
    <>
      <Table<Return>
        rowKey="id" size="small" columns={columns} dataSource={items} pagination={{ pageSize: 20, hideOnSinglePage: true }} scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('mall.ship.ret.empty') }} data-testid="returns-table"
      />
      <Modal
        open={rejecting !== null} title={rejecting ? t('mall.ship.ret.rejectTitle', { id: rejecting.id }) : ''} okText={t('mall.ship.ret.reject')}
        okButtonProps={{ danger: true }} cancelText={t('common.cancel')} confirmLoading={busy} destroyOnHidden onCancel={() => setRejecting(null)}
        onOk={async () => {
          const v = await form.validateFields().catch(() => null);
          if (v && rejecting && await run(rejecting, 'reject', v.reason.trim())) setRejecting(null);
        }}
      >
        <Form form={form} layout="vertical" requiredMark={false} preserve={false}>
          <Form.Item label={t('mall.ship.ret.rejectHint')} name="reason" rules={[{ required: true, whitespace: true, message: t('common.reasonRequired') }]}>
            <Input.TextArea rows={3} maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** The returns queue: requested ones first by default (they wait for a decision). */
export function ReturnsQueue() {
  const i18n = useI18n();
  const { t } = i18n;
  const mall = useMall();
  const [state, setState] = useState<ReturnState | undefined>('requested');
  const list = useLoad(() => mall.returns(state), [state]);
  return (
    <>
      <Flex wrap gap={12} style={{ marginBottom: 16 }} role="search">
        <Select
          allowClear placeholder={t('mall.ship.ret.stateFilter')} aria-label={t('mall.ship.ret.stateFilter')} style={{ width: 200 }} value={state}
          onChange={(s?: ReturnState) => setState(s)} options={RETURN_STATES.map((s) => ({ value: s, label: codeText(i18n, 'ship.ret.state', s) }))}
        />
      </Flex>
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <ReturnsTable items={list.data?.items ?? []} onChange={list.reload} />
    </>
  );
}
