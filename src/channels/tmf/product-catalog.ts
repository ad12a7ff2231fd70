// TMF620 Product Catalog Management v4: productOffering and productOfferingPrice over the
// catalogue's offering and offering_price tables. Anyone may read; product staff may write.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Updateable } from 'kysely';
import { z } from 'zod';
import { SALES_CHANNELS, LIFECYCLE_STATUSES, OFFERING_KINDS } from '../../modules/catalogue/index.ts';
import type { Eligibility, LifecycleStatus, OfferingKind, OfferingPrice, OfferingPriceTable, OfferingTable } from '../../modules/catalogue/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Services } from '../../container.ts';
import { requireStaff } from '../api/auth.ts';
import {
  anyOf, fenToYuan, fieldsQuery, href, invalid, listQuery, page, project, refInput, refOutput, sendPage, tmfErrorSchema, yuanInput,
} from './common.ts';
import {
  deleteOrRetireOffering, deleteOrRetirePrice, getOffering, getPrice, insertOffering, insertPrice, isUniqueViolation,
  listOfferings, listPrices, updateOffering, updatePrice, type OfferingRow,
} from '../../modules/catalogue/catalogue.repository.ts';

const OFFERING_PATH = 'productCatalogManagement/v4/productOffering';
const PRICE_PATH = 'productCatalogManagement/v4/productOfferingPrice';

const LIFECYCLE = LIFECYCLE_STATUSES as unknown as readonly [LifecycleStatus, ...LifecycleStatus[]];
const KINDS = ['plan', 'data_pack', 'voice_pack', 'sms_pack', 'vas', 'broadband'] as const satisfies readonly OfferingKind[];

/** TMF categories are omnihall's offering kinds; their names are zh-CN like every TMF `name` here. */
const CATEGORY_NAMES: Record<OfferingKind, string> = {
  plan: '套餐', data_pack: '流量包', voice_pack: '语音包', sms_pack: '短信包', vas: '增值业务', broadband: '宽带',
};

const CHANNEL_NAMES: Record<(typeof SALES_CHANNELS)[number], string> = {
  web: '网上营业厅', mobile: '掌上营业厅', kiosk: '自助终端', sms: '短信营业厅', ussd: 'USSD营业厅',
  ivr: '语音自助', api: '开放接口', agent: '客服坐席', mall: '网上商城',
};

function channelName(id: string): string {
  return (CHANNEL_NAMES as Record<string, string>)[id] ?? id;
}

// ---- the resources as clients see them --------------------------------------------------------

const eligibilitySchema = z.object({
  plans: z.array(z.string().min(1).max(64)).max(200).optional(),
  accountTypes: z.array(z.enum(['prepaid', 'postpaid'])).max(2).optional(),
  statuses: z.array(z.enum(['active', 'suspended', 'closed'])).max(3).optional(),
}).strict();

const allowanceSchema = z.object({
  dataMb: z.number().int().min(0).max(100_000_000),
  voiceMin: z.number().int().min(0).max(1_000_000),
  sms: z.number().int().min(0).max(1_000_000),
}).strict();

/**
 * omnihall's own attributes, kept in one `omnihall` object so a plain TMF client can ignore them
 * and never mistakes them for standard ones. `name`/`description` are zh-CN; English is here.
 */
const offeringExtension = z.object({
  code: z.string(),
  nameEn: z.string(),
  descriptionEn: z.string(),
  allowance: allowanceSchema,
  validityDays: z.number().nullable(),
  eligibility: eligibilitySchema,
});

export const productOfferingSchema = z.object({
  id: z.string(),
  href: z.string(),
  name: z.string(),
  description: z.string(),
  version: z.string(),
  lastUpdate: z.string(),
  lifecycleStatus: z.enum(LIFECYCLE),
  isBundle: z.boolean(),
  validFor: z.object({ startDateTime: z.string() }),
  category: z.array(refOutput),
  channel: z.array(refOutput),
  productOfferingPrice: z.array(refOutput),
  '@type': z.literal('ProductOffering'),
  omnihall: offeringExtension,
});
type ProductOffering = z.infer<typeof productOfferingSchema>;

export const productOfferingPriceSchema = z.object({
  id: z.string(),
  href: z.string(),
  name: z.string(),
  lastUpdate: z.string(),
  lifecycleStatus: z.enum(LIFECYCLE),
  isBundle: z.boolean(),
  priceType: z.enum(['recurring', 'oneTime']),
  recurringChargePeriodType: z.literal('month').optional(),
  recurringChargePeriodLength: z.number().optional(),
  price: z.object({ unit: z.literal('CNY'), value: z.number() }),
  '@type': z.literal('ProductOfferingPrice'),
  omnihall: z.object({ nameEn: z.string() }),
});
type ProductOfferingPrice = z.infer<typeof productOfferingPriceSchema>;

export function offeringHref(id: string): string {
  return href(OFFERING_PATH, id);
}

function toProductOffering(o: OfferingRow): ProductOffering {
  return {
    id: o.id,
    href: offeringHref(o.id),
    name: o.nameZh,
    description: o.descriptionZh,
    version: o.version,
    lastUpdate: o.lastUpdate.toISOString(),
    lifecycleStatus: o.lifecycleStatus,
    isBundle: false,
    validFor: { startDateTime: o.createdAt.toISOString() },
    category: [{ id: o.kind, name: CATEGORY_NAMES[o.kind], '@referredType': 'Category' }],
    channel: o.channels.map((c) => ({ id: c, name: channelName(c), '@referredType': 'SalesChannel' })),
    productOfferingPrice: [{ id: o.priceId, href: href(PRICE_PATH, o.priceId), name: o.priceNameZh, '@referredType': 'ProductOfferingPrice' }],
    '@type': 'ProductOffering',
    omnihall: {
      code: o.code,
      nameEn: o.nameEn,
      descriptionEn: o.descriptionEn,
      allowance: { dataMb: o.dataMb, voiceMin: o.voiceMin, sms: o.sms },
      validityDays: o.validityDays,
      eligibility: o.eligibility ?? {},
    },
  };
}

function toProductOfferingPrice(p: OfferingPrice): ProductOfferingPrice {
  return {
    id: p.id,
    href: href(PRICE_PATH, p.id),
    name: p.nameZh,
    lastUpdate: p.lastUpdate.toISOString(),
    lifecycleStatus: p.lifecycleStatus,
    isBundle: false,
    priceType: p.priceType,
    ...(p.priceType === 'recurring' ? { recurringChargePeriodType: 'month' as const, recurringChargePeriodLength: 1 } : {}),
    price: { unit: 'CNY', value: fenToYuan(p.amountFen) },
    '@type': 'ProductOfferingPrice',
    omnihall: { nameEn: p.nameEn },
  };
}

// ---- what clients send ------------------------------------------------------------------------

const nameInput = z.string().trim().min(1).max(200);
const descriptionInput = z.string().max(2000);
/** The short code subscribers type on SMS and USSD; stored upper-case, as they are matched. */
const codeInput = z.string().regex(/^[A-Za-z0-9]{1,16}$/, 'letters and digits, at most 16').transform((c) => c.toUpperCase());
const categoryInput = z.array(refInput.extend({ id: z.enum(KINDS) })).length(1, 'exactly one category: the offering kind');
const channelInput = z.array(refInput.extend({ id: z.enum(SALES_CHANNELS) })).max(SALES_CHANNELS.length);
const priceRefInput = z.array(refInput).length(1, 'exactly one productOfferingPrice reference');

const offeringCreate = z.object({
  '@type': z.literal('ProductOffering').optional(),
  name: nameInput,
  description: descriptionInput.optional(),
  version: z.string().trim().min(1).max(20).optional(),
  lifecycleStatus: z.enum(LIFECYCLE).optional(),
  isBundle: z.literal(false).optional(),
  category: categoryInput,
  channel: channelInput.optional(),
  productOfferingPrice: priceRefInput,
  omnihall: z.object({
    code: codeInput,
    nameEn: nameInput.optional(),
    descriptionEn: descriptionInput.optional(),
    allowance: allowanceSchema.partial().optional(),
    validityDays: z.number().int().min(1).max(3650).nullable().optional(),
    eligibility: eligibilitySchema.optional(),
  }).strict(),
}).strict();

/** JSON merge patch (RFC 7386): absent = unchanged, null = back to the default where one exists. */
const offeringPatch = z.object({
  '@type': z.literal('ProductOffering').optional(),
  name: nameInput.optional(),
  description: descriptionInput.nullable().optional(),
  version: z.string().trim().min(1).max(20).optional(),
  lifecycleStatus: z.enum(LIFECYCLE).optional(),
  isBundle: z.literal(false).optional(),
  category: categoryInput.optional(),
  channel: channelInput.optional(),
  productOfferingPrice: priceRefInput.optional(),
  omnihall: z.object({
    code: codeInput.optional(),
    nameEn: nameInput.optional(),
    descriptionEn: descriptionInput.nullable().optional(),
    allowance: allowanceSchema.partial().optional(),
    validityDays: z.number().int().min(1).max(3650).nullable().optional(),
    eligibility: z.object({
      plans: eligibilitySchema.shape.plans.unwrap().nullable().optional(),
      accountTypes: eligibilitySchema.shape.accountTypes.unwrap().nullable().optional(),
      statuses: eligibilitySchema.shape.statuses.unwrap().nullable().optional(),
    }).strict().nullable().optional(),
  }).strict().optional(),
}).strict();

const moneyInput = z.object({ unit: z.literal('CNY'), value: yuanInput }).strict();

const priceCreate = z.object({
  '@type': z.literal('ProductOfferingPrice').optional(),
  name: nameInput,
  lifecycleStatus: z.enum(LIFECYCLE).optional(),
  isBundle: z.literal(false).optional(),
  priceType: z.enum(['recurring', 'oneTime']),
  recurringChargePeriodType: z.literal('month').optional(),
  recurringChargePeriodLength: z.literal(1).optional(),
  price: moneyInput,
  omnihall: z.object({ nameEn: nameInput.optional() }).strict().optional(),
}).strict();

const pricePatch = z.object({
  '@type': z.literal('ProductOfferingPrice').optional(),
  name: nameInput.optional(),
  lifecycleStatus: z.enum(LIFECYCLE).optional(),
  isBundle: z.literal(false).optional(),
  priceType: z.enum(['recurring', 'oneTime']).optional(),
  recurringChargePeriodType: z.literal('month').nullable().optional(),
  recurringChargePeriodLength: z.literal(1).nullable().optional(),
  price: moneyInput.optional(),
  omnihall: z.object({ nameEn: nameInput.optional() }).strict().optional(),
}).strict();

/** A recurring price recurs monthly; a one-time price has no period. */
function checkPeriod(priceType: 'recurring' | 'oneTime', period: 'month' | null | undefined): void {
  if (priceType === 'oneTime' && period) {
    throw invalid('一次性价格不能设置计费周期', 'A oneTime price has no recurringChargePeriodType');
  }
}

const idParams = z.object({ id: z.string().min(1).max(64) });
const errors = { 400: tmfErrorSchema, 401: tmfErrorSchema, 403: tmfErrorSchema, 404: tmfErrorSchema };

const OFFERING_FILTERS = ['id', 'lifecycleStatus', 'name', 'category.id', 'channel.id', 'productOfferingPrice.id'] as const;
const PRICE_FILTERS = ['id', 'lifecycleStatus', 'name', 'priceType'] as const;

function offeringNotFound(id: string): AppError {
  return new AppError('OFFERING_NOT_FOUND', { detail: l10n(`没有这个产品：${id}`, `No productOffering ${id}`) });
}

function priceNotFound(id: string): AppError {
  return new AppError('NOT_FOUND', { detail: l10n(`没有这个价格：${id}`, `No productOfferingPrice ${id}`) });
}

function uniqueChannels(refs: { id: string }[]): string[] {
  return [...new Set(refs.map((c) => c.id))];
}

export function productCatalogRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    // Lists and quotes on this node read the catalogue cache: a write here is seen by the next
    // request (the hook runs before the answer leaves), other nodes see it within the cache's TTL.
    app.addHook('onSend', async (req) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') s.catalogue.invalidate();
    });

    async function mustPrice(id: string): Promise<void> {
      if (!(await getPrice(s.db, id))) throw invalid(`价格不存在：${id}`, `productOfferingPrice ${id} does not exist`);
    }

    async function offeringOr404(id: string): Promise<OfferingRow> {
      const o = await getOffering(s.db, id);
      if (!o) throw offeringNotFound(id);
      return o;
    }

    /** Turns a taken short code into a clear 400 instead of a database error. */
    async function writing(code: string | undefined, write: () => Promise<void>): Promise<void> {
      try {
        await write();
      } catch (e) {
        if (code !== undefined && isUniqueViolation(e)) throw invalid(`产品编码${code}已被使用`, `The code ${code} is already in use`);
        throw e;
      }
    }

    // ---- productOffering ----------------------------------------------------------------------

    app.get(`/${OFFERING_PATH}`, {
      schema: {
        tags: ['tmf620'], summary: 'List product offerings', security: [],
        description: 'Filters: id, lifecycleStatus, name (zh-CN), category.id (the kind), channel.id, productOfferingPrice.id; a comma means "any of".',
        querystring: listQuery(OFFERING_FILTERS),
        response: { 200: z.array(productOfferingSchema.partial()), 400: tmfErrorSchema },
      },
    }, async (req, reply) => {
      const q = req.query;
      const { rows, total } = await listOfferings(s.db, {
        id: anyOf(q.id), lifecycleStatus: anyOf(q.lifecycleStatus), name: anyOf(q.name), kind: anyOf(q['category.id']),
        channel: anyOf(q['channel.id']), priceId: anyOf(q['productOfferingPrice.id']),
      }, page(q));
      return sendPage(reply, rows.map(toProductOffering), total, q.fields);
    });

    app.get(`/${OFFERING_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'A product offering', security: [],
        params: idParams, querystring: fieldsQuery,
        response: { 200: productOfferingSchema.partial(), 404: tmfErrorSchema },
      },
    }, async (req) => project(toProductOffering(await offeringOr404(req.params.id)), req.query.fields));

    app.post(`/${OFFERING_PATH}`, {
      schema: {
        tags: ['tmf620'], summary: 'Create a product offering (product staff)',
        description: 'Refers to an existing productOfferingPrice. Starts "In design" unless lifecycleStatus says otherwise.',
        body: offeringCreate,
        response: { 201: productOfferingSchema, ...errors },
      },
    }, async (req, reply) => {
      requireStaff(s, req, ['product']);
      const b = req.body;
      const x = b.omnihall;
      const [category] = b.category;
      const [priceRef] = b.productOfferingPrice;
      await mustPrice(priceRef!.id);
      const id = s.random.uuid();
      const now = s.clock.now();
      await writing(x.code, () => insertOffering(s.db, {
        id, kind: category!.id, code: x.code, nameZh: b.name, nameEn: x.nameEn ?? b.name,
        descriptionZh: b.description ?? '', descriptionEn: x.descriptionEn ?? '', priceId: priceRef!.id,
        dataMb: x.allowance?.dataMb ?? 0, voiceMin: x.allowance?.voiceMin ?? 0, sms: x.allowance?.sms ?? 0,
        validityDays: x.validityDays ?? null, eligibility: JSON.stringify(x.eligibility ?? {}),
        channels: uniqueChannels(b.channel ?? []), lifecycleStatus: b.lifecycleStatus ?? 'In design',
        version: b.version ?? '1.0', createdAt: now, lastUpdate: now,
      }));
      return reply.code(201).header('Location', offeringHref(id)).send(toProductOffering(await offeringOr404(id)));
    });

    app.patch(`/${OFFERING_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'Change a product offering (product staff), JSON merge patch',
        description: 'The category (offering kind) cannot change: subscribers and businesses rely on it.',
        params: idParams, body: offeringPatch,
        response: { 200: productOfferingSchema, ...errors },
      },
    }, async (req) => {
      requireStaff(s, req, ['product']);
      const cur = await offeringOr404(req.params.id);
      const p = req.body;
      if (p.category && p.category[0]!.id !== cur.kind) {
        throw invalid('产品类别不能修改，请新建产品', 'The category (offering kind) cannot change; create a new offering');
      }
      const set: Updateable<OfferingTable> = { lastUpdate: s.clock.now() };
      if (p.name !== undefined) set.nameZh = p.name;
      if (p.description !== undefined) set.descriptionZh = p.description ?? '';
      if (p.version !== undefined) set.version = p.version;
      if (p.lifecycleStatus !== undefined) set.lifecycleStatus = p.lifecycleStatus;
      if (p.channel !== undefined) set.channels = uniqueChannels(p.channel);
      if (p.productOfferingPrice !== undefined) {
        await mustPrice(p.productOfferingPrice[0]!.id);
        set.priceId = p.productOfferingPrice[0]!.id;
      }
      const x = p.omnihall;
      if (x) {
        if (x.code !== undefined) set.code = x.code;
        if (x.nameEn !== undefined) set.nameEn = x.nameEn;
        if (x.descriptionEn !== undefined) set.descriptionEn = x.descriptionEn ?? '';
        if (x.allowance?.dataMb !== undefined) set.dataMb = x.allowance.dataMb;
        if (x.allowance?.voiceMin !== undefined) set.voiceMin = x.allowance.voiceMin;
        if (x.allowance?.sms !== undefined) set.sms = x.allowance.sms;
        if (x.validityDays !== undefined) set.validityDays = x.validityDays;
        if (x.eligibility !== undefined) {
          const next: Eligibility = { ...(x.eligibility === null ? {} : cur.eligibility ?? {}) };
          for (const [k, v] of Object.entries(x.eligibility ?? {}) as [keyof Eligibility, Eligibility[keyof Eligibility] | null][]) {
            if (v === null) delete next[k];
            else if (v !== undefined) (next as Record<string, unknown>)[k] = v;
          }
          set.eligibility = JSON.stringify(next);
        }
      }
      await writing(x?.code, () => updateOffering(s.db, cur.id, null, set));
      return toProductOffering(await offeringOr404(cur.id));
    });

    app.delete(`/${OFFERING_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'Delete a product offering (product staff)',
        description: 'An offering that anything refers to (a subscription, a subscriber’s plan, a reward) is retired instead: ' +
          'lifecycleStatus becomes Retired and it stays readable. One that nothing refers to is deleted.',
        params: idParams,
        response: { 204: z.null(), ...errors },
      },
    }, async (req, reply) => {
      requireStaff(s, req, ['product']);
      const outcome = await deleteOrRetireOffering(s.db, req.params.id, s.clock.now());
      if (outcome === 'missing') throw offeringNotFound(req.params.id);
      return reply.code(204).send(null);
    });

    // ---- productOfferingPrice -----------------------------------------------------------------

    app.get(`/${PRICE_PATH}`, {
      schema: {
        tags: ['tmf620'], summary: 'List product offering prices', security: [],
        description: 'Filters: id, lifecycleStatus, name (zh-CN), priceType. `price.value` is in yuan (CNY).',
        querystring: listQuery(PRICE_FILTERS),
        response: { 200: z.array(productOfferingPriceSchema.partial()), 400: tmfErrorSchema },
      },
    }, async (req, reply) => {
      const q = req.query;
      const { rows, total } = await listPrices(s.db, {
        id: anyOf(q.id), lifecycleStatus: anyOf(q.lifecycleStatus), name: anyOf(q.name), priceType: anyOf(q.priceType),
      }, page(q));
      return sendPage(reply, rows.map(toProductOfferingPrice), total, q.fields);
    });

    app.get(`/${PRICE_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'A product offering price', security: [],
        params: idParams, querystring: fieldsQuery,
        response: { 200: productOfferingPriceSchema.partial(), 404: tmfErrorSchema },
      },
    }, async (req) => {
      const p = await getPrice(s.db, req.params.id);
      if (!p) throw priceNotFound(req.params.id);
      return project(toProductOfferingPrice(p), req.query.fields);
    });

    app.post(`/${PRICE_PATH}`, {
      schema: {
        tags: ['tmf620'], summary: 'Create a product offering price (product staff)',
        description: '`price.value` is yuan with at most two decimals (a number, or a string such as "19.90"); it is stored as integer fen.',
        body: priceCreate,
        response: { 201: productOfferingPriceSchema, ...errors },
      },
    }, async (req, reply) => {
      requireStaff(s, req, ['product']);
      const b = req.body;
      checkPeriod(b.priceType, b.recurringChargePeriodType);
      const id = s.random.uuid();
      await insertPrice(s.db, {
        id, nameZh: b.name, nameEn: b.omnihall?.nameEn ?? b.name, priceType: b.priceType,
        recurringPeriod: b.priceType === 'recurring' ? 'month' : null, amountFen: b.price.value,
        lifecycleStatus: b.lifecycleStatus ?? 'Launched', lastUpdate: s.clock.now(),
      });
      const created = await getPrice(s.db, id);
      return reply.code(201).header('Location', href(PRICE_PATH, id)).send(toProductOfferingPrice(created!));
    });

    app.patch(`/${PRICE_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'Change a product offering price (product staff), JSON merge patch',
        description: 'A new amount applies to every later charge of the offerings that use this price.',
        params: idParams, body: pricePatch,
        response: { 200: productOfferingPriceSchema, ...errors },
      },
    }, async (req) => {
      requireStaff(s, req, ['product']);
      const cur = await getPrice(s.db, req.params.id);
      if (!cur) throw priceNotFound(req.params.id);
      const p = req.body;
      const priceType = p.priceType ?? cur.priceType;
      checkPeriod(priceType, p.recurringChargePeriodType);
      const set: Updateable<OfferingPriceTable> = {
        lastUpdate: s.clock.now(), priceType, recurringPeriod: priceType === 'recurring' ? 'month' : null,
      };
      if (p.name !== undefined) set.nameZh = p.name;
      if (p.lifecycleStatus !== undefined) set.lifecycleStatus = p.lifecycleStatus;
      if (p.price !== undefined) set.amountFen = p.price.value;
      if (p.omnihall?.nameEn !== undefined) set.nameEn = p.omnihall.nameEn;
      await updatePrice(s.db, cur.id, set);
      return toProductOfferingPrice((await getPrice(s.db, cur.id))!);
    });

    app.delete(`/${PRICE_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'Delete a product offering price (product staff)',
        description: 'A price that an offering still uses is retired (lifecycleStatus Retired) instead of deleted.',
        params: idParams,
        response: { 204: z.null(), ...errors },
      },
    }, async (req, reply) => {
      requireStaff(s, req, ['product']);
      const outcome = await deleteOrRetirePrice(s.db, req.params.id, s.clock.now());
      if (outcome === 'missing') throw priceNotFound(req.params.id);
      return reply.code(204).send(null);
    });
  };
}
