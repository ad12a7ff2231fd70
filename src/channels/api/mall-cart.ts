// The mall's cart over REST (docs/mall.md, "Cart and checkout"): a signed-in subscriber's cart by
// the bearer token, a guest's by the X-Cart-Token the first put hands out; merged into the
// subscriber's on sign-in. Thin over the cart module, which checks lines and prices each read.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../container.ts';
import type { CartOwner, CartView } from '../../modules/cart/index.ts';
import { PRODUCT_KINDS, DELIVERIES } from '../../modules/goods/index.ts';
import { AppError } from '../../platform/errors.ts';
import { bearerToken, requireSubscriber } from './auth.ts';

type Deps = Pick<Services, 'cart' | 'tokens' | 'clock'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem };
const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const id = z.number().int().positive().max(2_147_483_647);
const cartToken = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/).optional()
  .describe("A guest's cart: the token the first put answered with (a signed-in subscriber's cart needs none)");
const headers = z.object({ 'x-cart-token': cartToken }).loose();
const cartSchema = z.object({
  guestToken: z.string().nullable().describe("A guest's cart token, to send back in X-Cart-Token (null for a subscriber's cart)"),
  lines: z.array(z.object({
    productId: z.number(), skuId: z.number(), quantity: z.number(), names: l10nSchema, attrs: z.record(z.string(), z.string()),
    kind: z.enum(PRODUCT_KINDS), delivery: z.enum(DELIVERIES), image: z.string().nullable(),
    listFen: z.number(), saleFen: z.number().describe('The sale price now, in fen'), points: z.number().nullable(), lineFen: z.number(),
    stock: z.object({ saleable: z.number().nullable(), inStock: z.boolean() }),
    problem: z.enum(['PRODUCT_NOT_FOUND', 'OUT_OF_STOCK']).nullable().describe('Why the line cannot be bought as it is, or null'),
  })),
  count: z.number(), totalFen: z.number().describe('The lines that can be bought, at the sale prices now'),
});

/** Whose cart a request means: the subscriber's when it carries a bearer token (which must be valid), else the guest's token's. */
function ownerOf(s: Deps, req: FastifyRequest): CartOwner {
  if (bearerToken(req)) return { subscriberId: requireSubscriber(s, req) };
  return { guestToken: (req.headers['x-cart-token'] as string | undefined) ?? null };
}

function send(reply: FastifyReply, cart: CartView): CartView {
  if (cart.guestToken) void reply.header('x-cart-token', cart.guestToken);
  return cart;
}

export function mallCartRoutes(s: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['mall'];

    app.get('/mall/cart', {
      schema: { tags, summary: 'The cart, priced now with stock flags', headers, response: { 200: cartSchema, ...errors } },
    }, async (req, reply) => send(reply, await s.cart.get(ownerOf(s, req))));

    app.put('/mall/cart/lines', {
      schema: {
        tags, summary: "Set a line's quantity (adding the line when new)",
        description: 'A guest without a cart gets one: its token comes back in `guestToken` and `X-Cart-Token`. ' +
          '`400 INVALID_QUANTITY` (not a whole number from 1 to 99), `404 SKU_NOT_FOUND`, `400 SKU_NOT_OF_PRODUCT`, `404 PRODUCT_NOT_FOUND` (not on sale), `409 CART_FULL` (50 lines); nothing changes on any of them.',
        headers,
        body: z.object({ productId: id, skuId: id, quantity: z.number().describe('1–99') }).strict(),
        response: { 200: cartSchema, ...errors },
      },
    }, async (req, reply) => send(reply, await s.cart.put(ownerOf(s, req), req.body)));

    app.delete('/mall/cart/lines/:skuId', {
      schema: { tags, summary: "Take a SKU's line out of the cart", headers, params: z.object({ skuId: z.coerce.number().int().positive().max(2_147_483_647) }), response: { 200: cartSchema, ...errors } },
    }, async (req, reply) => send(reply, await s.cart.remove(ownerOf(s, req), req.params.skuId)));

    app.delete('/mall/cart', {
      schema: { tags, summary: 'Empty the cart', headers, response: { 200: cartSchema, ...errors } },
    }, async (req, reply) => {
      const owner = ownerOf(s, req);
      await s.cart.clear(owner);
      return send(reply, await s.cart.get(owner));
    });

    app.post('/mall/cart/merge', {
      schema: {
        tags, summary: "On sign-in: the guest's cart (X-Cart-Token) joins the subscriber's",
        description: 'Quantities of the same SKU are added, at most 99; the guest cart is gone after, so a second merge adds nothing.',
        headers, response: { 200: cartSchema, ...errors },
      },
    }, async (req) => {
      const subscriberId = requireSubscriber(s, req);
      const token = req.headers['x-cart-token'] as string | undefined;
      if (!token) throw new AppError('INVALID_INPUT', { detail: { 'zh-CN': '缺少购物车令牌（X-Cart-Token）', en: 'The X-Cart-Token header is missing' }, extra: { path: 'x-cart-token' } });
      return s.cart.merge(subscriberId, token);
    });
  };
}
