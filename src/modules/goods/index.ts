// The goods module's public face (docs/mall.md): products with SKUs, categories, listings and their
// reviewed changes, the number-card pool, the code pool, and each SKU's stock as buyers see it.
export { Goods, type SkuStock } from './goods.ts';
export {
  ProductService, MALL_CHANNELS, productInputSchema, skuInputSchema, detailsInputSchema, priceInputSchema, listingInputSchema,
  type MallChannel, type ProductInput, type ProductView, type SkuView, type ListingView, type ChangeView, type CategoryView, type ProductFilter,
} from './products.service.ts';
export { NumberPool, MOBILE_NUMBER, type NumberView } from './numbers.service.ts';
export { CodePool } from './codes.service.ts';
export { niceTier, NICE_RULES, TIER_DEPOSIT_FEN } from './nice-numbers.ts';
export { PRODUCT_KINDS, DELIVERIES, type ProductKind, type Delivery, type ChangeKind, type NumberStatus } from './tables.ts';
export { goodsMigrations } from './migrations/index.ts';
/** The demo operator's shop. */
export { seedDemoGoods, type DemoStock } from './demo.ts';
