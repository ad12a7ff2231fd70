// 优惠券: the coupons on offer to claim (领券: each template's rule, how long a claimed one lasts and
// how many are left, 领取 with one Idempotency-Key per tap, kept while the same tap is sent again)
// and the signed-in subscriber's wallet (我的优惠券): usable ones soonest to expire first, each with
// its code and 去使用 (to the cart, where checkout offers it), then used and expired ones. A guest
// signs in first. A refusal (all claimed, the subscriber's share taken) is said in the server's words.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Card, Page } from '../components/page.tsx';
import { MallNav } from '../components/mall-parts.tsx';
import { ErrorBox, Loading, errorText } from '../components/status.tsx';
import { newIdempotencyKey, toApiError, type ApiError } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useMall, type Coupon, type CouponTemplate, type CouponWallet } from '../mall-api.ts';
import { Link } from '../../shared/router.tsx';

/** What a claim came to, by template. */
type Claim = { status: 'busy' } | { status: 'done' } | { status: 'refused'; error: ApiError };

export function MallCoupons() {
  const i18n = useI18n();
  const { t } = i18n;
  const mall = useMall();
  const [templates, setTemplates] = useState<CouponTemplate[] | null>(null);
  const [wallet, setWallet] = useState<CouponWallet | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [claims, setClaims] = useState<Record<number, Claim>>({});
  // One key per template's claim, kept until it is answered (a lost answer sends the same claim again).
  const keys = useRef(new Map<number, string>());

  const load = useCallback(() => {
    setError(null);
    Promise.all([mall.promotions(), mall.coupons()]).then(([p, w]) => {
      setTemplates(p.coupons);
      setWallet(w);
    }, (e: unknown) => setError(toApiError(e)));
  }, [mall]);
  useEffect(load, [load]);

  const claim = (templateId: number) => {
    const key = keys.current.get(templateId) ?? newIdempotencyKey();
    keys.current.set(templateId, key);
    setClaims((c) => ({ ...c, [templateId]: { status: 'busy' } }));
    mall.claimCoupon(templateId, key).then(() => {
      keys.current.delete(templateId);
      setClaims((c) => ({ ...c, [templateId]: { status: 'done' } }));
      load();
    }, (e: unknown) => {
      const err = toApiError(e);
      // No answer: the same key goes again on the next tap; an answer: the next tap is a new claim.
      if (err.status !== 0 && err.status < 500) keys.current.delete(templateId);
      setClaims((c) => ({ ...c, [templateId]: { status: 'refused', error: err } }));
    });
  };

  const held = (templateId: number) => wallet ? [...wallet.usable, ...wallet.used, ...wallet.expired].filter((c) => c.promotionId === templateId).length : 0;

  return (
    <Page title={t('mall.coupons')} className="mall" intro={t('mall.couponsIntro')}>
      <MallNav />
      {error && <ErrorBox error={error} onRetry={load} />}
      {!error && (!templates || !wallet) && <Loading />}
      {templates && wallet && (
        <>
          <Card title={t('mall.couponsToClaim')}>
            {templates.length === 0 ? <p className="muted">{t('mall.couponsNoneToClaim')}</p> : (
              <ul className="coupon-list" data-testid="coupon-templates">
                {templates.map((c) => {
                  const mine = held(c.id);
                  const full = c.perSubscriberLimit !== null && mine >= c.perSubscriberLimit;
                  const claimState = claims[c.id];
                  return (
                    <li key={c.id} className="coupon">
                      <div className="coupon-rule"><strong>{c.rule}</strong><span>{c.name}</span></div>
                      <div className="coupon-terms muted small">
                        <span>{c.wholeShop ? t('mall.couponWholeShop') : t('mall.couponScope', { names: c.categories.map((x) => x.name).join(t('common.listSep')) || t('mall.couponSomeGoods') })}</span>
                        <span>{c.validDays ? t('mall.couponValidDays', { n: c.validDays }) : t('mall.couponValidUntil', { at: c.endsAtLocal })}</span>
                        {c.left !== null && <span>{t('mall.couponLeft', { n: c.left })}</span>}
                      </div>
                      <div className="actions">
                        {full ? <span className="badge badge-ok">{t('mall.couponClaimed')}</span> : (
                          <button type="button" className="btn btn-primary" disabled={claimState?.status === 'busy'} onClick={() => claim(c.id)}
                            aria-label={t('mall.couponClaimOne', { name: c.name })}>
                            {claimState?.status === 'busy' ? t('mall.couponClaiming') : t('mall.couponClaim')}
                          </button>
                        )}
                        {claimState?.status === 'done' && <span role="status" className="muted small">{t('mall.couponClaimDone')}</span>}
                        {claimState?.status === 'refused' && <p className="notice warn" role="alert">{errorText(claimState.error, i18n)}</p>}
                      </div>
                    </li>
                  );
                })}
              </ul>
            )}
          </Card>
          <Card title={t('mall.couponsMine')}>
            <CouponGroup title={t('mall.couponUsable')} coupons={wallet.usable} empty={t('mall.couponsNoneUsable')} use testId="coupons-usable" />
            {wallet.used.length > 0 && <CouponGroup title={t('mall.couponUsed')} coupons={wallet.used} testId="coupons-used" />}
            {wallet.expired.length > 0 && <CouponGroup title={t('mall.couponExpired')} coupons={wallet.expired} testId="coupons-expired" />}
          </Card>
        </>
      )}
    </Page>
  );
}

function CouponGroup({ title, coupons, empty, use, testId }: { title: string; coupons: Coupon[]; empty?: string; use?: boolean; testId: string }) {
  const { t } = useI18n();
  return (
    <section className="coupon-group" aria-label={title}>
      <h3>{title}</h3>
      {coupons.length === 0 ? <p className="muted">{empty}</p> : (
        <ul className="coupon-list" data-testid={testId}>
          {coupons.map((c) => (
            <li key={c.id} className={`coupon${use ? '' : ' coupon-done'}`}>
              <div className="coupon-rule"><strong>{c.rule}</strong><span>{c.name}</span></div>
              <div className="coupon-terms muted small">
                <span>{t('mall.couponCode')} <span className="mono">{c.code}</span></span>
                <span>{c.state === 'used' ? t('mall.couponUsedOn') : t('mall.couponValidUntil', { at: c.validUntilLocal })}</span>
              </div>
              {use && <div className="actions"><Link to="/mall/cart" className="btn btn-secondary">{t('mall.couponUse')}</Link></div>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
