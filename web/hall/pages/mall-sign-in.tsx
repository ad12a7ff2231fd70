// Sign-in inside the mall: its navigation, why sign-in is asked, and the sign-in form; once signed
// in, the page that asked shows again where it was.
import { MallNav } from '../components/mall-parts.tsx';
import { useI18n } from '../i18n.tsx';
import type { MallMessageKey } from '../mall-messages.ts';
import { Login } from './login.tsx';

export function MallSignIn({ why = 'mall.signInFirst' }: { why?: MallMessageKey }) {
  const { t } = useI18n();
  return (
    <>
      <MallNav />
      <p className="notice">{t(why)}</p>
      <Login />
    </>
  );
}
