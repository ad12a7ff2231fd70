// The cart module's tables: carts (a subscriber's, or a guest's known by the hash of its token) and lines.
import type { Generated } from 'kysely';
import type { Timestamp } from '../../platform/db/database.ts';

export interface CartTable {
  id: Generated<number>;
  subscriberId: number | null;
  /** sha256 of the guest's cart token: the token is the guest's key to the cart, so it is not kept. */
  guestTokenHash: string | null;
  createdAt: Generated<Date>;
  updatedAt: Timestamp;
}

export interface CartLineTable {
  cartId: number;
  skuId: number;
  productId: number;
  quantity: number;
  addedAt: Timestamp;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    cart: CartTable;
    cartLine: CartLineTable;
  }
}
