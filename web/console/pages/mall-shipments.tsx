// 商城 · the mall's shipments page (docs/console-api.md); its content lands in the commits after the menu's.
import { useI18n } from '../i18n.tsx';
import { PageTitle } from '../ui.tsx';

export default function MallPage(_props: { id?: string }) {
  const { t } = useI18n();
  return <PageTitle title={t('nav.mallShipments')} />;
}
