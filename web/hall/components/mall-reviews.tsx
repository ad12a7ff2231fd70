// A product's reviews (商品评价) on its page: the average in stars and the count, the latest
// published reviews with 已购 and the shop's reply, 有用 once per signed-in subscriber, and 写评价
// for a subscriber with a delivered purchase of it not yet reviewed (rating 1–5 and a text, under
// one Idempotency-Key per attempt); a review held for moderation says so.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Card } from './page.tsx';
import { ErrorBox, Loading, errorText } from './status.tsx';
import { newIdempotencyKey, toApiError, type ApiError } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import type { MallMessageKey } from '../mall-messages.ts';
import { useMall, type MallClient, type Review, type ReviewList } from '../mall-api.ts';

/** Reviews shown at first; more a page at a time. */
const SHOWN = 5;
/** The module's MAX_REVIEW_CHARS. */
const MAX_CHARS = 500;
/** Order states whose lines may be reviewed (checkout's purchasedLines). */
const REVIEWABLE = ['delivered', 'completed'];

/** Five stars, the first `rating` (rounded to a half) filled; read out as "4.5 星（满分 5 星）". */
export function Stars({ rating, label }: { rating: number; label?: string }) {
  const { t } = useI18n();
  const full = Math.round(rating * 2) / 2;
  return (
    <span className="stars" role="img" aria-label={label ?? t('mall.stars', { n: rating })}>
      {[1, 2, 3, 4, 5].map((i) => <span key={i} aria-hidden="true" className={i <= full ? 'star on' : i - 0.5 === full ? 'star half' : 'star'}>★</span>)}
    </span>
  );
}

/**
 * How many of this product's delivered order lines the subscriber has not reviewed yet: the
 * lines of their delivered orders less their reviews of it (a rejected one keeps its purchase
 * reviewed). The REST has no call that answers it directly (see the hall's report).
 */
async function unreviewedLines(mall: MallClient, productId: number): Promise<number> {
  const [orders, mine] = await Promise.all([mall.orders({ limit: 100 }), mall.myReviews()]);
  const lines = orders.items.filter((o) => REVIEWABLE.includes(o.state)).flatMap((o) => o.lines).filter((l) => l.productId === productId).length;
  const reviewed = mine.items.filter((r) => r.subject === 'goods' && r.productId === productId).length;
  return Math.max(0, lines - reviewed);
}

export function ProductReviews({ productId }: { productId: number }) {
  const { t } = useI18n();
  const mall = useMall();
  const [list, setList] = useState<ReviewList | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  // Unreviewed delivered lines of this product; null until known.
  const [canWrite, setCanWrite] = useState<number | null>(null);
  const [writing, setWriting] = useState(false);
  const [sent, setSent] = useState<'published' | 'pending' | null>(null);
  const load = useCallback((limit = SHOWN) => {
    setError(null);
    mall.reviews(productId, { limit }).then(setList, (e: unknown) => setError(toApiError(e)));
  }, [mall, productId]);
  useEffect(() => load(), [load]);
  useEffect(() => {
    let live = true;
    if (!mall.signedIn) {
      setCanWrite(0);
      return;
    }
    setCanWrite(null);
    unreviewedLines(mall, productId).then((n) => live && setCanWrite(n), () => live && setCanWrite(0));
    return () => { live = false; };
  }, [mall, productId, sent]);

  const summary = list?.summary;
  return (
    <Card
      title={t('mall.reviews')} className="product-reviews"
      action={summary && summary.count > 0 && summary.average !== null ? (
        <p className="review-summary" data-testid="review-summary">
          <Stars rating={summary.average} label={t('mall.reviewsSummary', { avg: summary.average.toFixed(1), n: summary.count })} />
          <strong aria-hidden="true">{t('mall.reviewsAverage', { avg: summary.average.toFixed(1) })}</strong>
          <span className="muted" aria-hidden="true">{t('mall.reviewsCount', { n: summary.count })}</span>
        </p>
      ) : undefined}
    >
      {error && <ErrorBox error={error} onRetry={() => load()} />}
      {!list && !error && <Loading />}
      {list && list.items.length === 0 && <p className="muted">{t('mall.reviewsNone')}</p>}
      {list && list.items.length > 0 && (
        <ul className="review-list" aria-label={t('mall.reviewsList')}>
          {list.items.map((r) => <ReviewItem key={r.id} review={r} />)}
        </ul>
      )}
      {list && list.items.length < list.total && (
        <button type="button" className="btn btn-link" onClick={() => load(Math.min(50, list.items.length + SHOWN * 2))}>{t('mall.more')}</button>
      )}
      {sent && <p className={`notice ${sent === 'pending' ? 'warn' : ''}`} role="status">{t(sent === 'pending' ? 'mall.reviewHeld' : 'mall.reviewPublished')}</p>}
      {canWrite !== null && (
        <div className="review-write" data-can-write={canWrite > 0 ? 'yes' : 'no'}>
          {canWrite > 0 && !writing && <button type="button" className="btn btn-secondary" onClick={() => { setWriting(true); setSent(null); }}>{t('mall.writeReview')}</button>}
          {canWrite > 0 && writing && (
            <ReviewForm
              productId={productId} onCancel={() => setWriting(false)}
              onSent={(state) => { setWriting(false); setSent(state === 'pending' ? 'pending' : 'published'); load(); }}
            />
          )}
        </div>
      )}
    </Card>
  );
}

function ReviewItem({ review: r }: { review: Review }) {
  const i18n = useI18n();
  const { t } = i18n;
  const mall = useMall();
  const [count, setCount] = useState(r.helpfulCount);
  const [voted, setVoted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const vote = () => {
    setBusy(true);
    setNote(null);
    mall.helpful(r.id).then((x) => { setCount(x.helpfulCount); setVoted(true); }, (err: unknown) => {
      const e = toApiError(err);
      if (e.code === 'REVIEW_ALREADY_VOTED' || e.code === 'REVIEW_OWN_VOTE') {
        setVoted(true);
        setNote(t(`mall.helpful.${e.code}` as MallMessageKey));
      } else setNote(errorText(e, i18n));
    }).finally(() => setBusy(false));
  };
  return (
    <li className="review" data-review={r.id}>
      <p className="review-head">
        <Stars rating={r.rating} />
        <span className="review-author">{r.author}</span>
        {r.verified && <span className="badge badge-ok">{t('mall.verified')}</span>}
        <time className="muted small" dateTime={r.createdAt}>{r.createdAtLocal}</time>
      </p>
      {r.text && <p className="review-text">{r.text}</p>}
      {r.reply && (
        <div className="review-reply">
          <strong>{t('mall.reply')}：</strong>{r.reply.text}
        </div>
      )}
      <p className="review-foot">
        {mall.signedIn ? (
          <button type="button" className="btn btn-link" aria-pressed={voted} disabled={busy || voted} onClick={vote}>
            {voted ? t('mall.helpfulVoted', { n: count }) : t('mall.helpful', { n: count })}
          </button>
        ) : count > 0 && <span className="muted small">{t('mall.helpfulCount', { n: count })}</span>}
        {note && <span className="small" role="status">{note}</span>}
      </p>
    </li>
  );
}

function ReviewForm({ productId, onSent, onCancel }: { productId: number; onSent(state: string): void; onCancel(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const mall = useMall();
  const id = useId();
  const [rating, setRating] = useState(0);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [lost, setLost] = useState(false);
  const [busy, setBusy] = useState(false);
  const key = useRef<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (rating < 1 || rating > 5) return setProblem(t('mall.reviewRatingNeeded'));
    if (text.trim().length > MAX_CHARS) return setProblem(t('mall.reviewTooLong', { max: MAX_CHARS }));
    setProblem(null);
    setError(null);
    setBusy(true);
    const k = key.current ?? (key.current = newIdempotencyKey());
    mall.writeReview(productId, { rating, ...(text.trim() ? { text: text.trim() } : {}) }, k).then((r) => {
      key.current = null;
      onSent(r.state);
    }, (err: unknown) => {
      const x = toApiError(err);
      const noAnswer = x.status === 0 || x.status >= 500;
      // Refused: nothing was written, and the next attempt is a new one.
      if (!noAnswer) key.current = null;
      setLost(noAnswer);
      setError(x);
    }).finally(() => setBusy(false));
  };
  return (
    <form className="review-form" onSubmit={submit} noValidate>
      <fieldset className="field">
        <legend>{t('mall.reviewRating')}</legend>
        <div className="rating-pick">
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className={`rating-star ${n <= rating ? 'on' : ''}`}>
              <input type="radio" name={`${id}-rating`} value={n} checked={rating === n} onChange={() => { setRating(n); setProblem(null); }} />
              <span aria-hidden="true">★</span>
              <span className="sr-only">{t('mall.reviewStar', { n })}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-text`}>{t('mall.reviewText')}</label>
        <textarea id={`${id}-text`} rows={4} maxLength={MAX_CHARS} value={text} aria-describedby={`${id}-chars`} onChange={(e) => { setText(e.target.value); setProblem(null); }} />
        <p id={`${id}-chars`} className="field-hint">{t('mall.reviewChars', { n: text.trim().length, max: MAX_CHARS })}</p>
      </div>
      {problem && <p className="field-problem" role="alert">{problem}</p>}
      {error && (lost ? <p className="error-box" role="alert">{errorText(error, i18n)} {t('mall.reviewLost')}</p> : <ErrorBox error={error} />)}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>{lost ? t('common.retry') : t('mall.reviewSend')}</button>
        <button type="button" className="btn btn-secondary" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
