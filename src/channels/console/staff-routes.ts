// The staff console's sign-in, the signed-in user, staff users and the audit log
// (docs/console-api.md): thin over the staff service, which holds every rule and role check.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../container.ts';
import type { AuditRow, StaffUser } from '../../modules/staff/index.ts';
import { STAFF_TOKEN_TTL_S } from '../../modules/identity/index.ts';
import { STAFF_ROLES } from '../../platform/principal.ts';
import { bearerToken, staffActor } from '../api/auth.ts';
import { staffUsernameSchema } from '../api/routes.ts';
import { safeText } from '../schemas.ts';

type Deps = Pick<Services, 'staff' | 'tokens' | 'clock' | 'authSessions'>;

const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), code: z.string(), detail: z.string() }).loose();
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem };
const instant = z.string().describe('ISO-8601 instant');
const role = z.enum(STAFF_ROLES as unknown as ['admin', 'product', 'marketing', 'agent', 'ops']);
const roles = z.array(role).min(1).max(STAFF_ROLES.length);
const password = z.string().min(1).max(256);

const userSchema = z.object({
  id: z.number(), username: z.string(), displayName: z.string(), roles: z.array(z.string()), active: z.boolean(), createdAt: instant,
});
const auditSchema = z.object({
  id: z.number(), at: instant, actorId: z.number().nullable(), actorName: z.string(), action: z.string(), entityType: z.string(), entityId: z.string(),
  before: z.unknown(), after: z.unknown(), reason: z.string(), sourceIp: z.string().nullable(),
});

function userOut(u: StaffUser) {
  return { ...u, createdAt: u.createdAt.toISOString() };
}

function auditOut(e: AuditRow) {
  return { ...e, at: e.at.toISOString() };
}

export function staffRoutes(s: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/auth/sign-in', {
      schema: {
        tags: ['console'], summary: 'Staff sign-in with username and password', security: [],
        description: 'After repeated failures for the username (5) or the source address (20): `429 TOO_MANY_ATTEMPTS` with `Retry-After` and `retryAfter` seconds, doubling with each further failure up to an hour.',
        body: z.object({ username: staffUsernameSchema, password }).strict(),
        response: { 200: z.object({ token: z.string(), expiresInSeconds: z.number(), user: userSchema }), 400: problem, 401: problem, 429: problem },
      },
    }, async (req) => {
      const user = await s.staff.signIn(req.body.username, req.body.password, req.ip);
      const token = await s.authSessions.issue({ kind: 'staff', staffId: user.id, roles: user.roles }, STAFF_TOKEN_TTL_S);
      return { token, expiresInSeconds: STAFF_TOKEN_TTL_S, user: userOut(user) };
    });

    app.post('/auth/sign-out', {
      schema: {
        tags: ['console'], summary: 'Sign out: this token stops working on every node (audited)',
        response: { 204: z.null().describe('Signed out'), 401: problem },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req);
      await s.authSessions.signOut(bearerToken(req)!);
      await s.staff.signedOut(actor);
      return reply.code(204).send(null);
    });

    app.get('/me', {
      schema: { tags: ['console'], summary: 'The signed-in staff user', response: { 200: userSchema, ...errors } },
    }, async (req) => userOut(await s.staff.me(await staffActor(s, req))));

    app.post('/me/password', {
      schema: {
        tags: ['console'], summary: 'Change one’s own password (the new one: at least 10 characters, not the username)',
        body: z.object({ currentPassword: password, newPassword: password }).strict(),
        description: 'Every session of the user ends, this one too: sign in again with the new password.',
        response: { 204: z.null().describe('Changed'), ...errors, 429: problem },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req);
      await s.staff.changePassword(actor, req.body.currentPassword, req.body.newPassword);
      return reply.code(204).send(null);
    });

    app.get('/staff', {
      schema: { tags: ['console'], summary: 'Staff users (admin)', response: { 200: z.object({ items: z.array(userSchema) }), ...errors } },
    }, async (req) => ({ items: (await s.staff.list(await staffActor(s, req))).map(userOut) }));

    app.post('/staff', {
      schema: {
        tags: ['console'], summary: 'Create a staff user (admin)',
        body: z.object({
          username: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, '1 to 64 letters, digits or . _ -, starting with a letter or digit'),
          displayName: safeText(100).trim().min(1), password, roles,
        }).strict(),
        response: { 201: userSchema, ...errors },
      },
    }, async (req, reply) => {
      const actor = await staffActor(s, req);
      return reply.code(201).send(userOut(await s.staff.create(actor, req.body)));
    });

    app.patch('/staff/:id', {
      schema: {
        tags: ['console'], summary: 'Change a staff user’s display name, roles, or whether they may sign in (admin)',
        params: z.object({ id: z.coerce.number().int().min(1).max(2 ** 53) }),
        body: z.object({ displayName: safeText(100).trim().min(1).optional(), roles: roles.optional(), active: z.boolean().optional() }).strict(),
        response: { 200: userSchema, ...errors },
      },
    }, async (req) => {
      const actor = await staffActor(s, req);
      return userOut(await s.staff.update(actor, req.params.id, req.body));
    });

    app.get('/audit', {
      schema: {
        tags: ['console'], summary: 'The audit log, newest first (admin)',
        description: '`actor` is a username (what that user did, and failed sign-ins in that name); `action` matches a dotted prefix (`staff.` for every staff action).',
        querystring: z.object({
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0), limit: z.coerce.number().int().min(1).max(200).default(20),
          actor: safeText(64).optional(), action: safeText(100).optional(), entityType: safeText(64).optional(), entityId: safeText(64).optional(),
        }).strict(),
        response: { 200: z.object({ items: z.array(auditSchema), total: z.number() }), ...errors },
      },
    }, async (req) => {
      const actor = await staffActor(s, req);
      const { offset, limit, ...filter } = req.query;
      const r = await s.staff.auditLog(actor, filter, { offset, limit });
      return { items: r.rows.map(auditOut), total: r.total };
    });
  };
}
