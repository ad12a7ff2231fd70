// Hand-drawn SVG charts (no chart library: the hall's first load stays small): usage rings
// against allowances, six months of bills as bars, and six months of data and voice use.
import { formatData, formatFen, formatMonthShort } from '../../shared/format.ts';
import { useI18n } from '../i18n.tsx';
import type { BillSummary, UsageMonth } from '../results.ts';

/** One allowance as a ring: the arc is what is used, the middle says what is left. */
export function UsageRing({ label, used, total, format }: { label: string; used: number; total: number; format(n: number): string }) {
  const { t } = useI18n();
  const r = 42;
  const c = 2 * Math.PI * r;
  const share = total > 0 ? Math.min(1, used / total) : 0;
  const left = Math.max(0, total - used);
  const tone = total === 0 ? 'none' : share >= 0.9 ? 'high' : share >= 0.7 ? 'mid' : 'low';
  const summary = total > 0
    ? t('usage.ringSummary', { label, used: format(used), total: format(total), left: format(left) })
    : t('usage.ringNone', { label });
  return (
    <figure className={`ring ring-${tone}`}>
      <svg viewBox="0 0 100 100" role="img" aria-label={summary}>
        <circle className="ring-track" cx="50" cy="50" r={r} />
        {total > 0 && used > 0 && (
          <circle
            className="ring-arc" cx="50" cy="50" r={r}
            strokeDasharray={`${share * c} ${c}`} transform="rotate(-90 50 50)"
          />
        )}
        <text x="50" y="47" className="ring-value" textAnchor="middle">{total > 0 ? format(left) : '—'}</text>
        <text x="50" y="64" className="ring-caption" textAnchor="middle">{total > 0 ? t('usage.left') : t('usage.notIncluded')}</text>
      </svg>
      <figcaption>
        <strong>{label}</strong>
        <span>{total > 0 ? t('usage.usedOf', { used: format(used), total: format(total) }) : t('usage.notIncluded')}</span>
      </figcaption>
    </figure>
  );
}

/** Bills of the last months as bars, oldest first; a click picks a month. */
export function BillChart({ bills, selected, onSelect }: { bills: BillSummary[]; selected: string | null; onSelect(month: string): void }) {
  const { t, lang } = useI18n();
  const months = [...bills].sort((a, b) => (a.month < b.month ? -1 : 1));
  const max = Math.max(1, ...months.map((b) => b.totalFen));
  const w = 600;
  const h = 220;
  const top = 28;
  const bottom = 30;
  const slot = w / Math.max(months.length, 1);
  const barW = Math.min(64, slot * 0.6);
  const label = (m: string) => formatMonthShort(m, lang);
  const desc = months.map((b) => `${b.month} ${formatFen(b.totalFen)}`).join(', ');
  return (
    <svg className="bill-chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby="bill-chart-title bill-chart-desc">
      <title id="bill-chart-title">{t('bills.chartTitle', { n: months.length })}</title>
      <desc id="bill-chart-desc">{desc}</desc>
      <line x1="0" y1={h - bottom} x2={w} y2={h - bottom} className="axis" />
      {months.map((b, i) => {
        const bh = Math.round(((h - top - bottom) * b.totalFen) / max);
        const x = i * slot + (slot - barW) / 2;
        const y = h - bottom - bh;
        const isSel = b.month === selected;
        return (
          <g key={b.month} className={isSel ? 'bar selected' : 'bar'} onClick={() => onSelect(b.month)}>
            <rect x={x} y={y} width={barW} height={Math.max(bh, 1)} rx="4" />
            <text x={x + barW / 2} y={y - 8} textAnchor="middle" className="bar-value">{formatFen(b.totalFen).replace(/\.00$/, '')}</text>
            <text x={x + barW / 2} y={h - 10} textAnchor="middle" className="bar-label">{label(b.month)}</text>
          </g>
        );
      })}
    </svg>
  );
}

/** Data (MB) and voice (minutes) used per month, oldest first: two bars a month, each on its own scale. */
export function UsageChart({ months }: { months: UsageMonth[] }) {
  const { t, lang } = useI18n();
  const w = 600;
  const h = 240;
  const top = 28;
  const bottom = 30;
  const slot = w / Math.max(months.length, 1);
  const barW = Math.min(30, slot * 0.3);
  const maxData = Math.max(1, ...months.map((m) => m.dataMb));
  const maxVoice = Math.max(1, ...months.map((m) => m.voiceMin));
  const inner = h - top - bottom;
  const desc = months.map((m) => t('usage.historyItem', { month: m.cycle, data: formatData(m.dataMb), voice: t('usage.minutes', { n: m.voiceMin }) })).join(t('common.listSep'));
  return (
    <figure className="usage-chart-figure">
      <svg className="usage-chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby="usage-chart-title usage-chart-desc">
        <title id="usage-chart-title">{t('usage.historyTitle', { n: months.length })}</title>
        <desc id="usage-chart-desc">{desc}</desc>
        <line x1="0" y1={h - bottom} x2={w} y2={h - bottom} className="axis" />
        {months.map((m, i) => {
          const dh = Math.round((inner * m.dataMb) / maxData);
          const vh = Math.round((inner * m.voiceMin) / maxVoice);
          const x = i * slot + slot / 2 - barW - 2;
          return (
            <g key={m.cycle} className="usage-month">
              <rect className="bar-data" x={x} y={h - bottom - dh} width={barW} height={Math.max(dh, 1)} rx="3" />
              <rect className="bar-voice" x={x + barW + 4} y={h - bottom - vh} width={barW} height={Math.max(vh, 1)} rx="3" />
              {m.dataMb > 0 && <text x={x + barW / 2} y={h - bottom - dh - 6} textAnchor="middle" className="bar-value">{formatData(m.dataMb)}</text>}
              {m.voiceMin > 0 && <text x={x + barW * 1.5 + 4} y={h - bottom - vh - 6} textAnchor="middle" className="bar-value">{m.voiceMin}</text>}
              <text x={i * slot + slot / 2} y={h - 10} textAnchor="middle" className="bar-label">{formatMonthShort(m.cycle, lang)}</text>
            </g>
          );
        })}
      </svg>
      <figcaption className="legend" aria-hidden="true">
        <span><i className="swatch swatch-data" />{t('usage.data')}</span>
        <span><i className="swatch swatch-voice" />{t('usage.voiceMinutes')}</span>
      </figcaption>
    </figure>
  );
}
