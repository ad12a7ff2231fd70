// 最佳优惠解释: for one subscriber on one channel, every live offer the way the next best offer saw
// it: the ones that passed ranked by priority = propensity × context × value × lever, each factor
// shown, and the ones removed with the gate (targeting, eligibility, applicability, suitability)
// and the reason. The same decision the channels make (docs/marketing.md).
import { useState } from 'react';
import { Flex, Select, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { formatFen } from '../../shared/format.ts';
import { useI18n } from '../i18n.tsx';
import { useMarketing, type Decision, type DecisionChannel } from '../marketing-api.ts';
import { codeName, NumberSearch } from '../marketing-ui.tsx';
import { CHANNELS } from '../types.ts';
import { ErrorAlert, PageTitle, ToneTag, useLoad } from '../ui.tsx';

type Ranked = Decision['ranked'][number];
type Removed = Decision['removed'][number];

const fixed = (n: number, digits = 3) => (Math.round(n * 10 ** digits) / 10 ** digits).toString();

export default function MarketingDecisionsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useMarketing();
  const [msisdn, setMsisdn] = useState<string>();
  const [channel, setChannel] = useState<DecisionChannel>('ussd');
  const segments = useLoad(() => api.segments().catch(() => ({ items: [] })), []);
  const d = useLoad(() => (msisdn ? api.decisions(msisdn, channel) : Promise.resolve(undefined)), [msisdn, channel]);
  const segmentName = (id: number) => {
    if (id === 0) return t('mkt.offers.everyone');
    const s = segments.data?.items.find((x) => x.id === id);
    return s ? i18n.pick(s.names) : `#${id}`;
  };

  const ranked: ColumnsType<Ranked> = [
    { title: t('mkt.decisions.rank'), key: 'rank', render: (_v, _r, i) => i + 1 },
    { title: t('mkt.offers.name'), key: 'name', render: (_v, r) => i18n.pick(r.offer.names) },
    { title: t('mkt.offers.price'), key: 'price', align: 'right', render: (_v, r) => formatFen(r.offer.priceFen) },
    { title: t('mkt.decisions.segment'), key: 'segment', render: (_v, r) => segmentName(r.segmentId) },
    { title: t('mkt.decisions.propensity'), key: 'p', align: 'right', render: (_v, r) => `${fixed(r.factors.propensity * 100, 1)}%` },
    { title: t('mkt.decisions.context'), key: 'c', align: 'right', render: (_v, r) => `× ${fixed(r.factors.context)}` },
    { title: t('mkt.decisions.value'), key: 'v', align: 'right', render: (_v, r) => `× ${fixed(r.factors.value, 2)}` },
    { title: t('mkt.decisions.lever'), key: 'l', align: 'right', render: (_v, r) => `× ${fixed(r.factors.lever, 2)}` },
    { title: t('mkt.decisions.priority'), key: 'priority', align: 'right', render: (_v, r) => <strong>{fixed(r.priority, 4)}</strong> },
  ];
  const removed: ColumnsType<Removed> = [
    { title: t('mkt.offers.name'), key: 'name', render: (_v, r) => i18n.pick(r.offer.names) },
    { title: t('mkt.decisions.gate'), dataIndex: 'gate', render: (g: string) => <ToneTag tone="gold">{codeName(i18n, 'gate', g)}</ToneTag> },
    { title: t('common.reason'), dataIndex: 'reason', render: (r: string) => <span title={r}>{codeName(i18n, 'reason', r)}</span> },
  ];

  return (
    <>
      <PageTitle title={t('mkt.decisions.title')} />
      <Typography.Paragraph type="secondary">{t('mkt.decisions.intro')}</Typography.Paragraph>
      <Flex wrap gap={12} style={{ marginBottom: 16 }} role="search">
        <NumberSearch label={t('mkt.msisdn')} onSearch={setMsisdn} />
        <Select
          aria-label={t('mkt.decisions.channel')} style={{ width: 180 }} value={channel} onChange={(c: DecisionChannel) => setChannel(c)}
          options={CHANNELS.map((c) => ({ value: c, label: i18n.channel(c) }))}
        />
      </Flex>
      {msisdn && d.error && <ErrorAlert error={d.error} />}
      {msisdn && d.data && (
        <>
          <Typography.Title level={2} style={{ fontSize: 16 }}>{t('mkt.decisions.ranked', { n: d.data.ranked.length })}</Typography.Title>
          <Table<Ranked>
            rowKey={(r) => r.offer.id} columns={ranked} dataSource={d.data.ranked} loading={d.loading} pagination={false} scroll={{ x: 'max-content' }}
            locale={{ emptyText: t('mkt.decisions.none') }} data-testid="ranked-table" style={{ marginBottom: 24 }}
          />
          <Typography.Title level={2} style={{ fontSize: 16 }}>{t('mkt.decisions.removed', { n: d.data.removed.length })}</Typography.Title>
          <Table<Removed>
            rowKey={(r) => r.offer.id} columns={removed} dataSource={d.data.removed} loading={d.loading} pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: 'max-content' }} locale={{ emptyText: t('mkt.decisions.noneRemoved') }} data-testid="removed-table"
          />
        </>
      )}
    </>
  );
}
