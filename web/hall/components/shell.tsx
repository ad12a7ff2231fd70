// Pieces of the frame around every page: the language switch and the skip link.
import { useI18n } from '../i18n.tsx';

export function LangSwitch({ className }: { className?: string }) {
  const { lang, setLang, t } = useI18n();
  const next = lang === 'en' ? 'zh-CN' : 'en';
  return (
    <button
      type="button" className={`btn btn-ghost lang-switch ${className ?? ''}`}
      onClick={() => setLang(next)} aria-label={t('lang.switchTo')} lang={next}
    >
      {t('lang.other')}
    </button>
  );
}

export function SkipLink() {
  const { t } = useI18n();
  return <a href="#main" className="skip-link">{t('nav.skip')}</a>;
}
