// The console's client of the staff REST API under /api/v1/console (docs/console-api.md): one
// method per call, errors as the shared ApiError (a 409 CONFLICT, a 429 with its retryAfter).
import { query, request, type RequestOptions } from '../shared/api.ts';
import type {
  AuditPage, AuditQuery as ServerAuditQuery, Businesses, BusinessRow, Cell, Channel, Home, LifecycleStatus, NewOffering, NewStaffUser, Offering,
  OfferingInput, OfferingPage, OfferingQuery as ServerOfferingQuery, Review, ReviewStatus, SignInAnswer, StaffPatch, StaffUser, SubmitInput,
} from './types.ts';

export { ApiError, toApiError } from '../shared/api.ts';

/** The offerings a list page asks for: the server's query, one page of it. */
export type OfferingQuery = ServerOfferingQuery & { offset: number; limit: number };

/** The audit entries a page asks for: the server's query, one page of it. */
export type AuditQuery = ServerAuditQuery & { offset: number; limit: number };

/** An offering with the revision its ETag names, for the If-Match of an edit. */
export interface Versioned<T> {
  data: T;
  etag: string | null;
}

export type ConsoleClient = ReturnType<typeof createConsoleClient>;

export function createConsoleClient(o: RequestOptions) {
  const base = '/console';
  const call = async <T,>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown, extra?: Record<string, string>): Promise<T> =>
    (await request<T>(o, method, `${base}${path}`, body, extra)).data;
  const id = (x: string | number) => encodeURIComponent(String(x));
  const etagOf = (h: Headers, revision: number | undefined) => h.get('etag') ?? (revision !== undefined ? `"${revision}"` : null);

  return {
    signIn: (username: string, password: string) => call<SignInAnswer>('POST', '/auth/sign-in', { username, password }),
    me: () => call<StaffUser>('GET', '/me'),
    changePassword: (currentPassword: string, newPassword: string) => call<void>('POST', '/me/password', { currentPassword, newPassword }),
    home: () => call<Home>('GET', '/home'),

    staff: () => call<{ items: StaffUser[] }>('GET', '/staff'),
    createStaff: (u: NewStaffUser) => call<StaffUser>('POST', '/staff', u),
    updateStaff: (userId: number, patch: StaffPatch) => call<StaffUser>('PATCH', `/staff/${id(userId)}`, patch),

    audit: (q: AuditQuery) => call<AuditPage>('GET', `/audit${query({ ...q })}`),

    offerings: (q: OfferingQuery) => call<OfferingPage>('GET', `/offerings${query({ ...q })}`),
    offering: async (offeringId: string): Promise<Versioned<Offering>> => {
      const r = await request<Offering>(o, 'GET', `${base}/offerings/${id(offeringId)}`);
      return { data: r.data, etag: etagOf(r.headers, r.data.revision) };
    },
    createOffering: (input: NewOffering) => call<Offering>('POST', '/offerings', input),
    updateOffering: async (offeringId: string, etag: string, input: OfferingInput): Promise<Versioned<Offering>> => {
      const r = await request<Offering>(o, 'PATCH', `${base}/offerings/${id(offeringId)}`, input, { 'if-match': etag });
      return { data: r.data, etag: etagOf(r.headers, r.data.revision) };
    },
    submit: (offeringId: string, body: SubmitInput) =>
      call<Review>('POST', `/offerings/${id(offeringId)}/submit`, body),
    transition: (offeringId: string, to: LifecycleStatus, reason?: string) => call<Offering>('POST', `/offerings/${id(offeringId)}/transition`, { to, reason }),
    /** Withdrawing answers the offering (200); launching opens a review (201). */
    setOfferingChannel: async (offeringId: string, channel: Channel, launched: boolean, reason: string) => {
      const r = await request<Offering | Review>(o, 'PUT', `${base}/offerings/${id(offeringId)}/channels/${id(channel)}`, { launched, reason });
      return r.status === 201 ? { review: r.data as Review } : { offering: r.data as Offering };
    },
    setTestNumbers: (offeringId: string, msisdns: string[]) => call<Offering>('PUT', `/offerings/${id(offeringId)}/test-numbers`, { msisdns }),
    setSchedule: (offeringId: string, retireOn: string | null) => call<Offering>('PUT', `/offerings/${id(offeringId)}/schedule`, { retireOn }),

    reviews: (status: ReviewStatus) => call<{ items: Review[] }>('GET', `/reviews${query({ status })}`),
    approve: (reviewId: number, reason?: string) => call<Review>('POST', `/reviews/${id(reviewId)}/approve`, reason ? { reason } : {}),
    reject: (reviewId: number, reason: string) => call<Review>('POST', `/reviews/${id(reviewId)}/reject`, { reason }),

    businesses: () => call<Businesses>('GET', '/businesses'),
    setBusinessChannel: (businessId: BusinessRow['id'], channel: string, enabled: boolean, reason: string) =>
      call<Cell>('PUT', `/businesses/${id(businessId)}/channels/${id(channel)}`, { enabled, reason }),
  };
}
