// The reviews module's public face (docs/mall.md, "Reviews"): reviews of goods and of catalogue
// offerings by those who bought them, one per purchase, the sensitive-word hold and moderation,
// the average and counts per star, and helpful votes.
export {
  Reviews, REVIEW_AFTER_DAYS, MAX_REVIEW_CHARS, MAX_REVIEW_PHOTOS, isPhotoUrl,
  type HeldSubscription, type ModerationView, type MyReviewView, type PurchasedLine, type ReviewInput, type ReviewSort, type ReviewSummary,
  type ReviewTarget, type ReviewView, type ReviewsDeps,
} from './reviews.service.ts';
export { REVIEW_STATES, REVIEW_SUBJECTS, type ProductReview, type ReviewHit, type ReviewState, type ReviewSubject } from './tables.ts';
export { reviewsMigrations } from './migrations/index.ts';
