// The catalogue's TMF620 resources beside offerings and prices: product specifications,
// categories (six of them are omnihall's offering kinds), catalogs, and which offering belongs
// to which category and specification.
import type { Selectable } from 'kysely';
import type { Json, Timestamp } from '../../platform/db/database.ts';
import type { LifecycleStatus, OfferingKind } from './tables.ts';

/** One characteristic of a specification as TMF620 describes it (kept as sent, validated at the edge). */
export interface SpecCharacteristic {
  name: string;
  description?: string;
  valueType?: string;
  configurable?: boolean;
  minCardinality?: number;
  maxCardinality?: number;
  productSpecCharacteristicValue?: { value: string | number | boolean; valueType?: string; unitOfMeasure?: string; isDefault?: boolean }[];
}

/** What an offering is an offer of (TMF620 ProductSpecification); an offering refers to at most one. */
export interface ProductSpecificationTable {
  id: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  brand: string | null;
  productNumber: string | null;
  version: string;
  lifecycleStatus: LifecycleStatus;
  characteristics: Json<SpecCharacteristic[]>;
  createdAt: Timestamp;
  lastUpdate: Timestamp;
}

/** A TMF620 category. Those with a `kind` are omnihall's offering kinds: an offering's kind is its category. */
export interface CategoryTable {
  id: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  parentId: string | null;
  kind: OfferingKind | null;
  version: string;
  lifecycleStatus: LifecycleStatus;
  createdAt: Timestamp;
  lastUpdate: Timestamp;
}

export interface CatalogTable {
  id: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  catalogType: string;
  version: string;
  lifecycleStatus: LifecycleStatus;
  createdAt: Timestamp;
  lastUpdate: Timestamp;
}

export interface CatalogCategoryTable {
  catalogId: string;
  categoryId: string;
}

/** Categories an offering is in besides the one its kind stands for. */
export interface OfferingCategoryTable {
  offeringId: string;
  categoryId: string;
}

export interface OfferingSpecificationTable {
  offeringId: string;
  specificationId: string;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    productSpecification: ProductSpecificationTable;
    category: CategoryTable;
    catalog: CatalogTable;
    catalogCategory: CatalogCategoryTable;
    offeringCategory: OfferingCategoryTable;
    offeringSpecification: OfferingSpecificationTable;
  }
}

export type ProductSpecification = Selectable<ProductSpecificationTable>;
export type Category = Selectable<CategoryTable>;
export type Catalog = Selectable<CatalogTable>;
