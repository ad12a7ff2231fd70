// The mall's public REST (docs/mall.md): products on sale with their SKUs, each SKU's price and
// stock, the category tree, one SKU checked for a quantity (what a cart asks before adding), and a
// number card's free numbers to choose from. No sign-in: anyone may browse. Thin over the goods
// module, which holds every rule (listing schedule, search, stock by kind).
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import { MALL_CHANNELS, PRODUCT_KINDS, type ProductView } from '../../modules/goods/index.ts';
import { checkQuantity } from '../../modules/inventory/index.ts';
import { AppError } from '../../platform/errors.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'goods'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 404: problem };
const l10nSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const stockSchema = z.object({
  saleable: z.number().nullable().describe('How many can be bought now; null when it is not counted (credited at once, a catalogue offering)'),
  inStock: z.boolean(),
});
const skuSchema = z.object({
  id: z.number(), code: z.string(), attrs: z.record(z.string(), z.string()).describe('The variant: { 颜色: 雅川青, 存储: 256GB }'),
  listFen: z.number().describe('List price (划线价) in fen'), saleFen: z.number().describe('Price paid, in fen'),
  points: z.number().nullable().describe("A points gift's price in points"), stock: stockSchema,
});
const productSchema = z.object({
  id: z.number(), kind: z.enum(PRODUCT_KINDS), delivery: z.string(), names: l10nSchema, brand: z.string(), descriptions: l10nSchema,
  categoryId: z.number().nullable(), tags: z.array(z.string()), images: z.array(z.string()),
  specs: z.array(z.object({ group: l10nSchema, items: z.array(z.object({ name: l10nSchema, value: z.string() })) })),
  offeringId: z.string().nullable().describe('The catalogue offering a pack or plan product subscribes to'),
  priceFromFen: z.number().describe('The lowest SKU sale price'),
  skus: z.array(skuSchema),
});
interface CategoryOut { id: number; code: string; names: { 'zh-CN': string; en: string }; children: CategoryOut[] }
// A tree refers to itself: registered by id, it is one component of the OpenAPI document
// (components.schemas.MallCategory) that its children point back to.
const categorySchema: z.ZodType<CategoryOut> = z.lazy(() => z.object({ id: z.number(), code: z.string(), names: l10nSchema, children: z.array(categorySchema) })).meta({ id: 'MallCategory' });
const channel = z.enum(MALL_CHANNELS).optional().describe('Only what is on sale on this channel (web, mobile, kiosk…); without it, on sale on any');
const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const paging = { offset: z.coerce.number().int().min(0).max(1_000_000).default(0), limit: z.coerce.number().int().min(1).max(100).default(20) };
const fen = z.coerce.number().int().min(0).max(2_000_000_000);

export function mallRoutes(s: Deps): FastifyPluginAsyncZod {
  const g = s.goods;
  return async (app) => {
    const tags = ['mall'];

    async function withStock(products: ProductView[]) {
      const stock = await g.stock(products);
      return products.map(({ skus, listings: _l, createdAt: _c, updatedAt: _u, ...p }) => ({
        ...p, priceFromFen: Math.min(...skus.map((x) => x.saleFen)),
        skus: skus.map(({ productId: _p, ...x }) => ({ ...x, stock: stock.get(x.id)! })),
      }));
    }

    app.get('/mall/products', {
      schema: {
        tags, summary: 'Products on sale now, with their SKUs, prices and stock',
        description: '`q` finds products by Chinese or English name, brand, or the pinyin initials of either (华为, mate, hw); several words must all match. ' +
          '`category` includes its sub-categories; `minFen`/`maxFen` keep products with a SKU priced in that range.',
        querystring: z.object({
          q: safeText(60).optional(), category: z.coerce.number().int().positive().max(2_147_483_647).optional(), brand: safeText(40).optional(),
          kind: z.enum(PRODUCT_KINDS).optional(), minFen: fen.optional(), maxFen: fen.optional(), channel, ...paging,
        }).strict(),
        response: { 200: z.object({ items: z.array(productSchema), total: z.number() }), ...errors },
      },
    }, async (req) => {
      const q = req.query;
      if (q.minFen !== undefined && q.maxFen !== undefined && q.minFen > q.maxFen) throw new AppError('INVALID_INPUT', { detail: { 'zh-CN': '最低价不能高于最高价', en: 'minFen is above maxFen' }, extra: { path: 'minFen' } });
      const r = await g.products.list({
        q: q.q, categoryId: q.category, brand: q.brand, kind: q.kind, minFen: q.minFen, maxFen: q.maxFen, channel: q.channel, listed: true,
      }, { offset: q.offset, limit: q.limit });
      return { items: await withStock(r.items), total: r.total };
    });

    app.get('/mall/products/:id', {
      schema: { tags, summary: 'One product on sale, with its SKUs, prices and stock', params: idParams, querystring: z.object({ channel }).strict(), response: { 200: productSchema, ...errors } },
    }, async (req) => {
      const p = await g.products.get(req.params.id, { channel: req.query.channel, listed: true });
      return (await withStock([p]))[0]!;
    });

    app.get('/mall/products/:id/skus/:skuId', {
      schema: {
        tags, summary: 'One SKU of a product, and whether a quantity of it can be bought now',
        description: '`400 INVALID_QUANTITY` for a quantity that is not a whole number from 1 to 99, `404 SKU_NOT_FOUND`, `400 SKU_NOT_OF_PRODUCT` for a SKU of another product.',
        params: z.object({ id: idParams.shape.id, skuId: idParams.shape.id }),
        querystring: z.object({ quantity: z.string().max(12).optional().describe('How many (1–99); 1 when not given'), channel }).strict(),
        response: { 200: skuSchema.extend({ productId: z.number(), quantity: z.number(), available: z.boolean().describe('Whether that many can be bought now') }), ...errors },
      },
    }, async (req) => {
      const raw = req.query.quantity;
      const quantity = checkQuantity(raw === undefined ? 1 : /^-?\d+$/.test(raw) ? Number(raw) : NaN);
      const { product, sku } = await g.products.sku(req.params.id, req.params.skuId, { channel: req.query.channel });
      if (!g.products.listedNow(product, req.query.channel)) throw new AppError('PRODUCT_NOT_FOUND');
      const stock = (await g.stock([product])).get(sku.id)!;
      return { ...sku, stock, quantity, available: stock.saleable === null || stock.saleable >= quantity };
    });

    app.get('/mall/categories', {
      schema: { tags, summary: 'The category tree', response: { 200: z.object({ items: z.array(categorySchema) }) } },
    }, async () => {
      const strip = (c: Awaited<ReturnType<typeof g.products.categories>>[number]): CategoryOut => ({ id: c.id, code: c.code, names: c.names, children: c.children.map(strip) });
      return { items: (await g.products.categories()).map(strip) };
    });

    app.get('/mall/number-cards/:productId/numbers', {
      schema: {
        tags, summary: "A number card's numbers free to choose, best tier (靓号) first",
        description: '`pattern`: digits and `*` for any one digit, found anywhere in the number (`8888`, `1**8`). `tier`: 1 (best) to 4, 0 for ordinary numbers.',
        params: z.object({ productId: idParams.shape.id }),
        querystring: z.object({ pattern: z.string().regex(/^[0-9*]{1,11}$/, 'digits and *').optional(), tier: z.coerce.number().int().min(0).max(4).optional(), channel, ...paging }).strict(),
        response: {
          200: z.object({ items: z.array(z.object({ number: z.string(), tier: z.number(), pattern: z.string().nullable().describe('The nice pattern it matches: AAAA, ABCD…'), depositFen: z.number() })), total: z.number() }),
          ...errors,
        },
      },
    }, async (req) => {
      const p = await g.products.get(req.params.productId, { channel: req.query.channel, listed: true });
      if (p.kind !== 'number_card') throw new AppError('PRODUCT_NOT_FOUND', { detail: { 'zh-CN': '这件商品不是号卡', en: 'This product is not a number card' } });
      const r = await g.numbers.available(p.id, { tier: req.query.tier, pattern: req.query.pattern }, { offset: req.query.offset, limit: req.query.limit });
      return { items: r.items.map((n) => ({ number: n.number, tier: n.tier, pattern: n.pattern, depositFen: n.depositFen })), total: r.total };
    });
  };
}
