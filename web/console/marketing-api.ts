// The console's client of the marketing REST API (docs/console-api.md, "Marketing"): one method per
// call, its shapes taken from the types generated from the server's OpenAPI document. Where the
// document leaves a value open (a segment's rule, the contact policy's rules, a contact row), the
// narrow local types below say what the pages read.
import { useMemo } from 'react';
import { query, request } from '../shared/api.ts';
import type { QueryOf, RequestOf, ResponseOf } from '../shared/types.ts';
import { useAuth } from './auth.tsx';
import { useI18n } from './i18n.tsx';

type C = '/api/v1/console/marketing';

export type FeatureDef = ResponseOf<`${C}/features`, 'get', 200>['items'][number];
export type Segment = ResponseOf<`${C}/segments`, 'get', 200>['items'][number];
export type ImportAnswer = ResponseOf<`${C}/segments/import`, 'post', 201>;
export type MemberPage = ResponseOf<`${C}/segments/{id}/members`, 'get', 200>;
export type ContactState = ResponseOf<`${C}/contact-state/{msisdn}`, 'get', 200>;
export type Offer = ResponseOf<`${C}/offers`, 'get', 200>['items'][number];
export type OfferStatus = NonNullable<QueryOf<`${C}/offers`, 'get'>['status']>;
export const OFFER_STATUSES = ['draft', 'pending', 'active', 'paused', 'ended', 'rejected'] as const satisfies readonly OfferStatus[];
export type OfferInput = RequestOf<`${C}/offers`, 'post'>;
export type Decision = ResponseOf<`${C}/decisions/{msisdn}`, 'get', 200>;
export type DecisionChannel = NonNullable<QueryOf<`${C}/decisions/{msisdn}`, 'get'>['channel']>;
export type PolicyVersion = ResponseOf<`${C}/contact-policy`, 'get', 200>['versions'][number];
export type OptOutChannel = 'all' | 'sms' | 'call' | 'ussd' | 'push';
export const OUTBOUND = ['sms', 'call', 'ussd', 'push'] as const;

/** A segment rule as the server takes it (docs/marketing.md, "Segments"); the document types it as unknown. */
export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | { feature: string; op: string; value?: number | string | (number | string)[] };

/** The contact policy's rules (src/modules/marketing/contact-rules.ts); unknown in the document. */
export interface Cap { day: number; week: number; month: number }
export interface PolicyRules {
  total: Cap;
  channels: Record<(typeof OUTBOUND)[number], Cap>;
  minGapMinutes: number;
  quietHours: { start: string; end: string } | null;
}

/** One contact and what the policy decided (the contact table's row); a record in the document. */
export interface ContactRow {
  id: number;
  subscriberId: number;
  channel: string;
  kind: 'marketing' | 'service';
  purpose: string;
  status: 'sent' | 'held' | 'suppressed' | 'released';
  rule: string | null;
  releaseAt: string | null;
  at: string;
}

export type MarketingClient = ReturnType<typeof createMarketingClient>;

export function createMarketingClient(o: Parameters<typeof request>[0]) {
  const base = '/console/marketing';
  const call = async <T,>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> =>
    (await request<T>(o, method, `${base}${path}`, body)).data;
  const id = (x: string | number) => encodeURIComponent(String(x));
  return {
    features: () => call<{ items: FeatureDef[] }>('GET', '/features'),
    subscriber: (msisdn: string) => call<Record<string, unknown>>('GET', `/features/${id(msisdn)}`),

    count: (rule: Rule) => call<{ count: number }>('POST', '/segments/count', { rule }),
    segments: () => call<{ items: Segment[] }>('GET', '/segments'),
    createSegment: (nameZh: string, nameEn: string, rule: Rule) => call<Segment>('POST', '/segments', { nameZh, nameEn, rule }),
    members: (segmentId: number, afterId?: number) => call<MemberPage>('GET', `/segments/${id(segmentId)}/members${query({ afterId, limit: 50 })}`),
    snapshot: (segmentId: number, nameZh: string, nameEn: string) => call<Segment>('POST', `/segments/${id(segmentId)}/snapshot`, { nameZh, nameEn }),
    importList: (nameZh: string, nameEn: string, csv: string) => call<ImportAnswer>('POST', '/segments/import', { nameZh, nameEn, csv }),

    offers: (status?: OfferStatus) => call<{ items: Offer[] }>('GET', `/offers${query({ status })}`),
    createOffer: (input: OfferInput) => call<Offer>('POST', '/offers', input),
    updateOffer: (offerId: number, input: OfferInput) => call<Offer>('PUT', `/offers/${id(offerId)}`, input),
    step: (offerId: number, step: 'submit' | 'approve' | 'reject' | 'pause' | 'resume' | 'end', reason?: string) =>
      call<Offer>('POST', `/offers/${id(offerId)}/${step}`, reason ? { reason } : {}),

    decisions: (msisdn: string, channel: DecisionChannel) => call<Decision>('GET', `/decisions/${id(msisdn)}${query({ channel })}`),

    policy: () => call<{ rules: PolicyRules; versions: (PolicyVersion & { policy: PolicyRules })[] }>('GET', '/contact-policy'),
    propose: (policy: PolicyRules) => call<PolicyVersion>('POST', '/contact-policy', { policy }),
    approvePolicy: (versionId: number) => call<PolicyVersion>('POST', `/contact-policy/${id(versionId)}/approve`),
    rejectPolicy: (versionId: number, reason: string) => call<PolicyVersion>('POST', `/contact-policy/${id(versionId)}/reject`, { reason }),
    contacts: (q: { msisdn?: string; status?: 'held' | 'suppressed'; limit?: number }) => call<{ items: ContactRow[] }>('GET', `/contacts${query(q)}`),
    addDnd: (msisdn: string, reason: string) => call<void>('PUT', `/dnd/${id(msisdn)}`, { reason }),
    removeDnd: (msisdn: string, reason: string) => call<void>('DELETE', `/dnd/${id(msisdn)}`, { reason }),
    optOut: (msisdn: string, channel: OptOutChannel) => call<void>('PUT', `/opt-outs/${id(msisdn)}/${id(channel)}`),
    contactState: (msisdn: string) => call<ContactState>('GET', `/contact-state/${id(msisdn)}`),
  };
}

/** The marketing client for the signed-in user, in the console's language. */
export function useMarketing(): MarketingClient {
  const { session, end } = useAuth();
  const { lang } = useI18n();
  const token = session?.token ?? null;
  return useMemo(() => createMarketingClient({ lang, token, onUnauthorized: () => end('expired') }), [lang, token, end]);
}

// ---- Event triggers, call lists and results (src/channels/console/trigger-routes.ts and
// campaign-routes.ts). A trigger's shapes are the generated ones; the call lists' and results'
// narrow types below were written before web/shared/api-types.ts had their routes.

export type Trigger = ResponseOf<`${C}/triggers`, 'get', 200>['items'][number];
export type TriggerFire = ResponseOf<`${C}/triggers/{id}/fires`, 'get', 200>['items'][number];
/** A new trigger or a draft's edit (the server's rules: src/modules/marketing/triggers.service.ts). */
export type TriggerInput = RequestOf<`${C}/triggers`, 'post'>;
export type TriggerCondition = NonNullable<TriggerInput['condition']>;
export type TriggerEvent = TriggerInput['event'];
export const TRIGGER_EVENTS = ['interaction.called', 'usage.threshold', 'balance.low', 'bill.issued'] as const satisfies readonly TriggerEvent[];
// The server takes the channel as a string, to refuse an unknown one with its own words at `channel`.
export const TRIGGER_CHANNELS = ['sms', 'ussd', 'hall', 'ivr', 'kiosk'] as const satisfies readonly NonNullable<TriggerInput['channel']>[];
export type TriggerChannel = (typeof TRIGGER_CHANNELS)[number];

export interface Rates { called: number; reached: number; accepted: number; contactRate: number; salesRate: number; handlingRate: number }
export interface UpliftGroup { size: number; converted: number; rate: number }
export interface Uplift { treated: UpliftGroup; holdout: UpliftGroup; uplift: number; relative: number | null }
export interface CallList {
  id: number;
  names: { 'zh-CN': string; en: string };
  offerId: number;
  sourceSegmentId: number;
  segmentId: number;
  holdoutPct: number;
  size: number;
  holdoutSize: number;
  status: 'pending' | 'active' | 'closed' | 'rejected';
  createdBy: number;
  reviewedBy: number | null;
  reviewReason: string | null;
  createdAt: string;
  activatedAt: string | null;
  closedAt: string | null;
  counts: { holdout: number; open: number; assigned: number; suppressed: number; done: number };
  suppressed: Record<string, number>;
  rates: Rates;
}
/** One list with its rates per agent, uplift and the offer as agents read it out. */
export type CallListDetail = ResponseOf<`${C}/call-lists/{id}`, 'get', 200>;
/** A new call list (the server's rules: src/modules/marketing/call-lists.service.ts). */
export type CallListInput = RequestOf<`${C}/call-lists`, 'post'>;
/** One row of a list: a subscriber to call, to whom it went and how the call ended. */
export type CallRow = ResponseOf<`${C}/call-lists/{id}/rows`, 'get', 200>['items'][number];
export type CallRowStatus = CallRow['status'];
export const CALL_ROW_STATUSES = ['open', 'assigned', 'done', 'suppressed', 'holdout'] as const satisfies readonly CallRowStatus[];
/** A staff member rows may be handed to (an active user with the agent role). */
export type Agent = ResponseOf<`${C}/agents`, 'get', 200>['items'][number];
export type AssignAnswer = ResponseOf<`${C}/call-lists/{id}/assign`, 'post', 200>;
/** The most rows one assignment hands out (the service's MAX_ASSIGN). */
export const MAX_ASSIGN = 2000;
/** The signed-in agent's calls (我的外呼): to call, or worked today. */
export type AgentCallsView = NonNullable<QueryOf<`${C}/calls/mine`, 'get'>['view']>;
export type AgentCalls = ResponseOf<`${C}/calls/mine`, 'get', 200>;
/** One of them: the number in full, the subscriber's name, the list's offer as it is read out. */
export type AgentCall = AgentCalls['items'][number];
export type CallOutcomeInput = RequestOf<`${C}/calls/{id}/outcome`, 'post'>;
export type CallOutcome = CallOutcomeInput['outcome'];
/** The outcomes an agent records, as the service takes them. */
export const CALL_OUTCOMES = ['not_reached', 'declined', 'accepted'] as const satisfies readonly CallOutcome[];
export type CallOutcomeAnswer = ResponseOf<`${C}/calls/{id}/outcome`, 'post', 200>;
export interface ResultCell { offerId: number; names: { 'zh-CN': string; en: string }; channel: string; impressions: number; accepts: number; declines: number; conversionRate: number; revenueFen: number }
export interface Results {
  from: string;
  to: string;
  items: ResultCell[];
  offers: Omit<ResultCell, 'channel'>[];
  series: { day: string; offerId: number; channel: string; impressions: number; accepts: number; revenueFen: number }[];
  uplift: { callListId: number; offerId: number; names: { 'zh-CN': string; en: string }; uplift: Uplift }[];
}

export type TriggerStep = 'submit' | 'approve' | 'reject' | 'pause' | 'resume' | 'end';

export function createCampaignClient(o: Parameters<typeof request>[0]) {
  const base = '/console/marketing';
  const call = async <T,>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> => (await request<T>(o, method, `${base}${path}`, body)).data;
  const id = (x: number) => encodeURIComponent(String(x));
  return {
    triggers: () => call<{ items: Trigger[] }>('GET', '/triggers'),
    createTrigger: (input: TriggerInput) => call<Trigger>('POST', '/triggers', input),
    updateTrigger: (triggerId: number, input: TriggerInput) => call<Trigger>('PUT', `/triggers/${id(triggerId)}`, input),
    fires: (triggerId: number) => call<{ items: TriggerFire[] }>('GET', `/triggers/${id(triggerId)}/fires${query({ limit: 100 })}`),
    triggerStep: (triggerId: number, step: TriggerStep, reason?: string) => call<Trigger>('POST', `/triggers/${id(triggerId)}/${step}`, reason ? { reason } : {}),
    callLists: () => call<{ items: CallList[] }>('GET', '/call-lists'),
    callList: (listId: number) => call<CallListDetail>('GET', `/call-lists/${id(listId)}`),
    createList: (input: CallListInput) => call<CallList>('POST', '/call-lists', input),
    rows: (listId: number, q: { status?: CallRowStatus; afterId?: number; limit?: number }) => call<{ items: CallRow[] }>('GET', `/call-lists/${id(listId)}/rows${query(q)}`),
    agents: () => call<{ items: Agent[] }>('GET', '/agents'),
    assign: (listId: number, agentIds: number[], limit?: number) => call<AssignAnswer>('POST', `/call-lists/${id(listId)}/assign`, limit ? { agentIds, limit } : { agentIds }),
    approveList: (listId: number) => call<CallList>('POST', `/call-lists/${id(listId)}/approve`),
    rejectList: (listId: number, reason: string) => call<CallList>('POST', `/call-lists/${id(listId)}/reject`, { reason }),
    closeList: (listId: number) => call<CallList>('POST', `/call-lists/${id(listId)}/close`),
    myCalls: (q: { view: AgentCallsView; afterId?: number; limit?: number }) => call<AgentCalls>('GET', `/calls/mine${query(q)}`),
    /** An accepted call charges the subscriber: under `key`, so a retry is the same accept. */
    recordCall: async (rowId: number, body: CallOutcomeInput, key?: string) =>
      (await request<CallOutcomeAnswer>(o, 'POST', `${base}/calls/${id(rowId)}/outcome`, body, key ? { 'idempotency-key': key } : {})).data,
    results: (q: { from?: string; to?: string; offerId?: number; channel?: string }) => call<Results>('GET', `/results${query(q)}`),
  };
}

/** The client of the trigger, call-list and results calls for the signed-in user. */
export function useCampaigns(): ReturnType<typeof createCampaignClient> {
  const { session, end } = useAuth();
  const { lang } = useI18n();
  const token = session?.token ?? null;
  return useMemo(() => createCampaignClient({ lang, token, onUnauthorized: () => end('expired') }), [lang, token, end]);
}

// ---- Broadcasts (src/channels/console/broadcast-routes.ts), typed narrowly like the above ----
export interface BroadcastProgress {
  recipients: number; queued: number; held: number; sending: number; sent: number; delivered: number; undelivered: number;
  failed: number; cancelled: number; suppressed: number; suppressedBy: Record<string, number>; heldBy: Record<string, number>;
}
export interface Broadcast {
  id: number;
  kind: string;
  names: { 'zh-CN': string; en: string };
  segmentId: number | null;
  offerId: number | null;
  template: { 'zh-CN': string; en: string | null };
  priority: string;
  startsAt: string;
  rate: number;
  status: 'draft' | 'submitted' | 'approved' | 'rejected' | 'running' | 'paused' | 'done' | 'cancelled';
  createdBy: number;
  submittedBy: number | null;
  reviewedBy: number | null;
  reviewReason: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  progress: BroadcastProgress;
}
export type BroadcastStep = 'submit' | 'approve' | 'reject' | 'pause' | 'resume' | 'cancel';
export type BroadcastInput = RequestOf<`${C}/broadcasts`, 'post'>;
export type TemplateVariables = ResponseOf<`${C}/broadcasts/variables`, 'get', 200>;
export type TemplatePreviewQuery = RequestOf<`${C}/broadcasts/preview`, 'post'>;
export type TemplatePreview = ResponseOf<`${C}/broadcasts/preview`, 'post', 200>;
export type SmsMeasure = TemplatePreview['measure'];

export function createBroadcastClient(o: Parameters<typeof request>[0]) {
  const call = async <T,>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> => (await request<T>(o, method, `/console/marketing${path}`, body)).data;
  return {
    broadcasts: () => call<{ items: Broadcast[] }>('GET', '/broadcasts'),
    variables: () => call<TemplateVariables>('GET', '/broadcasts/variables'),
    preview: (q: TemplatePreviewQuery) => call<TemplatePreview>('POST', '/broadcasts/preview', q),
    create: (input: BroadcastInput) => call<Broadcast>('POST', '/broadcasts', input),
    update: (broadcastId: number, input: BroadcastInput) => call<Broadcast>('PUT', `/broadcasts/${encodeURIComponent(String(broadcastId))}`, input),
    step: (broadcastId: number, step: BroadcastStep, reason?: string) =>
      call<Broadcast>('POST', `/broadcasts/${encodeURIComponent(String(broadcastId))}/${step}`, reason ? { reason } : {}),
  };
}

export function useBroadcasts(): ReturnType<typeof createBroadcastClient> {
  const { session, end } = useAuth();
  const { lang } = useI18n();
  const token = session?.token ?? null;
  return useMemo(() => createBroadcastClient({ lang, token, onUnauthorized: () => end('expired') }), [lang, token, end]);
}
