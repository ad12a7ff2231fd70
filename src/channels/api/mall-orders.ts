// The mall's checkout over REST (docs/mall.md, "Cart and checkout"): the quote of the signed-in
// subscriber's cart with its delivery fee. Thin over the checkout module. (Orders come next.)
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { DELIVERIES } from '../../modules/goods/index.ts';
import { requireSubscriber } from './auth.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'checkoutQuotes' | 'tokens' | 'clock'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem };
const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const line = (max: number) => safeText(max).refine((v) => v.trim().length > 0, 'is empty');
export const addressSchema = z.object({
  name: line(40).describe('The receiver'),
  phone: z.string().regex(/^1\d{10}$/).describe("The receiver's mobile number, 11 digits"),
  province: line(20).describe('As written: 广东省, 北京市, 广西壮族自治区'),
  city: line(20), district: line(20),
  detail: line(120).describe('Street and house number'),
}).strict();

export function mallOrderRoutes(s: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/mall/checkout/quote', {
      schema: {
        tags: ['mall'], summary: "The signed-in subscriber's cart quoted now: goods, delivery fee and total",
        description: 'Prices and stock are read now. Delivery is free from ¥99 of shipped goods, else ¥10; goods not shipped need no address. ' +
          '`409 CART_EMPTY`, `409 OUT_OF_STOCK` (with `skuId` and `saleable`), `404 PRODUCT_NOT_FOUND` (a line no longer on sale), `400 ADDRESS_REQUIRED`, `400 ADDRESS_OUT_OF_AREA`.',
        body: z.object({ address: addressSchema.optional() }).strict(),
        response: {
          200: z.object({
            lines: z.array(z.object({ productId: z.number(), skuId: z.number(), quantity: z.number(), names: l10nSchema, attrs: z.record(z.string(), z.string()), delivery: z.enum(DELIVERIES), saleFen: z.number(), lineFen: z.number() })),
            goodsFen: z.number(), deliveryFen: z.number(), totalFen: z.number(), shipped: z.boolean(), address: addressSchema.nullable(),
          }),
          ...errors,
        },
      },
    }, async (req) => s.checkoutQuotes.quote(requireSubscriber(s, req), req.body.address));
  };
}
