// 我的外呼: the calls handed to the signed-in agent from the live call lists, and those they worked
// today, a page at a time. Each shows whom to call (the name, and the number in full: only the
// agent a row is handed to sees it), the list and its offer at its price, and where the call
// stands (tries so far, the time the contact policy holds it to). 记录结果 opens the outcome dialog
// (marketing-call-outcome.tsx); a row done leaves the queue for 今日已拨, one not reached stays to
// be called again (and is in today's too).
import { useState } from 'react';
import { Button, Empty, Flex, Table, Tabs, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ReloadOutlined } from '@ant-design/icons';
import { formatBeijing } from '../../shared/format.ts';
import { useI18n, type I18n } from '../i18n.tsx';
import { useCampaigns, type AgentCall, type AgentCallsView } from '../marketing-api.ts';
import { CallOutcomeDialog, MAX_ATTEMPTS } from '../marketing-call-outcome.tsx';
import { codeName } from '../marketing-ui.tsx';
import { ErrorAlert, PageTitle, ToneTag, usePages } from '../ui.tsx';

const PAGE = 50;

/** The number to dial, as a link a softphone or a phone opens. */
function Dial({ call }: { call: AgentCall }) {
  return <Typography.Text copyable={{ text: call.msisdn }} style={{ whiteSpace: 'nowrap' }}><a href={`tel:${call.msisdn}`}>{call.msisdn}</a></Typography.Text>;
}

function outcomeText(i18n: I18n, c: AgentCall): string {
  if (!c.outcome) return '—';
  if (c.outcome === 'accepted' && c.priceFen !== null) return i18n.t('mkt.callRows.accepted', { price: i18n.price(c.priceFen, null) });
  return codeName(i18n, 'callOutcome', c.outcome);
}

export default function MarketingMyCallsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useCampaigns();
  const [view, setView] = useState<AgentCallsView>('queue');
  const calls = usePages((afterId) => api.myCalls({ view, afterId: afterId || undefined, limit: PAGE }), PAGE, [view]);
  const counts = calls.answer?.counts;
  const [working, setWorking] = useState<AgentCall | null>(null);

  const who: ColumnsType<AgentCall> = [
    { title: t('calls.customer'), key: 'name', render: (_v, c) => c.subscriberName ?? '—' },
    { title: t('calls.msisdn'), key: 'msisdn', render: (_v, c) => <Dial call={c} /> },
    {
      title: t('calls.offer'), key: 'offer',
      render: (_v, c) => (
        <div style={{ maxWidth: 280 }}>
          <div>{`${i18n.pick(c.list.offer.names)} · ${i18n.price(c.list.offer.priceFen, null)}`}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{i18n.pick(c.list.names)}</Typography.Text>
        </div>
      ),
    },
  ];
  const queueColumns: ColumnsType<AgentCall> = [
    ...who,
    {
      title: t('calls.state'), key: 'state',
      render: (_v, c) => {
        const held = c.notBefore !== null && new Date(c.notBefore) > new Date();
        return (
          <div style={{ maxWidth: 240 }}>
            {held ? <ToneTag tone="gold">{t('mkt.callRows.notBefore', { time: formatBeijing(c.notBefore!) })}</ToneTag> : <ToneTag tone="blue">{t('calls.ready')}</ToneTag>}
            {held && c.rule && <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{codeName(i18n, 'rule', c.rule)}</Typography.Text></div>}
            {c.attempts > 0 && c.workedAt && (
              <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('calls.triedText', { n: c.attempts, max: MAX_ATTEMPTS, time: formatBeijing(c.workedAt) })}</Typography.Text></div>
            )}
          </div>
        );
      },
    },
    {
      title: t('common.actions'), key: 'actions',
      render: (_v, c) => (
        <Button type="primary" size="small" onClick={() => setWorking(c)} aria-label={t('calls.recordFor', { name: c.subscriberName ?? '', msisdn: c.msisdn })}>
          {t('calls.record')}
        </Button>
      ),
    },
  ];
  const todayColumns: ColumnsType<AgentCall> = [
    ...who,
    {
      title: t('mkt.callRows.outcome'), key: 'outcome',
      render: (_v, c) => (
        <div style={{ maxWidth: 260 }}>
          <ToneTag tone={c.status === 'done' ? 'green' : 'gold'}>{outcomeText(i18n, c)}</ToneTag>
          <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{c.status === 'done' ? t('calls.closed') : t('calls.callAgain')}</Typography.Text></div>
          {c.note && <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{c.note}</Typography.Text></div>}
        </div>
      ),
    },
    { title: t('mkt.callRows.attempts'), dataIndex: 'attempts', align: 'right' },
    { title: t('calls.workedAt'), dataIndex: 'workedAt', render: (v: string | null) => (v ? formatBeijing(v) : '—') },
  ];

  const table = (
    <>
      {calls.error && <ErrorAlert error={calls.error} onRetry={calls.reload} />}
      <Table<AgentCall>
        rowKey="id" size="middle" columns={view === 'queue' ? queueColumns : todayColumns} dataSource={calls.items} loading={calls.loading}
        pagination={false} scroll={{ x: 'max-content' }} data-testid={`my-calls-${view}`}
        locale={{ emptyText: calls.loading ? ' ' : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(view === 'queue' ? 'calls.emptyQueue' : 'calls.emptyToday')} /> }}
      />
      <Flex justify="space-between" align="center" style={{ marginTop: 8 }}>
        <Typography.Text type="secondary">{t('mkt.callRows.shown', { n: calls.items.length.toLocaleString() })}</Typography.Text>
        {calls.hasMore && <Button onClick={calls.more} loading={calls.loading}>{t('mkt.callRows.more')}</Button>}
      </Flex>
    </>
  );
  const label = (key: 'calls.queue' | 'calls.today', n: number | undefined) => (n === undefined ? t(key) : `${t(key)} ${n.toLocaleString()}`);

  return (
    <>
      <PageTitle title={t('calls.title')} extra={<Button icon={<ReloadOutlined />} onClick={calls.reload} loading={calls.loading}>{t('common.refresh')}</Button>} />
      <Typography.Paragraph type="secondary">{t('calls.intro', { max: MAX_ATTEMPTS })}</Typography.Paragraph>
      <Tabs
        activeKey={view} onChange={(k) => setView(k as AgentCallsView)}
        items={[
          { key: 'queue', label: label('calls.queue', counts?.queue), children: view === 'queue' ? table : null },
          { key: 'today', label: label('calls.today', counts?.today), children: view === 'today' ? table : null },
        ]}
      />
      {working && (
        <CallOutcomeDialog
          key={working.id} call={working} onClose={() => setWorking(null)}
          onRecorded={() => { setWorking(null); calls.reload(); }} onStale={calls.reload}
        />
      )}
    </>
  );
}
