// Who is calling: the bearer token on a request, checked without a database round trip.
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/audit.ts';
import type { Principal, StaffRole } from '../../platform/principal.ts';
import { AppError } from '../../platform/errors.ts';
import type { Services } from '../../container.ts';

/** What checking a bearer token needs. */
export type TokenDeps = Pick<Services, 'tokens' | 'clock'>;

export function principalOf(s: TokenDeps, req: FastifyRequest): Principal | null {
  const h = req.headers.authorization;
  if (!h || !h.startsWith('Bearer ')) return null;
  return s.tokens.verify(h.slice(7).trim(), s.clock.now());
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
