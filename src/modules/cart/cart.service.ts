// Carts: a subscriber's (one each) or a guest's (known by a token the browser keeps), with lines of
// a SKU and a quantity. A line is checked against the goods module when it is put (the SKU is the
// product's, on sale, the quantity 1–99); price and stock are never stored: each read takes the
// sale price now and the stock now, so the cart shows what checkout will charge.
import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { CartLineTable } from './tables.ts';
import type { Clock, Random } from '../../platform/ports.ts';
import type { L10n } from '../../platform/i18n.ts';
import { AppError } from '../../platform/errors.ts';
import type { Delivery, Goods, ProductKind, ProductView } from '../goods/index.ts';
import { checkQuantity, MAX_LINE_QUANTITY } from '../inventory/index.ts';

/** Lines a cart may hold: a shop's basket, not a warehouse order. */
export const MAX_CART_LINES = 50;

/** Whose cart: a signed-in subscriber's, or a guest's by its token (none yet: made on the first put). */
export type CartOwner = { subscriberId: number } | { guestToken: string | null };

export interface CartLineView {
  productId: number;
  skuId: number;
  quantity: number;
  names: L10n;
  attrs: Record<string, string>;
  kind: ProductKind;
  delivery: Delivery;
  /** The product's category (what promotions are decided on); null when it has none. */
  categoryId: number | null;
  image: string | null;
  listFen: number;
  saleFen: number;
  points: number | null;
  lineFen: number;
  stock: { saleable: number | null; inStock: boolean };
  /** null when it can be bought as it is; else why not: PRODUCT_NOT_FOUND (no longer on sale) or OUT_OF_STOCK (fewer left than the quantity). */
  problem: 'PRODUCT_NOT_FOUND' | 'OUT_OF_STOCK' | null;
}

export interface CartView {
  /** A guest's cart token (only for a guest): the browser sends it back in X-Cart-Token. */
  guestToken: string | null;
  lines: CartLineView[];
  /** Items over the lines. */
  count: number;
  /** The lines that can be bought, at today's sale prices. */
  totalFen: number;
}

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');

export class CartService {
  constructor(private readonly deps: { db: Db; clock: Clock; random: Random; goods: Goods }) {}

  /** The cart, priced now; an unknown or missing guest token is an empty cart. */
  async get(owner: CartOwner): Promise<CartView> {
    if ('subscriberId' in owner) {
      // A subscriber's lines in one read, through their cart.
      const rows = await this.deps.db.selectFrom('cartLine as l').innerJoin('cart as c', 'c.id', 'l.cartId').selectAll('l')
        .where('c.subscriberId', '=', owner.subscriberId).orderBy('l.addedAt').orderBy('l.skuId').execute();
      return this.priced(rows, null);
    }
    const cart = await this.find(this.deps.db, owner);
    return this.view(cart?.id ?? null, owner.guestToken);
  }

  /**
   * Sets a line's quantity (adds the line when new). INVALID_QUANTITY, SKU_NOT_FOUND,
   * SKU_NOT_OF_PRODUCT, PRODUCT_NOT_FOUND (not on sale), CART_FULL; nothing changes on any of them.
   * A guest without a cart gets one, and its new token in the answer.
   */
  async put(owner: CartOwner, line: { productId: number; skuId: number; quantity: unknown }): Promise<CartView> {
    const quantity = checkQuantity(line.quantity);
    await this.deps.goods.products.sku(line.productId, line.skuId, { channel: undefined }).then(({ product }) => {
      if (!this.deps.goods.products.listedNow(product)) throw new AppError('PRODUCT_NOT_FOUND');
    });
    let token = 'guestToken' in owner ? owner.guestToken : null;
    const at = this.deps.clock.now();
    const cartId = await this.deps.db.transaction().execute(async (tx) => {
      let cart = await this.find(tx, owner, true);
      if (!cart) {
        if ('guestToken' in owner) token = this.deps.random.token(24);
        cart = await tx.insertInto('cart').values({
          subscriberId: 'subscriberId' in owner ? owner.subscriberId : null,
          guestTokenHash: 'subscriberId' in owner ? null : hash(token!), updatedAt: at,
        }).onConflict((oc) => oc.column('subscriberId').doUpdateSet({ updatedAt: at })).returning('id').executeTakeFirstOrThrow();
      }
      const lines = await tx.selectFrom('cartLine').select('skuId').where('cartId', '=', cart.id).execute();
      if (!lines.some((l) => l.skuId === line.skuId) && lines.length >= MAX_CART_LINES) throw new AppError('CART_FULL');
      await tx.insertInto('cartLine').values({ cartId: cart.id, skuId: line.skuId, productId: line.productId, quantity, addedAt: at })
        .onConflict((oc) => oc.columns(['cartId', 'skuId']).doUpdateSet({ quantity, productId: line.productId })).execute();
      await tx.updateTable('cart').set({ updatedAt: at }).where('id', '=', cart.id).execute();
      return cart.id;
    });
    return this.view(cartId, token);
  }

  /** Takes a SKU's line out (none there: nothing to do). */
  async remove(owner: CartOwner, skuId: number): Promise<CartView> {
    const cart = await this.find(this.deps.db, owner);
    if (cart) await this.deps.db.deleteFrom('cartLine').where('cartId', '=', cart.id).where('skuId', '=', skuId).execute();
    return this.view(cart?.id ?? null, 'guestToken' in owner ? owner.guestToken : null);
  }

  /** Empties the cart (checkout does this for the lines it ordered). */
  async clear(owner: CartOwner, skuIds?: readonly number[], q: Db = this.deps.db): Promise<void> {
    let del;
    if ('subscriberId' in owner) {
      del = q.deleteFrom('cartLine').where('cartId', 'in', (eb) => eb.selectFrom('cart').select('id').where('subscriberId', '=', owner.subscriberId));
    } else {
      const cart = await this.find(q, owner);
      if (!cart) return;
      del = q.deleteFrom('cartLine').where('cartId', '=', cart.id);
    }
    if (skuIds) del = del.where('skuId', 'in', skuIds.length ? [...skuIds] : [-1]);
    await del.execute();
  }

  /**
   * On sign-in: the guest's lines join the subscriber's cart, quantities of the same SKU added
   * (at most 99), and the guest cart is gone, so merging twice adds once. Lines beyond
   * MAX_CART_LINES stay out (the subscriber's own come first).
   */
  async merge(subscriberId: number, guestToken: string): Promise<CartView> {
    const at = this.deps.clock.now();
    const cartId = await this.deps.db.transaction().execute(async (tx) => {
      const guest = await tx.selectFrom('cart').select('id').where('guestTokenHash', '=', hash(guestToken)).forUpdate().executeTakeFirst();
      const mine = await tx.insertInto('cart').values({ subscriberId, guestTokenHash: null, updatedAt: at })
        .onConflict((oc) => oc.column('subscriberId').doUpdateSet({ updatedAt: at })).returning('id').executeTakeFirstOrThrow();
      if (!guest) return mine.id;
      const [theirs, own] = await Promise.all([
        tx.selectFrom('cartLine').selectAll().where('cartId', '=', guest.id).orderBy('addedAt').execute(),
        tx.selectFrom('cartLine').selectAll().where('cartId', '=', mine.id).execute(),
      ]);
      const ownBySku = new Map(own.map((l) => [l.skuId, l]));
      let room = MAX_CART_LINES - own.length;
      for (const l of theirs) {
        const have = ownBySku.get(l.skuId);
        if (have) {
          await tx.updateTable('cartLine').set({ quantity: Math.min(MAX_LINE_QUANTITY, have.quantity + l.quantity) })
            .where('cartId', '=', mine.id).where('skuId', '=', l.skuId).execute();
        } else if (room > 0) {
          room--;
          await tx.insertInto('cartLine').values({ cartId: mine.id, skuId: l.skuId, productId: l.productId, quantity: l.quantity, addedAt: l.addedAt }).execute();
        }
      }
      await tx.deleteFrom('cart').where('id', '=', guest.id).execute();
      return mine.id;
    });
    return this.view(cartId, null);
  }

  private async find(q: Db, owner: CartOwner, lock = false): Promise<{ id: number } | undefined> {
    if ('guestToken' in owner && !owner.guestToken) return undefined;
    let sel = q.selectFrom('cart').select('id');
    sel = 'subscriberId' in owner ? sel.where('subscriberId', '=', owner.subscriberId) : sel.where('guestTokenHash', '=', hash(owner.guestToken!));
    return (lock ? sel.forUpdate() : sel).executeTakeFirst();
  }

  private async view(cartId: number | null, guestToken: string | null): Promise<CartView> {
    const rows = cartId === null ? [] : await this.deps.db.selectFrom('cartLine').selectAll().where('cartId', '=', cartId).orderBy('addedAt').orderBy('skuId').execute();
    return this.priced(rows, guestToken);
  }

  /** A cart's lines priced now, with their stock and what stops each from being bought. */
  private async priced(rows: readonly Selectable<CartLineTable>[], guestToken: string | null): Promise<CartView> {
    const g = this.deps.goods;
    // Read together; one gone or not on sale now is a line's PRODUCT_NOT_FOUND.
    const found = await g.products.many(rows.map((r) => r.productId));
    const products = new Map<number, ProductView | null>([...found].map(([id, p]) => [id, g.products.listedNow(p) ? p : null]));
    const onSale = [...products.values()].filter((p): p is ProductView => p !== null);
    const stock = await g.stock(onSale);
    const lines: CartLineView[] = [];
    for (const r of rows) {
      const p = products.get(r.productId) ?? null;
      const sku = p?.skus.find((s) => s.id === r.skuId);
      if (!p || !sku) {
        lines.push({
          productId: r.productId, skuId: r.skuId, quantity: r.quantity, names: p?.names ?? { 'zh-CN': '已下架商品', en: 'No longer on sale' }, attrs: {},
          kind: p?.kind ?? 'physical', delivery: p?.delivery ?? 'ship', categoryId: p?.categoryId ?? null, image: null, listFen: 0, saleFen: 0, points: null, lineFen: 0,
          stock: { saleable: 0, inStock: false }, problem: 'PRODUCT_NOT_FOUND',
        });
        continue;
      }
      const st = stock.get(sku.id)!;
      lines.push({
        productId: p.id, skuId: sku.id, quantity: r.quantity, names: p.names, attrs: sku.attrs, kind: p.kind, delivery: p.delivery, categoryId: p.categoryId,
        image: p.images[0] ?? null, listFen: sku.listFen, saleFen: sku.saleFen, points: sku.points, lineFen: sku.saleFen * r.quantity,
        stock: st, problem: st.saleable !== null && st.saleable < r.quantity ? 'OUT_OF_STOCK' : null,
      });
    }
    return {
      guestToken,
      lines,
      count: lines.reduce((n, l) => n + l.quantity, 0),
      totalFen: lines.filter((l) => !l.problem).reduce((n, l) => n + l.lineFen, 0),
    };
  }
}
