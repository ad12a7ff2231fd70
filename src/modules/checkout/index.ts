// The checkout module's public face (docs/mall.md, "Checkout"): the delivery area and fee rules,
// the quote of a subscriber's cart, and orders (placed from the cart or by a seller of held
// stock, paid, cancelled, read). The workflow that moves an order is src/workflows/checkout.ts.
export { Checkout } from './checkout.ts';
export {
  OrderService, OrderSources, CHECKOUT_WORKFLOW, ORDER_REF, PAY_WITHIN_MS, REFUNDABLE_STATES, orderRef, orderIdOf,
  type OrderView, type OrderLineView, type OrderFacts, type OrderSourceHandler, type PlaceInput, type HeldInput, type OrderQuote, type PlacedOrder, type OrderServiceDeps,
} from './orders.service.ts';
export { QuoteService, type Quote, type PromotionPort, type PromotionInput, type PromotionOutcome } from './quote.service.ts';
export { checkArea, deliveryFee, DELIVERED_PROVINCES, FREE_DELIVERY_FROM_FEN, DELIVERY_FEE_FEN, type Address } from './delivery-area.ts';
export { ORDER_STATES, type OrderState, type MallOrder, type MallOrderLine } from './tables.ts';
export { checkoutMigrations } from './migrations/index.ts';
/** The demo operator's past orders. */
export { seedDemoOrders, type DemoOrderServices } from './demo.ts';
