// The delivery address's six fields (收货人, 手机号码, 省份, 城市, 区县, 详细地址) with the hint on
// provinces, as the checkout and a flash sale's 立即抢购 both ask for it.
import { useId } from 'react';
import { useI18n } from '../i18n.tsx';
import { ADDRESS_FIELDS, type Address } from '../mall-api.ts';

const INPUTS: Record<(typeof ADDRESS_FIELDS)[number], { type?: string; inputMode?: 'tel'; autoComplete: string; maxLength: number }> = {
  name: { autoComplete: 'name', maxLength: 40 },
  phone: { type: 'tel', inputMode: 'tel', autoComplete: 'tel', maxLength: 11 },
  province: { autoComplete: 'address-level1', maxLength: 20 },
  city: { autoComplete: 'address-level2', maxLength: 20 },
  district: { autoComplete: 'address-level3', maxLength: 20 },
  detail: { autoComplete: 'street-address', maxLength: 120 },
};

export function AddressFieldset({ value, onChange, className }: { value: Address; onChange(a: Address): void; className?: string }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <fieldset className={`card address-card ${className ?? ''}`}>
      <legend className="card-legend">{t('mall.address')}</legend>
      <div className="address-grid">
        {ADDRESS_FIELDS.map((k) => (
          <div key={k} className={`field addr-${k}`}>
            <label htmlFor={`${id}-${k}`}>{t(`mall.addr.${k}`)}</label>
            <input
              id={`${id}-${k}`} type={INPUTS[k].type ?? 'text'} inputMode={INPUTS[k].inputMode} autoComplete={INPUTS[k].autoComplete} maxLength={INPUTS[k].maxLength}
              value={value[k]} onChange={(e) => onChange({ ...value, [k]: e.target.value })}
            />
          </div>
        ))}
      </div>
      <p className="field-hint">{t('mall.addressHint')}</p>
    </fieldset>
  );
}
