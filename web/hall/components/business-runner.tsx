// Any registry business as a page section: its generated form, then the confirmation and answer.
import { useEffect, useRef } from 'react';
import { useRun } from '../hooks.ts';
import type { BusinessInfo } from '../../shared/types.ts';
import { fieldsOf, type FormValues } from '../../shared/schema.ts';
import { RunPanel } from './run-panel.tsx';
import { SchemaForm } from './schema-form.tsx';

export function BusinessRunner({ business, numPad, initial }: { business: BusinessInfo; numPad?: boolean; initial?: FormValues }) {
  const run = useRun(business.id);
  const isQuery = business.kind === 'query';
  const autoRun = isQuery && !fieldsOf(business.input).some((f) => f.required);
  const started = useRef(false);
  useEffect(() => {
    // A query that needs nothing answers as soon as its page opens.
    if (autoRun && !started.current) {
      started.current = true;
      run.start({});
    }
  }, [autoRun, run]);
  const editing = isQuery || run.state.step === 'idle';
  const hasFields = fieldsOf(business.input).length > 0;
  return (
    <div className="runner">
      {(hasFields || !autoRun) && (
        <div hidden={!editing}>
          <SchemaForm business={business} onSubmit={run.start} busy={run.state.step === 'sending'} numPad={numPad} initial={initial} />
        </div>
      )}
      <RunPanel run={run} business={business} />
    </div>
  );
}
