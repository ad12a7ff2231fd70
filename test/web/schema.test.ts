// Forms generated from the registry's own input schemas: the kinds of field, the input they
// produce, and choices read from another business's result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUSINESSES } from '../../src/businesses/index.ts';
import { inputJsonSchema } from '../../src/businesses/registry.ts';
import { choicesFrom, fieldsOf, toInput } from '../../web/shared/schema.ts';
import type { JsonSchema } from '../../web/shared/types.ts';

function schemaOf(id: string): JsonSchema {
  const b = BUSINESSES.find((x) => x.id === id);
  assert.ok(b, id);
  return inputJsonSchema(b) as JsonSchema;
}

test('every registry business maps to form fields of a known kind', () => {
  for (const b of BUSINESSES) {
    for (const f of fieldsOf(inputJsonSchema(b) as JsonSchema)) {
      assert.ok(['options', 'enum', 'boolean', 'money', 'integer', 'number', 'month', 'text'].includes(f.kind), `${b.id}.${f.name}`);
    }
  }
  assert.deepEqual(fieldsOf(schemaOf('pack.subscribe')).map((f) => [f.name, f.kind, f.required]), [['packId', 'options', true]]);
  assert.deepEqual(fieldsOf(schemaOf('bill.query')).map((f) => [f.name, f.kind, f.required]), [['month', 'month', false]]);
  assert.deepEqual(fieldsOf(schemaOf('recharge')).map((f) => [f.name, f.kind, f.required]), [['amount', 'money', true], ['msisdn', 'text', false]], 'an amount, and optionally another number to credit');
});

test('a recharge typed in yuan is checked against the schema’s limits in fen', () => {
  const fields = fieldsOf(schemaOf('recharge'));
  assert.deepEqual(toInput(fields, { amount: '12.5' }), { input: { amount: 1250 }, problems: {} });
  assert.deepEqual(toInput(fields, { amount: '0.5' }).problems.amount, { key: 'form.min', vars: { min: '1' } });
  assert.deepEqual(toInput(fields, { amount: '5000.01' }).problems.amount, { key: 'form.max', vars: { max: '5000' } });
  assert.deepEqual(toInput(fields, { amount: 'ten' }).problems.amount, { key: 'form.amountInvalid' });
  assert.deepEqual(toInput(fields, {}).problems.amount, { key: 'form.required' });
});

test('optional fields left empty are left out; patterns are checked', () => {
  const fields = fieldsOf(schemaOf('bill.query'));
  assert.deepEqual(toInput(fields, {}), { input: {}, problems: {} });
  assert.deepEqual(toInput(fields, { month: '2026-10' }).input, { month: '2026-10' });
  assert.deepEqual(toInput(fields, { month: '2026-13' }).problems.month, { key: 'form.invalid' });
});

test('choices come from the named list of another business’s result', () => {
  const source = { business: 'plans.list', list: 'plans', value: 'id' };
  const result = {
    plans: [
      { id: 'PLAN-A', nameZh: '甲', nameEn: 'A', priceFen: 3800, dataMb: 3072, voiceMin: 100, sms: 50, current: true },
      { id: 'PLAN-B', nameZh: '乙', nameEn: 'B', priceFen: 5800, dataMb: 0, voiceMin: 0, sms: 0, current: false },
      { nameZh: 'no id' },
    ],
  };
  const choices = choicesFrom(result, source);
  assert.deepEqual(choices.map((c) => [c.value, c.nameEn, c.priceFen, c.disabled]), [['PLAN-A', 'A', 3800, 'current'], ['PLAN-B', 'B', 5800, undefined]]);
  assert.deepEqual(choicesFrom({ rewards: [{ id: 'R1', nameZh: '礼', nameEn: 'Gift', costPoints: 900, affordable: false }] }, { business: 'points.query', list: 'rewards', value: 'id' })
    .map((c) => [c.value, c.costPoints, c.disabled]), [['R1', 900, 'unaffordable']]);
  assert.deepEqual(choicesFrom(null, source), []);
  assert.deepEqual(choicesFrom({ plans: 'nope' }, source), []);
});
