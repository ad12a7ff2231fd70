// 外呼名单: the call lists with their counts and the three rates an outbound campaign is judged by:
// 接触成功率 (reached / called), 营销成功率 (accepted / reached) and 办理成功率 (accepted / called).
// A marketer makes a new list in the call-list form (a segment, frozen then, and an offer, with a
// holdout never called); a pending list is approved or rejected by someone other than who made
// it; a live one is closed. One list's drawer adds its rows (the calls, with their state, agent and
// outcome, the numbers masked), hands open rows to agents chosen by name, and shows the rates per
// agent and the uplift against the holdout. Agents record outcomes in their own page, 我的外呼
// (marketing-my-calls.tsx).
import { useState } from 'react';
import { App, Button, Form, Input, Modal, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { formatBeijing } from '../../shared/format.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { useCampaigns, type CallList } from '../marketing-api.ts';
import { CallListDrawer, RatesCells } from '../marketing-call-list-detail.tsx';
import { CallListForm } from '../marketing-call-list-form.tsx';
import { useStaffStep, codeName } from '../marketing-ui.tsx';
import { ErrorAlert, PageTitle, ToneTag, useLoad, type Tone } from '../ui.tsx';

const TONES: Record<string, Tone> = { pending: 'gold', active: 'green', closed: 'grey', rejected: 'red' };

export default function MarketingCallListsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useCampaigns();
  const { session } = useAuth();
  const { modal } = App.useApp();
  const me = session!.user.id;
  const list = useLoad(() => api.callLists(), []);
  const [open, setOpen] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const [rejecting, setRejecting] = useState<CallList | null>(null);
  const [form] = Form.useForm<{ reason: string }>();

  const { busy, act } = useStaffStep(t('mkt.callLists.self'), () => list.reload());

  const columns: ColumnsType<CallList> = [
    { title: t('mkt.callLists.name'), key: 'name', render: (_v, c) => <Button type="link" style={{ padding: 0 }} onClick={() => setOpen(c.id)}>{i18n.pick(c.names)}</Button> },
    {
      title: t('mkt.offers.status'), dataIndex: 'status',
      render: (s: string, c) => (
        <>
          <ToneTag tone={TONES[s] ?? 'grey'}>{codeName(i18n, 'listStatus', s)}</ToneTag>
          {c.status === 'rejected' && c.reviewReason && <div><Typography.Text type="danger" style={{ fontSize: 12 }}>{t('mkt.offers.rejectedBecause', { reason: c.reviewReason })}</Typography.Text></div>}
        </>
      ),
    },
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
              <Button size="small" type="primary" loading={busy} onClick={() => void act(() => api.approveList(c.id), t('mkt.callLists.approved'))} aria-label={`${t('mkt.offers.approve')}：${i18n.pick(c.names)}`}>{t('mkt.offers.approve')}</Button>
              <Button size="small" danger onClick={() => { form.resetFields(); setRejecting(c); }} aria-label={`${t('mkt.offers.reject')}：${i18n.pick(c.names)}`}>{t('mkt.offers.reject')}</Button>
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

  return (
    <>
      <PageTitle
        title={t('mkt.callLists.title')}
        extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('mkt.callLists.new')}</Button>}
      />
      <Typography.Paragraph type="secondary">{t('mkt.callLists.intro')}</Typography.Paragraph>
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<CallList>
        rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: t('mkt.callLists.empty') }} data-testid="call-lists-table"
      />
      <CallListDrawer listId={open} onClose={() => setOpen(null)} onChanged={list.reload} />
      <CallListForm open={creating} onCancel={() => setCreating(false)} onSaved={() => { setCreating(false); list.reload(); }} />
      <Modal
        open={rejecting !== null} title={rejecting ? t('mkt.callLists.rejectTitle', { name: i18n.pick(rejecting.names) }) : ''} okText={t('mkt.offers.reject')}
        okButtonProps={{ danger: true }} cancelText={t('common.cancel')} confirmLoading={busy} destroyOnHidden onCancel={() => setRejecting(null)}
        onOk={async () => {
          // Without a reason the field says so; the refusal goes no further.
          const v = await form.validateFields().catch(() => null);
          if (v && rejecting && await act(() => api.rejectList(rejecting.id, v.reason.trim()), t('mkt.callLists.rejected'))) setRejecting(null);
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
