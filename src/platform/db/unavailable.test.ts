import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDatabaseUnavailable } from './unavailable.ts';

test('a server shutting down, refusing or cutting connections is "unavailable"', () => {
  assert.ok(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })));
  assert.ok(isDatabaseUnavailable(Object.assign(new Error('the database system is starting up'), { code: '57P03' })));
  assert.ok(isDatabaseUnavailable(Object.assign(new Error('connection failure'), { code: '08006' })));
  assert.ok(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })));
  assert.ok(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')));
  assert.ok(isDatabaseUnavailable(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })));
});

test('a wrong statement or a broken rule is not "unavailable"', () => {
  assert.ok(!isDatabaseUnavailable(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' })));
  assert.ok(!isDatabaseUnavailable(Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' })));
  assert.ok(!isDatabaseUnavailable(Object.assign(new Error('syntax error'), { code: '42601' })));
  assert.ok(!isDatabaseUnavailable(new Error('boom')));
  assert.ok(!isDatabaseUnavailable(undefined));
  assert.ok(!isDatabaseUnavailable('Connection terminated'));
});
