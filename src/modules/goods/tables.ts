// The goods module's tables: categories, products, SKUs, listings, pending staff changes, the
// number-card pool and the code pool.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Json, TextArray, Timestamp } from '../../platform/db/database.ts';

/** What a product is; each kind is delivered its own way (see `DELIVERY`). */
export const PRODUCT_KINDS = ['physical', 'number_card', 'recharge_card', 'virtual', 'points_gift', 'offering'] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];
/**
 * How an order's line is fulfilled: `ship` a parcel (stock in the inventory module), `number` a SIM
 * with a number chosen from the pool, `code` a code handed out from the code pool, `credit` at once
 * (a recharge to the balance, no stock), `subscribe` a catalogue offering through ordering.
 */
export const DELIVERIES = ['ship', 'number', 'code', 'credit', 'subscribe'] as const;
export type Delivery = (typeof DELIVERIES)[number];

export interface SpecItem { nameZh: string; nameEn: string; value: string }
/** A specification table's group (屏幕, 存储…) and its rows. */
export interface SpecGroup { groupZh: string; groupEn: string; items: SpecItem[] }

export interface GoodsCategoryTable {
  id: Generated<number>;
  parentId: number | null;
  code: string;
  nameZh: string;
  nameEn: string;
  sort: Generated<number>;
}

export interface GoodsProductTable {
  id: Generated<number>;
  kind: ProductKind;
  delivery: Delivery;
  nameZh: string;
  nameEn: string;
  brand: string;
  descriptionZh: string;
  descriptionEn: string;
  categoryId: number | null;
  tags: TextArray;
  images: TextArray;
  specs: Json<SpecGroup[]>;
  /** The catalogue offering a kind `offering` sells (a pack or plan); null for every other kind. */
  offeringId: string | null;
  /** Normalised names, brand and their pinyin initials, `|`-separated (see search.ts). */
  searchText: string;
  createdBy: number;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface GoodsSkuTable {
  id: Generated<number>;
  productId: number;
  code: string;
  /** The variant's values: { 颜色: '雅川青', 存储: '256GB' }. */
  attrs: Json<Record<string, string>>;
  listFen: number;
  saleFen: number;
  /** A points gift's price in points; null for goods paid in money. */
  points: number | null;
  sort: Generated<number>;
}

export interface GoodsListingTable {
  productId: number;
  channel: string;
  listedFrom: Timestamp;
  listedUntil: Timestamp | null;
}

export type ChangeKind = 'details' | 'sku' | 'price' | 'listing';
export type ChangeStatus = 'pending' | 'approved' | 'rejected';

export interface GoodsChangeTable {
  id: Generated<number>;
  productId: number;
  kind: ChangeKind;
  payload: Json<Record<string, unknown>>;
  status: ChangeStatus;
  submittedBy: number;
  submittedAt: Timestamp;
  reviewedBy: number | null;
  reviewedAt: Timestamp | null;
  reason: string | null;
}

export type NumberStatus = 'available' | 'reserved' | 'sold' | 'bound';

export interface GoodsNumberTable {
  number: string;
  productId: number;
  tier: number;
  pattern: string | null;
  depositFen: number;
  status: NumberStatus;
  /** Who holds it (an order's reference) while reserved, sold or bound. */
  ref: string | null;
  reservedUntil: Timestamp | null;
  subscriberId: number | null;
  updatedAt: Timestamp;
}

export interface GoodsCodeTable {
  id: Generated<number>;
  skuId: number;
  code: string;
  /** available → issued (to one order's `ref`) → void (revoked: the order was refunded in full). */
  status: 'available' | 'issued' | 'void';
  ref: string | null;
  issuedAt: Timestamp | null;
  voidedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    goodsCategory: GoodsCategoryTable;
    goodsProduct: GoodsProductTable;
    goodsSku: GoodsSkuTable;
    goodsListing: GoodsListingTable;
    goodsChange: GoodsChangeTable;
    goodsNumber: GoodsNumberTable;
    goodsCode: GoodsCodeTable;
  }
}

export type ProductRow = Selectable<GoodsProductTable>;
export type SkuRow = Selectable<GoodsSkuTable>;
export type ListingRow = Selectable<GoodsListingTable>;
export type ChangeRow = Selectable<GoodsChangeTable>;
export type NumberRow = Selectable<GoodsNumberTable>;
