// The marketing module's public face: customer features (the data mart) and segments.
export { FEATURES, FEATURE_BY_NAME, type FeatureDef, type FeatureType, type Features } from './features.ts';
export { FeatureMart } from './feature-mart.ts';
export { parseSegmentRule, ruleToPredicate, ruleToSql, RULE_OPS, type Condition, type FeaturePredicate, type RuleOp, type SegmentRule } from './segment-rule.ts';
export { SegmentService, MAX_IMPORT, type ImportResult, type SegmentView } from './segments.service.ts';
export { Marketing, FEATURE_REFRESH_MS } from './marketing.ts';
export { marketingMigrations } from './migrations/index.ts';
export { ContactPolicy, quietUntil, windowsOf, type ContactDecision, type ContactRequest, type PolicyVersion } from './contact-policy.ts';
export { contactPolicySchema, DEFAULT_CONTACT_POLICY, OUTBOUND_CHANNELS, type ContactPolicyRules, type ContactRule, type OutboundChannel } from './contact-rules.ts';
export { OfferService, offerInputSchema, offerView, type ClaimedOffer, type OfferInput, type OfferView } from './offers.service.ts';
export { OfferDecisions, rankOffers, PLACED_CONTEXT, PRIOR_CONVERSION, PRIOR_STRENGTH, type Decision, type Factors, type Gate, type Memberships, type Placement, type RankedOffer, type Removed, type Snapshot } from './decisions.ts';
export { CallListService, callListInputSchema, rates, MAX_CALL_LIST, MAX_ASSIGN, MAX_ATTEMPTS, type AcceptResult, type AgentCallView, type CallListInput, type CallListView, type CallRowView, type Rates, type WorkInput } from './call-lists.service.ts';
export { holdoutDraw, inHoldout, splitHoldout, uplift, type Uplift } from './holdout.ts';
export { ResultsService, MAX_RESULTS_DAYS, type ResultCell, type ResultPoint, type Results } from './results.ts';
export { OfferLinks, OFFER_LINK_TTL_HOURS, OFFER_PASS_TTL_S, type OfferLink, type OfferPass } from './links.ts';
export type { CallOutcome, CallRowStatus, CallListStatus } from './call-lists.tables.ts';
/** The demo operator's segments and offers, and its live call list for the demo's agents. */
export { seedDemoMarketing } from './demo.ts';
export { seedDemoCalls } from './demo-calls.ts';
export { BroadcastService, broadcastInputSchema, checkTemplate, type BroadcastDeps, type BroadcastInput, type BroadcastProgress, type BroadcastSender, type BroadcastView, type RecipientDirectory, type TemplateCheck } from './broadcast.service.ts';
export { BroadcastRunner, SEND_LEASE_MS } from './broadcast-runner.ts';
export type { BroadcastStatus, RecipientState } from './broadcast.tables.ts';
export { measureSms, renderTemplate, templateVariables, unknownVariables, TEMPLATE_VARIABLES, type SmsMeasure, type TemplateVariable } from './templates.ts';
/** Event triggers: rules from an event to an offer on a channel, and the consumer that runs them. */
export { TriggerService, triggerInputSchema, triggerConditionSchema, triggerView, TRIGGER_EVENTS, TRIGGER_CHANNELS, type TriggerCondition, type TriggerEvent, type TriggerInput, type TriggerView } from './triggers.service.ts';
export { TriggerEngine, TRIGGER_CONSUMER, TRIGGER_RELEASE_MS, offerText, type ContactOf, type TriggerEngineDeps } from './triggers.engine.ts';
export type { TriggerFireOutcome, TriggerStatus } from './triggers.tables.ts';
export type { Released, ReleaseOptions } from './contact-policy.ts';
