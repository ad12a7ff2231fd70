// The checkout module's public face (docs/mall.md, "Cart and checkout"): the delivery area and fee
// rules and the quote of a subscriber's cart. Orders, coupons and points are next.
export { QuoteService, type Quote } from './quote.service.ts';
export { checkArea, deliveryFee, DELIVERED_PROVINCES, FREE_DELIVERY_FROM_FEN, DELIVERY_FEE_FEN, type Address } from './delivery-area.ts';
