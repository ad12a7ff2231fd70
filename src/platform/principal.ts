// Who is asking: a signed-in subscriber, or a staff member with roles.
export type StaffRole = 'admin' | 'product' | 'marketing' | 'agent' | 'ops';
export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'product', 'marketing', 'agent', 'ops'];

export type Principal =
  | { kind: 'subscriber'; subscriberId: number }
  | { kind: 'staff'; staffId: number; roles: StaffRole[] };
