// 外呼名单: the call lists with their counts and the three rates an outbound campaign is judged by:
// 接触成功率 (reached / called), 营销成功率 (accepted / reached) and 办理成功率 (accepted / called);
// a pending list approved or rejected by someone other than who made it; a live one closed. One
// list's detail adds the rates per agent and its uplift against the holdout.
import { useState } from 'react';
import { App, Button, Descriptions, Drawer, Form, Input, Modal, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { formatBeijing, formatRate } from '../../shared/format.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { useCampaigns, type CallList, type Rates } from '../marketing-api.ts';
import { useStaffStep, codeName } from '../marketing-ui.tsx';
import { ErrorAlert, PageTitle, ToneTag, useLoad, type Tone } from '../ui.tsx';

const TONES: Record<string, Tone> = { pending: 'gold', active: 'green', closed: 'grey', rejected: 'red' };

export function RatesCells({ r, vertical }: { r: Rates; vertical?: boolean }) {
  const { t } = useI18n();
  return (
    <Space size={vertical ? 0 : 16} wrap direction={vertical ? 'vertical' : 'horizontal'}>
      <span>{t('mkt.callLists.contactRate')} <strong>{formatRate(r.called ? r.contactRate : null)}</strong></span>
      <span>{t('mkt.callLists.salesRate')} <strong>{formatRate(r.reached ? r.salesRate : null)}</strong></span>
      <span>{t('mkt.callLists.handlingRate')} <strong>{formatRate(r.called ? r.handlingRate : null)}</strong></span>
    </Space>
  );
}

export default function MarketingCallListsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useCampaigns();
  const { session } = useAuth();
  const { modal } = App.useApp();
  const me = session!.user.id;
  const list = useLoad(() => api.callLists(), []);
  const [open, setOpen] = useState<number | null>(null);
  const detail = useLoad(() => (open ? api.callList(open) : Promise.resolve(undefined)), [open]);
  const [rejecting, setRejecting] = useState<CallList | null>(null);
  const [form] = Form.useForm<{ reason: string }>();

  const { busy, act } = useStaffStep(t('mkt.callLists.self'), () => list.reload());

  const columns: ColumnsType<CallList> = [
    { title: t('mkt.callLists.name'), key: 'name', render: (_v, c) => <Button type="link" style={{ padding: 0 }} onClick={() => setOpen(c.id)}>{i18n.pick(c.names)}</Button> },
    { title: t('mkt.offers.status'), dataIndex: 'status', render: (s: string) => <ToneTag tone={TONES[s] ?? 'grey'}>{codeName(i18n, 'listStatus', s)}</ToneTag> },
    { title: t('mkt.callLists.size'), key: 'size', align: 'right', render: (_v, c) => t('mkt.callLists.sizeText', { n: c.size.toLocaleString(), holdout: c.holdoutSize.toLocaleString(), pct: c.holdoutPct }) },
    { title: t('mkt.callLists.progress'), key: 'counts', render: (_v, c) => <span style={{ display: 'inline-block', maxWidth: 220 }}>{t('mkt.callLists.countsText', { open: c.counts.open, assigned: c.counts.assigned, done: c.counts.done, suppressed: c.counts.suppressed })}</span> },
    { title: t('mkt.callLists.rates'), key: 'rates', render: (_v, c) => <RatesCells r={c.rates} vertical /> },
    { title: t('mkt.segments.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatBeijing(v, { date: true }), responsive: ['xxl'] },
    {
      title: t('common.actions'), key: 'actions',
      render: (_v, c) => {
        if (c.status === 'pending') {
          if (c.createdBy === me) return <Typography.Text type="secondary">{t('mkt.offers.selfNote')}</Typography.Text>;
          return (
            <Space>
              <Button size="small" type="primary" loading={busy} onClick={() => void act(() => api.approveList(c.id), t('mkt.callLists.approved'))}>{t('mkt.offers.approve')}</Button>
              <Button size="small" danger onClick={() => { form.resetFields(); setRejecting(c); }}>{t('mkt.offers.reject')}</Button>
            </Space>
          );
        }
        if (c.status === 'active') {
          return (
            <Button size="small" onClick={() => modal.confirm({
              title: t('mkt.callLists.closeTitle', { name: i18n.pick(c.names) }), okText: t('mkt.callLists.close'), cancelText: t('common.cancel'),
              onOk: () => act(() => api.closeList(c.id), t('mkt.callLists.closed')),
            })}
            >
              {t('mkt.callLists.close')}
            </Button>
          );
        }
        return null;
      },
    },
  ];

  const d = detail.data;
  return (
    <>
      <PageTitle title={t('mkt.callLists.title')} />
      <Typography.Paragraph type="secondary">{t('mkt.callLists.intro')}</Typography.Paragraph>
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<CallList>
        rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: t('mkt.callLists.empty') }} data-testid="call-lists-table"
      />
      <Drawer open={open !== null} onClose={() => setOpen(null)} size={640} title={d ? i18n.pick(d.names) : t('common.loading')} destroyOnHidden>
        {detail.error && <ErrorAlert error={detail.error} />}
        {d && (
          <>
            <RatesCells r={d.rates} />
            <Descriptions
              size="small" column={1} style={{ marginTop: 16 }}
              items={[
                { key: 'treated', label: t('mkt.results.treated'), children: `${formatRate(d.uplift.treated.rate)} (${d.uplift.treated.converted}/${d.uplift.treated.size})` },
                { key: 'holdout', label: t('mkt.results.holdout'), children: `${formatRate(d.uplift.holdout.rate)} (${d.uplift.holdout.converted}/${d.uplift.holdout.size})` },
                { key: 'uplift', label: t('mkt.results.uplift'), children: `${(Math.round(d.uplift.uplift * 1000) / 10).toFixed(1)} pp` },
                ...Object.entries(d.suppressed).map(([rule, n]) => ({ key: rule, label: codeName(i18n, 'rule', rule), children: t('mkt.callLists.suppressedN', { n }) })),
              ]}
            />
            <Typography.Title level={3} style={{ fontSize: 15, marginTop: 16 }}>{t('mkt.callLists.byAgent')}</Typography.Title>
            <Table
              size="small" rowKey="agentId" pagination={false} dataSource={d.byAgent}
              columns={[
                { title: t('mkt.callLists.agent'), dataIndex: 'agentId', render: (n: number) => `#${n}` },
                { title: t('mkt.callLists.called'), dataIndex: 'called', align: 'right' },
                { title: t('mkt.callLists.contactRate'), key: 'c', align: 'right', render: (_v, r: Rates) => formatRate(r.called ? r.contactRate : null) },
                { title: t('mkt.callLists.salesRate'), key: 's', align: 'right', render: (_v, r: Rates) => formatRate(r.reached ? r.salesRate : null) },
                { title: t('mkt.callLists.handlingRate'), key: 'h', align: 'right', render: (_v, r: Rates) => formatRate(r.called ? r.handlingRate : null) },
              ]}
            />
          </>
        )}
      </Drawer>
      <Modal
        open={rejecting !== null} title={rejecting ? t('mkt.callLists.rejectTitle', { name: i18n.pick(rejecting.names) }) : ''} okText={t('mkt.offers.reject')}
        okButtonProps={{ danger: true }} cancelText={t('common.cancel')} confirmLoading={busy} destroyOnHidden onCancel={() => setRejecting(null)}
        onOk={async () => {
          const { reason } = await form.validateFields();
          if (rejecting && await act(() => api.rejectList(rejecting.id, reason.trim()), t('mkt.callLists.rejected'))) setRejecting(null);
        }}
      >
        <Form form={form} layout="vertical" requiredMark={false} preserve={false}>
          <Form.Item label={t('reviews.rejectReason')} name="reason" rules={[{ required: true, whitespace: true, message: t('common.reasonRequired') }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
