// Every business in the registry, one search box over them all, and the generated page of any one.
import { useId, useState } from 'react';
import { BusinessRunner } from '../components/business-runner.tsx';
import { BusinessIcon, Search } from '../components/icons.tsx';
import { Page } from '../components/page.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { useI18n } from '../i18n.tsx';
import { pathFor } from '../links.ts';
import { useRegistry } from '../registry.tsx';
import { searchBusinesses } from '../search.ts';
import { Link } from '../../shared/router.tsx';
import type { BusinessInfo } from '../../shared/types.ts';

function List({ title, items }: { title: string; items: BusinessInfo[] }) {
  const { t, pick } = useI18n();
  if (items.length === 0) return null;
  return (
    <section className="service-section" aria-label={title}>
      <h2>{title}</h2>
      <ul className="service-list">
        {items.map((b) => (
          <li key={b.id}>
            <Link to={pathFor(b.id)} className="service-item">
              <span className={`service-icon kind-${b.kind}`}><BusinessIcon id={b.id} /></span>
              <span className="service-text">
                <span className="service-name">{pick(b.names)}</span>
                <span className="service-desc">{pick(b.descriptions)}</span>
              </span>
              {b.confirm && <span className="badge badge-warn">{t('services.needsConfirm')}</span>}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The search box: finds a business by name, pinyin initials (cz) or a phrasing (查话费). */
export function ServiceSearch({ businesses }: { businesses: BusinessInfo[] }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const id = useId();
  const found = q.trim() ? searchBusinesses(businesses, q) : null;
  return (
    <div className="service-search">
      <form role="search" onSubmit={(e) => e.preventDefault()} className="search-box">
        <label htmlFor={id} className="sr-only">{t('search.label')}</label>
        <Search size={20} aria-hidden="true" className="search-icon" />
        <input
          id={id} type="search" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off"
          placeholder={t('search.placeholder')} aria-describedby={`${id}-hint`}
        />
      </form>
      <p id={`${id}-hint`} className="muted small">{t('search.hint')}</p>
      {found && (
        <div aria-live="polite">
          {found.length === 0
            ? <p className="muted" role="status">{t('search.none', { q: q.trim() })}</p>
            : <List title={t('search.results', { n: found.length })} items={found} />}
        </div>
      )}
    </div>
  );
}

export function Services() {
  const { t } = useI18n();
  const registry = useRegistry();
  const s = registry.state;
  return (
    <Page title={t('services.title')} intro={t('services.intro')}>
      {s.status === 'loading' && <Loading />}
      {s.status === 'error' && <ErrorBox error={s.error} onRetry={registry.reload} />}
      {s.status === 'ok' && (
        <div className="services">
          <ServiceSearch businesses={s.businesses} />
          <List title={t('services.transactions')} items={s.businesses.filter((b) => b.kind === 'transaction')} />
          <List title={t('services.queries')} items={s.businesses.filter((b) => b.kind === 'query')} />
        </div>
      )}
    </Page>
  );
}

export function BusinessPage({ id, numPad }: { id: string; numPad?: boolean }) {
  const { t, pick } = useI18n();
  const registry = useRegistry();
  const s = registry.state;
  if (s.status === 'loading') return <Page title={t('common.loading')}><Loading /></Page>;
  if (s.status === 'error') return <Page title={t('error.title')}><ErrorBox error={s.error} onRetry={registry.reload} /></Page>;
  const b = registry.get(id);
  if (!b) {
    return (
      <Page title={t('notFound.title')}>
        <p>{t('notFound.business', { id })}</p>
        <Link to="/services" className="btn btn-secondary">{t('nav.services')}</Link>
      </Page>
    );
  }
  return (
    <Page title={pick(b.names)} intro={pick(b.descriptions)}>
      <BusinessRunner key={b.id} business={b} numPad={numPad} />
    </Page>
  );
}

export function NotFound() {
  const { t } = useI18n();
  return (
    <Page title={t('notFound.title')}>
      <p>{t('notFound.text')}</p>
      <Link to="/" className="btn btn-primary">{t('nav.home')}</Link>
    </Page>
  );
}
