// A small workflow runner: named steps, each with its compensation, whose position is kept in
// workflow_run so that a run interrupted by a crash resumes from PostgreSQL on whichever node
// claims it next (FOR UPDATE SKIP LOCKED), and a run that cannot finish is undone in reverse.
//
// Each step runs inside the transaction that holds its run's row and records its completion, so a
// step that only touches the database happens exactly once: a crash rolls the step back with its
// record. Consecutive local steps run in one such transaction (a failure rolls back all of them,
// and they are tried again from the first), and the local steps after a remote one run in the
// transaction that records the remote one's outcome, behind a savepoint. A step that calls a
// remote party must be idempotent, keyed by the run id (`ctx.runId`), because a crash after the
// call and before the commit runs it again.
import type { Db } from '../db/index.ts';
import { withSavepoint } from '../db/index.ts';
import type { Clock } from '../ports.ts';
import { AppError } from '../errors.ts';
import type { WorkflowRunRow, WorkflowState } from './tables.ts';

export type WorkflowData = Record<string, unknown>;

export interface StepContext<D extends WorkflowData> {
  /** The run's transaction: the step's writes commit with its record, or not at all. */
  q: Db;
  runId: number;
  ref: string;
  data: D;
  at: Date;
  /** Why a compensation runs: the refusal's code, `timeout`, `cancelled:<why>` or the last error. */
  reason?: string;
  /**
   * The run was recorded by this very transaction (`begin`) and this is its first pass: nothing
   * it refers to can have been written by anyone else yet, so a step need not look for an
   * earlier attempt of itself.
   */
  fresh?: boolean;
}

/** What a step may answer: data to merge into the run's, and a time to wait until for `resume`. */
export interface StepOutcome<D extends WorkflowData> {
  data?: Partial<D>;
  /** Wait after this step until `resume` (e.g. a payment's notification) or, at this time, compensate. */
  waitUntil?: Date;
}

export interface Step<D extends WorkflowData> {
  name: string;
  /**
   * Runs outside the run's transaction (`ctx.q` is the database), for a call to another party that
   * writes in transactions of its own (a payment): the run is leased for `leaseMs` meanwhile, and
   * if the step fails for good its own compensation runs too, since it may have happened.
   */
  remote?: boolean;
  /**
   * For a remote step: a `resume` that comes while it is out (a payment paid at once, inside it)
   * completes it there, and the local steps after it run in the resumer's transaction, so they
   * commit with it; the step's own outcome, when it answers, is then not recorded (the run has
   * moved on). Without it the resume is kept and the step's wait passed when it answers.
   */
  completedByResume?: boolean;
  run(ctx: StepContext<D>): Promise<StepOutcome<D> | void>;
  /** Undoes `run`; runs only for a step whose run committed, and must tolerate running twice. */
  compensate?(ctx: StepContext<D>): Promise<void>;
}

export interface Workflow<D extends WorkflowData> {
  name: string;
  steps: readonly Step<D>[];
}

export interface WorkflowRun<D extends WorkflowData = WorkflowData> {
  id: number;
  name: string;
  ref: string;
  /** How many steps have run (and, while compensating, how many are still to undo). */
  step: number;
  state: WorkflowState;
  attempt: number;
  data: D;
  error: string | null;
}

export interface WorkflowRunnerDeps {
  db: Db;
  clock: Clock;
  /** Attempts of a failing step (an unexpected error) before the run compensates; a refusal (AppError) compensates at once. */
  maxAttempts?: number;
  /** The wait before attempt n+1 is backoffMs × 2^(n-1). */
  backoffMs?: number;
  /** How long a node holds a run while a remote step is out (then another node may take it). */
  leaseMs?: number;
}

/** Set in a run's data by a resume that came before its wait (a payment paid at once): the wait is passed. (Data keys are camelCase: the database's CamelCasePlugin rewrites snake_case keys, JSON ones too.) */
const RESUMED = 'resumedEarly';

/** What `begin` answers: the run, and the remote step it leased for `drive` to take at once. */
export interface Begun {
  id: number;
  leased?: WorkflowRunRow;
}

const ACTIVE: WorkflowState[] = ['running', 'waiting', 'compensating'];

function view<D extends WorkflowData>(r: WorkflowRunRow): WorkflowRun<D> {
  return { id: r.id, name: r.name, ref: r.ref, step: r.step, state: r.state, attempt: r.attempt, data: r.data as D, error: r.error };
}

export class WorkflowRunner {
  private readonly workflows = new Map<string, Workflow<WorkflowData>>();
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(private readonly deps: WorkflowRunnerDeps) {
    this.maxAttempts = deps.maxAttempts ?? 5;
    this.backoffMs = deps.backoffMs ?? 1_000;
    this.leaseMs = deps.leaseMs ?? 60_000;
  }

  define<D extends WorkflowData>(wf: Workflow<D>): void {
    if (this.workflows.has(wf.name)) throw new Error(`workflow ${wf.name} defined twice`);
    this.workflows.set(wf.name, wf as unknown as Workflow<WorkflowData>);
  }

  /**
   * Starts a run of `name` for `ref` (once: the same name and ref again is the same run) and takes
   * it as far as it goes now: to its end, a wait, or its compensation.
   */
  async execute<D extends WorkflowData>(name: string, ref: string, data: D): Promise<WorkflowRun<D>> {
    const id = await this.start(name, ref, data);
    await this.drive(id);
    return (await this.get<D>(name, ref))!;
  }

  /**
   * Starts a run in the caller's transaction and runs its local steps there, up to its first remote
   * step (leased to this node), a wait or its end: they commit with the caller's change or not at
   * all, and a step's failure fails the caller's transaction. Once the caller has committed,
   * `drive(begun)` takes the run on from there at once. The same name and ref again is the same run,
   * and nothing is run for it here.
   */
  async begin(q: Db, name: string, ref: string, data: WorkflowData): Promise<Begun> {
    this.workflow(name);
    const row = await q.insertInto('workflowRun')
      .values({ name, ref, nextAt: this.deps.clock.now(), data: JSON.stringify(data), error: null })
      .onConflict((oc) => oc.columns(['name', 'ref']).doNothing())
      .returningAll().executeTakeFirst();
    if (!row) return { id: await this.start(name, ref, data, q) };
    // Unguarded: a step's refusal is the caller's, and nothing of it or the run is written.
    const out = await this.runLocal(q, row, { lease: true, guard: 'none', fresh: true });
    return out.remote ? { id: row.id, leased: out.row } : { id: row.id };
  }

  /** Records a run to start (in the caller's transaction when given one); the runner's tick takes it. */
  async start(name: string, ref: string, data: WorkflowData, q: Db = this.deps.db): Promise<number> {
    this.workflow(name);
    const inserted = await q.insertInto('workflowRun')
      .values({ name, ref, nextAt: this.deps.clock.now(), data: JSON.stringify(data), error: null })
      .onConflict((oc) => oc.columns(['name', 'ref']).doNothing())
      .returning('id').executeTakeFirst();
    if (inserted) return inserted.id;
    return (await q.selectFrom('workflowRun').select('id').where('name', '=', name).where('ref', '=', ref).executeTakeFirstOrThrow()).id;
  }

  /**
   * Records many runs of one workflow to start, in one statement in the caller's transaction, and
   * answers each run as recorded, in order (one already recorded under its ref: as it is now).
   */
  async startMany(q: Db, name: string, runs: readonly { ref: string; data: WorkflowData }[]): Promise<WorkflowRun[]> {
    this.workflow(name);
    if (!runs.length) return [];
    const at = this.deps.clock.now();
    const inserted = await q.insertInto('workflowRun')
      .values(runs.map((r) => ({ name, ref: r.ref, nextAt: at, data: JSON.stringify(r.data), error: null })))
      .onConflict((oc) => oc.columns(['name', 'ref']).doNothing())
      .returningAll().execute();
    const byRef = new Map(inserted.map((r) => [r.ref, r]));
    const missing = runs.filter((r) => !byRef.has(r.ref)).map((r) => r.ref);
    if (missing.length) for (const r of await q.selectFrom('workflowRun').selectAll().where('name', '=', name).where('ref', 'in', missing).execute()) byRef.set(r.ref, r);
    return runs.map((r) => view(byRef.get(r.ref)!));
  }

  async get<D extends WorkflowData>(name: string, ref: string, q: Db = this.deps.db): Promise<WorkflowRun<D> | undefined> {
    const r = await q.selectFrom('workflowRun').selectAll().where('name', '=', name).where('ref', '=', ref).executeTakeFirst();
    return r ? view<D>(r) : undefined;
  }

  /**
   * Resumes a waiting run inside the caller's transaction (e.g. the payment's settlement), running
   * its remaining steps there, so they commit with the caller's change or not at all (a run whose
   * remote step is still out and `completedByResume` too). Waits for a node working on the run.
   * 'completed' when it had completed before; 'gone' when it no longer waits for this (timed out,
   * cancelled).
   */
  async resume(q: Db, name: string, ref: string, data: WorkflowData = {}): Promise<'resumed' | 'completed' | 'gone'> {
    const row = await q.selectFrom('workflowRun').selectAll().where('name', '=', name).where('ref', '=', ref).forUpdate().executeTakeFirst();
    if (!row) return 'gone';
    if (row.state === 'completed') return 'completed';
    const out = row.state === 'running' ? this.workflow(name).steps[row.step] : undefined;
    if (out?.remote && out.completedByResume) {
      // Its remote step is out and this is what it waits for: done here, and the rest with it.
      const at = this.deps.clock.now();
      const next: WorkflowRunRow = { ...row, step: row.step + 1, attempt: 0, error: null, nextAt: at, data: { ...row.data, ...data } };
      if (next.step === this.workflow(name).steps.length) next.state = 'completed';
      await this.runLocal(q, next, { lease: false, guard: 'none', moved: true });
      return 'resumed';
    }
    if (row.state === 'running') {
      // Not at its wait yet (the step that waits is still out, e.g. the payment paid at once inside
      // it): kept with the run, so the wait is passed when it comes.
      await q.updateTable('workflowRun').set({ data: JSON.stringify({ ...row.data, ...data, [RESUMED]: true }), updatedAt: this.deps.clock.now() })
        .where('id', '=', row.id).execute();
      return 'resumed';
    }
    if (row.state !== 'waiting') return 'gone';
    let cur: WorkflowRunRow = { ...row, state: 'running', data: { ...row.data, ...data } };
    for (;;) {
      const next = await this.stepOnce(q, cur);
      if (!next) break;
      cur = next;
    }
    return 'resumed';
  }

  /** Stops a running or waiting run and undoes its steps (e.g. the subscriber cancelled). */
  async cancel(name: string, ref: string, why: string): Promise<boolean> {
    const r = await this.deps.db.updateTable('workflowRun')
      .set({ state: 'compensating', error: `cancelled:${why}`, nextAt: this.deps.clock.now(), attempt: 0, updatedAt: this.deps.clock.now() })
      .where('name', '=', name).where('ref', '=', ref).where('state', 'in', ['running', 'waiting'])
      .returning('id').executeTakeFirst();
    if (r) await this.drive(r.id);
    return Boolean(r);
  }

  /** Takes due runs (new, retried, resumed after a crash, timed out) and drives each; every node runs it. */
  async tick(limit = 20): Promise<number> {
    const due = await this.deps.db.selectFrom('workflowRun').select('id')
      .where('state', 'in', ACTIVE).where('nextAt', '<=', this.deps.clock.now())
      .orderBy('nextAt').limit(limit).execute();
    for (const d of due) await this.drive(d.id);
    return due.length;
  }

  /** Runs `tick` every `everyMs` on this node. */
  startPolling(everyMs: number, onError: (e: unknown) => void): void {
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = this.tick().then(() => undefined, onError).finally(() => { this.ticking = undefined; });
    }, everyMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
  }

  /**
   * Drives one run while it is due: its consecutive local steps in one transaction, a remote step
   * out of any, under a lease. A run another node holds is skipped (SKIP LOCKED): that node drives
   * it. `begun` (from `begin`, committed) goes straight to the remote step it leased. Answers the
   * run as last read when a remote step ended the drive with it moved on (so the caller need not
   * read it again), otherwise nothing.
   */
  async drive(id: number, begun?: Begun): Promise<WorkflowRun | undefined> {
    let leased = begun?.id === id ? begun.leased : undefined;
    let failure: { row: WorkflowRunRow; error: unknown } | undefined;
    while (!failure) {
      // The run as committed before the work that may fail (a failure rolls back to it).
      let cur: WorkflowRunRow | undefined;
      let remote: Step<WorkflowData> | undefined;
      try {
        if (leased) {
          cur = leased;
          remote = this.workflow(leased.name).steps[leased.step];
          leased = undefined;
        } else {
          remote = undefined;
          const more = await this.deps.db.transaction().execute(async (tx) => {
            cur = await tx.selectFrom('workflowRun').selectAll().where('id', '=', id)
              .where('state', 'in', ACTIVE).where('nextAt', '<=', this.deps.clock.now())
              .forUpdate().skipLocked().executeTakeFirst();
            if (!cur) return false;
            const out = await this.runLocal(tx, cur, { lease: true, guard: 'after-first' });
            if (out.failed !== undefined) {
              failure = { row: out.row, error: out.failed };
              return false;
            }
            if (!out.remote) return false;
            // Committed with the lease: a remote step's failure is recorded against it.
            cur = out.row;
            remote = out.remote;
            return true;
          });
          if (!more) break;
        }
        const after = await this.runRemote(cur!, remote!);
        if (after !== true) return after ? view(after) : undefined;
      } catch (e) {
        if (!cur) throw e;
        await this.failed(cur, e, Boolean(remote));
        return;
      }
    }
    // A step after the first of its transaction failed: the ones before it are committed.
    if (failure) await this.failed(failure.row, failure.error);
  }

  /**
   * The local steps (or compensations) of a locked run, one after another in `q`, until a remote
   * step (with `lease`, leased to this node for `leaseMs`), a wait, the end or a failure; recorded
   * once, as the run then is (`moved`: `row` itself is not recorded yet). A guarded step runs
   * behind a savepoint: a failing one is rolled back alone and answered as `failed`, the steps
   * before it stay done (and are compensated, as any committed step). An unguarded one's failure
   * is thrown, for the caller to roll back its whole transaction.
   */
  private async runLocal(q: Db, row: WorkflowRunRow, opts: { lease: boolean; guard: 'none' | 'after-first' | 'all'; moved?: boolean; fresh?: boolean }): Promise<{ row: WorkflowRunRow; remote?: Step<WorkflowData>; failed?: unknown }> {
    let cur = row;
    let moved = opts.moved ?? false;
    let out: { row: WorkflowRunRow; remote?: Step<WorkflowData>; failed?: unknown };
    for (let n = 0; ; n++) {
      const step = cur.state === 'running' ? this.workflow(cur.name).steps[cur.step] : undefined;
      if (step?.remote) {
        out = { row: cur, remote: step };
        break;
      }
      const guarded = opts.guard === 'all' || (opts.guard === 'after-first' && n > 0);
      try {
        const from = cur;
        cur = guarded ? await withSavepoint(q, (sq) => this.move(sq, from)) : await this.move(q, from, opts.fresh);
      } catch (e) {
        if (!guarded) throw e;
        out = { row: cur, failed: e };
        break;
      }
      moved = true;
      if (cur.state !== 'running' && cur.state !== 'compensating') {
        out = { row: cur };
        break;
      }
    }
    const at = this.deps.clock.now();
    if (out.remote && opts.lease) out.row = { ...out.row, nextAt: new Date(at.getTime() + this.leaseMs) };
    if (moved) await this.record(q, out.row, at);
    else if (out.remote && opts.lease) await q.updateTable('workflowRun').set({ nextAt: out.row.nextAt }).where('id', '=', out.row.id).execute();
    return out;
  }

  /**
   * A remote step out of any transaction, then its outcome recorded unless the run moved on
   * meanwhile, and the local steps after it run in that same transaction (a failing one leaves the
   * outcome recorded and is handled as a step's failure); whether to go on driving (or, moved on
   * inside the step, the run as read then).
   */
  private async runRemote(row: WorkflowRunRow, step: Step<WorkflowData>): Promise<boolean | WorkflowRunRow> {
    const at = this.deps.clock.now();
    const out = (await step.run({ q: this.deps.db, runId: row.id, ref: row.ref, data: row.data, at })) ?? {};
    // Moved on already (a resume inside the step, as a payment paid at once does): a plain read
    // tells, without a transaction; a run that moved on never comes back to this lease.
    if (step.completedByResume) {
      const seen = await this.deps.db.selectFrom('workflowRun').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
      if (seen.state !== 'running' || seen.step !== row.step) return seen;
    }
    let failure: { row: WorkflowRunRow; error: unknown } | undefined;
    const more = await this.deps.db.transaction().execute(async (tx) => {
      const now = await tx.selectFrom('workflowRun').selectAll().where('id', '=', row.id).forUpdate().executeTakeFirstOrThrow();
      // Another node took the run after the lease, or it was cancelled: that one's record stands.
      if (now.state !== 'running' || now.step !== row.step) return false;
      const next = this.advanced(now, out, at);
      if (next.state !== 'running') {
        await this.record(tx, next, at);
        return false;
      }
      // Recorded with the local steps after it (or alone, when the first of them fails).
      const local = await this.runLocal(tx, next, { lease: false, guard: 'all', moved: true });
      if (local.failed !== undefined) failure = { row: local.row, error: local.failed };
      // Stopped at another remote step: drive's next turn leases it.
      return Boolean(local.remote);
    });
    if (failure) await this.failed(failure.row, failure.error);
    return more;
  }

  /** The run after its step `row.step` ran with `out`: the next step, its wait, or its end. */
  private advanced(row: WorkflowRunRow, out: StepOutcome<WorkflowData>, at: Date): WorkflowRunRow {
    const steps = this.workflow(row.name).steps;
    const next: WorkflowRunRow = { ...row, step: row.step + 1, attempt: 0, error: null, data: { ...row.data, ...out.data }, nextAt: at };
    if (next.step === steps.length) next.state = 'completed';
    else if (out.waitUntil && !row.data[RESUMED]) { next.state = 'waiting'; next.nextAt = out.waitUntil; }
    else if (out.waitUntil) delete next.data[RESUMED];
    return next;
  }

  private async record(q: Db, next: WorkflowRunRow, at: Date): Promise<void> {
    await q.updateTable('workflowRun').set({
      step: next.step, state: next.state, attempt: next.attempt, error: next.error, nextAt: next.nextAt,
      data: JSON.stringify(next.data), updatedAt: at,
    }).where('id', '=', next.id).execute();
  }

  /** One step forward (or back) of a locked run, recorded; the row as it now is, or undefined when it stops. */
  private async stepOnce(q: Db, row: WorkflowRunRow): Promise<WorkflowRunRow | undefined> {
    const next = await this.move(q, row);
    await this.record(q, next, this.deps.clock.now());
    return next.state === 'running' || next.state === 'compensating' ? next : undefined;
  }

  /** One step forward (or back) of a locked run, not recorded yet: the row as it is after it. */
  private async move(q: Db, row: WorkflowRunRow, fresh = false): Promise<WorkflowRunRow> {
    const wf = this.workflow(row.name);
    const at = this.deps.clock.now();
    const ctx = (reason?: string): StepContext<WorkflowData> => ({ q, runId: row.id, ref: row.ref, data: row.data, at, reason, ...(fresh ? { fresh } : {}) });
    let next: WorkflowRunRow;
    if (row.state === 'waiting') {
      // Still waiting at its time: nothing resumed it, so it is undone.
      next = { ...row, state: 'compensating', error: 'timeout', attempt: 0 };
    } else if (row.state === 'compensating') {
      if (row.step === 0) {
        next = { ...row, state: 'compensated' };
      } else {
        await wf.steps[row.step - 1]!.compensate?.(ctx(row.error ?? undefined));
        next = { ...row, step: row.step - 1, attempt: 0 };
        if (next.step === 0) next.state = 'compensated';
      }
    } else if (row.step >= wf.steps.length) {
      next = { ...row, state: 'completed' };
    } else {
      next = this.advanced(row, (await wf.steps[row.step]!.run(ctx())) ?? {}, at);
    }
    if (next.state !== 'waiting') next.nextAt = at;
    return next;
  }

  /**
   * A step (or compensation) threw, and its transaction rolled back. A refusal (AppError) undoes the
   * run at once; another error is tried again later, and after maxAttempts the run is undone (a
   * failing compensation, after maxAttempts, leaves the run `failed` for a person to look at).
   */
  private async failed(row: WorkflowRunRow, e: unknown, remote = false): Promise<void> {
    const at = this.deps.clock.now();
    const attempt = row.attempt + 1;
    const why = e instanceof AppError ? e.code : e instanceof Error ? e.message : String(e);
    const giveUp = e instanceof AppError || attempt >= this.maxAttempts;
    const set = row.state === 'compensating'
      ? (attempt >= this.maxAttempts ? { state: 'failed' as const, attempt, error: why } : { attempt, nextAt: new Date(at.getTime() + this.backoffMs * 2 ** (attempt - 1)), error: row.error })
      : giveUp
        ? { state: 'compensating' as const, attempt: 0, nextAt: at, error: why, step: remote ? row.step + 1 : row.step }
        : { attempt, nextAt: new Date(at.getTime() + this.backoffMs * 2 ** (attempt - 1)), error: why };
    await this.deps.db.updateTable('workflowRun').set({ ...set, updatedAt: at })
      .where('id', '=', row.id).where('state', '=', row.state).where('step', '=', row.step).execute();
    if (set.state === 'compensating') await this.drive(row.id);
  }

  private workflow(name: string): Workflow<WorkflowData> {
    const wf = this.workflows.get(name);
    if (!wf) throw new Error(`no workflow ${name}`);
    return wf;
  }
}
