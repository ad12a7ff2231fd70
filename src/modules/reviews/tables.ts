// The reviews module's tables (业务评价): a subscriber's review of a goods product they had
// delivered or of a catalogue offering they have held, one per purchase, and the helpful votes.
// Named product_review*, not review*, so they are not taken for the console's reviews of
// catalogue changes (待审核).
import type { Generated, Selectable } from 'kysely';
import type { Json, Timestamp } from '../../platform/db/database.ts';
import type { SensitiveCategory } from '../../platform/sensitive-words.list.ts';

/** goods: a mall product (goods module); offering: a catalogue offering (a pack, a plan). */
export const REVIEW_SUBJECTS = ['goods', 'offering'] as const;
export type ReviewSubject = (typeof REVIEW_SUBJECTS)[number];

/**
 * pending (待审核: a sensitive word was found) → published (已发布) or rejected (未通过, with the
 * reason the subscriber sees); a published review may be taken down (rejected) later.
 */
export const REVIEW_STATES = ['pending', 'published', 'rejected'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/** A sensitive word found in a review's text, where it is (UTF-16 offsets, end exclusive), for the moderator. */
export interface ReviewHit {
  word: string;
  category: SensitiveCategory;
  start: number;
  end: number;
  found: string;
}

export interface ProductReviewTable {
  id: Generated<number>;
  subject: ReviewSubject;
  /** The goods product (subject goods), else null. */
  productId: number | null;
  /** The catalogue offering's id (subject offering), else null. */
  offeringId: string | null;
  subscriberId: number;
  /**
   * The purchase it is of, unique: `order-line:<lineId>` (a delivered order line, checkout's) or
   * `subscription:<id>` (the subscription held, the BSS's). One review per purchase.
   */
  purchaseRef: string;
  /** The order and SKU of a goods review (what was bought), else null. */
  orderId: number | null;
  skuId: number | null;
  rating: number;
  body: string;
  /** https URLs of images (goods only), at most six. */
  photos: Json<string[]>;
  state: ReviewState;
  /** The sensitive words found when it was written (none: published at once). */
  hits: Json<ReviewHit[]>;
  rejectReason: string | null;
  /** The operator's reply, shown under the review. */
  reply: string | null;
  repliedAt: Timestamp | null;
  helpfulCount: number;
  idempotencyKey: string;
  requestHash: string;
  createdAt: Timestamp;
  /** When it was published (at once, or when a moderator approved it). */
  publishedAt: Timestamp | null;
  updatedAt: Timestamp;
}

export interface ProductReviewVoteTable {
  reviewId: number;
  subscriberId: number;
  createdAt: Timestamp;
}

export type ProductReview = Selectable<ProductReviewTable>;

declare module '../../platform/db/database.ts' {
  interface Database {
    productReview: ProductReviewTable;
    productReviewVote: ProductReviewVoteTable;
  }
}
