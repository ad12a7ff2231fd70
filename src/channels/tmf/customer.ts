// TMF629 Customer Management v4, read-only: a customer is a subscriber (customer id = subscriber
// id). A subscriber reads only themselves; agents, marketing and admins read everyone.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CustomerRow, SubscriberTable } from '../../modules/subscriber/index.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Services } from '../../container.ts';
import { anyOf, fieldsQuery, href, listQuery, page, project, refOutput, requireViewer, sendPage, tmfErrorSchema, type Viewer } from './common.ts';

const CUSTOMER_PATH = 'customerManagement/v4/customer';

/** Subscriber status as a TMF customer status: the words TMF party lifecycles use, capitalised. */
const STATUS: Record<SubscriberTable['status'], string> = { active: 'Active', suspended: 'Suspended', closed: 'Closed' };
const STATUS_FROM_TMF = new Map(Object.entries(STATUS).map(([ours, tmf]) => [tmf.toLowerCase(), ours as SubscriberTable['status']]));

const ACCOUNT_NAMES = { prepaid: '预付费账户', postpaid: '后付费账户' } as const;

export function customerHref(id: string): string {
  return href(CUSTOMER_PATH, id);
}

/** A customer id as a subscriber id, or null when it cannot be one. */
export function customerIdOf(id: string): number | null {
  return /^[1-9]\d{0,14}$/.test(id) ? Number(id) : null;
}

const characteristicSchema = z.object({
  name: z.string(),
  value: z.union([z.string(), z.boolean()]),
  valueType: z.enum(['string', 'boolean']),
});

export const customerSchema = z.object({
  id: z.string(),
  href: z.string(),
  name: z.string(),
  status: z.string(),
  engagedParty: refOutput,
  contactMedium: z.array(z.object({
    mediumType: z.literal('mobile'),
    preferred: z.boolean(),
    characteristic: z.object({ contactType: z.literal('mobile'), phoneNumber: z.string() }),
  })),
  characteristic: z.array(characteristicSchema),
  account: z.array(refOutput),
  '@type': z.literal('Customer'),
});
type Customer = z.infer<typeof customerSchema>;

function text(name: string, value: string): z.infer<typeof characteristicSchema> {
  return { name, value, valueType: 'string' };
}

function toCustomer(c: CustomerRow): Customer {
  const id = String(c.id);
  return {
    id,
    href: customerHref(id),
    name: c.name,
    status: STATUS[c.status],
    engagedParty: { id, name: c.name, '@referredType': 'Individual' },
    contactMedium: [{ mediumType: 'mobile', preferred: true, characteristic: { contactType: 'mobile', phoneNumber: c.msisdn } }],
    characteristic: [
      text('city', c.city),
      text('plan', c.planId),
      ...(c.pendingPlanId ? [text('pendingPlan', c.pendingPlanId), text('pendingPlanFrom', c.pendingPlanFrom ?? '')] : []),
      { name: 'realNameVerified', value: c.realNameVerified, valueType: 'boolean' },
      text('accountType', c.accountType),
      text('joinedOn', c.joinedOn),
      text('language', c.language),
    ],
    account: [{ id: String(c.accountId), name: `${c.msisdn} ${ACCOUNT_NAMES[c.accountType]}`, '@referredType': 'BillingAccount' }],
    '@type': 'Customer',
  };
}

const STAFF_READERS = ['agent', 'marketing'] as const;
const CUSTOMER_FILTERS = ['id', 'name', 'status', 'contactMedium.characteristic.phoneNumber'] as const;

/** Someone else's customer is "not found", so a subscriber cannot learn which ids exist. */
function customerNotFound(id: string): AppError {
  return new AppError('NOT_FOUND', { detail: l10n(`没有这个客户：${id}`, `No customer ${id}`) });
}

function visible(viewer: Viewer, id: number): boolean {
  return viewer.kind === 'staff' || viewer.subscriberId === id;
}

export function customerRoutes(s: Pick<Services, 'subscribers' | 'tokens' | 'clock'>): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(`/${CUSTOMER_PATH}`, {
      schema: {
        tags: ['tmf629'], summary: 'List customers',
        description: 'A subscriber gets a list of one: themselves. Staff (agent, marketing, admin) filter by id, name, ' +
          'status (Active, Suspended, Closed) or contactMedium.characteristic.phoneNumber.',
        querystring: listQuery(CUSTOMER_FILTERS),
        response: { 200: z.array(customerSchema.partial()), 400: tmfErrorSchema, 401: tmfErrorSchema, 403: tmfErrorSchema },
      },
    }, async (req, reply) => {
      const viewer = requireViewer(s, req, STAFF_READERS);
      const q = req.query;
      let ids = anyOf(q.id)?.map(customerIdOf).filter((n): n is number => n !== null);
      if (viewer.kind === 'subscriber') ids = (ids ?? [viewer.subscriberId]).filter((n) => n === viewer.subscriberId);
      const status = anyOf(q.status)?.map((v) => STATUS_FROM_TMF.get(v.toLowerCase())).filter((v) => v !== undefined);
      const { rows, total } = await s.subscribers.customers({
        id: ids, status, name: anyOf(q.name), msisdn: anyOf(q['contactMedium.characteristic.phoneNumber']),
      }, page(q));
      return sendPage(reply, rows.map(toCustomer), total, q.fields);
    });

    app.get(`/${CUSTOMER_PATH}/:id`, {
      schema: {
        tags: ['tmf629'], summary: 'A customer',
        description: 'A subscriber asking for anyone but themselves gets 404, as if the customer did not exist.',
        params: z.object({ id: z.string().min(1).max(32) }), querystring: fieldsQuery,
        response: { 200: customerSchema.partial(), 401: tmfErrorSchema, 403: tmfErrorSchema, 404: tmfErrorSchema },
      },
    }, async (req) => {
      const viewer = requireViewer(s, req, STAFF_READERS);
      const id = customerIdOf(req.params.id);
      const c = id !== null && visible(viewer, id) ? await s.subscribers.customer(id) : undefined;
      if (!c) throw customerNotFound(req.params.id);
      return project(toCustomer(c), req.query.fields);
    });
  };
}
