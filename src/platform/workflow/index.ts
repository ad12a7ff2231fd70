// The workflow runner (src/platform/workflow/runner.ts): named steps with compensations, their
// runs kept in workflow_run so any node resumes one after a crash. Workflows live in src/workflows/.
export { WorkflowRunner, type Begun, type Workflow, type Step, type StepContext, type StepOutcome, type WorkflowRun, type WorkflowData } from './runner.ts';
export type { WorkflowState } from './tables.ts';
export { workflowMigrations } from './migrations/index.ts';
