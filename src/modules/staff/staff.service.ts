// The staff module's rules: staff users (admin, product, marketing, agent, ops), their password
// sign-in with a lockout shared by every node, password changes, the admin's user management,
// the first admin, the admin's read of the audit log, and the active agents marketing hands
// call-list rows to (by name only). Every change is audited in its transaction, with the user
// before and after (never a password hash).
import type { Db } from '../../platform/db/index.ts';
import type { Page } from '../../platform/db/page.ts';
import { requireRole, SYSTEM_ACTOR, type Actor, type AuditEntry, type AuditLog } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import { l10n } from '../../platform/i18n.ts';
import type { Clock, Random } from '../../platform/ports.ts';
import type { StaffRole } from '../../platform/principal.ts';
import { addressSubject } from '../identity/index.ts';
import { listAudit, type AuditFilter } from './audit.repository.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { knownRoles, StaffDirectory } from './staff-directory.ts';
import { StaffRepository, type StaffPatch, type StaffRow, type ThrottleScope } from './staff.repository.ts';

/** Failed attempts before a lock: per username, and per source address (which many staff may share). */
export const SIGN_IN_LIMITS: Record<ThrottleScope, number> = { user: 5, address: 20 };
const FIRST_LOCK_S = 30;
const MAX_LOCK_S = 3600;
/** A counter with no attempt for this long starts afresh (an office's typos do not add up for ever). */
const IDLE_RESET_MS = 24 * 3600_000;
export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 256;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A hash of nothing anyone knows, checked for unknown usernames so their answer takes as long. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
/** NUL, other C0 controls but tab, and lone surrogates: text PostgreSQL cannot store or a name should not hold. */
const UNSTORABLE = /[\u0000-\u0008\u000a-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A staff user as the console shows it and the audit log records it. */
export interface StaffUser {
  id: number;
  username: string;
  displayName: string;
  roles: StaffRole[];
  active: boolean;
  createdAt: Date;
}

export interface NewStaffUser {
  username: string;
  displayName: string;
  password: string;
  roles: StaffRole[];
}

export interface StaffUserPatch {
  displayName?: string;
  roles?: StaffRole[];
  active?: boolean;
}

/**
 * Ending a staff user's sessions on every node (the identity module's sessions): `endAll` in the
 * change's own transaction, `sync` after it commits so this node holds it at once.
 */
export interface StaffSessions {
  endAll(q: Db, kind: 'u', staffId: number): Promise<void>;
  sync(): Promise<void>;
}

export interface StaffDeps {
  db: Db;
  clock: Clock;
  random: Random;
  audit: AuditLog;
  /** Where a disabled user's, a changed role's or a changed password's sessions are ended; none in unit tests of other rules. */
  sessions?: StaffSessions;
  /** A sign-in refused by a lock (for /metrics): which counter was locked. */
  onLocked?: (scope: ThrottleScope) => void;
  /** Milliseconds for the directory's cache (the test clock in tests). */
  now?: () => number;
}

/** How long a counter with `failures` attempts is locked: 30 s at the limit, doubling after, at most an hour. */
export function lockSeconds(failures: number, limit: number): number | null {
  if (failures < limit) return null;
  return Math.min(FIRST_LOCK_S * 2 ** Math.min(failures - limit, 20), MAX_LOCK_S);
}

function view(u: StaffRow): StaffUser {
  return { id: u.id, username: u.username, displayName: u.displayName, roles: knownRoles(u.roles), active: u.active, createdAt: u.createdAt };
}

function invalid(zh: string, en: string): AppError {
  return new AppError('INVALID_INPUT', { detail: l10n(zh, en) });
}

function tooMany(seconds: number): AppError {
  return new AppError('TOO_MANY_ATTEMPTS', {
    detail: l10n(`尝试次数过多，请 ${seconds} 秒后再试`, `Too many attempts; try again in ${seconds} s`),
    extra: { retryAfter: seconds },
  });
}

function checkDisplayName(name: string): string {
  const n = name.trim();
  if (n.length < 1 || n.length > 100 || UNSTORABLE.test(n)) throw invalid('显示名称应为1至100个字符', 'A display name is 1 to 100 characters');
  return n;
}

function checkRoles(roles: readonly string[]): StaffRole[] {
  const r = knownRoles(roles);
  if (r.length === 0 || r.length !== new Set(roles).size) throw invalid('请至少选择一个有效角色', 'Choose at least one valid role');
  return r;
}

function checkNewPassword(password: string, username: string): void {
  const n = [...password].length;
  if (n < MIN_PASSWORD_LENGTH || n > MAX_PASSWORD_LENGTH) {
    throw invalid(`密码至少${MIN_PASSWORD_LENGTH}个字符`, `A password has at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.trim().toLowerCase() === username.toLowerCase()) throw invalid('密码不能与用户名相同', 'A password cannot be the username');
  if (password.includes('\u0000')) throw invalid('密码含有无效字符', 'The password contains an invalid character');
}

/** Attempts counted for one sign-in, to take back when it succeeds. */
interface Reserved {
  username: string;
  address: string;
  addressLock: Date | null;
}

class Locked {
  constructor(readonly until: Date | null, readonly scope: ThrottleScope) {}
}

export class StaffService {
  private readonly repo: StaffRepository;
  private readonly directory: StaffDirectory;

  constructor(private readonly d: StaffDeps) {
    this.repo = new StaffRepository(d.db);
    this.directory = new StaffDirectory((id) => this.repo.findById(id), d.now);
  }

  // ---- who is acting ------------------------------------------------------------------------

  /**
   * The actor a staff token stands for, with the user's name and roles as they are now (kept a
   * few seconds per node); UNAUTHENTICATED once the user is disabled. The token's own roles
   * (`_tokenRoles`) were only a first filter.
   */
  actor(staffId: number, _tokenRoles: readonly StaffRole[], sourceIp?: string): Promise<Actor> {
    return this.directory.actor(staffId, sourceIp);
  }

  /** Forgets what this node knows of a user, so the next request reads it. */
  forget(staffId: number): void {
    this.directory.forget(staffId);
  }

  // ---- sign-in ------------------------------------------------------------------------------

  /**
   * The user whose password this is. BAD_CREDENTIALS for an unknown username, a wrong password
   * or a disabled user alike; TOO_MANY_ATTEMPTS (with `retryAfter` seconds) while the username
   * or the source address is locked. Every attempt is audited.
   */
  async signIn(username: string, password: string, sourceIp?: string): Promise<StaffUser> {
    if (UNSTORABLE.test(username) || username.length > 64) throw invalid('用户名含有无效字符', 'The username contains an invalid character');
    const address = addressSubject(sourceIp);
    const failed = (reason: string, extra: Record<string, unknown> = {}, u?: StaffRow) =>
      this.record({ id: 0, name: username, roles: [], sourceIp }, {
        action: 'staff.sign-in.failed', entityType: 'staff', entityId: u ? String(u.id) : '', after: { username, reason, ...extra },
      });
    const reserved = await this.reserve(username, address, (seconds) => failed('locked', { retryAfter: seconds }));
    const u = await this.repo.findByUsername(username);
    const ok = await verifyPassword(password, u?.passwordHash ?? DUMMY_HASH);
    if (!u || !ok || !u.active) {
      await failed(!u ? 'unknown-user' : !ok ? 'bad-password' : 'disabled', {}, u);
      throw new AppError('BAD_CREDENTIALS');
    }
    await this.settle(reserved);
    const user = view(u);
    await this.record({ id: u.id, name: u.displayName, roles: user.roles, sourceIp }, { action: 'staff.sign-in', entityType: 'staff', entityId: String(u.id) });
    return user;
  }

  /**
   * Counts this attempt for the username and the address before the password is checked, so a
   * burst of parallel guesses is counted as it comes; refuses it (counting nothing) while either
   * is locked.
   */
  private async reserve(username: string, address: string, onLocked: (seconds: number) => Promise<void>): Promise<Reserved> {
    const now = this.d.clock.now();
    const idleSince = new Date(now.getTime() - IDLE_RESET_MS);
    const lockFrom = (scope: ThrottleScope, failures: number) => {
      const s = lockSeconds(failures, SIGN_IN_LIMITS[scope]);
      return s === null ? null : new Date(now.getTime() + s * 1000);
    };
    let reserved: Reserved;
    try {
      reserved = await this.repo.transaction(async (tx) => {
        const userFailures = await tx.reserve('user', username, now, idleSince);
        if (userFailures === undefined) throw new Locked(await tx.lockedUntil('user', username), 'user');
        // Refused here, the transaction takes back the username's count too.
        const addressFailures = await tx.reserve('address', address, now, idleSince);
        if (addressFailures === undefined) throw new Locked(await tx.lockedUntil('address', address), 'address');
        const userLock = lockFrom('user', userFailures);
        const addressLock = lockFrom('address', addressFailures);
        if (userLock) await tx.lock('user', username, userLock);
        if (addressLock) await tx.lock('address', address, addressLock);
        return { username, address, addressLock };
      });
    } catch (e) {
      if (!(e instanceof Locked)) throw e;
      this.d.onLocked?.(e.scope);
      const seconds = Math.max(1, Math.ceil(((e.until?.getTime() ?? now.getTime()) - now.getTime()) / 1000));
      await onLocked(seconds);
      throw tooMany(seconds);
    }
    return reserved;
  }

  /** After the right password: the username's count is cleared, the address's attempt taken back. */
  private async settle(r: Reserved): Promise<void> {
    const now = this.d.clock.now();
    await this.repo.clear('user', r.username);
    await this.repo.refund('address', r.address, r.addressLock);
    await this.repo.prune(new Date(now.getTime() - IDLE_RESET_MS), now);
  }

  private record(actor: Actor, e: AuditEntry, q: Db = this.d.db): Promise<void> {
    return this.d.audit.record(q, actor, e, this.d.clock.now());
  }

  // ---- the signed-in user -------------------------------------------------------------------

  async me(actor: Actor): Promise<StaffUser> {
    const u = await this.repo.findById(actor.id);
    if (!u || !u.active) throw new AppError('UNAUTHENTICATED');
    return view(u);
  }

  /** A new password, given the current one (counted like a sign-in: a stolen token cannot guess it). */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    const u = await this.repo.findById(actor.id);
    if (!u || !u.active) throw new AppError('UNAUTHENTICATED');
    checkNewPassword(newPassword, u.username);
    const address = addressSubject(actor.sourceIp);
    const failed = (reason: string, extra: Record<string, unknown> = {}) =>
      this.record(actor, { action: 'staff.password.change.failed', entityType: 'staff', entityId: String(u.id), after: { reason, ...extra } });
    const reserved = await this.reserve(u.username, address, (seconds) => failed('locked', { retryAfter: seconds }));
    if (!(await verifyPassword(currentPassword, u.passwordHash))) {
      await failed('bad-password');
      throw new AppError('BAD_CREDENTIALS', { detail: l10n('当前密码错误', 'The current password is wrong') });
    }
    const passwordHash = await hashPassword(newPassword);
    await this.repo.transaction(async (tx) => {
      const before = await tx.findById(u.id, true);
      const after = await tx.update(u.id, { passwordHash });
      if (!before || !after) throw new AppError('UNAUTHENTICATED');
      // Every session ends, this one too: the console signs in again with the new password.
      await this.d.sessions?.endAll(tx.q, 'u', u.id);
      await this.record(actor, {
        action: 'staff.password.change', entityType: 'staff', entityId: String(u.id),
        before: { ...view(before), password: '[redacted]' }, after: { ...view(after), password: '[redacted, changed]' },
      }, tx.q);
    });
    await this.d.sessions?.sync();
    await this.settle(reserved);
  }

  /** Records a sign-out (the identity module has ended the session). */
  async signedOut(actor: Actor): Promise<void> {
    await this.record(actor, { action: 'staff.sign-out', entityType: 'staff', entityId: String(actor.id) });
  }

  // ---- the admin's user management ----------------------------------------------------------

  async list(actor: Actor): Promise<StaffUser[]> {
    requireRole(actor, ['admin']);
    return (await this.repo.list()).map(view);
  }

  /**
   * The agents marketing may hand call-list rows to: active users with the agent role, by id and
   * display name only (no username or other roles), so a marketer chooses them by name.
   */
  async agents(actor: Actor): Promise<{ id: number; displayName: string }[]> {
    requireRole(actor, ['marketing']);
    return (await this.repo.list()).filter((u) => u.active && knownRoles(u.roles).includes('agent')).map((u) => ({ id: u.id, displayName: u.displayName }));
  }

  async create(actor: Actor, input: NewStaffUser): Promise<StaffUser> {
    requireRole(actor, ['admin']);
    if (!USERNAME.test(input.username)) {
      throw invalid('用户名为1至64个字母、数字或 . _ -，以字母或数字开头', 'A username is 1 to 64 letters, digits or . _ -, starting with a letter or digit');
    }
    const displayName = checkDisplayName(input.displayName);
    const roles = checkRoles(input.roles);
    checkNewPassword(input.password, input.username);
    const passwordHash = await hashPassword(input.password);
    return this.repo.transaction(async (tx) => {
      const row = await tx.insert({ username: input.username, displayName, passwordHash, roles });
      if (!row) throw new AppError('CONFLICT', { detail: l10n('该用户名已被使用', 'That username is taken') });
      await this.record(actor, { action: 'staff.create', entityType: 'staff', entityId: String(row.id), after: view(row) }, tx.q);
      return view(row);
    });
  }

  /**
   * Changes a user's display name, roles or whether they may sign in. An admin cannot disable
   * themself or take away their own admin role (so there is always someone to undo a mistake).
   */
  async update(actor: Actor, id: number, patch: StaffUserPatch): Promise<StaffUser> {
    requireRole(actor, ['admin']);
    const set: StaffPatch = {};
    if (patch.displayName !== undefined) set.displayName = checkDisplayName(patch.displayName);
    if (patch.roles !== undefined) set.roles = checkRoles(patch.roles);
    if (patch.active !== undefined) set.active = patch.active;
    if (id === actor.id && set.active === false) throw invalid('不能停用自己的账号', 'You cannot disable yourself');
    if (id === actor.id && set.roles && !set.roles.includes('admin')) throw invalid('不能取消自己的管理员角色', 'You cannot remove your own admin role');
    const user = await this.repo.transaction(async (tx) => {
      const before = await tx.findById(id, true);
      if (!before) throw new AppError('NOT_FOUND', { detail: l10n('没有这个员工账号', 'No such staff user') });
      const details: StaffPatch = {};
      if (set.displayName !== undefined && set.displayName !== before.displayName) details.displayName = set.displayName;
      if (set.roles && set.roles.join() !== knownRoles(before.roles).join()) details.roles = set.roles;
      const activeChanges = set.active !== undefined && set.active !== before.active;
      if (Object.keys(details).length === 0 && !activeChanges) return view(before);
      const after = await tx.update(id, { ...details, ...(activeChanges ? { active: set.active } : {}) });
      if (!after) throw new AppError('NOT_FOUND');
      // A change of name or roles and a change of access are told apart in the log.
      const mid = { ...view(before), ...details };
      if (Object.keys(details).length > 0) {
        await this.record(actor, { action: 'staff.update', entityType: 'staff', entityId: String(id), before: view(before), after: mid }, tx.q);
      }
      if (activeChanges) {
        await this.record(actor, { action: set.active ? 'staff.enable' : 'staff.disable', entityType: 'staff', entityId: String(id), before: mid, after: view(after) }, tx.q);
      }
      // Tokens carry roles: new roles, or a disabled user, end every session they have.
      if (details.roles || (activeChanges && !set.active)) await this.d.sessions?.endAll(tx.q, 'u', id);
      return view(after);
    });
    await this.d.sessions?.sync();
    this.directory.forget(id);
    return user;
  }

  // ---- the audit log ------------------------------------------------------------------------

  /** The admin's read of the audit log, newest first. */
  async auditLog(actor: Actor, filter: AuditFilter, page: Page) {
    requireRole(actor, ['admin']);
    return listAudit(this.d.db, filter, { offset: Math.max(0, page.offset), limit: Math.min(Math.max(1, page.limit), 200) });
  }

  // ---- the first admin, and the demo's agents ---------------------------------------------

  /**
   * Makes sure an admin exists. On first start it creates `admin` with the given password, or a
   * random one that is returned so start-up can print it once. Safe when several nodes start
   * on a fresh database at once: one creates it, the others find it.
   */
  async ensureAdmin(password: string | undefined): Promise<{ created: boolean; password?: string }> {
    const r = await this.ensureUsers([{ username: 'admin', displayName: '系统管理员 Administrator', roles: ['admin'] }], password);
    return r.created ? { created: true, password: r.password } : { created: false };
  }

  /**
   * The demo operator's two agents (坐席, `agent1` and `agent2`), so 我的外呼 has calls to work on
   * a first start in demo mode: made like the first admin, with the given password or a random
   * one returned to print once. Their ids, made now or before.
   */
  ensureDemoAgents(password?: string): Promise<{ ids: number[]; created: boolean; password?: string }> {
    return this.ensureUsers(DEMO_AGENTS, password);
  }

  /** Makes those of these users that do not exist, in one transaction, each audited as the system's. */
  private async ensureUsers(users: readonly { username: string; displayName: string; roles: StaffRole[] }[], password: string | undefined) {
    const found = await Promise.all(users.map((u) => this.repo.findByUsername(u.username)));
    if (found.every((f) => f !== undefined)) return { ids: found.map((f) => f!.id), created: false };
    const pw = password ?? this.d.random.token(12);
    const passwordHash = await hashPassword(pw);
    const made = await this.repo.transaction(async (tx) => {
      const out: { id: number; created: boolean }[] = [];
      for (const u of users) {
        const r = await tx.insert({ ...u, passwordHash });
        if (r) await this.record(SYSTEM_ACTOR, { action: 'staff.create', entityType: 'staff', entityId: String(r.id), after: view(r) }, tx.q);
        // Taken meanwhile (another node starting too): theirs, found now it is committed.
        out.push(r ? { id: r.id, created: true } : { id: (await tx.findByUsername(u.username))!.id, created: false });
      }
      return out;
    });
    const created = made.some((m) => m.created);
    return { ids: made.map((m) => m.id), created, ...(created && !password ? { password: pw } : {}) };
  }
}

/** The demo's agents (ensureDemoAgents). */
export const DEMO_AGENTS = [
  { username: 'agent1', displayName: '坐席小陈 Agent Chen', roles: ['agent'] },
  { username: 'agent2', displayName: '坐席小周 Agent Zhou', roles: ['agent'] },
] as const satisfies readonly { username: string; displayName: string; roles: StaffRole[] }[];

/**
 * A staff user made directly, without the admin's checks or an audit entry: for seeding tests
 * and demos. Its id.
 */
export async function createStaffUser(db: Db, u: NewStaffUser): Promise<number> {
  const row = await new StaffRepository(db).insert({ username: u.username, displayName: u.displayName, passwordHash: await hashPassword(u.password), roles: u.roles });
  if (!row) throw new AppError('CONFLICT', { detail: l10n('该用户名已被使用', 'That username is taken') });
  return row.id;
}
