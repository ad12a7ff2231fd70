// The staff module's public face: staff users, their sign-in, and the audit log of what they do.
export {
  StaffService, createStaffUser, lockSeconds, SIGN_IN_LIMITS, MIN_PASSWORD_LENGTH, DEMO_AGENTS,
  type StaffUser, type NewStaffUser, type StaffUserPatch, type StaffDeps,
} from './staff.service.ts';
export { auditLog, type AuditFilter, type AuditRow } from './audit.repository.ts';
export { hashPassword, verifyPassword } from './password.ts';
export { STAFF_DIRECTORY_TTL_MS } from './staff-directory.ts';
export { staffMigrations } from './migrations/index.ts';
export type { AuditEntryTable, StaffSignInThrottleTable, StaffUserTable } from './tables.ts';
