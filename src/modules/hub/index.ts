// The hub module's public face: TMF630 listeners and the delivery of events to them from the database.
export { HubService, type HubDeps, type HubEvent, type HubEventSource, type HubOptions, type Listener } from './hub.service.ts';
export { hubMigrations } from './migrations/index.ts';
export type { HubListener, HubListenerTable } from './tables.ts';
