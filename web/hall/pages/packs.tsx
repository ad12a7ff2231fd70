// Packs to order, grouped in tabs (流量 / 语音 / 短信 / 增值 / 宽带): each with its price (/月 when
// monthly), what it gives, and its own order button; what the subscriber holds stays in the list
// marked 已订购, and what cannot be ordered now says why. Internal codes stay out of sight.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { GroupIcon } from '../components/icons.tsx';
import { Page } from '../components/page.tsx';
import { RunPanel } from '../components/run-panel.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { formatData, formatFen, isMonthly } from '../../shared/format.ts';
import { useQuery, useRun } from '../hooks.ts';
import { useI18n, type I18n } from '../i18n.tsx';
import type { MessageKey } from '../messages.ts';
import { useRegistry } from '../registry.tsx';
import { Link } from '../../shared/router.tsx';
import { groupOf, PACK_GROUPS, type Pack, type PackGroup, type PacksData } from '../results.ts';

export function packPrice(p: { priceFen: number; priceType?: string }, t: I18n['t']): string {
  return `${formatFen(p.priceFen)}${isMonthly(p.priceType) ? t('offer.perMonth') : ''}`;
}

export function packDetail(p: Pack, { t }: I18n): string {
  const parts: string[] = [];
  if (p.dataMb) parts.push(t('offer.data', { amount: formatData(p.dataMb) }));
  if (p.voiceMin) parts.push(t('offer.voice', { n: p.voiceMin }));
  if (p.sms) parts.push(t('offer.sms', { n: p.sms }));
  if (p.validityDays) parts.push(p.validityDays === 1 ? t('offer.validityOne') : t('offer.validity', { n: p.validityDays }));
  return parts.join(t('common.listSep'));
}

/**
 * After an order on the web: the link to where it is cancelled in the hall (the server's text on
 * the web says so in words, not with an SMS command).
 */
function Ordered({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  return (
    <>
      <Link to="/subscriptions" className="btn btn-primary" data-testid="cancel-hint">{t('packs.toSubscriptions')}</Link>
      <button type="button" className="btn btn-secondary" onClick={onClose}>{t('packs.backToList')}</button>
    </>
  );
}

function OrderFlow({ pack, onClose, onOrdered }: { pack: Pack; onClose(): void; onOrdered(): void }) {
  const registry = useRegistry();
  const run = useRun('pack.subscribe', onOrdered);
  const business = registry.get('pack.subscribe');
  const started = useRef(false);
  useEffect(() => {
    // The order button is the first step: the quote comes next, to confirm or cancel.
    if (!started.current) {
      started.current = true;
      run.start({ packId: pack.id });
    }
  }, [run, pack.id]);
  if (!business) return null;
  return (
    <RunPanel
      run={run} business={business} onEdit={onClose} hideAgain
      doneActions={<Ordered onClose={onClose} />}
    />
  );
}

function PackCard({ pack, ordering, onOrder, onClose, onOrdered }: { pack: Pack; ordering: boolean; onOrder(): void; onClose(): void; onOrdered(): void }) {
  const i18n = useI18n();
  const { t, name, pick, lang } = i18n;
  const detail = packDetail(pack, i18n);
  const desc = lang === 'en' ? pack.descriptionEn : pack.descriptionZh;
  const blocked = !pack.held && pack.orderable === false;
  return (
    <li className={`pack ${pack.held ? 'held' : ''} ${ordering ? 'ordering' : ''}`} data-pack={pack.id}>
      <div className="pack-main">
        <span className="pack-name">{name(pack)}</span>
        {detail && <span className="pack-detail">{detail}</span>}
        {desc && <span className="pack-desc muted small">{desc}</span>}
      </div>
      <div className="pack-side">
        <span className="pack-price">{packPrice(pack, t)}</span>
        {pack.held ? (
          <span className="badge badge-ok pack-held">{t('packs.held')}</span>
        ) : ordering ? null : (
          <button type="button" className="btn btn-primary btn-small" disabled={blocked} onClick={onOrder}>
            {t('packs.order')}<span className="sr-only"> {name(pack)}</span>
          </button>
        )}
      </div>
      {pack.held && (
        <p className="pack-note small">
          <Link to="/subscriptions" className="btn btn-link">{t('packs.manageHeld')}<span className="sr-only"> {name(pack)}</span></Link>
        </p>
      )}
      {blocked && pack.unavailableReason && <p className="pack-note small why">{pick(pack.unavailableReason.messages)}</p>}
      {ordering && <div className="pack-flow"><OrderFlow pack={pack} onClose={onClose} onOrdered={onOrdered} /></div>}
    </li>
  );
}

const GROUP_KEY: Record<PackGroup, MessageKey> = {
  data: 'packs.group.data', voice: 'packs.group.voice', sms: 'packs.group.sms', vas: 'packs.group.vas', broadband: 'packs.group.broadband',
};

export function Packs() {
  const { t, pick } = useI18n();
  const registry = useRegistry();
  const q = useQuery<PacksData>('packs.list');
  const [tab, setTab] = useState<PackGroup | null>(null);
  const [ordering, setOrdering] = useState<string | null>(null);
  const business = registry.get('pack.subscribe');
  const packs = q.data?.packs ?? [];
  const groups = PACK_GROUPS.filter((g) => packs.some((p) => groupOf(p) === g));
  const current = tab && groups.includes(tab) ? tab : groups[0] ?? null;
  const shown = packs.filter((p) => groupOf(p) === current);
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!current || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    const i = groups.indexOf(current);
    const next = groups[(i + (e.key === 'ArrowRight' ? 1 : groups.length - 1)) % groups.length]!;
    setTab(next);
    document.getElementById(`packs-tab-${next}`)?.focus();
  };
  return (
    <Page title={business ? pick(business.names) : t('packs.title')} intro={t('packs.intro')} className="packs-page">
      {q.status === 'loading' && !q.data && <Loading />}
      {q.status === 'error' && <ErrorBox error={q.error} onRetry={q.reload} />}
      {q.data?.lineStatus === 'suspended' && (
        <p className="notice warn" role="status">{t('packs.lineSuspended')} <Link to="/recharge">{t('nav.recharge')}</Link></p>
      )}
      {q.data && groups.length === 0 && <p className="muted">{t('packs.none')}</p>}
      {q.data && current && (
        <>
          <div className="tabs" role="tablist" aria-label={t('packs.groups')} onKeyDown={onKey}>
            {groups.map((g) => (
              <button
                key={g} type="button" role="tab" id={`packs-tab-${g}`} aria-controls="packs-panel"
                aria-selected={g === current} tabIndex={g === current ? 0 : -1}
                className={`tab ${g === current ? 'selected' : ''}`} onClick={() => { setTab(g); setOrdering(null); }}
              >
                <GroupIcon group={g} />
                <span>{t(GROUP_KEY[g])}</span>
                <span className="tab-count" aria-hidden="true">{packs.filter((p) => groupOf(p) === g).length}</span>
              </button>
            ))}
          </div>
          <div id="packs-panel" role="tabpanel" aria-labelledby={`packs-tab-${current}`} className="tab-panel">
            <ul className="pack-list" aria-label={t(GROUP_KEY[current])}>
              {shown.map((p) => (
                <PackCard
                  key={p.id} pack={p} ordering={ordering === p.id}
                  onOrder={() => setOrdering(p.id)}
                  onClose={() => { setOrdering(null); q.reload(); }}
                  onOrdered={() => q.reload()}
                />
              ))}
            </ul>
          </div>
        </>
      )}
    </Page>
  );
}
