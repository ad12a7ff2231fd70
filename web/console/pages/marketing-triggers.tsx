// 触发规则: the event triggers (an event, its condition, an offer sent on a channel within a window),
// with their status and what each one did (every event it met: sent, held, suppressed and why).
// A marketer writes a new trigger, or edits a draft or a rejected one, in the trigger form; a draft
// is submitted here; a second person approves or rejects it; a live one is paused, resumed or ended.
import { useState } from 'react';
import { Button, Drawer, Form, Input, Modal, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { formatBeijing } from '../../shared/format.ts';
import type { ApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { useCampaigns, useMarketing, type Trigger, type TriggerFire, type TriggerInput, type TriggerStep } from '../marketing-api.ts';
import { TriggerForm, windowText } from '../marketing-trigger-form.tsx';
import { useStaffStep, codeName, OfferStatusTag } from '../marketing-ui.tsx';
import { ErrorAlert, PageTitle, useLoad } from '../ui.tsx';

export default function MarketingTriggersPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useCampaigns();
  const mkt = useMarketing();
  const { session, can } = useAuth();
  const me = session!.user.id;
  const writer = can('marketing');
  const list = useLoad(() => api.triggers(), []);
  const offers = useLoad(() => (writer ? mkt.offers() : Promise.resolve({ items: [] })), [writer]);
  const [open, setOpen] = useState<Trigger | null>(null);
  const fires = useLoad(() => (open ? api.fires(open.id) : Promise.resolve(undefined)), [open?.id]);
  const [rejecting, setRejecting] = useState<Trigger | null>(null);
  const [editing, setEditing] = useState<Trigger | 'new' | null>(null);
  const [refusal, setRefusal] = useState<ApiError>();
  const { busy, act } = useStaffStep(t('mkt.triggers.self'), () => list.reload());
  const [form] = Form.useForm<{ reason: string }>();
  const offerName = (id: number) => {
    const o = offers.data?.items.find((x) => x.id === id);
    return o ? i18n.pick(o.names) : `#${id}`;
  };

  const run = async (tr: Trigger, step: TriggerStep, reason?: string) => act(() => api.triggerStep(tr.id, step, reason), t('mkt.triggers.done', { name: i18n.pick(tr.names) }));
  const edit = (tr: Trigger | 'new') => { setRefusal(undefined); setEditing(tr); };
  // A refusal is shown in the form, at the field the server names.
  const save = async (input: TriggerInput) => {
    setRefusal(undefined);
    const saved = await act(
      () => (editing && editing !== 'new' ? api.updateTrigger(editing.id, input) : api.createTrigger(input)),
      t('mkt.triggers.saved', { name: i18n.pick({ 'zh-CN': input.nameZh, en: input.nameEn }) }),
      (err) => { setRefusal(err); return true; },
    );
    if (saved) setEditing(null);
  };

  const actions = (tr: Trigger) => {
    if (!writer) return null;
    const b = (step: TriggerStep, label: string, primary = false) => (
      <Button key={step} size="small" type={primary ? 'primary' : 'default'} danger={step === 'end'} loading={busy} onClick={() => void run(tr, step)} aria-label={`${label}：${i18n.pick(tr.names)}`}>{label}</Button>
    );
    const change = (
      <Button key="edit" size="small" onClick={() => edit(tr)} aria-label={`${t('mkt.offers.edit')}：${i18n.pick(tr.names)}`}>{t('mkt.offers.edit')}</Button>
    );
    switch (tr.status) {
      case 'draft': return [change, b('submit', t('mkt.offers.submit'), true)];
      case 'rejected': return [change];
      case 'pending':
        if (tr.createdBy === me || tr.submittedBy === me) return [<Typography.Text key="self" type="secondary">{t('mkt.offers.selfNote')}</Typography.Text>];
        return [b('approve', t('mkt.offers.approve'), true), <Button key="reject" size="small" danger onClick={() => { form.resetFields(); setRejecting(tr); }}>{t('mkt.offers.reject')}</Button>];
      case 'active': return [b('pause', t('mkt.offers.pause')), b('end', t('mkt.offers.end'))];
      case 'paused': return [b('resume', t('mkt.offers.resume'), true), b('end', t('mkt.offers.end'))];
      default: return [];
    }
  };

  const columns: ColumnsType<Trigger> = [
    { title: t('mkt.triggers.name'), key: 'name', render: (_v, tr) => <Button type="link" style={{ padding: 0 }} onClick={() => setOpen(tr)}>{i18n.pick(tr.names)}</Button> },
    {
      title: t('mkt.offers.status'), dataIndex: 'status',
      render: (s: string, tr) => (
        <>
          <OfferStatusTag status={s} />
          {tr.status === 'rejected' && tr.reviewReason && <div><Typography.Text type="danger" style={{ fontSize: 12 }}>{t('mkt.offers.rejectedBecause', { reason: tr.reviewReason })}</Typography.Text></div>}
        </>
      ),
    },
    { title: t('mkt.triggers.event'), dataIndex: 'event', render: (e: string) => codeName(i18n, 'event', e) },
    { title: t('mkt.triggers.offer'), dataIndex: 'offerId', render: (id: number) => offerName(id) },
    { title: t('mkt.contacts.channel'), dataIndex: 'channel', render: (c: string) => codeName(i18n, 'triggerChannel', c) },
    { title: t('mkt.triggers.window'), dataIndex: 'windowMinutes', align: 'right', render: (n: number) => windowText(i18n, n) },
    { title: t('mkt.triggers.once'), dataIndex: 'once', render: (v: boolean) => (v ? t('common.yes') : t('common.no')) },
    { title: t('common.actions'), key: 'actions', render: (_v, tr) => <Space wrap>{actions(tr)}</Space> },
  ];
  const fireColumns: ColumnsType<TriggerFire> = [
    { title: t('mkt.contacts.at'), dataIndex: 'at', render: (v: string) => formatBeijing(v) },
    { title: t('mkt.triggers.subscriber'), dataIndex: 'subscriberId', render: (n: number) => `#${n}` },
    {
      title: t('mkt.triggers.outcome'), dataIndex: 'outcome',
      render: (o: string, f) => {
        // A placement nobody saw by its end is expired like a text past its window, but says so.
        const name = codeName(i18n, 'fire', o === 'expired' && f.rule === 'NOT_SHOWN' ? 'unseen' : o);
        return f.outcome === 'placed' && f.placedUntil ? `${name} · ${t('mkt.triggers.placedUntil', { at: formatBeijing(f.placedUntil) })}` : name;
      },
    },
    { title: t('mkt.contacts.rule'), dataIndex: 'rule', render: (r: string | null) => (r ? codeName(i18n, 'rule', r) : '—') },
  ];

  return (
    <>
      <PageTitle
        title={t('mkt.triggers.title')}
        extra={writer && <Button type="primary" icon={<PlusOutlined />} onClick={() => edit('new')}>{t('mkt.triggers.new')}</Button>}
      />
      <Typography.Paragraph type="secondary">{t('mkt.triggers.intro')}</Typography.Paragraph>
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<Trigger>
        rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: t('mkt.triggers.empty') }} data-testid="triggers-table"
      />
      <Drawer open={open !== null} onClose={() => setOpen(null)} size={640} title={open ? t('mkt.triggers.firesOf', { name: i18n.pick(open.names) }) : ''} destroyOnHidden>
        {fires.error && <ErrorAlert error={fires.error} />}
        <Table<TriggerFire>
          size="small" rowKey="id" columns={fireColumns} dataSource={fires.data?.items ?? []} loading={fires.loading}
          pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: t('mkt.triggers.noFires') }}
        />
      </Drawer>
      {writer && (
        <TriggerForm
          open={editing !== null} trigger={editing && editing !== 'new' ? editing : undefined} busy={busy} refusal={refusal}
          onSave={(input) => void save(input)} onCancel={() => setEditing(null)}
        />
      )}
      <Modal
        open={rejecting !== null} title={rejecting ? t('mkt.triggers.rejectTitle', { name: i18n.pick(rejecting.names) }) : ''} okText={t('mkt.offers.reject')}
        okButtonProps={{ danger: true }} cancelText={t('common.cancel')} confirmLoading={busy} destroyOnHidden onCancel={() => setRejecting(null)}
        onOk={async () => {
          // Without a reason the field says so; the refusal goes no further.
          const v = await form.validateFields().catch(() => undefined);
          if (v && rejecting && await run(rejecting, 'reject', v.reason.trim())) setRejecting(null);
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
