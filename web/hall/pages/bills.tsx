// Bills: six months as a chart, and the items of the month picked.
import { useState } from 'react';
import { BillChart, UsageChart } from '../components/charts.tsx';
import { Card, Page } from '../components/page.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { formatDate, formatFen } from '../../shared/format.ts';
import { useQuery } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import type { BillData, UsageData } from '../results.ts';

function UsageHistory() {
  const { t } = useI18n();
  const q = useQuery<UsageData>('usage.query');
  const history = q.data?.history ?? [];
  return (
    <Card title={t('usage.historyTitle', { n: history.length || 6 })} className="card-usage-history">
      {q.status === 'loading' && <Loading />}
      {q.status === 'error' && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.status === 'ok' && (history.length > 0 ? <UsageChart months={history} /> : <p className="muted">{t('usage.noHistory')}</p>)}
    </Card>
  );
}

function MonthBill({ month }: { month: string }) {
  const { t, name, lang } = useI18n();
  const q = useQuery<BillData>('bill.query', { month });
  if (q.status === 'loading') return <Loading />;
  if (q.status === 'error') {
    return q.error.code === 'BILL_NOT_FOUND' ? <p className="muted">{t('bills.noneFor', { month })}</p> : <ErrorBox error={q.error} onRetry={q.reload} />;
  }
  const b = q.data.bill;
  return (
    <div className="month-bill">
      <p className="bill-head">
        <span className="big-number">{formatFen(b.totalFen)}</span>
        <span className={`badge ${b.status === 'paid' ? 'badge-ok' : 'badge-warn'}`}>
          {b.status === 'paid' ? t('bills.paid') : t('bills.unpaidDue', { date: formatDate(b.dueOn, lang) })}
        </span>
      </p>
      <p className="muted small">{t('bills.issued', { date: formatDate(b.issuedOn, lang) })}</p>
      <table className="bill-items">
        <caption className="sr-only">{t('bills.itemsOf', { month: b.month })}</caption>
        <thead>
          <tr><th scope="col">{t('bills.item')}</th><th scope="col" className="num">{t('bills.amount')}</th></tr>
        </thead>
        <tbody>
          {b.items.map((i, n) => (
            <tr key={n}><td>{name(i)}</td><td className="num">{formatFen(i.amountFen)}</td></tr>
          ))}
        </tbody>
        <tfoot>
          <tr><th scope="row">{t('bills.total')}</th><td className="num"><strong>{formatFen(b.totalFen)}</strong></td></tr>
        </tfoot>
      </table>
    </div>
  );
}

export function Bills() {
  const { t } = useI18n();
  const q = useQuery<BillData>('bill.query');
  const [picked, setPicked] = useState<string | null>(null);
  const noBills = q.status === 'error' && q.error.code === 'BILL_NOT_FOUND';
  const history = q.status === 'ok' ? q.data.history : [];
  const selected = picked ?? (q.status === 'ok' ? q.data.bill.month : null);
  const months = [...history].sort((a, b) => (a.month < b.month ? 1 : -1));
  return (
    <Page title={t('bills.title')}>
      {q.status === 'loading' && <Loading />}
      {q.status === 'error' && (noBills ? <p className="muted">{t('bills.none')}</p> : <ErrorBox error={q.error} onRetry={q.reload} />)}
      {q.status === 'ok' && (
        <>
          <div className="charts-row">
          <Card title={t('bills.chartTitle', { n: history.length })}>
            <BillChart bills={history} selected={selected} onSelect={setPicked} />
            <div className="month-tabs" role="group" aria-label={t('bills.pickMonth')}>
              {months.map((m) => (
                <button
                  key={m.month} type="button" aria-pressed={m.month === selected}
                  className={`month-tab ${m.month === selected ? 'selected' : ''}`} onClick={() => setPicked(m.month)}
                >
                  <span>{m.month}</span>
                  <span className="small">{formatFen(m.totalFen)}</span>
                </button>
              ))}
            </div>
          </Card>
          <UsageHistory />
          </div>
          {selected && (
            <Card title={t('bills.itemsOf', { month: selected })}>
              <MonthBill key={selected} month={selected} />
            </Card>
          )}
        </>
      )}
    </Page>
  );
}
