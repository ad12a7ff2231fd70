// 营销效果: what the offers did over a window (30 days by default): impressions, accepts, declines,
// conversion and revenue per offer and channel, a chart of each Beijing day, and each call list's
// uplift against its holdout (those never called). The server computes it all (results routes).
import { useMemo, useState } from 'react';
import { Card, Col, DatePicker, Flex, Row, Statistic, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { formatBeijing, formatFen, formatRate } from '../../shared/format.ts';
import { useI18n } from '../i18n.tsx';
import { useCampaigns, type ResultCell, type Results } from '../marketing-api.ts';
import { DailyChart, type DayPoint } from '../marketing-chart.tsx';
import { ErrorAlert, PageTitle, useLoad } from '../ui.tsx';

const beijingStart = (day: string) => new Date(`${day}T00:00:00+08:00`).toISOString();

export default function MarketingResultsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const api = useCampaigns();
  const today = dayjs(formatBeijing(new Date(), { date: true }));
  const [days, setDays] = useState<[Dayjs, Dayjs]>([today.subtract(29, 'day'), today]);
  const from = beijingStart(days[0].format('YYYY-MM-DD'));
  const to = beijingStart(days[1].add(1, 'day').format('YYYY-MM-DD'));
  const r = useLoad(() => api.results({ from, to }), [from, to]);

  const totals = useMemo(() => {
    const items = r.data?.items ?? [];
    const sum = (k: 'impressions' | 'accepts' | 'revenueFen') => items.reduce((n, x) => n + x[k], 0);
    const impressions = sum('impressions');
    return { impressions, accepts: sum('accepts'), revenueFen: sum('revenueFen'), rate: impressions ? sum('accepts') / impressions : null };
  }, [r.data]);
  const points = useMemo<DayPoint[]>(() => {
    const byDay = new Map<string, DayPoint>();
    for (const s of r.data?.series ?? []) {
      const p = byDay.get(s.day) ?? { day: s.day, impressions: 0, accepts: 0 };
      p.impressions += s.impressions;
      p.accepts += s.accepts;
      byDay.set(s.day, p);
    }
    return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
  }, [r.data]);

  const columns: ColumnsType<ResultCell> = [
    { title: t('mkt.offers.name'), key: 'name', render: (_v, c) => i18n.pick(c.names) },
    { title: t('mkt.contacts.channel'), dataIndex: 'channel', render: (c: string) => i18n.channel(c) },
    { title: t('mkt.results.impressions'), dataIndex: 'impressions', align: 'right', render: (n: number) => n.toLocaleString() },
    { title: t('mkt.results.accepts'), dataIndex: 'accepts', align: 'right', render: (n: number) => n.toLocaleString() },
    { title: t('mkt.results.declines'), dataIndex: 'declines', align: 'right', render: (n: number) => n.toLocaleString() },
    { title: t('mkt.results.conversion'), dataIndex: 'conversionRate', align: 'right', render: (x: number) => formatRate(x) },
    { title: t('mkt.results.revenue'), dataIndex: 'revenueFen', align: 'right', render: (f: number) => formatFen(f) },
  ];
  type UpliftRow = Results['uplift'][number];
  const uplift: ColumnsType<UpliftRow> = [
    { title: t('mkt.callLists.name'), key: 'name', render: (_v, u) => `#${u.callListId} ${i18n.pick(u.names)}` },
    { title: t('mkt.results.treated'), key: 'treated', align: 'right', render: (_v, u) => `${formatRate(u.uplift.treated.rate)} (${u.uplift.treated.converted}/${u.uplift.treated.size})` },
    { title: t('mkt.results.holdout'), key: 'holdout', align: 'right', render: (_v, u) => `${formatRate(u.uplift.holdout.rate)} (${u.uplift.holdout.converted}/${u.uplift.holdout.size})` },
    { title: t('mkt.results.uplift'), key: 'uplift', align: 'right', render: (_v, u) => <strong>{`${u.uplift.uplift >= 0 ? '+' : ''}${(Math.round(u.uplift.uplift * 1000) / 10).toFixed(1)} pp`}</strong> },
  ];

  return (
    <>
      <PageTitle title={t('mkt.results.title')} />
      <Flex wrap gap={12} style={{ marginBottom: 16 }} align="center">
        <span id="results-days">{t('mkt.results.days')}</span>
        <DatePicker.RangePicker
          aria-labelledby="results-days" allowClear={false} value={days}
          onChange={(v) => { if (v && v[0] && v[1]) setDays([v[0], v[1]]); }}
        />
      </Flex>
      {r.error && <ErrorAlert error={r.error} onRetry={r.reload} />}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}><Card size="small"><Statistic title={t('mkt.results.impressions')} value={totals.impressions} loading={r.loading && !r.data} /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title={t('mkt.results.accepts')} value={totals.accepts} loading={r.loading && !r.data} /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title={t('mkt.results.conversion')} value={formatRate(totals.rate)} loading={r.loading && !r.data} /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title={t('mkt.results.revenue')} value={formatFen(totals.revenueFen)} loading={r.loading && !r.data} /></Card></Col>
      </Row>
      <Card size="small" title={t('mkt.results.daily')} style={{ marginBottom: 16 }} data-testid="results-chart">
        {points.length
          ? <DailyChart points={points} title={t('mkt.results.chartTitle', { n: points.length })} labels={{ impressions: t('mkt.results.impressions'), accepts: t('mkt.results.accepts') }} />
          : <Typography.Text type="secondary">{t('mkt.results.none')}</Typography.Text>}
      </Card>
      <Typography.Title level={2} style={{ fontSize: 16 }}>{t('mkt.results.byOffer')}</Typography.Title>
      <Table<ResultCell>
        rowKey={(c) => `${c.offerId}-${c.channel}`} columns={columns} dataSource={r.data?.items ?? []} loading={r.loading} scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: t('mkt.results.none') }} data-testid="results-table" style={{ marginBottom: 24 }}
      />
      <Typography.Title level={2} style={{ fontSize: 16 }}>{t('mkt.results.upliftTitle')}</Typography.Title>
      <Table<UpliftRow>
        rowKey="callListId" columns={uplift} dataSource={r.data?.uplift ?? []} loading={r.loading} scroll={{ x: 'max-content' }}
        pagination={false} locale={{ emptyText: t('mkt.results.noUplift') }} data-testid="uplift-table"
      />
    </>
  );
}
