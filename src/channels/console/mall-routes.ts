// The staff console's mall pages (docs/console-api.md, "Mall: goods and stock"): products and SKUs,
// their changes submitted for a second person's review, listing per channel (taken off at once),
// categories, the number pool's import and the code pool's load, and stock by warehouse with
// audited adjustments. Thin over the goods and inventory modules, which hold every rule and role check.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { detailsInputSchema, MALL_CHANNELS, PRODUCT_KINDS, priceInputSchema, productInputSchema, skuInputSchema, type ChangeKind, type ProductView } from '../../modules/goods/index.ts';
import { staffActor } from '../api/auth.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'goods' | 'inventory' | 'tokens' | 'clock' | 'staff'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem };
const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const reason = safeText(500);
const stockSchema = z.object({ saleable: z.number().nullable(), inStock: z.boolean() });
const productSchema = z.object({
  id: z.number(), kind: z.string(), delivery: z.string(), names: l10nSchema, brand: z.string(), descriptions: l10nSchema, categoryId: z.number().nullable(),
  tags: z.array(z.string()), images: z.array(z.string()), specs: z.array(z.object({ group: l10nSchema, items: z.array(z.object({ name: l10nSchema, value: z.string() })) })),
  offeringId: z.string().nullable(),
  skus: z.array(z.object({ id: z.number(), productId: z.number(), code: z.string(), attrs: z.record(z.string(), z.string()), listFen: z.number(), saleFen: z.number(), points: z.number().nullable(), stock: stockSchema })),
  listings: z.array(z.object({ channel: z.string(), listedFrom: z.string(), listedUntil: z.string().nullable() })),
  createdAt: z.string(), updatedAt: z.string(),
});
const changeSchema = z.object({
  id: z.number(), productId: z.number(), kind: z.string(), payload: z.record(z.string(), z.unknown()), status: z.string(),
  submittedBy: z.number(), submittedAt: z.string(), reviewedBy: z.number().nullable(), reviewedAt: z.string().nullable(), reason: z.string().nullable(),
});
const warehouseStockSchema = z.object({ warehouseId: z.string(), names: l10nSchema, city: z.string(), onHand: z.number(), reserved: z.number(), safety: z.number(), saleable: z.number() });
const listingBody = z.object({
  channel: z.enum(MALL_CHANNELS), listedFrom: safeText(40).describe('ISO time it goes on sale'),
  listedUntil: safeText(40).nullable().optional().describe('ISO time it comes off sale; null or absent: until unlisted'),
}).strict();
const CHANGE_BODIES: Record<ChangeKind, { body: z.ZodType; summary: string }> = {
  details: { body: detailsInputSchema, summary: "Submit a change of a product's names, description, images, specification table, category or tags for review" },
  sku: { body: skuInputSchema, summary: 'Submit a new SKU (variant) of a product for review' },
  price: { body: priceInputSchema, summary: "Submit a SKU's new list and sale price for review" },
  listing: { body: listingBody, summary: 'Submit a listing on a channel (from a time, until a time or for good) for review' },
};

export function mallRoutes(s: Deps): FastifyPluginAsyncZod {
  const g = s.goods;
  return async (app) => {
    const tags = ['console: mall'];

    async function withStock(products: ProductView[]) {
      const stock = await g.stock(products);
      return products.map((p) => ({ ...p, skus: p.skus.map((x) => ({ ...x, stock: stock.get(x.id)! })) }));
    }

    // ---- goods ----
    app.get('/mall/products', {
      schema: {
        tags, summary: 'Every product, listed or not, newest first',
        querystring: z.object({ q: safeText(60).optional(), kind: z.enum(PRODUCT_KINDS).optional(), offset: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(200).default(20) }).strict(),
        response: { 200: z.object({ items: z.array(productSchema), total: z.number() }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, ['product', 'ops']);
      const r = await g.products.list({ q: req.query.q, kind: req.query.kind }, { offset: req.query.offset, limit: req.query.limit });
      return { items: await withStock(r.items), total: r.total };
    });

    app.get('/mall/products/:id', {
      schema: { tags, summary: 'One product with its SKUs, their stock and its listings', params: idParams, response: { 200: productSchema, ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['product', 'ops']);
      return (await withStock([await g.products.get(req.params.id)]))[0]!;
    });

    app.post('/mall/products', {
      schema: { tags, summary: 'A new product with its SKUs, listed nowhere until a listing is approved', body: productInputSchema, response: { 201: productSchema, ...errors } },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['product']);
      return reply.code(201).send((await withStock([await g.products.create(actor, req.body)]))[0]!);
    });

    for (const kind of Object.keys(CHANGE_BODIES) as ChangeKind[]) {
      app.post(`/mall/products/:id/changes/${kind}`, {
        schema: { tags, summary: CHANGE_BODIES[kind].summary, params: idParams, body: CHANGE_BODIES[kind].body, response: { 201: changeSchema, ...errors } },
      }, async (req, reply) => {
        const actor = await staffActor(s, req, ['product']);
        return reply.code(201).send(await g.products.submit(actor, req.params.id, kind, req.body));
      });
    }

    app.get('/mall/changes', {
      schema: {
        tags, summary: 'Product changes, newest first (pending ones wait for a second person)',
        querystring: z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional(), productId: z.coerce.number().int().positive().max(2_147_483_647).optional() }).strict(),
        response: { 200: z.object({ items: z.array(changeSchema) }), ...errors },
      },
    }, async (req) => {
      await staffActor(s, req, ['product']);
      return { items: await g.products.changes(req.query) };
    });

    app.post('/mall/changes/:id/approve', {
      schema: { tags, summary: 'Approve a change, which applies it (never your own: SELF_REVIEW)', params: idParams, body: z.object({}).strict().nullish(), response: { 200: changeSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req, ['product']);
      return g.products.review(actor, req.params.id, { approve: true });
    });

    app.post('/mall/changes/:id/reject', {
      schema: { tags, summary: 'Reject a change with a reason', params: idParams, body: z.object({ reason }).strict(), response: { 200: changeSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req, ['product']);
      return g.products.review(actor, req.params.id, { approve: false, reason: req.body.reason });
    });

    app.delete('/mall/products/:id/listings/:channel', {
      schema: {
        tags, summary: 'Take a product off sale on a channel at once (no review needed)',
        params: z.object({ id: idParams.shape.id, channel: z.enum(MALL_CHANNELS) }), body: z.object({ reason: reason.optional() }).strict().nullish(),
        response: { 200: productSchema, ...errors },
      },
    }, async (req) => {
      const actor = await staffActor(s, req, ['product']);
      return (await withStock([await g.products.unlist(actor, req.params.id, req.params.channel, req.body?.reason)]))[0]!;
    });

    app.post('/mall/categories', {
      schema: {
        tags, summary: 'A category, under a parent when given',
        body: z.object({ code: safeText(40), nameZh: safeText(20), nameEn: safeText(40), parentId: z.number().int().positive().nullable().optional(), sort: z.number().int().optional() }).strict(),
        response: { 201: z.object({ id: z.number(), code: z.string(), names: l10nSchema, parentId: z.number().nullable() }), ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['product']);
      const c = await g.products.addCategory(actor, req.body);
      return reply.code(201).send({ id: c.id, code: c.code, names: c.names, parentId: c.parentId });
    });

    app.post('/mall/products/:id/numbers/import', {
      schema: {
        tags, summary: "Add numbers to a number card's pool: one a line, optionally `,deposit in fen`; the tier is computed from the number",
        params: idParams, body: z.object({ csv: z.string().max(4 * 1024 * 1024) }).strict(),
        response: { 200: z.object({ added: z.number(), rejected: z.array(z.object({ line: z.number(), text: z.string(), reason: z.string() })) }), ...errors },
      },
      bodyLimit: 5 * 1024 * 1024,
    }, async (req) => {
      const actor = await staffActor(s, req, ['product']);
      return g.numbers.import(actor, req.params.id, req.body.csv);
    });

    app.post('/mall/skus/:id/codes', {
      schema: {
        tags, summary: "Load codes (卡密) into a code-delivered SKU's pool, one a line",
        params: idParams, body: z.object({ codes: z.string().max(4 * 1024 * 1024) }).strict(),
        response: { 200: z.object({ added: z.number(), skipped: z.number() }), ...errors },
      },
      bodyLimit: 5 * 1024 * 1024,
    }, async (req) => {
      const actor = await staffActor(s, req, ['product']);
      return g.codes.load(actor, req.params.id, req.body.codes);
    });

    // ---- stock ----
    app.get('/mall/warehouses', {
      schema: { tags, summary: 'Warehouses', response: { 200: z.object({ items: z.array(z.object({ id: z.string(), names: l10nSchema, city: z.string() })) }), ...errors } },
    }, async (req) => {
      await staffActor(s, req, ['product', 'ops']);
      return { items: await s.inventory.warehouses() };
    });

    app.post('/mall/warehouses', {
      schema: {
        tags, summary: 'A warehouse (ops)', body: z.object({ id: safeText(20), nameZh: safeText(20), nameEn: safeText(40), city: safeText(20) }).strict(),
        response: { 204: z.null(), ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, ['ops']);
      await s.inventory.addWarehouse(actor, req.body);
      return reply.code(204).send(null);
    });

    app.get('/mall/skus/:id/stock', {
      schema: {
        tags, summary: "A SKU's stock in each warehouse (saleable = on hand − reserved − safety stock) and its adjustments",
        params: idParams,
        response: {
          200: z.object({
            warehouses: z.array(warehouseStockSchema),
            movements: z.array(z.object({ id: z.number(), warehouseId: z.string(), kind: z.string(), delta: z.number(), onHandAfter: z.number(), safetyAfter: z.number(), reason: z.string(), actorId: z.number(), at: z.string() })),
          }),
          ...errors,
        },
      },
    }, async (req) => {
      await staffActor(s, req, ['product', 'ops']);
      return { warehouses: await s.inventory.byWarehouse(req.params.id), movements: await s.inventory.movements(req.params.id) };
    });

    app.post('/mall/stock/adjustments', {
      schema: {
        tags, summary: 'Adjust stock with a reason: goods received, a count correction, or the safety stock set (audited)',
        body: z.object({ skuId: z.number().int().positive(), warehouseId: safeText(20), kind: z.enum(['receive', 'count', 'safety']), quantity: z.number().int(), reason }).strict(),
        response: { 200: warehouseStockSchema, ...errors },
      },
    }, async (req) => {
      const actor = await staffActor(s, req, ['product', 'ops']);
      return s.inventory.adjust(actor, req.body);
    });
  };
}
