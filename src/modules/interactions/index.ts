// The interactions module's public face: the interaction log every channel's calls land in, and
// the idempotency records of transactions.
export { InteractionLog, type InteractionRow } from './interaction-log.ts';
export { IdempotencyRecords } from './idempotency.repository.ts';
export { callsSince, type CallCount } from './interaction-stats.ts';
export { contactedSince, contactSummary, type ContactSummary } from './contact-summary.ts';
export { interactionsMigrations } from './migrations/index.ts';
/** The demo operator's business calls: background traffic and the interaction log. */
export { backgroundTraffic, interactionDemoRows, logInteractions, type DemoInteraction } from './demo.ts';
