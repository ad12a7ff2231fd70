// The kiosk forgets its subscriber after a minute without a touch; the last ten seconds count
// down on screen, and any touch keeps the session.
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n.tsx';

export const IDLE_MS = 60_000;
export const WARN_MS = 10_000;
const ACTIVITY = ['pointerdown', 'touchstart', 'keydown', 'wheel'] as const;

export function IdleGuard({ active, onIdle }: { active: boolean; onIdle(): void }) {
  const { t } = useI18n();
  const [left, setLeft] = useState<number | null>(null);
  const last = useRef(0);
  const onIdleRef = useRef(onIdle);
  onIdleRef.current = onIdle;

  useEffect(() => {
    if (!active) {
      setLeft(null);
      return;
    }
    last.current = Date.now();
    const touch = () => {
      last.current = Date.now();
      setLeft(null);
    };
    for (const e of ACTIVITY) window.addEventListener(e, touch, { capture: true, passive: true });
    const id = window.setInterval(() => {
      const remain = IDLE_MS - (Date.now() - last.current);
      if (remain <= 0) {
        setLeft(null);
        onIdleRef.current();
      } else {
        setLeft(remain <= WARN_MS ? Math.ceil(remain / 1000) : null);
      }
    }, 250);
    return () => {
      for (const e of ACTIVITY) window.removeEventListener(e, touch, { capture: true });
      window.clearInterval(id);
    };
  }, [active]);

  if (left === null) return null;
  return (
    <div className="idle-overlay" role="alertdialog" aria-modal="true" aria-labelledby="idle-title" aria-describedby="idle-text">
      <div className="idle-box">
        <h2 id="idle-title">{t('kiosk.idleTitle')}</h2>
        <p className="idle-count" aria-hidden="true" data-testid="idle-count">{left}</p>
        <p id="idle-text">{t('kiosk.idleText', { n: left })}</p>
        <button type="button" className="btn btn-primary btn-wide" autoFocus>{t('kiosk.stay')}</button>
      </div>
    </div>
  );
}
