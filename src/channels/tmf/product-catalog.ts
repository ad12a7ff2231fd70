// TMF620 Product Catalog Management v4: productOffering and productOfferingPrice, a thin mapping
// over the catalogue module's services (every rule and role check is theirs). Anyone may read;
// product staff write. The other resources and the TMF630 hub are registered from here too.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  LIFECYCLE_STATUSES, OFFERING_KINDS, SALES_CHANNELS, type Eligibility, type LifecycleStatus, type OfferingInput, type OfferingKind,
  type OfferingRow,
} from '../../modules/catalogue/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Services } from '../../container.ts';
import { staffActor } from '../api/auth.ts';
import {
  anyOf, baseUrl, fieldsQuery, href, ifMatch, invalid, listQuery, page, project, refInput, safeText, sendPage, tmfErrorSchema, yuanInput,
} from './common.ts';
import {
  CATALOG_API, offeringContext, productOfferingPriceSchema, productOfferingSchema, resourceHref, toProductOffering, toProductOfferingPrice,
} from './catalog-resources.ts';
import { catalogResourceRoutes } from './product-catalog-resources.ts';
import { catalogHubRoutes } from './product-catalog-hub.ts';

const OFFERING_PATH = `${CATALOG_API}/productOffering`;
const PRICE_PATH = `${CATALOG_API}/productOfferingPrice`;

const LIFECYCLE = LIFECYCLE_STATUSES as unknown as readonly [LifecycleStatus, ...LifecycleStatus[]];
const KINDS = OFFERING_KINDS as unknown as readonly [OfferingKind, ...OfferingKind[]];
/** Steps that a second product manager approves: a PATCH to them submits a review (202). */
const REVIEWED: readonly LifecycleStatus[] = ['In test', 'Launched'];
/** Statuses whose content may change (as the catalogue service has it); others take channel changes only. */
const EDITABLE: readonly LifecycleStatus[] = ['In study', 'In design', 'In test', 'Rejected'];

/** A root-relative link to an offering, for the other TMF APIs' references (TMF622 orders). */
export function offeringHref(id: string): string {
  return href(OFFERING_PATH, id);
}

// ---- what clients send ------------------------------------------------------------------------

const nameInput = safeText(200).trim().min(1);
const descriptionInput = safeText(2000);
const codeInput = z.string().regex(/^[A-Za-z0-9]{1,16}$/, 'letters and digits, at most 16');
const categoryInput = z.array(refInput).max(50);
const channelInput = z.array(refInput.extend({ id: z.enum(SALES_CHANNELS) })).max(SALES_CHANNELS.length);
const priceRefInput = z.array(refInput).max(1, 'an omnihall offering has one productOfferingPrice');

const eligibilityInput = z.object({
  plans: z.array(z.string().min(1).max(64)).max(200).optional(),
  accountTypes: z.array(z.enum(['prepaid', 'postpaid'])).max(2).optional(),
  statuses: z.array(z.enum(['active', 'suspended', 'closed'])).max(3).optional(),
}).strict();

const allowanceInput = z.object({
  dataMb: z.number().int().min(0).max(100_000_000),
  voiceMin: z.number().int().min(0).max(1_000_000),
  sms: z.number().int().min(0).max(1_000_000),
}).partial().strict();

/** Attributes of ours a response carries that a client may send back unchanged: they are read-only. */
const readOnly = {
  id: z.string().optional(),
  href: z.string().optional(),
  lastUpdate: z.string().optional(),
  isSellable: z.boolean().optional(),
  validFor: z.object({ startDateTime: z.string().optional() }).strict().optional(),
};

const offeringCreate = z.object({
  ...readOnly,
  '@type': z.literal('ProductOffering').optional(),
  name: nameInput,
  description: descriptionInput.optional(),
  version: z.string().trim().min(1).max(20).optional(),
  lifecycleStatus: z.enum(LIFECYCLE).optional(),
  isBundle: z.literal(false).optional(),
  category: categoryInput.optional(),
  channel: channelInput.optional(),
  productOfferingPrice: priceRefInput.optional(),
  productSpecification: refInput.optional(),
  omnihall: z.object({
    kind: z.enum(KINDS).optional(),
    code: codeInput.optional(),
    nameEn: nameInput.optional(),
    descriptionEn: descriptionInput.optional(),
    allowance: allowanceInput.optional(),
    validityDays: z.number().int().min(1).max(3650).nullable().optional(),
    eligibility: eligibilityInput.optional(),
    revision: z.number().optional(),
  }).strict().optional(),
}).strict();

/** JSON merge patch (RFC 7386): absent = unchanged, null = back to the default where one exists. */
const offeringPatch = z.object({
  ...readOnly,
  '@type': z.literal('ProductOffering').optional(),
  name: nameInput.optional(),
  description: descriptionInput.nullable().optional(),
  version: z.string().trim().min(1).max(20).optional(),
  lifecycleStatus: z.enum(LIFECYCLE).optional(),
  isBundle: z.literal(false).optional(),
  category: categoryInput.optional(),
  channel: channelInput.optional(),
  productOfferingPrice: priceRefInput.min(1).optional(),
  productSpecification: refInput.nullable().optional(),
  omnihall: z.object({
    kind: z.enum(KINDS).optional(),
    code: codeInput.nullable().optional(),
    nameEn: nameInput.optional(),
    descriptionEn: descriptionInput.nullable().optional(),
    allowance: allowanceInput.optional(),
    validityDays: z.number().int().min(1).max(3650).nullable().optional(),
    eligibility: z.object({
      plans: eligibilityInput.shape.plans.unwrap().nullable().optional(),
      accountTypes: eligibilityInput.shape.accountTypes.unwrap().nullable().optional(),
      statuses: eligibilityInput.shape.statuses.unwrap().nullable().optional(),
    }).strict().nullable().optional(),
    revision: z.number().optional(),
  }).strict().optional(),
}).strict();
type OfferingPatch = z.infer<typeof offeringPatch>;

const moneyInput = z.object({ unit: z.literal('CNY'), value: yuanInput }).strict();

const priceReadOnly = { id: z.string().optional(), href: z.string().optional(), lastUpdate: z.string().optional() };

const priceCreate = z.object({
  ...priceReadOnly,
  '@type': z.literal('ProductOfferingPrice').optional(),
  name: nameInput,
  lifecycleStatus: z.enum(LIFECYCLE).optional(),
  isBundle: z.literal(false).optional(),
  priceType: z.enum(['recurring', 'oneTime']),
  recurringChargePeriodType: z.literal('month').optional(),
  recurringChargePeriodLength: z.literal(1).optional(),
  price: moneyInput.optional(),
  omnihall: z.object({ nameEn: nameInput.optional() }).strict().optional(),
}).strict();

const pricePatch = z.object({
  ...priceReadOnly,
  '@type': z.literal('ProductOfferingPrice').optional(),
  name: nameInput.optional(),
  lifecycleStatus: z.enum(LIFECYCLE).optional(),
  isBundle: z.literal(false).optional(),
  priceType: z.enum(['recurring', 'oneTime']).optional(),
  recurringChargePeriodType: z.literal('month').nullable().optional(),
  recurringChargePeriodLength: z.literal(1).nullable().optional(),
  price: moneyInput.nullable().optional(),
  omnihall: z.object({ nameEn: nameInput.optional() }).strict().optional(),
}).strict();

/** A recurring price recurs monthly; a one-time price has no period. */
function checkPeriod(priceType: 'recurring' | 'oneTime', period: 'month' | null | undefined): void {
  if (priceType === 'oneTime' && period) throw invalid('一次性价格不能设置计费周期', 'A oneTime price has no recurringChargePeriodType');
}

/** Catalogue writes are product staff's (admins too); the services check it again. */
const PRODUCT = ['product'] as const;
const idParams = z.object({ id: z.string().min(1).max(64) });
const ifMatchHeaders = z.object({ 'if-match': z.string().max(40).optional() }).loose();
const errors = { 400: tmfErrorSchema, 401: tmfErrorSchema, 403: tmfErrorSchema, 404: tmfErrorSchema, 409: tmfErrorSchema };

const OFFERING_FILTERS = ['id', 'lifecycleStatus', 'name', 'category.id', 'channel.id', 'productOfferingPrice.id', 'productSpecification.id'] as const;
const PRICE_FILTERS = ['id', 'lifecycleStatus', 'name', 'priceType'] as const;

function offeringNotFound(id: string): AppError {
  return new AppError('OFFERING_NOT_FOUND', { detail: l10n(`没有这个产品：${id}`, `No productOffering ${id}`) });
}

function priceNotFound(id: string): AppError {
  return new AppError('NOT_FOUND', { detail: l10n(`没有这个价格：${id}`, `No productOfferingPrice ${id}`) });
}

/**
 * The categories a client names, split into the offering kind (a category that stands for one,
 * or `omnihall.kind`) and the other categories it is in.
 */
function splitCategories(refs: { id: string }[] | undefined, kind: OfferingKind | undefined): { kind: OfferingKind | undefined; others: string[] | undefined } {
  const ids = refs?.map((r) => r.id);
  const kinds = [...new Set([...(ids ?? []).filter((i): i is OfferingKind => (OFFERING_KINDS as readonly string[]).includes(i)), ...(kind ? [kind] : [])])];
  if (kinds.length > 1) throw invalid(`一个产品只能属于一个产品类别：${kinds.join('、')}`, `An offering is of one kind; got ${kinds.join(', ')}`);
  return { kind: kinds[0], others: ids ? [...new Set(ids.filter((i) => !(OFFERING_KINDS as readonly string[]).includes(i)))] : undefined };
}

/** A merge patch of the eligibility onto what it is now: a null member removes that rule. */
function mergeEligibility(cur: Eligibility, patch: Record<string, unknown> | null): Eligibility {
  const next: Record<string, unknown> = { ...(patch === null ? {} : cur) };
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (v === null) delete next[k];
    else if (v !== undefined) next[k] = v;
  }
  return next as Eligibility;
}

/** The offering content a patch changes, as the catalogue service takes it. */
function contentOf(p: OfferingPatch, cur: OfferingRow, kind: OfferingKind | undefined): OfferingInput & { priceId?: string } {
  const x = p.omnihall;
  const input: OfferingInput & { priceId?: string } = {
    nameZh: p.name,
    descriptionZh: p.description === null ? '' : p.description,
    version: p.version,
    kind: kind !== undefined && kind !== cur.kind ? kind : undefined,
    channels: p.channel?.map((c) => c.id),
    priceId: p.productOfferingPrice?.[0]?.id,
    code: x?.code,
    nameEn: x?.nameEn,
    descriptionEn: x?.descriptionEn === null ? '' : x?.descriptionEn,
    dataMb: x?.allowance?.dataMb,
    voiceMin: x?.allowance?.voiceMin,
    sms: x?.allowance?.sms,
    validityDays: x?.validityDays,
    eligibility: x?.eligibility !== undefined ? mergeEligibility(cur.eligibility ?? {}, x.eligibility) : undefined,
  };
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as typeof input;
}

export function productCatalogRoutes(s: Pick<Services, 'catalogueResources' | 'catalogueService' | 'hub' | 'tokens' | 'clock' | 'staff'>): FastifyPluginAsyncZod {
  return async (app) => {
    // A write here may make events: this node's hub looks for listeners to send them to at once.
    app.addHook('onResponse', async (req) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') s.hub.wake();
    });

    async function offeringRow(id: string): Promise<OfferingRow> {
      const o = await s.catalogueService.getRow(id);
      if (!o) throw offeringNotFound(id);
      return o;
    }

    async function rendered(req: FastifyRequest, o: OfferingRow) {
      const { relations, names } = await offeringContext(s.catalogueResources, [o]);
      return toProductOffering(baseUrl(req), o, relations.get(o.id), names);
    }

    /** The offering as it is now, with its revision as the ETag. */
    async function sendOffering(req: FastifyRequest, reply: FastifyReply, id: string, status = 200) {
      const o = await offeringRow(id);
      return reply.code(status).header('etag', `"${o.revision}"`).send(await rendered(req, o));
    }

    async function mustPrice(id: string | undefined): Promise<void> {
      if (id !== undefined && !(await s.catalogueService.getPrice(id))) throw invalid(`价格不存在：${id}`, `productOfferingPrice ${id} does not exist`);
    }

    // ---- productOffering ----------------------------------------------------------------------

    app.get(`/${OFFERING_PATH}`, {
      schema: {
        tags: ['tmf620'], summary: 'List product offerings', security: [],
        description: 'Filters: id, lifecycleStatus, name (zh-CN), category.id (a kind or any category), channel.id, productOfferingPrice.id, productSpecification.id; a comma means "any of".',
        querystring: listQuery(OFFERING_FILTERS),
        response: { 200: z.array(productOfferingSchema.partial()), 400: tmfErrorSchema },
      },
    }, async (req, reply) => {
      const q = req.query;
      let ids = anyOf(q.id);
      const narrow = (found: string[]) => (ids = ids ? ids.filter((i) => found.includes(i)) : found);
      const categories = anyOf(q['category.id']);
      if (categories) narrow(await s.catalogueResources.offeringIdsInCategories(categories));
      const specs = anyOf(q['productSpecification.id']);
      if (specs) narrow(await s.catalogueResources.offeringIdsWithSpecifications(specs));
      if (ids && ids.length === 0) return sendPage(reply, [], 0, q.fields);
      const { rows, total } = await s.catalogueService.listRows({
        id: ids, lifecycleStatus: anyOf(q.lifecycleStatus), name: anyOf(q.name), channel: anyOf(q['channel.id']), priceId: anyOf(q['productOfferingPrice.id']),
      }, page(q));
      const { relations, names } = await offeringContext(s.catalogueResources, rows);
      const base = baseUrl(req);
      return sendPage(reply, rows.map((o) => toProductOffering(base, o, relations.get(o.id), names)), total, q.fields);
    });

    app.get(`/${OFFERING_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'A product offering (its ETag is its revision)', security: [],
        params: idParams, querystring: fieldsQuery,
        response: { 200: productOfferingSchema.partial(), 404: tmfErrorSchema },
      },
    }, async (req, reply) => {
      const o = await offeringRow(req.params.id);
      reply.header('etag', `"${o.revision}"`);
      return project(await rendered(req, o), req.query.fields);
    });

    app.post(`/${OFFERING_PATH}`, {
      schema: {
        tags: ['tmf620'], summary: 'Create a product offering (product staff)',
        description: 'Only `name` is required: it starts In design (or In study) and is sellable once it has a kind (category or ' +
          'omnihall.kind), a code and a priced productOfferingPrice, after a second product manager approves each step.',
        body: offeringCreate,
        response: { 201: productOfferingSchema, ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, PRODUCT);
      const b = req.body;
      const x = b.omnihall;
      if (b.lifecycleStatus !== undefined && b.lifecycleStatus !== 'In design' && b.lifecycleStatus !== 'In study') {
        throw new AppError('INVALID_TRANSITION', { detail: l10n('新产品从“In study”或“In design”开始', 'A new offering starts In study or In design') });
      }
      const { kind, others } = splitCategories(b.category, x?.kind);
      const priceId = b.productOfferingPrice?.[0]?.id;
      const specificationId = b.productSpecification?.id;
      await mustPrice(priceId);
      await s.catalogueResources.checkRelations({ categoryIds: others, specificationId });
      const created = await s.catalogueService.create(actor, {
        nameZh: b.name, nameEn: x?.nameEn, kind: kind ?? null, code: x?.code ?? null, priceId,
        descriptionZh: b.description, descriptionEn: x?.descriptionEn, dataMb: x?.allowance?.dataMb, voiceMin: x?.allowance?.voiceMin,
        sms: x?.allowance?.sms, validityDays: x?.validityDays, eligibility: x?.eligibility, channels: b.channel?.map((c) => c.id),
        version: b.version, lifecycleStatus: b.lifecycleStatus,
      });
      if (others?.length || specificationId) {
        await s.catalogueResources.setOfferingRelations(actor, created.id, null, { categoryIds: others, specificationId });
      }
      reply.header('Location', resourceHref(baseUrl(req), 'productOffering', created.id));
      return sendOffering(req, reply, created.id, 201);
    });

    app.patch(`/${OFFERING_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'Change a product offering (product staff), JSON merge patch; If-Match: its ETag',
        description: 'A launched offering’s content is not changed (NOT_EDITABLE); its channels are: a withdrawal at once, a new ' +
          'channel through a review. `lifecycleStatus` changes in a PATCH of its own: to In test or Launched it submits a review ' +
          '(202, the offering as it is until a second product manager approves); other steps are taken at once.',
        params: idParams, body: offeringPatch, headers: ifMatchHeaders,
        response: { 200: productOfferingSchema, 202: productOfferingSchema, ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, PRODUCT);
      const id = req.params.id;
      const revision = ifMatch(req.headers['if-match']);
      const cur = await offeringRow(id);
      if (revision !== null && revision !== cur.revision) throw new AppError('CONFLICT', { extra: { revision: cur.revision } });
      const { lifecycleStatus, '@type': _t, id: _i, href: _h, lastUpdate: _l, isSellable: _s, validFor: _v, ...rest } = req.body;

      if (lifecycleStatus !== undefined && lifecycleStatus !== cur.lifecycleStatus) {
        if (Object.keys(rest).length > 0) {
          throw invalid('请单独修改 lifecycleStatus', 'Change lifecycleStatus in a PATCH of its own, without other attributes');
        }
        if (REVIEWED.includes(lifecycleStatus)) {
          await s.catalogueService.submit(actor, id, { to: lifecycleStatus });
          return sendOffering(req, reply, id, 202);
        }
        await s.catalogueService.transition(actor, id, lifecycleStatus);
        return sendOffering(req, reply, id);
      }

      const p = rest as OfferingPatch;
      const { kind, others } = splitCategories(p.category, p.omnihall?.kind);
      const specificationId = p.productSpecification === undefined ? undefined : (p.productSpecification?.id ?? null);
      await mustPrice(p.productOfferingPrice?.[0]?.id);
      await s.catalogueResources.checkRelations({ categoryIds: others, specificationId });
      const content = contentOf(p, cur, kind);

      if (!EDITABLE.includes(cur.lifecycleStatus)) {
        // What subscribers may hold is not changed in place; only where it is sold.
        const { channels, ...other } = content;
        if (Object.keys(other).length > 0 || others !== undefined || specificationId !== undefined) throw new AppError('NOT_EDITABLE');
        let reviewed = false;
        if (channels) {
          for (const c of cur.channels.filter((c) => !channels.includes(c as never))) await s.catalogueService.setChannel(actor, id, c, false);
          for (const c of channels.filter((c) => !cur.channels.includes(c))) {
            if ('review' in (await s.catalogueService.setChannel(actor, id, c, true))) reviewed = true;
          }
        }
        return sendOffering(req, reply, id, reviewed ? 202 : 200);
      }

      let at = revision;
      if (Object.keys(content).length > 0) at = (await s.catalogueService.update(actor, id, revision, content)).revision;
      if (others !== undefined || specificationId !== undefined) {
        await s.catalogueResources.setOfferingRelations(actor, id, at, { categoryIds: others, specificationId });
      }
      return sendOffering(req, reply, id);
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
      const actor = await staffActor(s, req, PRODUCT);
      const outcome = await s.catalogueService.remove(actor, req.params.id);
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
      const { rows, total } = await s.catalogueService.listPrices({
        id: anyOf(q.id), lifecycleStatus: anyOf(q.lifecycleStatus), name: anyOf(q.name), priceType: anyOf(q.priceType),
      }, page(q));
      const base = baseUrl(req);
      return sendPage(reply, rows.map((p) => toProductOfferingPrice(base, p)), total, q.fields);
    });

    app.get(`/${PRICE_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'A product offering price', security: [],
        params: idParams, querystring: fieldsQuery,
        response: { 200: productOfferingPriceSchema.partial(), 404: tmfErrorSchema },
      },
    }, async (req) => {
      const p = await s.catalogueService.getPrice(req.params.id);
      if (!p) throw priceNotFound(req.params.id);
      return project(toProductOfferingPrice(baseUrl(req), p), req.query.fields);
    });

    app.post(`/${PRICE_PATH}`, {
      schema: {
        tags: ['tmf620'], summary: 'Create a product offering price (product staff)',
        description: '`name` and `priceType` are required. `price.value` is yuan with at most two decimals (a number, or a string ' +
          'such as "19.90"), stored as integer fen; without it the price is not set yet. It starts In design.',
        body: priceCreate,
        response: { 201: productOfferingPriceSchema, ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, PRODUCT);
      const b = req.body;
      checkPeriod(b.priceType, b.recurringChargePeriodType);
      const p = await s.catalogueResources.createPrice(actor, {
        nameZh: b.name, nameEn: b.omnihall?.nameEn, priceType: b.priceType, amountFen: b.price?.value ?? null, lifecycleStatus: b.lifecycleStatus,
      });
      const out = toProductOfferingPrice(baseUrl(req), p);
      return reply.code(201).header('Location', out.href).send(out);
    });

    app.patch(`/${PRICE_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'Change a product offering price (product staff), JSON merge patch',
        description: 'A price that a launched or in-test offering uses is not changed in place (409 NOT_EDITABLE): create a new ' +
          'price and refer the offering’s next version to it.',
        params: idParams, body: pricePatch,
        response: { 200: productOfferingPriceSchema, ...errors },
      },
    }, async (req) => {
      const actor = await staffActor(s, req, PRODUCT);
      const cur = await s.catalogueService.getPrice(req.params.id);
      if (!cur) throw priceNotFound(req.params.id);
      const b = req.body;
      checkPeriod(b.priceType ?? cur.priceType, b.recurringChargePeriodType);
      const p = await s.catalogueResources.updatePrice(actor, cur.id, {
        nameZh: b.name, nameEn: b.omnihall?.nameEn, priceType: b.priceType, lifecycleStatus: b.lifecycleStatus,
        amountFen: b.price === undefined ? undefined : (b.price?.value ?? null),
      });
      return toProductOfferingPrice(baseUrl(req), p);
    });

    app.delete(`/${PRICE_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'Delete a product offering price (product staff)',
        description: 'A price an offering no longer on sale uses is retired (lifecycleStatus Retired) instead of deleted; one an ' +
          'offering on sale uses is refused (409 NOT_EDITABLE).',
        params: idParams,
        response: { 204: z.null(), ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, PRODUCT);
      await s.catalogueResources.removePrice(actor, req.params.id);
      return reply.code(204).send(null);
    });

    await app.register(catalogResourceRoutes(s));
    await app.register(catalogHubRoutes(s));
  };
}
