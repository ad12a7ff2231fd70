// 活动专区: flash sales (秒杀) with their countdown and what is left, and the promotions on now.
// (Filled in as the flash-sale and promotion APIs land.)
import { Page } from '../components/page.tsx';
import { MallNav } from '../components/mall-parts.tsx';
import { useI18n } from '../i18n.tsx';

export function MallActivity() {
  const { t } = useI18n();
  return (
    <Page title={t('mall.activity')} intro={t('mall.activityIntro')} className="mall">
      <MallNav />
      <p className="muted">{t('mall.noActivity')}</p>
    </Page>
  );
}
