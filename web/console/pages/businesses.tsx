// Businesses × channels: for each registry business on each channel, whether it is offered there
// and its calls and success rate over the last hour; the switch withdraws or restores it, after
// a confirmation with a reason.
import { useState } from 'react';
import { App, Form, Input, Modal, Switch, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { formatRate } from '../../shared/format.ts';
import { toApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import type { BusinessRow } from '../types.ts';
import { ErrorAlert, errorText, PageTitle, useLoad } from '../ui.tsx';

interface Pending {
  row: BusinessRow;
  channel: string;
  enabled: boolean;
}

export default function BusinessesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, can } = useAuth();
  const { message } = App.useApp();
  const mayswitch = can('ops', 'product');
  const data = useLoad(() => client.businesses(), []);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();

  const confirm = async () => {
    if (!pending) return;
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const { reason } = v;
    setBusy(true);
    const name = i18n.pick(pending.row.names);
    const channel = i18n.channel(pending.channel);
    try {
      await client.setBusinessChannel(pending.row.id, pending.channel, pending.enabled, reason.trim());
      message.success(pending.enabled ? t('businesses.restored', { name, channel }) : t('businesses.withdrawn', { name, channel }));
      setPending(null);
      data.reload();
    } catch (e) {
      message.error(errorText(toApiError(e), i18n));
    } finally {
      setBusy(false);
    }
  };

  const channels = data.data?.channels ?? [];
  const columns: ColumnsType<BusinessRow> = [
    {
      title: t('businesses.business'), key: 'business', fixed: 'left', width: 180,
      render: (_v, r) => <><div>{i18n.pick(r.names)}</div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.id}</Typography.Text></>,
    },
    ...channels.map((c) => ({
      title: i18n.channel(c), key: c, align: 'center' as const,
      render: (_v: unknown, r: BusinessRow) => {
        const cell = r.cells[c];
        if (!cell) return '—';
        const label = t('businesses.switch', { name: i18n.pick(r.names), channel: i18n.channel(c) });
        return (
          <div data-testid={`cell-${r.id}-${c}`}>
            <Switch
              size="small" checked={cell.enabled} disabled={!mayswitch} aria-label={label}
              onChange={() => { form.resetFields(); setPending({ row: r, channel: c, enabled: !cell.enabled }); }}
            />
            <span className="cell-stats">{cell.calls ? t('businesses.calls', { n: cell.calls }) : t('businesses.noCalls')}</span>
            {cell.calls > 0 && <span className="cell-stats">{t('businesses.rate', { rate: formatRate(cell.okRate) })}</span>}
          </div>
        );
      },
    })),
  ];

  const name = pending ? i18n.pick(pending.row.names) : '';
  const channel = pending ? i18n.channel(pending.channel) : '';
  return (
    <>
      <PageTitle title={t('businesses.title')} />
      <Typography.Paragraph type="secondary">{t('businesses.intro')}</Typography.Paragraph>
      {data.error && <ErrorAlert error={data.error} onRetry={data.reload} />}
      <Table<BusinessRow>
        rowKey="id" size="small" bordered columns={columns} dataSource={data.data?.items ?? []} loading={data.loading}
        pagination={false} scroll={{ x: 'max-content' }} data-testid="businesses-table"
      />
      <Modal
        open={pending !== null}
        title={pending ? (pending.enabled ? t('businesses.restoreTitle', { name, channel }) : t('businesses.withdrawTitle', { name, channel })) : ''}
        okText={t('common.ok')} cancelText={t('common.cancel')} okButtonProps={{ danger: pending ? !pending.enabled : false }}
        onOk={confirm} onCancel={() => setPending(null)} confirmLoading={busy} destroyOnHidden
      >
        <Typography.Paragraph>{pending?.enabled ? t('businesses.restoreText') : t('businesses.withdrawText')}</Typography.Paragraph>
        <Form form={form} layout="vertical" requiredMark={false} preserve={false}>
          <Form.Item label={t('common.reason')} name="reason" rules={[{ required: true, whitespace: true, message: t('common.reasonRequired') }]}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
