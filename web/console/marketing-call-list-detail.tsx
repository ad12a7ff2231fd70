// One call list in its drawer: the three rates, the offer, segment and holdout it was made with,
// the uplift against the holdout and the suppressed rows by rule; on a live list, handing open
// rows to agents chosen by name (in turn, each row through the contact policy); the rates per
// agent; and its rows (the calls) with their state, agent and outcome, filtered by state and read
// a page at a time, the numbers masked (only the agent a row is handed to sees it in full).
// Outcomes are the agents' to record (我的外呼, pages/marketing-my-calls.tsx), so here they are
// only read.
import { useState } from 'react';
import { App, Button, Card, Descriptions, Drawer, Empty, Flex, Form, InputNumber, Radio, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ReloadOutlined } from '@ant-design/icons';
import { formatBeijing, formatFen, formatRate } from '../shared/format.ts';
import { toApiError } from './api.ts';
import { useI18n } from './i18n.tsx';
import { CALL_ROW_STATUSES, MAX_ASSIGN, useCampaigns, useMarketing, type CallListDetail, type CallRow, type CallRowStatus, type Rates } from './marketing-api.ts';
import { codeName } from './marketing-ui.tsx';
import { ErrorAlert, errorText, ToneTag, useLoad, usePages, type Tone } from './ui.tsx';

const PAGE = 50;
const ROW_TONES: Record<CallRowStatus, Tone> = { open: 'blue', assigned: 'gold', done: 'green', suppressed: 'red', holdout: 'grey' };

interface AssignValues {
  agentIds: number[];
  limit?: number | null;
}

interface Props {
  listId: number | null;
  onClose(): void;
  /** Called after rows were handed out, so the page's counts are read again. */
  onChanged(): void;
}

export function CallListDrawer({ listId, onClose, onChanged }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useCampaigns();
  const detail = useLoad(() => (listId ? api.callList(listId) : Promise.resolve(undefined)), [listId]);
  const d = detail.data?.id === listId ? detail.data : undefined;
  // Agents work the rows meanwhile: 刷新 reads the counts, rates and rows again.
  const [version, setVersion] = useState(0);
  const refresh = () => { detail.reload(); setVersion((n) => n + 1); };
  return (
    <Drawer
      open={listId !== null} onClose={onClose} size={900} title={d ? i18n.pick(d.names) : t('common.loading')} destroyOnHidden
      extra={d && <Button icon={<ReloadOutlined />} onClick={refresh} loading={detail.loading}>{t('common.refresh')}</Button>}
    >
      {detail.error && <ErrorAlert error={detail.error} onRetry={detail.reload} />}
      {d && <ListBody d={d} version={version} onAssigned={() => { refresh(); onChanged(); }} />}
    </Drawer>
  );
}

function ListBody({ d, version, onAssigned }: { d: CallListDetail; version: number; onAssigned(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useCampaigns();
  const mkt = useMarketing();
  const { message } = App.useApp();
  const agents = useLoad(() => api.agents(), []);
  const segments = useLoad(() => mkt.segments(), []);
  const [status, setStatus] = useState<CallRowStatus | 'all'>('all');
  const rows = usePages((afterId) => api.rows(d.id, { status: status === 'all' ? undefined : status, afterId, limit: PAGE }), PAGE, [d.id, status, version]);
  const [form] = Form.useForm<AssignValues>();
  const [busy, setBusy] = useState(false);

  const agentName = (id: number | null) => {
    if (id === null) return '—';
    const a = agents.data?.items.find((x) => x.id === id);
    return a ? t('mkt.callLists.agentName', { name: a.displayName, id }) : t('mkt.callLists.agentId', { id });
  };
  const segment = segments.data?.items.find((s) => s.id === d.sourceSegmentId);

  const assign = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      const r = await api.assign(d.id, v.agentIds, v.limit ?? undefined);
      message.success(t('mkt.assign.done', { assigned: r.assigned, held: r.held, suppressed: r.suppressed }));
      form.resetFields();
      onAssigned();
    } catch (e) {
      const err = toApiError(e);
      // An agent no longer active shows at the agents; anything else as a toast.
      if (err.code === 'AGENT_NOT_FOUND' || (err.code === 'INVALID_INPUT' && err.problem.body.path === 'agentIds')) {
        form.setFields([{ name: 'agentIds', errors: [errorText(err, i18n)] }]);
        agents.reload();
      } else if (err.code === 'INVALID_INPUT' && err.problem.body.path === 'limit') {
        form.setFields([{ name: 'limit', errors: [errorText(err, i18n)] }]);
      } else {
        message.error(errorText(err, i18n));
      }
    } finally {
      setBusy(false);
    }
  };

  const assignCard = () => {
    if (d.status === 'pending') return <Typography.Text type="secondary">{t('mkt.assign.pending')}</Typography.Text>;
    if (d.status !== 'active') return <Typography.Text type="secondary">{t('mkt.assign.over')}</Typography.Text>;
    if (d.counts.open === 0) return <Typography.Text type="secondary">{t('mkt.assign.noneOpen')}</Typography.Text>;
    if (agents.data && agents.data.items.length === 0) return <Typography.Text type="secondary">{t('mkt.assign.noAgents')}</Typography.Text>;
    const max = Math.min(MAX_ASSIGN, d.counts.open);
    return (
      <Form form={form} layout="vertical" requiredMark="optional" name="assign" onFinish={() => void assign()}>
        <Flex gap={16} wrap align="start">
          <Form.Item label={t('mkt.assign.agents')} name="agentIds" rules={[{ required: true, message: t('mkt.assign.agentsRequired') }]} style={{ flex: '1 1 320px', marginBottom: 12 }}>
            <Select
              mode="multiple" showSearch optionFilterProp="label" aria-label={t('mkt.assign.agents')} loading={agents.loading}
              options={(agents.data?.items ?? []).map((a) => ({ value: a.id, label: t('mkt.callLists.agentName', { name: a.displayName, id: a.id }) }))}
            />
          </Form.Item>
          <Form.Item
            label={t('mkt.assign.limit')} name="limit" style={{ flex: '0 1 220px', marginBottom: 12 }}
            rules={[{ type: 'integer', min: 1, max, message: t('mkt.assign.limitRange', { max }) }]}
          >
            <InputNumber precision={0} style={{ width: '100%' }} placeholder={String(max)} />
          </Form.Item>
        </Flex>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>{t('mkt.assign.limitHelp', { max: MAX_ASSIGN.toLocaleString() })}</Typography.Paragraph>
        <Button type="primary" htmlType="submit" loading={busy}>{t('mkt.assign.submit')}</Button>
      </Form>
    );
  };

  const rowColumns: ColumnsType<CallRow> = [
    { title: t('mkt.callRows.msisdn'), dataIndex: 'msisdn' },
    {
      title: t('mkt.callRows.status'), dataIndex: 'status',
      render: (s: CallRowStatus, r) => (
        <>
          <ToneTag tone={ROW_TONES[s]}>{codeName(i18n, 'rowStatus', s)}</ToneTag>
          {r.rule && <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{codeName(i18n, 'rule', r.rule)}</Typography.Text></div>}
          {r.notBefore && r.status === 'assigned' && <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('mkt.callRows.notBefore', { time: formatBeijing(r.notBefore) })}</Typography.Text></div>}
        </>
      ),
    },
    { title: t('mkt.callLists.agent'), dataIndex: 'agentId', render: (id: number | null) => agentName(id) },
    { title: t('mkt.callRows.attempts'), dataIndex: 'attempts', align: 'right' },
    {
      title: t('mkt.callRows.outcome'), key: 'outcome',
      render: (_v, r) => {
        if (!r.outcome) return '—';
        const text = r.outcome === 'accepted' && r.priceFen !== null ? t('mkt.callRows.accepted', { price: formatFen(r.priceFen) }) : codeName(i18n, 'callOutcome', r.outcome);
        return (
          <div style={{ maxWidth: 220 }}>
            <div>{text}</div>
            {r.note && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.note}</Typography.Text>}
          </div>
        );
      },
    },
    { title: t('mkt.callRows.workedAt'), dataIndex: 'workedAt', render: (v: string | null) => (v ? formatBeijing(v) : '—') },
  ];
  const count = (s: CallRowStatus) => d.counts[s];
  const total = CALL_ROW_STATUSES.reduce((n, s) => n + count(s), 0);

  return (
    <>
      <RatesCells r={d.rates} />
      <Descriptions
        size="small" column={2} style={{ marginTop: 16 }}
        items={[
          { key: 'status', label: t('mkt.offers.status'), children: codeName(i18n, 'listStatus', d.status) },
          { key: 'offer', label: t('mkt.callLists.offer'), children: `${i18n.pick(d.offer.names)} · ${i18n.price(d.offer.priceFen, null)}` },
          { key: 'segment', label: t('mkt.callLists.segment'), children: segment ? i18n.pick(segment.names) : `#${d.sourceSegmentId}` },
          { key: 'holdoutPct', label: t('mkt.callLists.holdoutPct'), children: `${d.holdoutPct}%` },
          { key: 'createdAt', label: t('mkt.callLists.createdAt'), children: formatBeijing(d.createdAt) },
          { key: 'activatedAt', label: t('mkt.callLists.activatedAt'), children: d.activatedAt ? formatBeijing(d.activatedAt) : '—' },
          { key: 'treated', label: t('mkt.results.treated'), children: `${formatRate(d.uplift.treated.rate)} (${d.uplift.treated.converted}/${d.uplift.treated.size})` },
          { key: 'holdout', label: t('mkt.results.holdout'), children: `${formatRate(d.uplift.holdout.rate)} (${d.uplift.holdout.converted}/${d.uplift.holdout.size})` },
          { key: 'uplift', label: t('mkt.results.uplift'), children: `${(Math.round(d.uplift.uplift * 1000) / 10).toFixed(1)} pp` },
          ...Object.entries(d.suppressed).map(([rule, n]) => ({ key: rule, label: codeName(i18n, 'rule', rule), children: t('mkt.callLists.suppressedN', { n }) })),
        ]}
      />
      <Card
        size="small" style={{ marginTop: 16 }} title={<Typography.Title level={3} style={{ fontSize: 15, margin: 0 }}>{t('mkt.assign.title')}</Typography.Title>}
        extra={<Typography.Text type="secondary">{t('mkt.assign.open', { n: d.counts.open.toLocaleString() })}</Typography.Text>} data-testid="call-list-assign"
      >
        {agents.error ? <ErrorAlert error={agents.error} onRetry={agents.reload} /> : assignCard()}
      </Card>
      {d.byAgent.length > 0 && (
        <>
          <Typography.Title level={3} style={{ fontSize: 15, marginTop: 16 }}>{t('mkt.callLists.byAgent')}</Typography.Title>
          <Table
            size="small" rowKey="agentId" pagination={false} dataSource={d.byAgent} data-testid="call-list-by-agent"
            columns={[
              { title: t('mkt.callLists.agent'), dataIndex: 'agentId', render: (n: number) => agentName(n) },
              { title: t('mkt.callLists.called'), dataIndex: 'called', align: 'right' },
              { title: t('mkt.callLists.contactRate'), key: 'c', align: 'right', render: (_v, r: Rates) => formatRate(r.called ? r.contactRate : null) },
              { title: t('mkt.callLists.salesRate'), key: 's', align: 'right', render: (_v, r: Rates) => formatRate(r.reached ? r.salesRate : null) },
              { title: t('mkt.callLists.handlingRate'), key: 'h', align: 'right', render: (_v, r: Rates) => formatRate(r.called ? r.handlingRate : null) },
            ]}
          />
        </>
      )}
      <Typography.Title level={3} style={{ fontSize: 15, marginTop: 16 }}>{t('mkt.callRows.title')}</Typography.Title>
      <Radio.Group
        optionType="button" buttonStyle="solid" size="small" value={status} onChange={(e) => setStatus(e.target.value as CallRowStatus | 'all')}
        aria-label={t('mkt.callRows.filter')} style={{ marginBottom: 12, display: 'flex', flexWrap: 'wrap', rowGap: 8 }}
        options={[
          { value: 'all', label: `${t('mkt.callRows.all')} ${total.toLocaleString()}` },
          ...CALL_ROW_STATUSES.map((s) => ({ value: s, label: `${codeName(i18n, 'rowStatus', s)} ${count(s).toLocaleString()}` })),
        ]}
      />
      {rows.error && <ErrorAlert error={rows.error} onRetry={rows.reload} />}
      <Table<CallRow>
        size="small" rowKey="id" columns={rowColumns} dataSource={rows.items} loading={rows.loading} pagination={false} scroll={{ x: 'max-content' }}
        locale={{ emptyText: rows.loading ? ' ' : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('mkt.callRows.empty')} /> }} data-testid="call-list-rows"
      />
      <Flex justify="space-between" align="center" style={{ marginTop: 8 }}>
        <Typography.Text type="secondary">{t('mkt.callRows.shown', { n: rows.items.length.toLocaleString() })}</Typography.Text>
        {rows.hasMore && <Button onClick={rows.more} loading={rows.loading}>{t('mkt.callRows.more')}</Button>}
      </Flex>
    </>
  );
}

/** The three rates of a list or an agent; a rate with nothing under it shows as none. */
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
