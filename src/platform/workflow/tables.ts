// The workflow runner's table (src/platform/workflow/runner.ts): a run's step, state and data.
import type { Generated, Selectable } from 'kysely';
import type { Json, Timestamp } from '../db/database.ts';

export type WorkflowState = 'running' | 'waiting' | 'completed' | 'compensating' | 'compensated' | 'failed';

export interface WorkflowRunTable {
  id: Generated<number>;
  name: string;
  ref: string;
  /** running: the next step to run; waiting: the step waited on; compensating: the steps below it are still to undo. */
  step: Generated<number>;
  state: Generated<WorkflowState>;
  attempt: Generated<number>;
  nextAt: Timestamp;
  data: Json<Record<string, unknown>>;
  error: string | null;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

declare module '../db/database.ts' {
  interface Database {
    workflowRun: WorkflowRunTable;
  }
}

export type WorkflowRunRow = Selectable<WorkflowRunTable>;
