// The catalogue: every offering, searched by name or code, filtered by kind, status and channel,
// paged and sorted by the server; product managers (and admins) create offerings from here.
import { useState } from 'react';
import { App, Button, Flex, Input, Select, Table, Tag, Typography } from 'antd';
import type { ColumnsType, TablePaginationConfig } from 'antd/es/table';
import type { SorterResult } from 'antd/es/table/interface';
import { PlusOutlined } from '@ant-design/icons';
import { formatBeijing } from '../../shared/format.ts';
import { Link, useRouter } from '../../shared/router.tsx';
import { toApiError, type OfferingQuery } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.tsx';
import { CHANNELS, KINDS, LIFECYCLE, type NewOffering, type OfferingSummary } from '../types.ts';
import { ErrorAlert, errorText, PageTitle, StatusTag, ToneTag, useLoad } from '../ui.tsx';
import { OfferingForm } from './offering-form.tsx';

interface Filters {
  q: string;
  kind?: OfferingQuery['kind'];
  status?: OfferingQuery['status'];
  channel?: OfferingQuery['channel'];
  page: number;
  pageSize: number;
  sort?: OfferingQuery['sort'];
  order?: OfferingQuery['order'];
}

export default function OfferingsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { client, can } = useAuth();
  const { navigate } = useRouter();
  const { message } = App.useApp();
  const writer = can('product');
  const [f, setF] = useState<Filters>({ q: '', page: 1, pageSize: 20 });
  const [creating, setCreating] = useState(false);
  const [saving, setSaving] = useState(false);
  const list = useLoad(
    () => client.offerings({ q: f.q || undefined, kind: f.kind, status: f.status, channel: f.channel, offset: (f.page - 1) * f.pageSize, limit: f.pageSize, sort: f.sort, order: f.order }),
    [f],
  );
  const set = (patch: Partial<Filters>) => setF((old) => ({ ...old, page: 1, ...patch }));

  const create = async (input: NewOffering) => {
    setSaving(true);
    try {
      const o = await client.createOffering(input);
      message.success(t('offering.created', { name: i18n.name(o) }));
      setCreating(false);
      navigate(`/offerings/${encodeURIComponent(o.id)}`);
    } catch (e) {
      message.error(errorText(toApiError(e), i18n));
    } finally {
      setSaving(false);
    }
  };

  const columns: ColumnsType<OfferingSummary> = [
    { title: t('offerings.code'), dataIndex: 'code', key: 'code', render: (v: string | null) => v ?? '—' },
    {
      title: t('offerings.name'), dataIndex: 'nameZh', key: 'nameZh', sorter: true,
      render: (_v, o) => (
        <>
          <Link to={`/offerings/${encodeURIComponent(o.id)}`}>{i18n.name(o)}</Link>
          {o.pendingReview && <span style={{ marginInlineStart: 8 }}><ToneTag tone="gold">{t('offerings.pending')}</ToneTag></span>}
        </>
      ),
    },
    { title: t('offerings.kind'), dataIndex: 'kind', key: 'kind', render: (k: string | null) => i18n.kind(k) },
    { title: t('offerings.price'), dataIndex: 'priceFen', key: 'priceFen', sorter: true, align: 'right', render: (_v, o) => i18n.price(o.priceFen, o.priceType) },
    { title: t('offerings.status'), dataIndex: 'lifecycleStatus', key: 'lifecycleStatus', sorter: true, render: (s: string) => <StatusTag status={s} /> },
    {
      title: t('offerings.channels'), dataIndex: 'channels', key: 'channels', responsive: ['lg'],
      render: (cs: string[]) => (cs.length ? <div className="tag-wrap">{cs.map((c) => <Tag key={c}>{i18n.channel(c)}</Tag>)}</div> : '—'),
    },
    { title: t('offerings.updated'), dataIndex: 'lastUpdate', key: 'lastUpdate', sorter: true, defaultSortOrder: undefined, render: (v: string) => formatBeijing(v) },
  ];

  const onTable = (p: TablePaginationConfig, _filters: unknown, sorter: SorterResult<OfferingSummary> | SorterResult<OfferingSummary>[]) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const sort = s?.order ? (String(s.columnKey) as Filters['sort']) : undefined;
    const order: Filters['order'] = sort ? (s?.order === 'descend' ? 'desc' : 'asc') : undefined;
    const same = sort === f.sort && order === f.order;
    setF((old) => ({ ...old, page: same ? p.current ?? 1 : 1, pageSize: p.pageSize ?? old.pageSize, sort, order }));
  };

  return (
    <>
      <PageTitle
        title={t('offerings.title')}
        extra={writer && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('offerings.new')}</Button>}
      />
      {!writer && <Typography.Paragraph type="secondary">{t('offerings.readOnly')}</Typography.Paragraph>}
      <Flex wrap gap={12} style={{ marginBottom: 16 }} role="search">
        <Input.Search
          allowClear placeholder={t('offerings.search')} aria-label={t('offerings.search')} style={{ width: 260 }}
          onSearch={(q) => set({ q: q.trim() })} enterButton={t('common.search')}
        />
        <Select
          allowClear placeholder={t('offerings.kind')} aria-label={t('offerings.kind')} style={{ width: 150 }} value={f.kind}
          onChange={(kind?: Filters['kind']) => set({ kind })} options={KINDS.map((k) => ({ value: k, label: i18n.kind(k) }))}
        />
        <Select
          allowClear placeholder={t('offerings.status')} aria-label={t('offerings.status')} style={{ width: 150 }} value={f.status}
          onChange={(status?: Filters['status']) => set({ status })} options={LIFECYCLE.map((s) => ({ value: s, label: i18n.status(s) }))}
        />
        <Select
          allowClear placeholder={t('offerings.channel')} aria-label={t('offerings.channel')} style={{ width: 160 }} value={f.channel}
          onChange={(channel?: Filters['channel']) => set({ channel })} options={CHANNELS.map((c) => ({ value: c, label: i18n.channel(c) }))}
        />
      </Flex>
      {list.error && <ErrorAlert error={list.error} onRetry={list.reload} />}
      <Table<OfferingSummary>
        rowKey="id" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} onChange={onTable}
        scroll={{ x: 'max-content' }} data-testid="offerings-table"
        pagination={{
          current: f.page, pageSize: f.pageSize, total: list.data?.total ?? 0, showSizeChanger: true,
          showTotal: (n) => t('offerings.total', { n }),
        }}
      />
      {writer && <OfferingForm open={creating} busy={saving} onSave={create} onCancel={() => setCreating(false)} />}
    </>
  );
}
