// A light daily chart in plain SVG (the console carries no chart library): one bar per Beijing day
// for the acceptances, and a line over them for the impressions on their own scale. Its numbers
// are also in the table beside it, so the figure is described and not the only way to read them.
export interface DayPoint { day: string; impressions: number; accepts: number }

export function DailyChart({ points, title, labels }: { points: DayPoint[]; title: string; labels: { impressions: string; accepts: string } }) {
  const w = 720;
  const h = 220;
  const pad = { l: 40, r: 40, t: 16, b: 32 };
  const iw = w - pad.l - pad.r;
  const ih = h - pad.t - pad.b;
  const maxA = Math.max(1, ...points.map((p) => p.accepts));
  const maxI = Math.max(1, ...points.map((p) => p.impressions));
  const step = points.length ? iw / points.length : iw;
  const x = (i: number) => pad.l + i * step + step / 2;
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${(pad.t + ih - (p.impressions / maxI) * ih).toFixed(1)}`).join(' ');
  const every = Math.max(1, Math.ceil(points.length / 8));
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${w} ${h}`} width="100%" role="img" aria-label={title} style={{ maxWidth: w, display: 'block' }}>
        <line x1={pad.l} y1={pad.t + ih} x2={pad.l + iw} y2={pad.t + ih} stroke="#8c8c8c" />
        <text x={pad.l - 6} y={pad.t + 10} textAnchor="end" fontSize="11" fill="#444">{maxA}</text>
        <text x={pad.l + iw + 6} y={pad.t + 10} fontSize="11" fill="#7a4a00">{maxI}</text>
        {points.map((p, i) => {
          const bh = (p.accepts / maxA) * ih;
          return <rect key={p.day} x={x(i) - step * 0.35} y={pad.t + ih - bh} width={step * 0.7} height={bh} fill="#0b5cad"><title>{`${p.day} ${labels.accepts} ${p.accepts}`}</title></rect>;
        })}
        {points.length > 1 && <path d={line} fill="none" stroke="#b36b00" strokeWidth={2} />}
        {points.map((p, i) => (i % every === 0 ? <text key={`t${p.day}`} x={x(i)} y={h - 10} textAnchor="middle" fontSize="11" fill="#444">{p.day.slice(5)}</text> : null))}
      </svg>
      <figcaption style={{ display: 'flex', gap: 16, fontSize: 12, color: 'rgba(0,0,0,0.65)' }}>
        <span><span aria-hidden style={{ display: 'inline-block', width: 10, height: 10, background: '#0b5cad', marginInlineEnd: 4 }} />{labels.accepts}</span>
        <span><span aria-hidden style={{ display: 'inline-block', width: 14, height: 2, background: '#b36b00', verticalAlign: 'middle', marginInlineEnd: 4 }} />{labels.impressions}</span>
      </figcaption>
    </figure>
  );
}
