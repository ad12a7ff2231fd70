// Who is calling: the bearer token on a request, checked without a database round trip (each node
// holds the signed-out sessions and staff users' generations in memory: identity's sessions.ts).
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/audit.ts';
import type { Principal, StaffRole } from '../../platform/principal.ts';
import { AppError } from '../../platform/errors.ts';
import type { Services } from '../../container.ts';

/** What checking a bearer token needs. */
export type TokenDeps = Pick<Services, 'tokens' | 'clock'>;

/** The token in `Authorization: Bearer <token>` (the scheme's name in any case), or null. */
export function bearerToken(req: FastifyRequest): string | null {
  const m = /^bearer +([^\s]+)$/i.exec(req.headers.authorization ?? '');
  return m ? m[1]! : null;
}

/** Who a request's bearer token stands for: null when it is missing, malformed, forged, expired or signed out. */
export function principalOf(s: TokenDeps, req: FastifyRequest): Principal | null {
  const token = bearerToken(req);
  return token ? s.tokens.verify(token, s.clock.now()) : null;
}

export function requirePrincipal(s: TokenDeps, req: FastifyRequest): Principal {
  const p = principalOf(s, req);
  if (!p) throw new AppError('UNAUTHENTICATED');
  return p;
}

export function requireSubscriber(s: TokenDeps, req: FastifyRequest): number {
  const p = requirePrincipal(s, req);
  if (p.kind !== 'subscriber') throw new AppError('FORBIDDEN');
  return p.subscriberId;
}

export function requireStaff(s: TokenDeps, req: FastifyRequest, roles: readonly StaffRole[]): Principal & { kind: 'staff' } {
  const p = requirePrincipal(s, req);
  if (p.kind !== 'staff' || !p.roles.some((r) => r === 'admin' || roles.includes(r))) throw new AppError('FORBIDDEN');
  return p;
}

/**
 * The staff member acting, with their name for the audit log: a signed-in staff token whose user
 * is still active. Which roles may do what is the services' rule; `roles` is a first filter.
 */
export async function staffActor(s: Pick<Services, 'tokens' | 'clock' | 'staff'>, req: FastifyRequest, roles?: readonly StaffRole[]): Promise<Actor> {
  const p = requireStaff(s, req, roles ?? ['admin', 'product', 'marketing', 'agent', 'ops']);
  return s.staff.actor(p.staffId, p.roles, req.ip);
}
