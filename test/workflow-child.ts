// A node of test/workflow.test.ts's crash tests: `start <ref> [refuseAt]` runs a demo workflow,
// `tick` drives every due run; HANG_AT stops it inside a step for the parent's SIGKILL.
import { openDb } from '../src/platform/db/index.ts';
import { migrate } from '../src/migrations.ts';
import { systemClock } from '../src/platform/ports.ts';
import { WorkflowRunner } from '../src/platform/workflow/index.ts';
import { createEffectTable, defineDemo } from './workflow-steps.ts';

const [mode, ref, refuseAt] = process.argv.slice(2);
const opened = await openDb({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.WF_DATA_DIR ?? 'memory://', poolSize: 2 });
await migrate(opened.db);
await createEffectTable(opened.db);
const runner = new WorkflowRunner({ db: opened.db, clock: systemClock, backoffMs: 1 });
defineDemo(runner, process.env.HANG_AT);
if (mode === 'start') await runner.execute('demo', ref!, refuseAt ? { refuseAt } : {});
else while ((await runner.tick()) > 0);
process.stdout.write('done\n');
await opened.close();
