// TMF622 Product Ordering Management v4: a productOrder is a customer's confirmed request to add
// or remove offerings; each item runs one business through the invoker, like every channel does.
// The mall's orders are read here too (`mall-<id>`, `category=mall`: see mall-ordering.ts).
import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { quoteTerms, type Principal } from '../../businesses/registry.ts';
import type { OrderRow, ProductOrderItemRow } from '../../modules/ordering/index.ts';
import { AppError, ERRORS, isAppError, type ErrorCode } from '../../platform/errors.ts';
import { l10n, type Lang } from '../../platform/i18n.ts';
import type { Services } from '../../container.ts';
import { requirePrincipal } from '../api/auth.ts';
import { requestLang } from '../api/problem.ts';
import {
  anyOf, fieldsQuery, href, invalid, listQuery, page, project, refInput, refOutput, requireViewer, sendPage, tmfErrorSchema, yuanInput,
} from './common.ts';
import { customerHref, customerIdOf } from './customer.ts';
import { offeringHref } from './product-catalog.ts';
import { MALL_CATEGORY, mallOrderIdOf, mallOrders, toMallProductOrder } from './mall-ordering.ts';

const ORDER_PATH = 'productOrderingManagement/v4/productOrder';
const ORDER_STATES = ['acknowledged', 'rejected', 'inProgress', 'completed', 'cancelled', 'failed', 'partial'] as const;
/** TMF622 v4's OrderItemActionType: omnihall fulfils add and delete, and rejects the others. */
const ITEM_ACTIONS = ['add', 'modify', 'delete', 'noChange'] as const;

// ---- the resource as clients see it -----------------------------------------------------------

const errorMessageSchema = z.object({
  '@type': z.literal('ProductOrderErrorMessage'),
  code: z.string(),
  reason: z.string(),
  message: z.string(),
  status: z.string(),
  productOrderItem: z.array(z.object({ itemId: z.string() })),
});

/** TMF620/622 Price in yuan. */
const priceSchema = z.object({ '@type': z.literal('Price'), taxIncludedAmount: z.object({ unit: z.literal('CNY'), value: z.number() }) });
/** TMF622 OrderPrice with its Price in yuan (a mall order's total, a line's unit and line price). */
const orderPriceSchema = z.object({
  '@type': z.literal('OrderPrice'),
  name: z.string(),
  priceType: z.literal('oneTime'),
  price: priceSchema,
});

const orderItemSchema = z.object({
  id: z.string(),
  action: z.enum(ITEM_ACTIONS),
  quantity: z.number(),
  state: z.enum(['acknowledged', 'inProgress', 'completed', 'cancelled', 'failed', 'rejected']),
  productOffering: refOutput.optional(),
  /** A mall order line's goods: its name, product and SKU ids and the SKU's attributes. */
  product: z.object({
    '@type': z.literal('Product'),
    name: z.string(),
    productCharacteristic: z.array(z.object({ name: z.string(), valueType: z.string(), value: z.string() })),
  }).optional(),
  itemPrice: z.array(orderPriceSchema).optional(),
  itemTotalPrice: z.array(orderPriceSchema).optional(),
  '@type': z.literal('ProductOrderItem'),
  /** Why a failed item failed: omnihall's stable error code. */
  omnihall: z.object({ errorCode: z.string() }).optional(),
});

export const productOrderSchema = z.object({
  id: z.string(),
  href: z.string(),
  externalId: z.string().optional(),
  /** `mall` for the mall's orders; none for the catalogue's. */
  category: z.string().optional(),
  description: z.string().optional(),
  state: z.enum(ORDER_STATES),
  orderDate: z.string(),
  completionDate: z.string().optional(),
  lastUpdate: z.string(),
  /** TMF622 v4 RelatedChannel: the channel the order was captured on. */
  channel: z.array(z.object({ role: z.string(), channel: refOutput, '@type': z.literal('RelatedChannel') })),
  relatedParty: z.array(refOutput),
  /** Why a rejected order was not carried out, one note per reason. */
  note: z.array(z.object({ id: z.string(), author: z.string(), date: z.string(), text: z.string(), '@type': z.literal('Note') })).optional(),
  productOrderItem: z.array(orderItemSchema),
  /** TMF622 v5's per-order error list, used here already so failed items carry a readable reason. */
  errorMessage: z.array(errorMessageSchema).optional(),
  orderTotalPrice: z.array(orderPriceSchema).optional(),
  /** A mall order's own number (MO…) and state, and what of its money part was refunded (none: absent). */
  omnihall: z.object({ orderNo: z.string(), state: z.string(), refundedPrice: priceSchema.optional() }).optional(),
  '@type': z.literal('ProductOrder'),
});
type ProductOrder = z.infer<typeof productOrderSchema>;

function errorText(code: string, lang: Lang): { code: string; reason: string; message: string; status: string } {
  const known = (ERRORS as Record<string, readonly [number, string, string]>)[code];
  if (!known) return { code, reason: code, message: code, status: '500' };
  return { code, reason: known[2], message: lang === 'en' ? known[2] : known[1], status: String(known[0]) };
}

function toProductOrder(o: OrderRow, names: Map<string, { nameZh: string }>, lang: Lang): ProductOrder {
  const failed = o.items.filter((i) => i.state === 'failed' && i.errorCode);
  const reasons = o.items.filter((i) => i.reason).map((i) => i.reason![lang]);
  const byCode = new Map<string, string[]>();
  for (const i of failed) byCode.set(i.errorCode!, [...(byCode.get(i.errorCode!) ?? []), i.id]);
  return {
    id: o.id,
    href: href(ORDER_PATH, o.id),
    ...(o.externalId ? { externalId: o.externalId } : {}),
    ...(o.description ? { description: o.description } : {}),
    state: o.state,
    orderDate: o.orderDate.toISOString(),
    ...(o.completionDate ? { completionDate: o.completionDate.toISOString() } : {}),
    lastUpdate: o.lastUpdate.toISOString(),
    channel: [{ role: 'orderCapture', channel: { id: o.channel, name: 'TM Forum Open API', '@referredType': 'SalesChannel' }, '@type': 'RelatedChannel' }],
    relatedParty: [{ id: String(o.subscriberId), href: customerHref(String(o.subscriberId)), role: 'Customer', '@referredType': 'Customer' }],
    productOrderItem: o.items.map((i) => ({
      id: i.id,
      action: i.action,
      quantity: 1,
      state: i.state,
      ...(i.offeringId ? {
        productOffering: {
          id: i.offeringId, href: offeringHref(i.offeringId), '@referredType': 'ProductOffering',
          ...(names.get(i.offeringId) ? { name: names.get(i.offeringId)!.nameZh } : {}),
        },
      } : {}),
      '@type': 'ProductOrderItem' as const,
      ...(i.errorCode ? { omnihall: { errorCode: i.errorCode } } : {}),
    })),
    ...(reasons.length > 0 ? {
      note: reasons.map((text, n) => ({ id: String(n + 1), author: 'omnihall', date: (o.completionDate ?? o.lastUpdate).toISOString(), text, '@type': 'Note' as const })),
    } : {}),
    ...(byCode.size > 0 ? {
      errorMessage: [...byCode].map(([code, itemIds]) => ({
        '@type': 'ProductOrderErrorMessage' as const,
        ...errorText(code, lang),
        productOrderItem: itemIds.map((itemId) => ({ itemId })),
      })),
    } : {}),
    '@type': 'ProductOrder',
  };
}

// ---- what clients send ------------------------------------------------------------------------

/** TMF622 OrderPrice: the price the customer agreed to for an item, in yuan. */
const orderPriceInput = z.object({
  '@type': z.literal('OrderPrice').optional(),
  name: z.string().max(100).optional(),
  priceType: z.enum(['oneTime', 'recurring']),
  recurringChargePeriod: z.string().max(20).optional(),
  price: z.object({
    '@type': z.literal('Price').optional(),
    taxIncludedAmount: z.object({ unit: z.literal('CNY'), value: yuanInput }),
  }),
}).strict();

const orderItemInput = z.object({
  '@type': z.literal('ProductOrderItem').optional(),
  id: z.string().trim().min(1).max(32).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
  action: z.enum(ITEM_ACTIONS),
  quantity: z.number().int().min(1).max(1000).optional(),
  /** Optional in TMF622 v4; an add or delete without one is rejected with a note. */
  productOffering: refInput.optional(),
  /** The prices the customer saw: an added item whose price is no longer these fails with PRICE_CHANGED. */
  itemPrice: z.array(orderPriceInput).min(1).max(2).optional(),
}).strict();

/** What an added item's `itemPrice` says, in fen: the one-time and the monthly price. */
function agreedPrice(item: z.infer<typeof orderItemInput>): { oneTime: number; monthly: number } | undefined {
  if (!item.itemPrice || item.action !== 'add') return undefined;
  const sum = (type: 'oneTime' | 'recurring') => item.itemPrice!.filter((p) => p.priceType === type).reduce((n, p) => n + p.price.taxIncludedAmount.value, 0);
  return { oneTime: sum('oneTime'), monthly: sum('recurring') };
}

function agreedPriceKey(item: z.infer<typeof orderItemInput>): string | undefined {
  const p = agreedPrice(item);
  return p && `oneTime=${p.oneTime};recurring=${p.monthly}`;
}

/**
 * The quote terms an agreed price stands for, as the item's business quotes: a pack is charged its
 * price now (one-time, or the first month of a monthly pack) and a monthly pack every month
 * after; a plan charges nothing now and its monthly price from next month.
 */
function agreedTerms(p: { oneTime: number; monthly: number } | undefined, isPlan: boolean): string | undefined {
  if (!p) return undefined;
  return quoteTerms(isPlan ? { priceFen: p.oneTime, recurringFen: p.monthly } : { priceFen: p.oneTime + p.monthly, recurringFen: p.monthly });
}

const orderCreate = z.object({
  '@type': z.literal('ProductOrder').optional(),
  externalId: z.string().trim().min(1).max(128).optional(),
  description: z.string().max(500).optional(),
  // TMF622 v4 makes id and @referredType mandatory and role optional.
  relatedParty: z.array(refInput.extend({ role: z.string().min(1).max(50).optional() })).max(5).optional(),
  productOrderItem: z.array(orderItemInput).min(1).max(20),
}).strict().superRefine((o, ctx) => {
  const ids = o.productOrderItem.map((i) => i.id);
  if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['productOrderItem'], message: 'item ids must be unique' });
});
type OrderCreate = z.infer<typeof orderCreate>;

/** The related parties that name the customer: role Customer, or no role at all (TMF622 v4 makes role optional). */
function customerParties(body: OrderCreate): { id: string }[] {
  const parties = body.relatedParty ?? [];
  const byRole = parties.filter((p) => p.role?.toLowerCase() === 'customer');
  return byRole.length > 0 ? byRole : parties.filter((p) => p.role === undefined);
}

/**
 * Who the order is for: a subscriber orders for themselves (a related party naming anyone else
 * rejects the order, `reason`); an agent names the customer.
 */
async function customerOf(s: OrderingDeps, principal: Principal, body: OrderCreate): Promise<{ subscriberId: number; reason?: Reason }> {
  const named = customerParties(body);
  if (principal.kind === 'subscriber') {
    const other = named.find((p) => customerIdOf(p.id) !== principal.subscriberId);
    if (other) {
      return {
        subscriberId: principal.subscriberId,
        reason: l10n(`relatedParty ${other.id} 不是您本人：只能为自己订购`, `relatedParty ${other.id} is not you: a subscriber orders only for themselves`),
      };
    }
    return { subscriberId: principal.subscriberId };
  }
  if (!principal.roles.includes('agent')) throw new AppError('FORBIDDEN');
  if (named.length > 1) throw invalid('只能有一个客户（role: Customer）', 'Give at most one relatedParty with role Customer');
  const ref = named[0];
  if (!ref) throw invalid('请在 relatedParty 中给出客户（role: Customer）', 'Name the customer: relatedParty [{ id, role: "Customer" }]');
  const id = customerIdOf(ref.id);
  if (id === null || !(await s.subscribers.exists(id))) throw new AppError('NOT_A_SUBSCRIBER');
  return { subscriberId: id };
}

type Reason = { 'zh-CN': string; en: string };

/**
 * The order's id follows from who placed it and their idempotency key, so a retried POST finds
 * the first order instead of making a second one, on any node, without a lookup table.
 */
function orderIdFor(principal: Principal, key: string): string {
  const scope = principal.kind === 'subscriber' ? `s:${principal.subscriberId}` : `staff:${principal.staffId}`;
  return createHash('sha256').update(`tmf622\n${scope}\n${key}`).digest('hex').slice(0, 24);
}

function sameRequest(o: OrderRow, subscriberId: number, items: OrderCreate['productOrderItem']): boolean {
  return o.subscriberId === subscriberId && o.items.length === items.length && o.items.every((stored, n) => {
    const asked = items[n]!;
    return stored.id === asked.id && stored.action === asked.action && stored.offeringId === asked.productOffering?.id
      && stored.agreedPrice === agreedPriceKey(asked);
  });
}

const idParams = z.object({ id: z.string().min(1).max(64) });
const ORDER_FILTERS = ['state', 'externalId', 'relatedParty.id', 'category'] as const;
const errors = { 400: tmfErrorSchema, 401: tmfErrorSchema, 403: tmfErrorSchema, 404: tmfErrorSchema, 422: tmfErrorSchema };

function orderNotFound(id: string): AppError {
  return new AppError('NOT_FOUND', { detail: l10n(`没有这个订单：${id}`, `No productOrder ${id}`) });
}

/** Why an item the specification allows cannot be carried out, or undefined when it can. */
function unfulfillable(item: OrderCreate['productOrderItem'][number], offering: { kind: string } | undefined): Reason | undefined {
  if (item.action !== 'add' && item.action !== 'delete') {
    return l10n(`第${item.id}项：不支持 ${item.action}，只能订购（add）或退订（delete）`, `Item ${item.id}: action ${item.action} is not supported; only add and delete are`);
  }
  if (!item.productOffering) return l10n(`第${item.id}项：没有给出产品（productOffering）`, `Item ${item.id}: no productOffering given`);
  if (!offering) return l10n(`第${item.id}项：没有这个产品 ${item.productOffering.id}`, `Item ${item.id}: no productOffering ${item.productOffering.id}`);
  if (item.quantity !== undefined && item.quantity !== 1) return l10n(`第${item.id}项：每项只能订购一份`, `Item ${item.id}: quantity must be 1`);
  if (offering.kind === 'plan' && item.action === 'delete') {
    return l10n(`第${item.id}项：套餐不能退订，请订购另一个套餐`, `Item ${item.id}: a plan cannot be deleted; add another plan instead`);
  }
  return undefined;
}

/** What TMF622 uses of omnihall's services. */
export type OrderingDeps = Pick<Services, 'catalogueReader' | 'checkout' | 'clock' | 'invoker' | 'ordering' | 'subscribers' | 'tokens' | 'random'>;

export function productOrderingRoutes(s: OrderingDeps): FastifyPluginAsyncZod {
  return async (app) => {
    async function render(rows: OrderRow[], lang: Lang): Promise<ProductOrder[]> {
      const names = await s.catalogueReader.cachedByIds([...new Set(rows.flatMap((r) => r.items.flatMap((i) => (i.offeringId ? [i.offeringId] : []))))]);
      return rows.map((r) => toProductOrder(r, names, lang));
    }

    app.post(`/${ORDER_PATH}`, {
      schema: {
        tags: ['tmf622'], summary: 'Place a product order',
        description:
          'Placing the order is the customer’s confirmation of what it charges. A subscriber orders for themselves; ' +
          'an agent orders for relatedParty [{ id, role: "Customer" }] (or the one relatedParty without a role). Each item runs one business: add → pack.subscribe ' +
          '(plan.change for a plan), delete → pack.unsubscribe. Needs an `Idempotency-Key` header, or `externalId`: ' +
          'a retried POST returns the first order and changes nothing. An added item may carry the `itemPrice` the customer saw ' +
          '(oneTime and recurring, CNY, yuan with at most 2 decimals): if the price is no longer that, the item fails with PRICE_CHANGED. ' +
          'Items that fail (e.g. INSUFFICIENT_BALANCE) are ' +
          'reported on the item and in errorMessage; the order is still created (201) with state completed, partial or failed. ' +
          'The order and every charge its items make commit in one database transaction, or nothing does. ' +
          'Only what TMF622 v4 makes mandatory is needed (items with id and action; relatedParty with id and @referredType, role optional). ' +
          'An order that cannot be carried out (an item without productOffering or with an unknown one, an action other than add or delete, ' +
          'a subscriber naming another customer) is created (201) in state rejected with a note per reason, and charges nothing.',
        headers: z.object({ 'idempotency-key': z.string().trim().min(1).max(128).optional() }).loose(),
        body: orderCreate,
        response: { 201: productOrderSchema, ...errors },
      },
    }, async (req, reply) => {
      const principal = requirePrincipal(s, req);
      const body = req.body;
      const customer = await customerOf(s, principal, body);
      const subscriberId = customer.subscriberId;
      const key = req.headers['idempotency-key'] ?? body.externalId;
      if (!key) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
      const id = orderIdFor(principal, key);
      const lang = requestLang(req);

      const earlier = await s.ordering.get(id);
      if (earlier) {
        if (!sameRequest(earlier, subscriberId, body.productOrderItem)) throw new AppError('IDEMPOTENCY_KEY_REUSED');
        const [order] = await render([earlier], lang);
        return reply.code(201).header('Location', order!.href).header('idempotent-replayed', 'true').send(order!);
      }

      // An order the specification allows but omnihall cannot carry out is rejected as a whole,
      // before anything runs: it is stored (a retry finds it) with a note per reason, charging nothing.
      const offerings = await s.catalogueReader.cachedByIds(body.productOrderItem.flatMap((i) => (i.productOffering ? [i.productOffering.id] : [])));
      const rejectedBecause = new Map<string, Reason>();
      for (const item of body.productOrderItem) {
        const why = unfulfillable(item, item.productOffering && offerings.get(item.productOffering.id));
        if (why) rejectedBecause.set(item.id, why);
      }
      const orderReason = customer.reason;
      const rejected = orderReason !== undefined || rejectedBecause.size > 0;

      const orderDate = s.clock.now();
      const base = {
        id, subscriberId, channel: 'tmf', externalId: body.externalId ?? null, description: body.description ?? null,
        orderDate, completionDate: null, lastUpdate: orderDate,
      };
      if (rejected) {
        const items: ProductOrderItemRow[] = body.productOrderItem.map((item, n) => {
          const reason = rejectedBecause.get(item.id) ?? (n === 0 ? orderReason : undefined);
          return {
            id: item.id, action: item.action, state: 'rejected',
            ...(item.productOffering ? { offeringId: item.productOffering.id } : {}),
            ...(agreedPriceKey(item) ? { agreedPrice: agreedPriceKey(item) } : {}),
            ...(reason ? { reason } : {}),
          };
        });
        await s.ordering.place({ ...base, state: 'rejected', items: JSON.stringify(items) }, async () => ({
          state: 'rejected', items: JSON.stringify(items), completionDate: orderDate, lastUpdate: orderDate,
        }));
      } else {
        // Each item checked outside the transaction (who may run it, on this channel), then run in
        // the order's own transaction, one savepoint each: a later item sees what an earlier one
        // charged, a failed item undoes only itself, and the charges commit with the order or not
        // at all. Per-item keys make a retry replay the items that already ran.
        const runs: { item: OrderCreate['productOrderItem'][number]; offeringId: string; agreed: string | undefined; run: Awaited<ReturnType<OrderingDeps['invoker']['prepare']>> }[] = [];
        for (const item of body.productOrderItem) {
          const offeringId = item.productOffering!.id;
          const isPlan = offerings.get(offeringId)!.kind === 'plan';
          const businessId = item.action === 'delete' ? 'pack.unsubscribe' : isPlan ? 'plan.change' : 'pack.subscribe';
          runs.push({
            item, offeringId, agreed: agreedPriceKey(item),
            run: await s.invoker.prepare({
              channel: 'tmf', principal, subscriberId, businessId,
              input: isPlan ? { planId: offeringId } : { packId: offeringId },
              confirm: true, quoteTerms: agreedTerms(agreedPrice(item), isPlan), idempotencyKey: `${key}:${item.id}`,
            }),
          });
        }
        await s.ordering.place({ ...base, state: 'inProgress', items: '[]' }, async (trx) => {
          const items: ProductOrderItemRow[] = [];
          for (const { item, offeringId, agreed, run } of runs) {
            const row = { id: item.id, action: item.action, offeringId, ...(agreed ? { agreedPrice: agreed } : {}) };
            try {
              await run(trx);
              items.push({ ...row, state: 'completed' });
            } catch (e) {
              if (!isAppError(e)) throw e;
              items.push({ ...row, state: 'failed', errorCode: e.code satisfies ErrorCode });
            }
          }
          const done = s.clock.now();
          const failed = items.filter((i) => i.state === 'failed').length;
          return {
            state: failed === 0 ? 'completed' : failed === items.length ? 'failed' : 'partial',
            items: JSON.stringify(items), completionDate: done, lastUpdate: done,
          };
        });
      }
      // Whichever of two concurrent retries stored first is the order both answer with.
      const stored = (await s.ordering.get(id))!;
      const [order] = await render([stored], lang);
      return reply.code(201).header('Location', order!.href).send(order!);
    });

    app.get(`/${ORDER_PATH}`, {
      schema: {
        tags: ['tmf622'], summary: 'List product orders',
        description: 'A subscriber sees their own orders; agents see all. Filters: state, externalId, relatedParty.id (the customer). Newest first. ' +
          'The catalogue\'s orders (packs and plans placed here); `category=mall` lists the mall\'s orders instead (ids `mall-<n>`, read-only: ' +
          'each line a productOrderItem with quantity, itemPrice and itemTotalPrice; states acknowledged, inProgress, completed, cancelled, failed), any other category none.',
        querystring: listQuery(ORDER_FILTERS),
        response: { 200: z.array(productOrderSchema.partial()), ...errors },
      },
    }, async (req, reply) => {
      const viewer = requireViewer(s, req, ['agent']);
      const q = req.query;
      const customers = anyOf(q['relatedParty.id'])?.map(customerIdOf).filter((n): n is number => n !== null);
      const categories = anyOf(q.category);
      if (categories) {
        // No catalogue order has a category, and no mall order an externalId.
        if (!categories.includes(MALL_CATEGORY) || q.externalId !== undefined) return sendPage(reply, [], 0, q.fields);
        const mine = viewer.kind === 'subscriber' ? [viewer.subscriberId] : undefined;
        const asked = customers && mine ? customers.filter((c) => c === mine[0]) : customers ?? mine;
        if (asked && asked.length === 0) return sendPage(reply, [], 0, q.fields);
        const { rows, total } = await mallOrders(s, { customers: asked, states: anyOf(q.state) }, page(q));
        const lang = requestLang(req);
        return sendPage(reply, rows.map((o) => toMallProductOrder(o, ORDER_PATH, lang)), total, q.fields);
      }
      const { rows, total } = await s.ordering.list({
        subscriberId: viewer.kind === 'subscriber' ? viewer.subscriberId : undefined,
        customerIds: customers, state: anyOf(q.state), externalId: anyOf(q.externalId),
      }, page(q));
      return sendPage(reply, await render(rows, requestLang(req)), total, q.fields);
    });

    app.get(`/${ORDER_PATH}/:id`, {
      schema: {
        tags: ['tmf622'], summary: 'A product order',
        description: 'Someone else’s order is answered 404, as if it did not exist. `mall-<n>` is one of the mall\'s orders.',
        params: idParams, querystring: fieldsQuery,
        response: { 200: productOrderSchema.partial(), ...errors },
      },
    }, async (req) => {
      const viewer = requireViewer(s, req, ['agent']);
      const mallId = mallOrderIdOf(req.params.id);
      if (mallId !== undefined) {
        const o = await s.checkout.orders.get(mallId).catch((e: unknown) => {
          if (isAppError(e) && e.code === 'ORDER_NOT_FOUND') return undefined;
          throw e;
        });
        if (!o || (viewer.kind === 'subscriber' && o.subscriberId !== viewer.subscriberId)) throw orderNotFound(req.params.id);
        return project(toMallProductOrder(o, ORDER_PATH, requestLang(req)), req.query.fields);
      }
      const o = await s.ordering.get(req.params.id);
      if (!o || (viewer.kind === 'subscriber' && o.subscriberId !== viewer.subscriberId)) throw orderNotFound(req.params.id);
      const [order] = await render([o], requestLang(req));
      return project(order!, req.query.fields);
    });
  };
}
