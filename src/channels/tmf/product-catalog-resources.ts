// TMF620 productSpecification, category and catalog: list, get, create, merge-patch and delete,
// thin over the catalogue's ResourcesService (which holds the rules and the role check).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LIFECYCLE_STATUSES, type LifecycleStatus } from '../../modules/catalogue/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Services } from '../../container.ts';
import { staffActor } from '../api/auth.ts';
import { anyOf, baseUrl, fieldsQuery, listQuery, page, project, refInput, safeText, sendPage, tmfErrorSchema } from './common.ts';
import {
  CATALOG_API, catalogSchema, categorySchema, productSpecificationSchema, resourceHref, toCatalog, toCategory, toProductSpecification,
} from './catalog-resources.ts';

const SPEC_PATH = `${CATALOG_API}/productSpecification`;
const CATEGORY_PATH = `${CATALOG_API}/category`;
const CATALOG_PATH = `${CATALOG_API}/catalog`;

const LIFECYCLE = LIFECYCLE_STATUSES as unknown as readonly [LifecycleStatus, ...LifecycleStatus[]];

const nameInput = safeText(200).trim().min(1);
const descriptionInput = safeText(2000);
const versionInput = z.string().trim().min(1).max(20);
const readOnly = {
  id: z.string().optional(),
  href: z.string().optional(),
  lastUpdate: z.string().optional(),
  validFor: z.object({ startDateTime: z.string().optional() }).strict().optional(),
};
const nameEn = z.object({ nameEn: nameInput.optional() }).strict();

const characteristicInput = z.object({
  name: safeText(200).trim().min(1),
  description: descriptionInput.optional(),
  valueType: z.string().max(50).optional(),
  configurable: z.boolean().optional(),
  minCardinality: z.number().int().min(0).max(1000).optional(),
  maxCardinality: z.number().int().min(0).max(1000).optional(),
  productSpecCharacteristicValue: z.array(z.object({
    value: z.union([safeText(500), z.number(), z.boolean()]),
    valueType: z.string().max(50).optional(),
    unitOfMeasure: z.string().max(50).optional(),
    isDefault: z.boolean().optional(),
  }).strict()).max(100).optional(),
}).strict();

const specFields = {
  ...readOnly,
  '@type': z.literal('ProductSpecification').optional(),
  description: descriptionInput.nullable().optional(),
  brand: safeText(200).nullable().optional(),
  productNumber: safeText(100).nullable().optional(),
  version: versionInput.optional(),
  lifecycleStatus: z.enum(LIFECYCLE).optional(),
  isBundle: z.literal(false).optional(),
  productSpecCharacteristic: z.array(characteristicInput).max(100).optional(),
  omnihall: nameEn.optional(),
};
const specCreate = z.object({ ...specFields, name: nameInput }).strict();
const specPatch = z.object({ ...specFields, name: nameInput.optional() }).strict();

const categoryFields = {
  ...readOnly,
  '@type': z.literal('Category').optional(),
  description: descriptionInput.nullable().optional(),
  version: versionInput.optional(),
  lifecycleStatus: z.enum(LIFECYCLE).optional(),
  parentId: z.string().min(1).max(64).nullable().optional(),
  isRoot: z.boolean().optional(),
  omnihall: nameEn.optional(),
};
const categoryCreate = z.object({ ...categoryFields, name: nameInput }).strict();
const categoryPatch = z.object({ ...categoryFields, name: nameInput.optional() }).strict();

const catalogFields = {
  ...readOnly,
  '@type': z.literal('Catalog').optional(),
  description: descriptionInput.nullable().optional(),
  catalogType: z.string().trim().min(1).max(50).optional(),
  version: versionInput.optional(),
  lifecycleStatus: z.enum(LIFECYCLE).optional(),
  category: z.array(refInput).max(500).optional(),
  omnihall: nameEn.optional(),
};
const catalogCreate = z.object({ ...catalogFields, name: nameInput }).strict();
const catalogPatch = z.object({ ...catalogFields, name: nameInput.optional() }).strict();

/** Catalogue writes are product staff's (admins too); the services check it again. */
const PRODUCT = ['product'] as const;
const idParams = z.object({ id: z.string().min(1).max(64) });
const errors = { 400: tmfErrorSchema, 401: tmfErrorSchema, 403: tmfErrorSchema, 404: tmfErrorSchema, 409: tmfErrorSchema };

function notFound(what: string, id: string): AppError {
  return new AppError('NOT_FOUND', { detail: l10n(`没有这个${what === 'category' ? '类别' : what === 'catalog' ? '目录' : '产品规格'}：${id}`, `No ${what} ${id}`) });
}

/** `isRoot: true` alone means no parent; with a parent it contradicts itself. */
function parentOf(b: { parentId?: string | null; isRoot?: boolean }): string | null | undefined {
  if (b.isRoot === true && b.parentId) throw new AppError('INVALID_INPUT', { detail: l10n('isRoot 为 true 时不能有 parentId', 'A root category (isRoot) has no parentId') });
  if (b.isRoot === false && b.parentId === undefined) throw new AppError('INVALID_INPUT', { detail: l10n('非根类别需要 parentId', 'isRoot false needs a parentId') });
  return b.isRoot === true ? null : b.parentId;
}

const nullToEmpty = (v: string | null | undefined) => (v === null ? '' : v);

export function catalogResourceRoutes(s: Pick<Services, 'catalogueResources' | 'tokens' | 'clock' | 'staff'>): FastifyPluginAsyncZod {
  return async (app) => {
    const r = s.catalogueResources;

    async function categoriesWithNames(ids: readonly string[]) {
      const names = new Map((await r.categoriesByIds(ids)).map((c) => [c.id, c.nameZh]));
      return ids.map((id) => ({ id, ...(names.has(id) ? { name: names.get(id)! } : {}) }));
    }

    async function categoryOut(base: string, id: string) {
      const c = await r.getCategory(id);
      if (!c) throw notFound('category', id);
      const subs = (await r.subCategories([id])).get(id) ?? [];
      return toCategory(base, c, await categoriesWithNames(subs));
    }

    async function catalogOut(base: string, id: string) {
      const c = await r.getCatalog(id);
      if (!c) throw notFound('catalog', id);
      return toCatalog(base, c, await categoriesWithNames(c.categoryIds));
    }

    // ---- productSpecification -----------------------------------------------------------------

    app.get(`/${SPEC_PATH}`, {
      schema: {
        tags: ['tmf620'], summary: 'List product specifications', security: [],
        querystring: listQuery(['id', 'lifecycleStatus', 'name'] as const),
        response: { 200: z.array(productSpecificationSchema.partial()), 400: tmfErrorSchema },
      },
    }, async (req, reply) => {
      const q = req.query;
      const { rows, total } = await r.listSpecifications({ id: anyOf(q.id), lifecycleStatus: anyOf(q.lifecycleStatus), name: anyOf(q.name) }, page(q));
      const base = baseUrl(req);
      return sendPage(reply, rows.map((x) => toProductSpecification(base, x)), total, q.fields);
    });

    app.get(`/${SPEC_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'A product specification', security: [], params: idParams, querystring: fieldsQuery,
        response: { 200: productSpecificationSchema.partial(), 404: tmfErrorSchema },
      },
    }, async (req) => {
      const x = await r.getSpecification(req.params.id);
      if (!x) throw notFound('productSpecification', req.params.id);
      return project(toProductSpecification(baseUrl(req), x), req.query.fields);
    });

    app.post(`/${SPEC_PATH}`, {
      schema: {
        tags: ['tmf620'], summary: 'Create a product specification (product staff)', description: 'Only `name` is required; it starts In design.',
        body: specCreate, response: { 201: productSpecificationSchema, ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, PRODUCT);
      const b = req.body;
      const x = await r.createSpecification(actor, {
        nameZh: b.name, nameEn: b.omnihall?.nameEn, descriptionZh: nullToEmpty(b.description), brand: b.brand, productNumber: b.productNumber,
        version: b.version, lifecycleStatus: b.lifecycleStatus, characteristics: b.productSpecCharacteristic,
      });
      const out = toProductSpecification(baseUrl(req), x);
      return reply.code(201).header('Location', out.href).send(out);
    });

    app.patch(`/${SPEC_PATH}/:id`, {
      schema: { tags: ['tmf620'], summary: 'Change a product specification (product staff), JSON merge patch', params: idParams, body: specPatch, response: { 200: productSpecificationSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req, PRODUCT);
      const b = req.body;
      const x = await r.updateSpecification(actor, req.params.id, {
        nameZh: b.name, nameEn: b.omnihall?.nameEn, descriptionZh: nullToEmpty(b.description), brand: b.brand, productNumber: b.productNumber,
        version: b.version, lifecycleStatus: b.lifecycleStatus, characteristics: b.productSpecCharacteristic,
      });
      return toProductSpecification(baseUrl(req), x);
    });

    app.delete(`/${SPEC_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'Delete a product specification (product staff)',
        description: 'One that an offering refers to is retired (lifecycleStatus Retired) instead.', params: idParams, response: { 204: z.null(), ...errors },
      },
    }, async (req, reply) => {
      await r.removeSpecification(await staffActor(s, req, PRODUCT), req.params.id);
      return reply.code(204).send(null);
    });

    // ---- category -----------------------------------------------------------------------------

    app.get(`/${CATEGORY_PATH}`, {
      schema: {
        tags: ['tmf620'], summary: 'List categories (the six offering kinds among them)', security: [],
        querystring: listQuery(['id', 'lifecycleStatus', 'name', 'parentId'] as const),
        response: { 200: z.array(categorySchema.partial()), 400: tmfErrorSchema },
      },
    }, async (req, reply) => {
      const q = req.query;
      const { rows, total } = await r.listCategories({ id: anyOf(q.id), lifecycleStatus: anyOf(q.lifecycleStatus), name: anyOf(q.name), parentId: anyOf(q.parentId) }, page(q));
      const subs = await r.subCategories(rows.map((c) => c.id));
      const names = new Map((await r.categoriesByIds([...subs.values()].flat())).map((c) => [c.id, c.nameZh]));
      const base = baseUrl(req);
      return sendPage(reply, rows.map((c) => toCategory(base, c, (subs.get(c.id) ?? []).map((id) => ({ id, name: names.get(id) })))), total, q.fields);
    });

    app.get(`/${CATEGORY_PATH}/:id`, {
      schema: { tags: ['tmf620'], summary: 'A category', security: [], params: idParams, querystring: fieldsQuery, response: { 200: categorySchema.partial(), 404: tmfErrorSchema } },
    }, async (req) => project(await categoryOut(baseUrl(req), req.params.id), req.query.fields));

    app.post(`/${CATEGORY_PATH}`, {
      schema: {
        tags: ['tmf620'], summary: 'Create a category (product staff)', description: 'Only `name` is required; `parentId` makes it a sub-category.',
        body: categoryCreate, response: { 201: categorySchema, ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, PRODUCT);
      const b = req.body;
      const c = await r.createCategory(actor, {
        nameZh: b.name, nameEn: b.omnihall?.nameEn, descriptionZh: nullToEmpty(b.description), parentId: parentOf(b), version: b.version, lifecycleStatus: b.lifecycleStatus,
      });
      const base = baseUrl(req);
      return reply.code(201).header('Location', resourceHref(base, 'category', c.id)).send(await categoryOut(base, c.id));
    });

    app.patch(`/${CATEGORY_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'Change a category (product staff), JSON merge patch',
        description: 'A category that is an offering kind keeps its place and status (409 NOT_EDITABLE).', params: idParams, body: categoryPatch,
        response: { 200: categorySchema, ...errors },
      },
    }, async (req) => {
      const actor = await staffActor(s, req, PRODUCT);
      const b = req.body;
      await r.updateCategory(actor, req.params.id, {
        nameZh: b.name, nameEn: b.omnihall?.nameEn, descriptionZh: nullToEmpty(b.description), parentId: parentOf(b), version: b.version, lifecycleStatus: b.lifecycleStatus,
      });
      return categoryOut(baseUrl(req), req.params.id);
    });

    app.delete(`/${CATEGORY_PATH}/:id`, {
      schema: {
        tags: ['tmf620'], summary: 'Delete a category (product staff)',
        description: 'Offerings and catalogs leave it; one with sub-categories, or one that is an offering kind, stays (409 NOT_EDITABLE).',
        params: idParams, response: { 204: z.null(), ...errors },
      },
    }, async (req, reply) => {
      await r.removeCategory(await staffActor(s, req, PRODUCT), req.params.id);
      return reply.code(204).send(null);
    });

    // ---- catalog ------------------------------------------------------------------------------

    app.get(`/${CATALOG_PATH}`, {
      schema: {
        tags: ['tmf620'], summary: 'List catalogs', security: [],
        querystring: listQuery(['id', 'lifecycleStatus', 'name', 'category.id'] as const),
        response: { 200: z.array(catalogSchema.partial()), 400: tmfErrorSchema },
      },
    }, async (req, reply) => {
      const q = req.query;
      const { rows, total } = await r.listCatalogs({ id: anyOf(q.id), lifecycleStatus: anyOf(q.lifecycleStatus), name: anyOf(q.name), categoryId: anyOf(q['category.id']) }, page(q));
      const names = new Map((await r.categoriesByIds([...new Set(rows.flatMap((c) => c.categoryIds))])).map((c) => [c.id, c.nameZh]));
      const base = baseUrl(req);
      return sendPage(reply, rows.map((c) => toCatalog(base, c, c.categoryIds.map((id) => ({ id, name: names.get(id) })))), total, q.fields);
    });

    app.get(`/${CATALOG_PATH}/:id`, {
      schema: { tags: ['tmf620'], summary: 'A catalog', security: [], params: idParams, querystring: fieldsQuery, response: { 200: catalogSchema.partial(), 404: tmfErrorSchema } },
    }, async (req) => project(await catalogOut(baseUrl(req), req.params.id), req.query.fields));

    app.post(`/${CATALOG_PATH}`, {
      schema: { tags: ['tmf620'], summary: 'Create a catalog (product staff)', description: 'Only `name` is required.', body: catalogCreate, response: { 201: catalogSchema, ...errors } },
    }, async (req, reply) => {
      const actor = await staffActor(s, req, PRODUCT);
      const b = req.body;
      const c = await r.createCatalog(actor, {
        nameZh: b.name, nameEn: b.omnihall?.nameEn, descriptionZh: nullToEmpty(b.description), catalogType: b.catalogType, version: b.version,
        lifecycleStatus: b.lifecycleStatus, categoryIds: b.category?.map((x) => x.id),
      });
      const base = baseUrl(req);
      return reply.code(201).header('Location', resourceHref(base, 'catalog', c.id)).send(await catalogOut(base, c.id));
    });

    app.patch(`/${CATALOG_PATH}/:id`, {
      schema: { tags: ['tmf620'], summary: 'Change a catalog (product staff), JSON merge patch', params: idParams, body: catalogPatch, response: { 200: catalogSchema, ...errors } },
    }, async (req) => {
      const actor = await staffActor(s, req, PRODUCT);
      const b = req.body;
      await r.updateCatalog(actor, req.params.id, {
        nameZh: b.name, nameEn: b.omnihall?.nameEn, descriptionZh: nullToEmpty(b.description), catalogType: b.catalogType, version: b.version,
        lifecycleStatus: b.lifecycleStatus, categoryIds: b.category?.map((x) => x.id),
      });
      return catalogOut(baseUrl(req), req.params.id);
    });

    app.delete(`/${CATALOG_PATH}/:id`, {
      schema: { tags: ['tmf620'], summary: 'Delete a catalog (product staff)', params: idParams, response: { 204: z.null(), ...errors } },
    }, async (req, reply) => {
      await r.removeCatalog(await staffActor(s, req, PRODUCT), req.params.id);
      return reply.code(204).send(null);
    });
  };
}
