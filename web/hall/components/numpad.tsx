// An on-screen number pad for the kiosk: digits, clear and delete, with big touch targets.
import { useI18n } from '../i18n.tsx';

interface Props {
  value: string;
  onChange(value: string): void;
  maxLength: number;
  /** What the digits are for, so each key's name says it, e.g. "手机号码". */
  label: string;
  decimal?: boolean;
}

export function NumPad({ value, onChange, maxLength, label, decimal }: Props) {
  const { t } = useI18n();
  const press = (k: string) => {
    if (value.length >= maxLength) return;
    if (k === '.' && (value.includes('.') || value === '')) return;
    onChange(value + k);
  };
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
  return (
    <div className="numpad" role="group" aria-label={t('numpad.label', { label })}>
      {keys.map((k) => (
        <button key={k} type="button" className="numpad-key" onClick={() => press(k)}>{k}</button>
      ))}
      {decimal ? (
        <button type="button" className="numpad-key" onClick={() => press('.')} aria-label={t('numpad.point')}>.</button>
      ) : (
        <button type="button" className="numpad-key numpad-fn" onClick={() => onChange('')}>{t('numpad.clear')}</button>
      )}
      <button type="button" className="numpad-key" onClick={() => press('0')}>0</button>
      <button type="button" className="numpad-key numpad-fn" onClick={() => onChange(value.slice(0, -1))} aria-label={t('numpad.delete')}>
        <span aria-hidden="true">⌫</span>
      </button>
    </div>
  );
}
