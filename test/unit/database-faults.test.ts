/**
 * Which errors are database faults (503 unavailable, retry) and which are not: one row per
 * error as node-postgres, pg-pool and Node raise it.
 */
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, unavailableProblem } from '../../broker/db/database-faults.js';
import { AppError } from '../../broker/errors/app-error.js';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

const rows: Array<[string, unknown, boolean]> = [
  ['57P01 admin_shutdown (pg_terminate_backend)', withCode('terminating connection due to administrator command', '57P01'), true],
  ['57P02 crash_shutdown', withCode('terminating connection because of crash of another server process', '57P02'), true],
  ['57P03 cannot_connect_now', withCode('the database system is starting up', '57P03'), true],
  ['08006 connection_failure', withCode('connection failure', '08006'), true],
  ['08003 connection_does_not_exist', withCode('connection does not exist', '08003'), true],
  ['53300 too_many_connections', withCode('sorry, too many clients already', '53300'), true],
  ['ECONNREFUSED', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), true],
  ['ECONNRESET', withCode('read ECONNRESET', 'ECONNRESET'), true],
  ['happy eyeballs: AggregateError of ECONNREFUSED', Object.assign(new AggregateError([withCode('a', 'ECONNREFUSED'), withCode('b', 'ECONNREFUSED')]), { code: 'ECONNREFUSED' }), true],
  ['node-postgres: terminated unexpectedly', new Error('Connection terminated unexpectedly'), true],
  ['pg-pool: connection timeout', new Error('Connection terminated due to connection timeout', { cause: new Error('x') }), true],
  ['node-postgres: not queryable', new Error('Client has encountered a connection error and is not queryable'), true],
  ['a fault as the cause of another error', new Error('wrapped', { cause: withCode('x', '57P01') }), true],
  ['23505 unique_violation', withCode('duplicate key value violates unique constraint', '23505'), false],
  ['40001 serialization_failure', withCode('could not serialize access', '40001'), false],
  ['42501 the logboek refuses a change', withCode('the logboek is append-only: UPDATE on logboek_entries refused', '42501'), false],
  ['40P01 deadlock', withCode('deadlock detected', '40P01'), false],
  ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')"), false],
  ['not an error at all', 'ECONNREFUSED', false],
  ['undefined', undefined, false],
];

describe('isDatabaseUnavailable', () => {
  it.each(rows)('%s', (_name, err, expected) => {
    expect(isDatabaseUnavailable(err)).toBe(expected);
  });
});

describe('unavailableProblem', () => {
  it('turns a fault into a 503 that advises a retry and keeps the fault as its cause', () => {
    const fault = withCode('terminating connection due to administrator command', '57P01');
    const problem = unavailableProblem(fault)!;
    expect(problem).toBeInstanceOf(AppError);
    expect(problem.code).toBe('unavailable');
    expect(problem.status).toBe(503);
    expect(problem.message).toMatch(/try again in \d+ seconds/);
    expect(problem.cause).toBe(fault);
  });

  it('leaves other errors, and errors the broker already chose, alone', () => {
    expect(unavailableProblem(withCode('duplicate key', '23505'))).toBeUndefined();
    expect(unavailableProblem(new AppError('validation', 'x'))).toBeUndefined();
  });
});
