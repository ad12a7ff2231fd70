// The review queue: changes that wait for a second person (a status change, a launch on some
// channels), approved or rejected (with a reason) by someone other than who asked for them.
import { useState } from 'react';
import { App, Button, Form, Input, Modal, Space, Table, Tabs, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { formatBeijing } from '../../shared/format.ts';
import { Link } from '../../shared/router.tsx';
import { toApiError, type ApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n, type I18n } from '../i18n.tsx';
import type { Review } from '../types.ts';
import { ErrorAlert, errorText, PageTitle, useLoad } from '../ui.tsx';

/** What a review asks for, in words: `转为测试中`, `上线到：USSD 菜单`, with its launch date. */
export function describeReview(r: Review, i18n: I18n): string {
  const { t } = i18n;
  const channels = r.channels.map((c) => i18n.channel(c)).join('、');
  let what: string;
  if (r.kind === 'channel') what = t('reviews.launchChannel', { channels });
  else if (r.to === 'Launched' && channels) what = t('reviews.toLaunched', { channels });
  else what = t('reviews.toStatus', { status: i18n.status(r.to ?? '') });
  return r.launchOn ? `${what}（${t('reviews.launchOn', { date: r.launchOn })}）` : what;
}

function decider(r: Review): string {
  return r.decidedBy?.name || '—';
}

/** Says a refusal in words; SELF_REVIEW in the console's own clear terms. */
export function reviewErrorText(e: ApiError, i18n: I18n): string {
  return e.code === 'SELF_REVIEW' ? i18n.t('reviews.self') : errorText(e, i18n);
}

type Status = 'pending' | 'approved' | 'rejected';

export default function ReviewsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, session } = useAuth();
  const { message, modal } = App.useApp();
  const [status, setStatus] = useState<Status>('pending');
  const list = useLoad(() => client.reviews(status), [status]);
  const [rejecting, setRejecting] = useState<Review | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const me = session!.user.id;

  const fail = (e: unknown) => {
    const err = toApiError(e);
    if (err.code === 'SELF_REVIEW') modal.warning({ title: t('reviews.self'), okText: t('common.ok') });
    else message.error(reviewErrorText(err, i18n));
  };

  const approve = (r: Review) => {
    modal.confirm({
      title: t('reviews.approveTitle', { name: i18n.pick(r.offeringName) }),
      content: describeReview(r, i18n),
      okText: t('reviews.approve'), cancelText: t('common.cancel'),
      onOk: async () => {
        setBusy(r.id);
        try {
          await client.approve(r.id);
          message.success(t('reviews.approved'));
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
    const r = rejecting;
    if (!r) return;
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const { reason } = v;
    setBusy(r.id);
    try {
      await client.reject(r.id, reason.trim());
      message.success(t('reviews.rejected'));
      setRejecting(null);
      list.reload();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };

  const columns: ColumnsType<Review> = [
    {
      title: t('reviews.offering'), key: 'offering',
      render: (_v, r) => <Link to={`/offerings/${encodeURIComponent(r.offeringId)}`}>{i18n.pick(r.offeringName)}</Link>,
    },
    { title: t('reviews.request'), key: 'request', render: (_v, r) => describeReview(r, i18n) },
    { title: t('common.reason'), dataIndex: 'reason', render: (v: string) => v || '—', responsive: ['lg'] },
    {
      title: t('reviews.requestedBy'), key: 'by',
      render: (_v, r) => <>{r.requestedBy.name}{r.requestedBy.id === me && <Tag style={{ marginInlineStart: 6 }}>{t('reviews.mine')}</Tag>}</>,
    },
    { title: t('reviews.requestedAt'), dataIndex: 'requestedAt', render: (v: string) => formatBeijing(v) },
  ];
  if (status === 'pending') {
    columns.push({
      title: t('common.actions'), key: 'actions',
      render: (_v, r) => (
        <Space>
          <Button type="primary" size="small" loading={busy === r.id} onClick={() => approve(r)} aria-label={`${t('reviews.approve')}：${i18n.pick(r.offeringName)}`}>
            {t('reviews.approve')}
          </Button>
          <Button danger size="small" disabled={busy === r.id} onClick={() => { form.resetFields(); setRejecting(r); }} aria-label={`${t('reviews.reject')}：${i18n.pick(r.offeringName)}`}>
            {t('reviews.reject')}
          </Button>
        </Space>
      ),
    });
  } else {
    columns.push(
      { title: t('reviews.decidedBy'), key: 'decidedBy', render: (_v, r) => `${decider(r)}${r.decidedAt ? ` · ${formatBeijing(r.decidedAt)}` : ''}` },
      { title: t('reviews.decision'), dataIndex: 'decisionReason', render: (v: string | null) => v || '—' },
    );
  }

  return (
    <>
      <PageTitle title={t('reviews.title')} />
      <Tabs
        activeKey={status} onChange={(k) => setStatus(k as Status)}
        items={[
          { key: 'pending', label: t('reviews.tabPending') },
          { key: 'approved', label: t('reviews.tabApproved') },
          { key: 'rejected', label: t('reviews.tabRejected') },
        ]}
      />
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<Review>
        rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading}
        locale={{ emptyText: t('reviews.empty') }} pagination={{ pageSize: 20, hideOnSinglePage: true }} scroll={{ x: 'max-content' }}
        data-testid="reviews-table"
      />
      <Modal
        open={rejecting !== null} title={rejecting ? t('reviews.rejectTitle', { name: i18n.pick(rejecting.offeringName) }) : ''}
        okText={t('reviews.reject')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')}
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
