// The hall's client of the mall's REST API (docs/mall.md): products and categories (public), the
// cart (a guest's by the X-Cart-Token kept in localStorage, merged into the subscriber's cart on the
// first cart call after sign-in), the quote, orders and paying them, shipments and returns, the
// activity zone's flash sales (秒杀), coupons to claim and the subscriber's coupon wallet (优惠券),
// and a product's reviews (评价).
import { useMemo } from 'react';
import { ApiError, query, request, type Method } from '../shared/api.ts';
import type { components } from '../shared/api-types.ts';
import type { L10n, RequestOf, ResponseOf } from '../shared/types.ts';
import { useMediaQuery } from './hooks.ts';
import { useI18n } from './i18n.tsx';
import { useSession } from './session.tsx';

export type Product = ResponseOf<'/api/v1/mall/products/{id}', 'get', 200>;
export type Sku = Product['skus'][number];
export type ProductKind = Product['kind'];
export type ProductPage = ResponseOf<'/api/v1/mall/products', 'get', 200>;
export type Category = components['schemas']['MallCategory'];
export type PoolNumber = ResponseOf<'/api/v1/mall/number-cards/{productId}/numbers', 'get', 200>['items'][number];
export type Cart = ResponseOf<'/api/v1/mall/cart', 'get', 200>;
export type CartLine = Cart['lines'][number];
export type Address = NonNullable<RequestOf<'/api/v1/mall/checkout/quote', 'post'>['address']>;
export type Shipment = ResponseOf<'/api/v1/mall/shipments/{id}', 'get', 200>;
export type PaymentMethod = ResponseOf<'/api/v1/payments/methods', 'get', 200>['methods'][number];

/** The quote of the signed-in subscriber's cart (`POST /mall/checkout/quote`): goods, delivery, discount, points and total. */
export type CheckoutQuote = ResponseOf<'/api/v1/mall/checkout/quote', 'post', 200>;
/** An order (docs/mall.md, "Checkout"), with its lines, what was paid and its workflow's state. */
export type Order = components['schemas']['MallOrder'];
export type OrderLine = Order['lines'][number];
export type OrderNext = { kind: 'redirect'; url: string } | { kind: 'paid' } | { kind: 'pending' };
/** What paying an order that awaits payment takes: a method, points for part, and `confirm` once the quote is seen. */
export type PayOrder = RequestOf<'/api/v1/mall/orders/{id}/payment', 'post'>;

/** A flash sale (秒杀) as the public sees it: the flash price beside the list price, its window and what is left. */
export type FlashSale = ResponseOf<'/api/v1/mall/flash-sales', 'get', 200>['items'][number];
/**
 * The live and upcoming sales, and how far the server's clock is ahead of this device's (ms): a
 * countdown is the server's time, so a device set wrong shows the same count as every other.
 */
export interface FlashSales { items: FlashSale[]; offsetMs: number }

/** The activity zone's promotions: automatic ones, and coupon templates to claim (`coupons`). */
export type Promotions = ResponseOf<'/api/v1/mall/promotions', 'get', 200>;
export type CouponTemplate = Promotions['coupons'][number];
/** The signed-in subscriber's coupons: usable (soonest to expire first), used, expired. */
export type CouponWallet = ResponseOf<'/api/v1/mall/coupons', 'get', 200>;
export type Coupon = CouponWallet['usable'][number];

/** A product's published reviews with the average and the counts per star. */
export type ReviewList = ResponseOf<'/api/v1/mall/products/{id}/reviews', 'get', 200>;
export type Review = ReviewList['items'][number];
export type MyReview = ResponseOf<'/api/v1/mall/reviews/mine', 'get', 200>['items'][number];
export type ReviewInput = RequestOf<'/api/v1/mall/products/{id}/reviews', 'post'>;

export interface ProductFilter {
  q?: string; category?: number; brand?: string; kind?: ProductKind; minFen?: number; maxFen?: number; offset?: number; limit?: number;
}

export interface PlaceOrder {
  address?: Address; numbers?: Record<string, string>; couponCode?: string; points?: number;
  method: string; expectedTotalFen: number; confirm: true;
}

const CART_TOKEN_KEY = 'omnihall.cartToken';
const NUMBERS_KEY = 'omnihall.mall.numbers';

function readStore(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function writeStore(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Private mode: the guest cart lasts for this page only.
  }
}

/** The numbers chosen for number-card SKUs, kept on this device until the order takes them. */
export function chosenNumbers(): Record<string, string> {
  try {
    const v: unknown = JSON.parse(readStore(NUMBERS_KEY) ?? '{}');
    if (typeof v !== 'object' || v === null) return {};
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string' && /^1\d{10}$/.test(e[1])));
  } catch {
    return {};
  }
}
export function chooseNumber(skuId: number, number: string | null): void {
  const all = chosenNumbers();
  if (number) all[String(skuId)] = number;
  else delete all[String(skuId)];
  writeStore(NUMBERS_KEY, JSON.stringify(all));
}

// One merge per guest token: pages mounting at once after sign-in share it.
let merging: Promise<void> | null = null;

export interface MallClient {
  signedIn: boolean;
  products(f: ProductFilter): Promise<ProductPage>;
  product(id: number): Promise<Product>;
  categories(): Promise<Category[]>;
  numbers(productId: number, f: { pattern?: string; tier?: number; offset?: number; limit?: number }): Promise<{ items: PoolNumber[]; total: number }>;
  cart(): Promise<Cart>;
  setLine(productId: number, skuId: number, quantity: number): Promise<Cart>;
  removeLine(skuId: number): Promise<Cart>;
  quote(body: { address?: Address; couponCode?: string; points?: number }): Promise<CheckoutQuote>;
  placeOrder(body: PlaceOrder, idempotencyKey: string): Promise<{ order: Order; next: OrderNext }>;
  orders(page: { offset?: number; limit?: number }): Promise<{ items: Order[]; total: number }>;
  order(id: number): Promise<Order>;
  cancelOrder(id: number): Promise<Order>;
  shipment(id: number): Promise<Shipment>;
  requestReturn(shipmentId: number, reason: string, idempotencyKey: string): Promise<Shipment['returns'][number]>;
  paymentMethods(): Promise<PaymentMethod[]>;
  payOrder(id: number, body: PayOrder, idempotencyKey: string): Promise<{ order: Order; next: OrderNext }>;
  flashSales(): Promise<FlashSales>;
  buyFlashSale(id: number, address: Address, idempotencyKey: string): Promise<{ order: Order }>;
  reviews(productId: number, page: { offset?: number; limit?: number }): Promise<ReviewList>;
  writeReview(productId: number, body: ReviewInput, idempotencyKey: string): Promise<MyReview>;
  helpful(reviewId: number): Promise<{ helpfulCount: number }>;
  myReviews(): Promise<{ items: MyReview[]; total: number }>;
  promotions(): Promise<Promotions>;
  coupons(): Promise<CouponWallet>;
  claimCoupon(templateId: number, idempotencyKey: string): Promise<Coupon>;
}

/** The mall's client for this hall: the signed-in subscriber's token, the language and the channel. */
export function useMall(): MallClient {
  const { lang } = useI18n();
  const { session, end } = useSession();
  const phone = useMediaQuery('(max-width: 640px)');
  const token = session?.token ?? null;
  return useMemo(() => {
    const channel = phone ? 'mobile' : 'web';
    const o = { lang, token, onUnauthorized: () => end('expired') };
    const call = async <T,>(method: Method, path: string, body?: unknown, extra: Record<string, string> = {}) =>
      request<T>(o, method, path, body, { 'x-omnihall-channel': channel, ...extra });

    /** A guest's cart is named by its token; a subscriber's by the bearer token (a guest's is merged first). */
    const cartCall = async (method: Method, path: string, body?: unknown): Promise<Cart> => {
      const guest = readStore(CART_TOKEN_KEY);
      if (token && guest) {
        merging ??= call<Cart>('POST', '/mall/cart/merge', {}, { 'x-cart-token': guest }).then(
          () => writeStore(CART_TOKEN_KEY, null),
          (e: unknown) => {
            // A token the server no longer knows is an empty guest cart: nothing to merge.
            if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 401) writeStore(CART_TOKEN_KEY, null);
            else throw e;
          },
        ).finally(() => { merging = null; });
        await merging;
      }
      const extra: Record<string, string> = !token && guest ? { 'x-cart-token': guest } : {};
      const r = await call<Cart>(method, path, body, extra);
      if (!token && r.data.guestToken && r.data.guestToken !== guest) writeStore(CART_TOKEN_KEY, r.data.guestToken);
      return r.data;
    };
    const data = async <T,>(method: Method, path: string, body?: unknown, extra?: Record<string, string>) => (await call<T>(method, path, body, extra)).data;

    return {
      signedIn: token !== null,
      products: (f) => data('GET', `/mall/products${query({ ...f, channel })}`),
      product: (id) => data('GET', `/mall/products/${id}${query({ channel })}`),
      categories: async () => (await data<{ items: Category[] }>('GET', '/mall/categories')).items,
      numbers: (productId, f) => data('GET', `/mall/number-cards/${productId}/numbers${query({ ...f, channel })}`),
      cart: () => cartCall('GET', '/mall/cart'),
      setLine: (productId, skuId, quantity) => cartCall('PUT', '/mall/cart/lines', { productId, skuId, quantity }),
      removeLine: (skuId) => cartCall('DELETE', `/mall/cart/lines/${skuId}`),
      quote: (body) => data('POST', '/mall/checkout/quote', body),
      placeOrder: (body, key) => data('POST', '/mall/orders', body, { 'idempotency-key': key }),
      orders: (page) => data('GET', `/mall/orders${query(page)}`),
      order: (id) => data('GET', `/mall/orders/${id}`),
      cancelOrder: (id) => data('POST', `/mall/orders/${id}/cancel`, {}),
      shipment: (id) => data('GET', `/mall/shipments/${id}`),
      requestReturn: (shipmentId, reason, key) => data('POST', `/mall/shipments/${shipmentId}/returns`, { reason }, { 'idempotency-key': key }),
      paymentMethods: async () => (await data<{ methods: PaymentMethod[] }>('GET', '/payments/methods')).methods,
      payOrder: (id, body, key) => data('POST', `/mall/orders/${id}/payment`, body, { 'idempotency-key': key }),
      flashSales: async () => {
        // The server's clock against this device's, taken at the middle of the round trip.
        const sent = Date.now();
        const r = await data<{ items: FlashSale[]; serverTime: string }>('GET', '/mall/flash-sales');
        const server = Date.parse(r.serverTime);
        return { items: r.items, offsetMs: Number.isFinite(server) ? server - (sent + Date.now()) / 2 : 0 };
      },
      buyFlashSale: (id, address, key) => data('POST', `/mall/flash-sales/${id}/orders`, { address }, { 'idempotency-key': key }),
      reviews: (productId, page) => data('GET', `/mall/products/${productId}/reviews${query({ sort: 'newest', ...page })}`),
      writeReview: (productId, body, key) => data('POST', `/mall/products/${productId}/reviews`, body, { 'idempotency-key': key }),
      helpful: (reviewId) => data('POST', `/mall/reviews/${reviewId}/helpful`, {}),
      myReviews: () => data('GET', `/mall/reviews/mine${query({ limit: 50 })}`),
      promotions: () => data('GET', '/mall/promotions'),
      coupons: () => data('GET', '/mall/coupons'),
      claimCoupon: async (templateId, key) => (await data<{ coupon: Coupon }>('POST', '/mall/coupons', { templateId }, { 'idempotency-key': key })).coupon,
    };
  }, [lang, token, phone, end]);
}

// ---- what the pages say about stock and prices ----------------------------------------------

/** A SKU's stock as a buyer reads it: in stock (not counted, or plenty), only n left, or sold out. */
export type StockWord = { kind: 'in' } | { kind: 'few'; n: number } | { kind: 'out' };
export const FEW_LEFT = 10;

export function stockWord(stock: { saleable: number | null; inStock: boolean }): StockWord {
  if (!stock.inStock || stock.saleable === 0) return { kind: 'out' };
  if (stock.saleable !== null && stock.saleable <= FEW_LEFT) return { kind: 'few', n: stock.saleable };
  return { kind: 'in' };
}

/** Whether every SKU of a product is sold out. */
export function soldOut(p: { skus: { stock: { saleable: number | null; inStock: boolean } }[] }): boolean {
  return p.skus.length > 0 && p.skus.every((s) => stockWord(s.stock).kind === 'out');
}

/** The attribute names of a product's SKUs in the order they first appear (颜色, 存储). */
export function attrNames(skus: readonly { attrs: Record<string, string> }[]): string[] {
  const out: string[] = [];
  for (const s of skus) for (const k of Object.keys(s.attrs)) if (!out.includes(k)) out.push(k);
  return out;
}

/** The values of one attribute in the order they first appear. */
export function attrValues(skus: readonly { attrs: Record<string, string> }[], name: string): string[] {
  const out: string[] = [];
  for (const s of skus) {
    const v = s.attrs[name];
    if (v !== undefined && !out.includes(v)) out.push(v);
  }
  return out;
}

/** The SKU whose attributes are exactly the chosen ones, if any. */
export function skuOf<S extends { attrs: Record<string, string> }>(skus: readonly S[], chosen: Record<string, string>): S | undefined {
  return skus.find((s) => Object.entries(s.attrs).every(([k, v]) => chosen[k] === v));
}

/** Does a line need an address: shipped goods, and a number card's SIM. */
export function shipped(delivery: string): boolean {
  return delivery === 'ship' || delivery === 'number';
}

// ---- the delivery address, kept on this device for the next order ----------------------------

const ADDRESS_KEY = 'omnihall.mall.address';
export const EMPTY_ADDRESS: Address = { name: '', phone: '', province: '', city: '', district: '', detail: '' };
export const ADDRESS_FIELDS = ['name', 'phone', 'province', 'city', 'district', 'detail'] as const;

/** The address last ordered to on this device (every field a string, empty when none). */
export function savedAddress(): Address {
  try {
    const v: unknown = JSON.parse(readStore(ADDRESS_KEY) ?? 'null');
    if (typeof v !== 'object' || v === null) return EMPTY_ADDRESS;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(ADDRESS_FIELDS.map((k) => [k, typeof o[k] === 'string' ? o[k] : ''])) as unknown as Address;
  } catch {
    return EMPTY_ADDRESS;
  }
}
export function saveAddress(a: Address): void {
  writeStore(ADDRESS_KEY, JSON.stringify(a));
}

/** The address trimmed, or the message key of what is wrong with it. */
export function checkAddress(address: Address): { address: Address } | { problem: 'mall.addressIncomplete' | 'mall.addressPhoneBad' } {
  const a = Object.fromEntries(ADDRESS_FIELDS.map((k) => [k, address[k].trim()])) as unknown as Address;
  if (ADDRESS_FIELDS.some((k) => !a[k])) return { problem: 'mall.addressIncomplete' };
  if (!/^1\d{10}$/.test(a.phone)) return { problem: 'mall.addressPhoneBad' };
  return { address: a };
}

/** How many points are worth a yuan (the payment module's PAYMENT_POINTS_PER_YUAN default). */
export const POINTS_PER_YUAN = 100;
