// The catalogue module's public face: offerings, prices and their lifecycle (CatalogueService),
// reads for other modules (CatalogueReader), the rules of who may order what (offering.ts).
export { CatalogueService, type OfferingInput, type OfferingSummary, type OfferingDetail, type Review, type CatalogueDeps } from './catalogue.service.ts';
export { CatalogueReader, loadCatalogue } from './catalogue.reader.ts';
export { CatalogueCache, DEFAULT_CATALOGUE_CACHE_SECONDS, type CatalogueSnapshot, type CatalogueLoad } from './catalogue-cache.ts';
export { SALES_CHANNELS, assertEligible, ineligibility, saleState, type Ineligibility, type OfferingView, type Orderer, type SalesChannel } from './offering.ts';
export type { OfferingFilter, OfferingRow, OfferingSort, Page, PriceFilter } from './catalogue.repository.ts';
/** The offering read every charge makes, for the benchmark's bare handler to send the very same SQL. */
export { offeringById as offeringByIdStatement } from './catalogue.repository.ts';
export { catalogueMigrations } from './migrations/index.ts';
/** The demo operator's offerings and prices (src/demo/ generates the rest). */
export { OFFERINGS as DEMO_OFFERINGS, offering as demoOffering, seedDemoOfferings, type CatalogueOffering as DemoOffering } from './demo.ts';
export {
  LIFECYCLE_STATUSES, OFFERING_KINDS, type Eligibility, type LifecycleStatus, type Offering, type OfferingKind, type OfferingPrice,
  type OfferingPriceTable, type OfferingTable,
} from './tables.ts';
// TMF620's other resources (specifications, categories, catalogs), price writes and offerings' relations.
export {
  ResourcesService, type CatalogInput, type CatalogRow, type CategoryInput, type CategoryRow, type OfferingRelations, type PriceInput,
  type ResourceFilter, type ResourcesDeps, type SpecificationInput, type SpecificationRow,
} from './resources.service.ts';
export type { Catalog, Category, ProductSpecification, SpecCharacteristic } from './resources.tables.ts';
export type { CatalogueEventTable } from './tables.ts';
