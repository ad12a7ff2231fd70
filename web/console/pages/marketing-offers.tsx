// 优惠: every offer with its status and how much of its budget is used; a new offer or an edited
// draft through the offer form; a draft submitted for review; the review queue, where a second
// person approves or rejects (whoever created or submitted an offer cannot approve it, and the
// queue says so); a live offer paused, resumed or ended. Every step is in the audit log.
import { useState } from 'react';
import { App, Button, Form, Input, Modal, Progress, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { formatBeijing, formatFen } from '../../shared/format.ts';
import { toApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { OFFER_STATUSES, useMarketing, type Offer, type OfferInput, type OfferStatus } from '../marketing-api.ts';
import { OfferForm } from '../marketing-offer-form.tsx';
import { codeName, OfferStatusTag } from '../marketing-ui.tsx';
import { ErrorAlert, errorText, PageTitle, useLoad } from '../ui.tsx';

type Step = 'submit' | 'approve' | 'pause' | 'resume' | 'end';
type TabKey = 'all' | 'review';

export default function MarketingOffersPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMarketing();
  const { session } = useAuth();
  const { message, modal } = App.useApp();
  const me = session!.user.id;
  const [tab, setTab] = useState<TabKey>('all');
  const [status, setStatus] = useState<OfferStatus>();
  const list = useLoad(() => api.offers(tab === 'review' ? 'pending' : status), [tab, status]);
  const segments = useLoad(() => api.segments(), []);
  const [editing, setEditing] = useState<Offer | 'new' | null>(null);
  const [rejecting, setRejecting] = useState<Offer | null>(null);
  const [busy, setBusy] = useState<number | 'form' | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const segmentName = (id: number) => {
    const s = segments.data?.items.find((x) => x.id === id);
    return s ? i18n.pick(s.names) : `#${id}`;
  };
  const mine = (o: Offer) => o.createdBy === me || o.submittedBy === me;

  const fail = (e: unknown) => {
    const err = toApiError(e);
    if (err.code === 'SELF_REVIEW') modal.warning({ title: t('mkt.offers.self'), okText: t('common.ok') });
    else message.error(errorText(err, i18n));
  };

  const save = async (input: OfferInput) => {
    setBusy('form');
    try {
      const o = editing && editing !== 'new' ? await api.updateOffer(editing.id, input) : await api.createOffer(input);
      message.success(t('mkt.offers.saved', { name: i18n.pick(o.names) }));
      setEditing(null);
      list.reload();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };

  const run = (o: Offer, step: Step) => {
    modal.confirm({
      title: t(`mkt.offers.${step}Title`, { name: i18n.pick(o.names) }),
      content: step === 'approve' ? t('mkt.offers.approveText', { budget: o.budget, price: formatFen(o.priceFen) }) : undefined,
      okText: t(`mkt.offers.${step}`), cancelText: t('common.cancel'), okButtonProps: { danger: step === 'end' },
      onOk: async () => {
        setBusy(o.id);
        try {
          await api.step(o.id, step);
          message.success(t(`mkt.offers.${step}Done`, { name: i18n.pick(o.names) }));
          list.reload();
        } catch (e) {
          fail(e);
        } finally {
          setBusy(null);
        }
      },
    });
  };

  const reject = async () => {
    const o = rejecting;
    if (!o) return;
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const { reason } = v;
    setBusy(o.id);
    try {
      await api.step(o.id, 'reject', reason.trim());
      message.success(t('mkt.offers.rejectDone', { name: i18n.pick(o.names) }));
      setRejecting(null);
      list.reload();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };

  const label = (what: string, o: Offer) => `${what}：${i18n.pick(o.names)}`;
  const actions = (o: Offer) => {
    const b = (step: Step, primary = false) => (
      <Button key={step} size="small" type={primary ? 'primary' : 'default'} danger={step === 'end'} loading={busy === o.id} onClick={() => run(o, step)} aria-label={label(t(`mkt.offers.${step}`), o)}>
        {t(`mkt.offers.${step}`)}
      </Button>
    );
    const edit = <Button key="edit" size="small" onClick={() => setEditing(o)} aria-label={label(t('mkt.offers.edit'), o)}>{t('mkt.offers.edit')}</Button>;
    switch (o.status) {
      case 'draft': return [edit, b('submit', true)];
      case 'rejected': return [edit];
      case 'pending':
        if (mine(o)) return [<Typography.Text key="self" type="secondary" data-testid="self-review" style={{ display: 'inline-block', maxWidth: 180 }}>{t('mkt.offers.selfNote')}</Typography.Text>];
        return [
          b('approve', true),
          <Button key="reject" size="small" danger disabled={busy === o.id} onClick={() => { form.resetFields(); setRejecting(o); }} aria-label={label(t('mkt.offers.reject'), o)}>{t('mkt.offers.reject')}</Button>,
        ];
      case 'active': return [b('pause'), b('end')];
      case 'paused': return [b('resume', true), b('end')];
      default: return [];
    }
  };

  const columns: ColumnsType<Offer> = [
    {
      title: t('mkt.offers.name'), key: 'name',
      render: (_v, o) => (
        <>
          <div>{i18n.pick(o.names)}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{i18n.pick(o.pitch)}</Typography.Text>
        </>
      ),
    },
    { title: t('mkt.offers.status'), dataIndex: 'status', render: (s: string, o) => <><OfferStatusTag status={s} />{o.status === 'draft' && o.reviewReason && <div><Typography.Text type="danger" style={{ fontSize: 12 }}>{t('mkt.offers.rejectedBecause', { reason: o.reviewReason })}</Typography.Text></div>}</> },
    { title: t('mkt.offers.price'), dataIndex: 'priceFen', align: 'right', render: (fen: number, o) => <>{formatFen(fen)}{o.validityDays ? <div style={{ fontSize: 12 }}>{t('mkt.offers.validity', { n: o.validityDays })}</div> : null}</> },
    {
      title: t('mkt.offers.budget'), key: 'budget',
      render: (_v, o) => (
        <div style={{ minWidth: 140 }}>
          <Progress percent={o.budget ? Math.round((o.accepted / o.budget) * 100) : 0} size="small" showInfo={false} aria-hidden />
          <span>{t('mkt.offers.used', { used: o.accepted.toLocaleString(), left: o.left.toLocaleString() })}</span>
        </div>
      ),
    },
    {
      title: t('mkt.offers.targeting'), key: 'targeting', responsive: ['lg'],
      render: (_v, o) => (
        <div className="tag-wrap">
          {o.segmentIds.map((id) => <Tag key={`s${id}`}>{segmentName(id)}</Tag>)}
          {o.cities.map((c) => <Tag key={`c${c}`}>{c}</Tag>)}
          {o.channels.map((c) => <Tag key={`ch${c}`}>{i18n.channel(c)}</Tag>)}
          {!o.segmentIds.length && !o.cities.length && !o.channels.length && t('mkt.offers.everyone')}
        </div>
      ),
    },
    // Beijing days, first and last (the end is the instant after the last day).
    {
      title: t('mkt.offers.period'), key: 'period',
      render: (_v, o) => <>{formatBeijing(o.startsAt, { date: true })}<br />{`– ${formatBeijing(new Date(new Date(o.endsAt).getTime() - 1), { date: true })}`}</>,
    },
    { title: t('common.actions'), key: 'actions', render: (_v, o) => <Space wrap>{actions(o)}</Space> },
  ];

  return (
    <>
      <PageTitle
        title={t('mkt.offers.title')}
        extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>{t('mkt.offers.new')}</Button>}
      />
      <Tabs
        activeKey={tab} onChange={(k) => setTab(k as TabKey)}
        items={[{ key: 'all', label: t('mkt.offers.tabAll') }, { key: 'review', label: t('mkt.offers.tabReview') }]}
      />
      {tab === 'all' && (
        <Space style={{ marginBottom: 16 }}>
          <Select
            allowClear placeholder={t('mkt.offers.status')} aria-label={t('mkt.offers.status')} style={{ width: 160 }} value={status}
            onChange={(s?: OfferStatus) => setStatus(s)} options={OFFER_STATUSES.map((s) => ({ value: s, label: codeName(i18n, 'offerStatus', s) }))}
          />
        </Space>
      )}
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<Offer>
        rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: tab === 'review' ? t('mkt.offers.noReview') : t('mkt.offers.empty') }}
        data-testid="offers-table"
      />
      <OfferForm
        open={editing !== null} offer={editing && editing !== 'new' ? editing : undefined} busy={busy === 'form'}
        onSave={save} onCancel={() => setEditing(null)}
      />
      <Modal
        open={rejecting !== null} title={rejecting ? t('mkt.offers.rejectTitle', { name: i18n.pick(rejecting.names) }) : ''}
        okText={t('mkt.offers.reject')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')}
        onOk={reject} onCancel={() => setRejecting(null)} confirmLoading={busy !== null} destroyOnHidden
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
