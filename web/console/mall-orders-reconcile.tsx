// 对账: one Beijing day's payments of one provider (sandbox, bank, Alipay) against the provider's
// statement, as GET /console/payments/reconciliation answers: how many matched and for how much,
// and the lines only on our side, only on theirs, and those whose amounts differ (the ops role).
import { useState } from 'react';
import { Card, DatePicker, Descriptions, Flex, Form, Select, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { beijingToday, formatFen } from '../shared/format.ts';
import { Link } from '../shared/router.tsx';
import { useI18n } from './i18n.tsx';
import { RECONCILED_METHODS, useMall, type PaymentMethod, type Reconciliation } from './mall-api.ts';
import { codeText } from './mall-orders-ui.tsx';
import { ErrorAlert, useLoad } from './ui.tsx';

type Line = Reconciliation['missingOnOurs'][number];

export function ReconciliationReport() {
  const i18n = useI18n();
  const { t } = i18n;
  const mall = useMall();
  const [day, setDay] = useState(beijingToday());
  const [method, setMethod] = useState<PaymentMethod>('sandbox');
  const report = useLoad(() => mall.reconciliation(day, method), [day, method]);
  const r = report.data;
  const money = (v: number | null) => (v === null ? '—' : formatFen(v));

  const columns: ColumnsType<Line> = [
    { title: t('mall.pay.id'), dataIndex: 'paymentId', render: (id: string) => <Link to={`/mall/payments/${encodeURIComponent(id)}`} className="mono">{id}</Link> },
    { title: t('mall.pay.tradeNo'), dataIndex: 'tradeNo', render: (v: string | null) => <span className="mono">{v ?? '—'}</span> },
    { title: t('mall.pay.oursFen'), dataIndex: 'oursFen', align: 'right', render: money },
    { title: t('mall.pay.theirsFen'), dataIndex: 'theirsFen', align: 'right', render: money },
    { title: t('mall.pay.oursState'), dataIndex: 'oursState', render: (v: string | null) => codeText(i18n, 'pay.state', v) },
    { title: t('mall.pay.theirsState'), dataIndex: 'theirsState', render: (v: string | null) => v ?? '—' },
  ];
  // `missingOnTheirs`: ours, not on the provider's statement; `missingOnOurs`: theirs, not in ours.
  const sections: { key: string; title: string; lines: Line[] }[] = r ? [
    { key: 'only-ours', title: t('mall.pay.onlyOurs'), lines: r.missingOnTheirs },
    { key: 'only-theirs', title: t('mall.pay.onlyTheirs'), lines: r.missingOnOurs },
    { key: 'mismatch', title: t('mall.pay.mismatches'), lines: r.amountMismatches },
  ] : [];

  return (
    <>
      <Typography.Paragraph type="secondary">{t('mall.pay.reconIntro')}</Typography.Paragraph>
      <Form layout="inline" style={{ marginBottom: 16, rowGap: 12 }}>
        <Form.Item label={t('mall.pay.day')} htmlFor="recon-day">
          <DatePicker
            id="recon-day" format="YYYY-MM-DD" allowClear={false} value={dayjs(day)}
            onChange={(d: Dayjs | null) => d && setDay(d.format('YYYY-MM-DD'))}
          />
        </Form.Item>
        <Form.Item label={t('mall.pay.reconMethod')} htmlFor="recon-method">
          <Select<PaymentMethod>
            id="recon-method" style={{ width: 160 }} value={method} onChange={setMethod}
            options={RECONCILED_METHODS.map((m) => ({ value: m, label: codeText(i18n, 'pay.method', m) }))}
          />
        </Form.Item>
      </Form>
      {report.error && <ErrorAlert error={report.error} onRetry={report.reload} />}
      {r && (
        <Flex vertical gap={16} data-testid="reconciliation">
          <Descriptions size="small" bordered column={{ xs: 1, md: 4 }} items={[
            { key: 'matched', label: t('mall.pay.matched'), children: t('mall.pay.matchedText', { n: r.matched, fen: formatFen(r.matchedFen) }) },
            ...sections.map((s) => ({ key: s.key, label: s.title, children: String(s.lines.length) })),
          ]} />
          {sections.map((s) => (
            <Card key={s.key} size="small" title={<h2 className="card-title">{`${s.title} · ${s.lines.length}`}</h2>}>
              <Table<Line>
                rowKey={(l) => `${l.paymentId}-${l.tradeNo ?? ''}`} size="small" columns={columns} dataSource={s.lines} pagination={{ pageSize: 20, hideOnSinglePage: true }}
                scroll={{ x: 'max-content' }} locale={{ emptyText: t('mall.pay.noLines') }}
              />
            </Card>
          ))}
        </Flex>
      )}
    </>
  );
}
