// The shapes of the staff console's REST API (/api/v1/console), taken from the types generated
// from the server's OpenAPI document (web/shared/api-types.ts, by `node scripts/web-types.mjs`):
// a route whose schema changes changes these, and a page that reads them wrong fails the type
// check. The lists below are the choices a page offers, in the console's order; each is checked
// to name exactly the members of the server's enum.
import type { QueryOf, RequestOf, ResponseOf } from '../shared/types.ts';

type C = '/api/v1/console';

/** `true` when the list names exactly the union's members; `Check` of anything else fails to compile. */
type Exactly<List extends readonly unknown[], U> = [U] extends [List[number]] ? ([List[number]] extends [U] ? true : false) : false;
type Check<T extends true> = T;

export type StaffRole = RequestOf<`${C}/staff`, 'post'>['roles'][number];
export const STAFF_ROLES = ['admin', 'product', 'marketing', 'agent', 'ops'] as const satisfies readonly StaffRole[];
export type StaffRolesChecked = Check<Exactly<typeof STAFF_ROLES, StaffRole>>;

export type LifecycleStatus = RequestOf<`${C}/offerings/{id}/transition`, 'post'>['to'];
export const LIFECYCLE = ['In study', 'In design', 'In test', 'Launched', 'Retired', 'Obsolete', 'Rejected'] as const satisfies readonly LifecycleStatus[];
export type LifecycleChecked = Check<Exactly<typeof LIFECYCLE, LifecycleStatus>>;

export type OfferingQuery = QueryOf<`${C}/offerings`, 'get'>;

export type Channel = NonNullable<OfferingQuery['channel']>;
export const CHANNELS = ['web', 'mobile', 'kiosk', 'sms', 'ussd', 'ivr', 'agent', 'api', 'mall'] as const satisfies readonly Channel[];
export type ChannelsChecked = Check<Exactly<typeof CHANNELS, Channel>>;

export type OfferingKind = NonNullable<OfferingQuery['kind']>;
export const KINDS = ['plan', 'data_pack', 'voice_pack', 'sms_pack', 'vas', 'broadband'] as const satisfies readonly OfferingKind[];
export type KindsChecked = Check<Exactly<typeof KINDS, OfferingKind>>;

/** What an edit sends: any of the fields. */
export type OfferingInput = RequestOf<`${C}/offerings/{id}`, 'patch'>;
/** What a create sends: nameZh at least. */
export type NewOffering = RequestOf<`${C}/offerings`, 'post'>;

/** The price types as the API spells them (the catalogue's `oneTime` / `recurring`): one-time and monthly. */
export type PriceType = NonNullable<OfferingInput['priceType']>;
export const PRICE_TYPES = { oneTime: 'oneTime', monthly: 'recurring' } as const satisfies Record<string, PriceType>;
export type PriceTypesChecked = Check<Exactly<(typeof PRICE_TYPES)[keyof typeof PRICE_TYPES][], PriceType>>;

/** Which subscribers may take an offering, as an edit sends it. */
export type Eligibility = NonNullable<OfferingInput['eligibility']>;

export type StaffUser = ResponseOf<`${C}/me`, 'get', 200>;
export type NewStaffUser = RequestOf<`${C}/staff`, 'post'>;
export type StaffPatch = RequestOf<`${C}/staff/{id}`, 'patch'>;
export type SignInAnswer = ResponseOf<`${C}/auth/sign-in`, 'post', 200>;

export type AuditQuery = QueryOf<`${C}/audit`, 'get'>;
export type AuditPage = ResponseOf<`${C}/audit`, 'get', 200>;
export type AuditEntry = AuditPage['items'][number];

export type OfferingPage = ResponseOf<`${C}/offerings`, 'get', 200>;
export type OfferingSummary = OfferingPage['items'][number];
export type Offering = ResponseOf<`${C}/offerings/{id}`, 'get', 200>;
/** One change in an offering's life: a status step (`from` → `to`) or another kind of change. */
export type HistoryEntry = Offering['history'][number];

export type ReviewStatus = NonNullable<QueryOf<`${C}/reviews`, 'get'>['status']>;
export type Review = ResponseOf<`${C}/reviews`, 'get', 200>['items'][number];
export type SubmitInput = RequestOf<`${C}/offerings/{id}/submit`, 'post'>;

export type Businesses = ResponseOf<`${C}/businesses`, 'get', 200>;
export type BusinessRow = Businesses['items'][number];
export type Cell = ResponseOf<`${C}/businesses/{id}/channels/{channel}`, 'put', 200>;

export type Home = ResponseOf<`${C}/home`, 'get', 200>;

// Where the server's answer types a value as a plain string (an offering's kind and status, a
// user's roles, an offering's channels), these tell the console's own values from the rest.
const oneOf = <T extends string>(list: readonly T[]) => (v: string | null | undefined): v is T => v != null && (list as readonly string[]).includes(v);
export const isStaffRole = oneOf(STAFF_ROLES);
export const isLifecycleStatus = oneOf(LIFECYCLE);
export const isChannel = oneOf(CHANNELS);
export const isOfferingKind = oneOf(KINDS);
export const isPriceType = oneOf(Object.values(PRICE_TYPES));
