// The cart module's public face (docs/mall.md, "Cart and checkout"): a cart per subscriber or per
// guest token, its lines checked against the goods module, priced and stock-flagged on each read,
// and a guest's cart merged into the subscriber's on sign-in.
export { CartService, MAX_CART_LINES, type CartOwner, type CartView, type CartLineView } from './cart.service.ts';
export { cartMigrations } from './migrations/index.ts';
