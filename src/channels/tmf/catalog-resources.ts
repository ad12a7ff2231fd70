// TMF620 resources as clients see them, made from the catalogue's rows: the answers of the
// product catalog API and the resources in its TMF630 events (rendered when they are sent, from
// the row the event recorded). Hrefs are absolute, under the base URL they are given.
import { z } from 'zod';
import {
  LIFECYCLE_STATUSES, OFFERING_KINDS, SALES_CHANNELS, type CatalogRow, type CategoryRow, type LifecycleStatus, type OfferingKind,
  type OfferingPrice, type OfferingRelations, type OfferingRow, type ResourcesService, type SpecificationRow,
} from '../../modules/catalogue/index.ts';
import { fenToYuanNumber } from '../../platform/money.ts';

export const CATALOG_API = 'productCatalogManagement/v4';

export type CatalogResource = 'productOffering' | 'productOfferingPrice' | 'productSpecification' | 'category' | 'catalog';

export function resourceHref(base: string, resource: CatalogResource, id: string): string {
  return `${base}/tmf-api/${CATALOG_API}/${resource}/${encodeURIComponent(id)}`;
}

const LIFECYCLE = LIFECYCLE_STATUSES as unknown as readonly [LifecycleStatus, ...LifecycleStatus[]];
const KINDS = OFFERING_KINDS as unknown as readonly [OfferingKind, ...OfferingKind[]];

/** The kinds' categories' names, for an offering whose kind's category row is not at hand. */
const KIND_NAMES: Record<OfferingKind, string> = {
  plan: '套餐', data_pack: '流量包', voice_pack: '语音包', sms_pack: '短信包', vas: '增值业务', broadband: '宽带',
};

const CHANNEL_NAMES: Record<(typeof SALES_CHANNELS)[number], string> = {
  web: '网上营业厅', mobile: '掌上营业厅', kiosk: '自助终端', sms: '短信营业厅', ussd: 'USSD营业厅',
  ivr: '语音自助', api: '开放接口', agent: '客服坐席', mall: '网上商城',
};

/** Rows read now carry dates; rows recorded in an event carry their JSON text. */
function iso(d: Date | string): string {
  return typeof d === 'string' ? new Date(d).toISOString() : d.toISOString();
}

// ---- schemas of the answers -----------------------------------------------------------------

export const refOut = z.object({
  id: z.string(),
  href: z.string().optional(),
  name: z.string().optional(),
  '@referredType': z.string().optional(),
});

const eligibilityOut = z.object({
  plans: z.array(z.string()).optional(),
  accountTypes: z.array(z.enum(['prepaid', 'postpaid'])).optional(),
  statuses: z.array(z.enum(['active', 'suspended', 'closed'])).optional(),
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
  /** Complete (a kind, a code and a priced price): it can be taken to test and sold. */
  isSellable: z.boolean(),
  validFor: z.object({ startDateTime: z.string() }),
  category: z.array(refOut),
  channel: z.array(refOut),
  productOfferingPrice: z.array(refOut),
  productSpecification: refOut.optional(),
  '@type': z.literal('ProductOffering'),
  omnihall: z.object({
    kind: z.enum(KINDS).nullable(),
    code: z.string().nullable(),
    nameEn: z.string(),
    descriptionEn: z.string(),
    allowance: z.object({ dataMb: z.number(), voiceMin: z.number(), sms: z.number() }),
    validityDays: z.number().nullable(),
    eligibility: eligibilityOut,
    revision: z.number(),
  }),
});
export type ProductOffering = z.infer<typeof productOfferingSchema>;

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
  /** Absent until an amount is set. */
  price: z.object({ unit: z.literal('CNY'), value: z.number() }).optional(),
  '@type': z.literal('ProductOfferingPrice'),
  omnihall: z.object({ nameEn: z.string() }),
});
export type ProductOfferingPrice = z.infer<typeof productOfferingPriceSchema>;

const characteristicOut = z.object({
  name: z.string(),
  description: z.string().optional(),
  valueType: z.string().optional(),
  configurable: z.boolean().optional(),
  minCardinality: z.number().optional(),
  maxCardinality: z.number().optional(),
  productSpecCharacteristicValue: z.array(z.object({
    value: z.union([z.string(), z.number(), z.boolean()]), valueType: z.string().optional(), unitOfMeasure: z.string().optional(), isDefault: z.boolean().optional(),
  })).optional(),
});

export const productSpecificationSchema = z.object({
  id: z.string(),
  href: z.string(),
  name: z.string(),
  description: z.string(),
  brand: z.string().optional(),
  productNumber: z.string().optional(),
  version: z.string(),
  lifecycleStatus: z.enum(LIFECYCLE),
  isBundle: z.boolean(),
  lastUpdate: z.string(),
  validFor: z.object({ startDateTime: z.string() }),
  productSpecCharacteristic: z.array(characteristicOut),
  '@type': z.literal('ProductSpecification'),
  omnihall: z.object({ nameEn: z.string() }),
});
export type ProductSpecificationOut = z.infer<typeof productSpecificationSchema>;

export const categorySchema = z.object({
  id: z.string(),
  href: z.string(),
  name: z.string(),
  description: z.string(),
  version: z.string(),
  lifecycleStatus: z.enum(LIFECYCLE),
  lastUpdate: z.string(),
  validFor: z.object({ startDateTime: z.string() }),
  isRoot: z.boolean(),
  parentId: z.string().optional(),
  subCategory: z.array(refOut),
  '@type': z.literal('Category'),
  /** `kind`: the offering kind this category stands for (then it cannot move or be deleted). */
  omnihall: z.object({ nameEn: z.string(), kind: z.enum(KINDS).nullable() }),
});
export type CategoryOut = z.infer<typeof categorySchema>;

export const catalogSchema = z.object({
  id: z.string(),
  href: z.string(),
  name: z.string(),
  description: z.string(),
  catalogType: z.string(),
  version: z.string(),
  lifecycleStatus: z.enum(LIFECYCLE),
  lastUpdate: z.string(),
  validFor: z.object({ startDateTime: z.string() }),
  category: z.array(refOut),
  '@type': z.literal('Catalog'),
  omnihall: z.object({ nameEn: z.string() }),
});
export type CatalogOut = z.infer<typeof catalogSchema>;

// ---- rows to resources ----------------------------------------------------------------------

/** Names of the resources an offering refers to, looked up once for a page. */
export interface Names {
  categories: Map<string, string>;
  specifications: Map<string, string>;
}

/** The relations and the names an offering's references need, for a page of offerings. */
export async function offeringContext(resources: ResourcesService, rows: readonly Pick<OfferingRow, 'id'>[], known?: Map<string, OfferingRelations>) {
  const relations = known ?? await resources.offeringRelations(rows.map((r) => r.id));
  const categoryIds = new Set<string>();
  const specIds = new Set<string>();
  for (const r of relations.values()) {
    r.categoryIds.forEach((c) => categoryIds.add(c));
    if (r.specificationId) specIds.add(r.specificationId);
  }
  const cats = await resources.categoriesByIds([...categoryIds, ...OFFERING_KINDS]);
  const specs = await Promise.all([...specIds].map((id) => resources.getSpecification(id)));
  const names: Names = {
    categories: new Map(cats.map((c) => [c.id, c.nameZh])),
    specifications: new Map(specs.filter((s) => s !== undefined).map((s) => [s.id, s.nameZh])),
  };
  return { relations, names };
}

function isComplete(o: OfferingRow): boolean {
  return o.kind !== null && o.code !== null && o.priceId !== null && o.priceFen !== null && o.priceFen !== undefined;
}

export function toProductOffering(base: string, o: OfferingRow, rel: OfferingRelations | undefined, names: Names): ProductOffering {
  const categories = [
    ...(o.kind ? [{ id: o.kind, href: resourceHref(base, 'category', o.kind), name: names.categories.get(o.kind) ?? KIND_NAMES[o.kind], '@referredType': 'Category' }] : []),
    ...(rel?.categoryIds ?? []).map((id) => ({ id, href: resourceHref(base, 'category', id), name: names.categories.get(id) ?? id, '@referredType': 'Category' })),
  ];
  const spec = rel?.specificationId ?? null;
  return {
    id: o.id,
    href: resourceHref(base, 'productOffering', o.id),
    name: o.nameZh,
    description: o.descriptionZh,
    version: o.version,
    lastUpdate: iso(o.lastUpdate),
    lifecycleStatus: o.lifecycleStatus,
    isBundle: false,
    isSellable: isComplete(o),
    validFor: { startDateTime: iso(o.createdAt) },
    category: categories,
    channel: o.channels.map((c) => ({ id: c, name: (CHANNEL_NAMES as Record<string, string>)[c] ?? c, '@referredType': 'SalesChannel' })),
    productOfferingPrice: o.priceId
      ? [{ id: o.priceId, href: resourceHref(base, 'productOfferingPrice', o.priceId), name: o.priceNameZh ?? o.priceId, '@referredType': 'ProductOfferingPrice' }]
      : [],
    ...(spec ? { productSpecification: { id: spec, href: resourceHref(base, 'productSpecification', spec), name: names.specifications.get(spec) ?? spec, '@referredType': 'ProductSpecification' } } : {}),
    '@type': 'ProductOffering',
    omnihall: {
      kind: o.kind,
      code: o.code,
      nameEn: o.nameEn,
      descriptionEn: o.descriptionEn,
      allowance: { dataMb: o.dataMb, voiceMin: o.voiceMin, sms: o.sms },
      validityDays: o.validityDays,
      eligibility: o.eligibility ?? {},
      revision: o.revision,
    },
  };
}

export function toProductOfferingPrice(base: string, p: OfferingPrice): ProductOfferingPrice {
  return {
    id: p.id,
    href: resourceHref(base, 'productOfferingPrice', p.id),
    name: p.nameZh,
    lastUpdate: iso(p.lastUpdate),
    lifecycleStatus: p.lifecycleStatus,
    isBundle: false,
    priceType: p.priceType,
    ...(p.priceType === 'recurring' ? { recurringChargePeriodType: 'month' as const, recurringChargePeriodLength: 1 } : {}),
    ...(p.amountFen !== null ? { price: { unit: 'CNY' as const, value: fenToYuanNumber(p.amountFen) } } : {}),
    '@type': 'ProductOfferingPrice',
    omnihall: { nameEn: p.nameEn },
  };
}

export function toProductSpecification(base: string, s: SpecificationRow): ProductSpecificationOut {
  return {
    id: s.id,
    href: resourceHref(base, 'productSpecification', s.id),
    name: s.nameZh,
    description: s.descriptionZh,
    ...(s.brand !== null ? { brand: s.brand } : {}),
    ...(s.productNumber !== null ? { productNumber: s.productNumber } : {}),
    version: s.version,
    lifecycleStatus: s.lifecycleStatus,
    isBundle: false,
    lastUpdate: iso(s.lastUpdate),
    validFor: { startDateTime: iso(s.createdAt) },
    productSpecCharacteristic: s.characteristics ?? [],
    '@type': 'ProductSpecification',
    omnihall: { nameEn: s.nameEn },
  };
}

export function toCategory(base: string, c: CategoryRow, subCategories: readonly { id: string; name?: string }[]): CategoryOut {
  return {
    id: c.id,
    href: resourceHref(base, 'category', c.id),
    name: c.nameZh,
    description: c.descriptionZh,
    version: c.version,
    lifecycleStatus: c.lifecycleStatus,
    lastUpdate: iso(c.lastUpdate),
    validFor: { startDateTime: iso(c.createdAt) },
    isRoot: c.parentId === null,
    ...(c.parentId !== null ? { parentId: c.parentId } : {}),
    subCategory: subCategories.map((s) => ({ id: s.id, href: resourceHref(base, 'category', s.id), ...(s.name ? { name: s.name } : {}), '@referredType': 'Category' })),
    '@type': 'Category',
    omnihall: { nameEn: c.nameEn, kind: c.kind },
  };
}

export function toCatalog(base: string, c: CatalogRow, categories: readonly { id: string; name?: string }[]): CatalogOut {
  return {
    id: c.id,
    href: resourceHref(base, 'catalog', c.id),
    name: c.nameZh,
    description: c.descriptionZh,
    catalogType: c.catalogType,
    version: c.version,
    lifecycleStatus: c.lifecycleStatus,
    lastUpdate: iso(c.lastUpdate),
    validFor: { startDateTime: iso(c.createdAt) },
    category: categories.map((s) => ({ id: s.id, href: resourceHref(base, 'category', s.id), ...(s.name ? { name: s.name } : {}), '@referredType': 'Category' })),
    '@type': 'Catalog',
    omnihall: { nameEn: c.nameEn },
  };
}

// ---- TMF630 events --------------------------------------------------------------------------

/** A catalogue event as the catalogue module records it. */
export interface RecordedEvent {
  id: number;
  at: Date;
  eventType: string;
  resourceType: string;
  resourceId: string;
  payload: Record<string, unknown>;
}

async function namesOf(resources: ResourcesService, ids: readonly string[]): Promise<{ id: string; name?: string }[]> {
  const rows = new Map((await resources.categoriesByIds(ids)).map((c) => [c.id, c.nameZh]));
  return ids.map((id) => ({ id, ...(rows.has(id) ? { name: rows.get(id)! } : {}) }));
}

/**
 * The TMF630 event a listener is sent: `{ eventId, eventTime, eventType, event: { <resource>: ... } }`.
 * The resource is the row the event recorded; an offering's categories and specification are
 * those recorded with it, or (for events that did not record them) the current ones.
 */
export async function renderCatalogueEvent(resources: ResourcesService, e: RecordedEvent, base: string): Promise<Record<string, unknown> | null> {
  const p = e.payload;
  let key: CatalogResource;
  let resource: unknown;
  switch (e.resourceType) {
    case 'ProductOffering': {
      const row = p.offering as OfferingRow | undefined;
      if (!row || !('nameZh' in row)) return null;
      const known = p.relations ? new Map([[row.id, p.relations as OfferingRelations]]) : undefined;
      const { relations, names } = await offeringContext(resources, [row], known);
      key = 'productOffering';
      resource = toProductOffering(base, row, relations.get(row.id), names);
      break;
    }
    case 'ProductOfferingPrice':
      key = 'productOfferingPrice';
      resource = toProductOfferingPrice(base, p.productOfferingPrice as OfferingPrice);
      break;
    case 'ProductSpecification':
      key = 'productSpecification';
      resource = toProductSpecification(base, p.productSpecification as SpecificationRow);
      break;
    case 'Category':
      key = 'category';
      resource = toCategory(base, p.category as CategoryRow, await namesOf(resources, (p.subCategoryIds as string[] | undefined) ?? []));
      break;
    case 'Catalog':
      key = 'catalog';
      resource = toCatalog(base, p.catalog as CatalogRow, await namesOf(resources, (p.categoryIds as string[] | undefined) ?? []));
      break;
    default:
      return null;
  }
  return {
    eventId: String(e.id),
    eventTime: iso(e.at),
    eventType: e.eventType,
    '@type': e.eventType,
    event: { [key]: resource },
  };
}
