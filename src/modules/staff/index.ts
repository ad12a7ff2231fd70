// The staff module's public face: staff users, their sign-in, and the audit log of what they do.
export { authenticateStaff, createStaffUser, ensureAdmin } from './staff.service.ts';
export { auditLog, listAudit, type AuditFilter } from './audit.repository.ts';
export { hashPassword, verifyPassword } from './password.ts';
export { StaffDirectory } from './staff-directory.ts';
export { staffMigrations } from './migrations/index.ts';
export type { AuditEntryTable, StaffUserTable } from './tables.ts';
