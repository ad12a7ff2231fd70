// 群发: the SMS broadcasts with their progress (sent, delivered, failed, suppressed by the contact
// policy and why), written here (marketing-broadcast-form.tsx: the text checked live for length,
// parts, unknown variables and sensitive words), submitted and approved or rejected by a second
// person (approval is where unknown variables and sensitive words are refused), paused, resumed or
// cancelled.
import { useState } from 'react';
import { App, Button, Form, Input, Modal, Progress, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { formatBeijing } from '../../shared/format.ts';
import type { ApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { useBroadcasts, useMarketing, type Broadcast, type BroadcastStep } from '../marketing-api.ts';
import { BroadcastForm } from '../marketing-broadcast-form.tsx';
import { useStaffStep, codeName } from '../marketing-ui.tsx';
import { ErrorAlert, PageTitle, ToneTag, useLoad, type Tone } from '../ui.tsx';

const TONES: Record<string, Tone> = { draft: 'blue', submitted: 'gold', approved: 'blue', rejected: 'red', running: 'green', paused: 'grey', done: 'grey', cancelled: 'grey' };

export default function MarketingBroadcastsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useBroadcasts();
  const mkt = useMarketing();
  const { session } = useAuth();
  const { modal } = App.useApp();
  const me = session!.user.id;
  const list = useLoad(() => api.broadcasts(), []);
  const segments = useLoad(() => mkt.segments(), []);
  const [rejecting, setRejecting] = useState<Broadcast | null>(null);
  // The form: closed, a new broadcast (true) or a draft or rejected one being edited.
  const [editing, setEditing] = useState<Broadcast | true | null>(null);
  // Submitting a broadcast whose segment has no members is refused: the form opens on it, the refusal at the segment.
  const [refusal, setRefusal] = useState<ApiError>();
  const edit = (b: Broadcast | true | null, why?: ApiError) => { setRefusal(why); setEditing(b); };
  const { busy, act } = useStaffStep(t('mkt.broadcasts.self'), () => list.reload());
  const [form] = Form.useForm<{ reason: string }>();
  const segmentName = (id: number | null) => {
    if (id === null) return '—';
    const s = segments.data?.items.find((x) => x.id === id);
    return s ? i18n.pick(s.names) : `#${id}`;
  };

  const run = async (b: Broadcast, step: BroadcastStep, reason?: string) => act(
    () => api.step(b.id, step, reason), t('mkt.triggers.done', { name: i18n.pick(b.names) }),
    (err) => { if (err.code !== 'SEGMENT_EMPTY') return false; edit(b, err); return true; },
  );

  const actions = (b: Broadcast) => {
    const btn = (step: BroadcastStep, label: string, primary = false) => (
      <Button key={step} size="small" type={primary ? 'primary' : 'default'} danger={step === 'cancel'} loading={busy} aria-label={`${label}：${i18n.pick(b.names)}`}
        onClick={() => (step === 'cancel'
          ? modal.confirm({ title: t('mkt.broadcasts.cancelTitle', { name: i18n.pick(b.names) }), okText: label, okButtonProps: { danger: true }, cancelText: t('common.cancel'), onOk: () => run(b, step) })
          : void run(b, step))}
      >
        {label}
      </Button>
    );
    const change = <Button key="edit" size="small" onClick={() => edit(b)} aria-label={`${t('mkt.bform.edit')}：${i18n.pick(b.names)}`}>{t('mkt.bform.edit')}</Button>;
    switch (b.status) {
      case 'draft': return [btn('submit', t('mkt.offers.submit'), true), change];
      case 'rejected': return [change];
      case 'submitted':
        if (b.createdBy === me || b.submittedBy === me) return [<Typography.Text key="self" type="secondary">{t('mkt.offers.selfNote')}</Typography.Text>];
        return [btn('approve', t('mkt.offers.approve'), true), <Button key="reject" size="small" danger onClick={() => { form.resetFields(); setRejecting(b); }}>{t('mkt.offers.reject')}</Button>];
      case 'approved': return [btn('cancel', t('mkt.broadcasts.cancel'))];
      case 'running': return [btn('pause', t('mkt.offers.pause')), btn('cancel', t('mkt.broadcasts.cancel'))];
      case 'paused': return [btn('resume', t('mkt.offers.resume'), true), btn('cancel', t('mkt.broadcasts.cancel'))];
      default: return [];
    }
  };

  const columns: ColumnsType<Broadcast> = [
    {
      title: t('mkt.broadcasts.name'), key: 'name',
      render: (_v, b) => (
        <div style={{ maxWidth: 320 }}>
          <div>{i18n.pick(b.names)}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{b.template['zh-CN']}</Typography.Text>
        </div>
      ),
    },
    {
      title: t('mkt.offers.status'), dataIndex: 'status',
      render: (s: string, b) => (
        <>
          <ToneTag tone={TONES[s] ?? 'grey'}>{codeName(i18n, 'broadcastStatus', s)}</ToneTag>
          {s === 'rejected' && b.reviewReason && <div><Typography.Text type="danger" style={{ fontSize: 12 }}>{t('mkt.offers.rejectedBecause', { reason: b.reviewReason })}</Typography.Text></div>}
        </>
      ),
    },
    { title: t('mkt.broadcasts.segment'), dataIndex: 'segmentId', render: (id: number | null) => segmentName(id) },
    { title: t('mkt.broadcasts.startsAt'), dataIndex: 'startsAt', render: (v: string) => formatBeijing(v) },
    {
      title: t('mkt.broadcasts.progress'), key: 'progress',
      render: (_v, b) => {
        const p = b.progress;
        // Delivered and undelivered are the SMS centre's receipts for messages sent, not states of their own.
        const done = p.sent + p.failed + p.suppressed + p.cancelled;
        return (
          <div style={{ minWidth: 200 }}>
            <Progress size="small" percent={p.recipients ? Math.round((done / p.recipients) * 100) : 0} aria-hidden />
            <div style={{ fontSize: 12 }}>{t('mkt.broadcasts.progressText', { n: p.recipients, sent: p.sent, delivered: p.delivered, failed: p.failed, suppressed: p.suppressed })}</div>
            {Object.entries(p.suppressedBy).map(([rule, n]) => <div key={rule} style={{ fontSize: 12 }}>{`${codeName(i18n, 'rule', rule)}：${n}`}</div>)}
          </div>
        );
      },
    },
    { title: t('common.actions'), key: 'actions', render: (_v, b) => <Space wrap>{actions(b)}</Space> },
  ];

  return (
    <>
      <PageTitle title={t('mkt.broadcasts.title')} extra={<Button type="primary" onClick={() => edit(true)}>{t('mkt.bform.new')}</Button>} />
      <Typography.Paragraph type="secondary">{t('mkt.broadcasts.intro')}</Typography.Paragraph>
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<Broadcast>
        rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: t('mkt.broadcasts.empty') }} data-testid="broadcasts-table"
      />
      <BroadcastForm
        open={editing !== null} broadcast={editing === true || editing === null ? undefined : editing} refusal={refusal}
        onSaved={() => { edit(null); list.reload(); }} onCancel={() => edit(null)}
      />
      <Modal
        open={rejecting !== null} title={rejecting ? t('mkt.broadcasts.rejectTitle', { name: i18n.pick(rejecting.names) }) : ''} okText={t('mkt.offers.reject')}
        okButtonProps={{ danger: true }} cancelText={t('common.cancel')} confirmLoading={busy} destroyOnHidden onCancel={() => setRejecting(null)}
        onOk={async () => {
          const v = await form.validateFields().catch(() => null);
          if (!v) return;
          const { reason } = v;
          if (rejecting && await run(rejecting, 'reject', reason.trim())) setRejecting(null);
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
