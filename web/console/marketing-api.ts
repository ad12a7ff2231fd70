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
  };
}

/** The marketing client for the signed-in user, in the console's language. */
export function useMarketing(): MarketingClient {
  const { session, end } = useAuth();
  const { lang } = useI18n();
  const token = session?.token ?? null;
  return useMemo(() => createMarketingClient({ lang, token, onUnauthorized: () => end('expired') }), [lang, token, end]);
}
