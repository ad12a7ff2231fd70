// The console's client of the mall's staff REST API (docs/console-api.md: "Mall: goods and stock",
// "Payments", "Mall: delivery", and checkout's console orders): one method per call, its shapes
// taken from the types generated from the server's OpenAPI document. Money is integer fen both ways.
import { useMemo } from 'react';
import { query, request } from '../shared/api.ts';
import type { QueryOf, RequestOf, ResponseOf } from '../shared/types.ts';
import { useAuth } from './auth.tsx';
import { useI18n } from './i18n.tsx';

type C = '/api/v1/console';

export type Product = ResponseOf<`${C}/mall/products/{id}`, 'get', 200>;
export type Sku = Product['skus'][number];
export type ProductKind = NonNullable<QueryOf<`${C}/mall/products`, 'get'>['kind']>;
export const PRODUCT_KINDS = ['physical', 'number_card', 'recharge_card', 'virtual', 'points_gift', 'offering'] as const satisfies readonly ProductKind[];
export type Change = ResponseOf<`${C}/mall/changes`, 'get', 200>['items'][number];
export type ChangeStatus = NonNullable<QueryOf<`${C}/mall/changes`, 'get'>['status']>;
export type DetailsInput = RequestOf<`${C}/mall/products/{id}/changes/details`, 'post'>;
export type PriceInput = RequestOf<`${C}/mall/products/{id}/changes/price`, 'post'>;
export type SkuInput = RequestOf<`${C}/mall/products/{id}/changes/sku`, 'post'>;
export type ListingInput = RequestOf<`${C}/mall/products/{id}/changes/listing`, 'post'>;
export type MallChannel = ListingInput['channel'];
export const MALL_CHANNELS = ['web', 'mobile', 'kiosk', 'sms', 'ussd', 'api'] as const satisfies readonly MallChannel[];
export type Category = ResponseOf<'/api/v1/mall/categories', 'get', 200>['items'][number];
export type NumberImport = ResponseOf<`${C}/mall/products/{id}/numbers/import`, 'post', 200>;
export type Warehouse = ResponseOf<`${C}/mall/warehouses`, 'get', 200>['items'][number];
export type SkuStock = ResponseOf<`${C}/mall/skus/{id}/stock`, 'get', 200>;
export type Adjustment = RequestOf<`${C}/mall/stock/adjustments`, 'post'>;

export type Payment = ResponseOf<`${C}/payments/{id}`, 'get', 200>['payment'];
export type PaymentDetail = ResponseOf<`${C}/payments/{id}`, 'get', 200>;
export type Refund = PaymentDetail['refunds'][number];
export type PaymentQuery = QueryOf<`${C}/payments`, 'get'>;
export type PaymentState = NonNullable<PaymentQuery['state']>;
export type PaymentMethod = NonNullable<PaymentQuery['method']>;
export const PAYMENT_STATES = ['created', 'pending', 'paid', 'failed', 'closed', 'partially_refunded', 'refunded'] as const satisfies readonly PaymentState[];
/** The providers a day's reconciliation is made against (the others have no outside side). */
export const RECONCILED_METHODS = ['sandbox', 'bank', 'alipay'] as const satisfies readonly PaymentMethod[];
export type Reconciliation = ResponseOf<`${C}/payments/reconciliation`, 'get', 200>;

export type Shipment = ResponseOf<`${C}/shipments/{id}`, 'get', 200>;
export type ShipmentQuery = QueryOf<`${C}/shipments`, 'get'>;
export type ShipmentState = Shipment['state'];
export const SHIPMENT_STATES = ['to_ship', 'shipped', 'in_transit', 'delivered', 'returned', 'cancelled'] as const satisfies readonly ShipmentState[];
export type Carrier = ResponseOf<`${C}/shipments/carriers`, 'get', 200>['items'][number];
export type Return = ResponseOf<`${C}/returns`, 'get', 200>['items'][number];
export type ReturnState = NonNullable<QueryOf<`${C}/returns`, 'get'>['state']>;
export const RETURN_STATES = ['requested', 'approved', 'received', 'refunding', 'refunded', 'rejected'] as const satisfies readonly ReturnState[];
export type ReturnStep = 'approve' | 'reject' | 'received' | 'refund';

// ---- Orders (checkout's console routes, docs/mall.md): the shapes the server's document gives.

export type Order = ResponseOf<`${C}/mall/orders`, 'get', 200>['items'][number];
export type OrderLine = Order['lines'][number];
export type OrderQuery = QueryOf<`${C}/mall/orders`, 'get'>;
export type OrderState = Order['state'];
export const ORDER_STATES = ['awaiting_payment', 'awaiting_delivery', 'paid', 'shipped', 'delivered', 'completed', 'cancelled', 'expired', 'returned', 'refunded'] as const satisfies readonly OrderState[];
/** One order as the console shows it: its workflow's steps, its payment and its shipment in short. */
export type OrderDetail = ResponseOf<`${C}/mall/orders/{id}`, 'get', 200>;
/** A step of the order's checkout workflow run: its state, and the error it stopped on. */
export type OrderStep = OrderDetail['steps'][number];

export type MallClient = ReturnType<typeof createMallClient>;

export function createMallClient(o: Parameters<typeof request>[0]) {
  const call = async <T,>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> =>
    (await request<T>(o, method, path, body)).data;
  const id = (x: string | number) => encodeURIComponent(String(x));
  const c = '/console';
  return {
    // goods
    products: (q: { q?: string; kind?: ProductKind; categoryId?: number; offset: number; limit: number }) =>
      call<{ items: Product[]; total: number }>('GET', `${c}/mall/products${query(q)}`),
    product: (productId: number) => call<Product>('GET', `${c}/mall/products/${id(productId)}`),
    /** The category tree, as the mall shows it to subscribers. */
    categories: () => call<{ items: Category[] }>('GET', `/mall/categories`),
    changeDetails: (productId: number, body: DetailsInput) => call<Change>('POST', `${c}/mall/products/${id(productId)}/changes/details`, body),
    changePrice: (productId: number, body: PriceInput) => call<Change>('POST', `${c}/mall/products/${id(productId)}/changes/price`, body),
    addSku: (productId: number, body: SkuInput) => call<Change>('POST', `${c}/mall/products/${id(productId)}/changes/sku`, body),
    list: (productId: number, body: ListingInput) => call<Change>('POST', `${c}/mall/products/${id(productId)}/changes/listing`, body),
    unlist: (productId: number, channel: MallChannel, reason?: string) => call<Product>('DELETE', `${c}/mall/products/${id(productId)}/listings/${id(channel)}`, reason ? { reason } : {}),
    changes: (q: { status?: ChangeStatus; productId?: number }) => call<{ items: Change[] }>('GET', `${c}/mall/changes${query(q)}`),
    approveChange: (changeId: number) => call<Change>('POST', `${c}/mall/changes/${id(changeId)}/approve`, {}),
    rejectChange: (changeId: number, reason: string) => call<Change>('POST', `${c}/mall/changes/${id(changeId)}/reject`, { reason }),
    importNumbers: (productId: number, csv: string) => call<NumberImport>('POST', `${c}/mall/products/${id(productId)}/numbers/import`, { csv }),
    loadCodes: (skuId: number, codes: string) => call<{ added: number; skipped: number }>('POST', `${c}/mall/skus/${id(skuId)}/codes`, { codes }),

    // stock
    warehouses: () => call<{ items: Warehouse[] }>('GET', `${c}/mall/warehouses`),
    stock: (skuId: number) => call<SkuStock>('GET', `${c}/mall/skus/${id(skuId)}/stock`),
    adjust: (body: Adjustment) => call<SkuStock['warehouses'][number]>('POST', `${c}/mall/stock/adjustments`, body),

    // orders
    orders: (q: { q?: string; state?: string; offset: number; limit: number }) => call<{ items: Order[]; total: number }>('GET', `${c}/mall/orders${query(q)}`),
    order: (orderId: string) => call<OrderDetail>('GET', `${c}/mall/orders/${id(orderId)}`),

    // payments
    payments: (q: PaymentQuery) => call<{ items: Payment[] }>('GET', `${c}/payments${query({ ...q })}`),
    payment: (paymentId: string) => call<PaymentDetail>('GET', `${c}/payments/${id(paymentId)}`),
    /** No amount: all that is left. The same key again answers the first refund (a request sent twice refunds once). */
    refund: async (paymentId: string, body: { amountFen?: number; reason: string }, idempotencyKey: string) =>
      (await request<Refund>(o, 'POST', `${c}/payments/${id(paymentId)}/refunds`, body, { 'idempotency-key': idempotencyKey })).data,
    reviewRefund: (refundId: string, approve: boolean, reason?: string) => call<Refund>('POST', `${c}/payments/refunds/${id(refundId)}/review`, { approve, ...(reason ? { reason } : {}) }),
    codDelivered: (paymentId: string) => call<Payment>('POST', `${c}/payments/${id(paymentId)}/delivered`, {}),
    reconciliation: (day: string, method: PaymentMethod) => call<Reconciliation>('GET', `${c}/payments/reconciliation${query({ day, method })}`),

    // delivery
    shipments: (q: ShipmentQuery) => call<{ items: Shipment[] }>('GET', `${c}/shipments${query({ ...q })}`),
    shipment: (shipmentId: number) => call<Shipment>('GET', `${c}/shipments/${id(shipmentId)}`),
    carriers: () => call<{ items: Carrier[] }>('GET', `${c}/shipments/carriers`),
    ship: (shipmentId: number, body: { carrier?: string; trackingNo?: string }) => call<Shipment>('POST', `${c}/shipments/${id(shipmentId)}/ship`, body),
    returns: (state?: ReturnState) => call<{ items: Return[] }>('GET', `${c}/returns${query({ state })}`),
    returnStep: (returnId: number, step: ReturnStep, reason?: string) =>
      call<Return>('POST', `${c}/returns/${id(returnId)}/${step}`, step === 'reject' ? { reason } : undefined),
  };
}

/** The mall client for the signed-in user, in the console's language. */
export function useMall(): MallClient {
  const { session, end } = useAuth();
  const { lang } = useI18n();
  const token = session?.token ?? null;
  return useMemo(() => createMallClient({ lang, token, onUnauthorized: () => end('expired') }), [lang, token, end]);
}
