/** The deadlines of verzoeken (AVG art. 12(3); Regulation 1182/71 art. 3(2)(c)), table-tested. */
import { describe, expect, it } from 'vitest';
import { addMonths, amsterdamDay, answeredOnTime, deadlineOf, extendedDeadlineOf, extensionRefusal, isOverdue } from '../../broker/rights/verzoek-fns.js';

describe('deadlines of verzoeken', () => {
  it.each([
    ['2026-01-15', 1, '2026-02-15'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-12-20', 1, '2027-01-20'],
    ['2026-11-30', 2, '2027-01-30'],
    ['2026-12-31', 2, '2027-02-28'],
    ['2026-03-31', -1, '2026-02-28'],
  ])('%s plus %i month(s) is %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it('gives one month, then two further months from the first deadline', () => {
    expect(deadlineOf('2026-05-31')).toBe('2026-06-30');
    expect(extendedDeadlineOf('2026-06-30')).toBe('2026-08-30');
  });

  it.each([
    [{ status: 'open', deadline: '2026-06-30', extendedUntil: null }, '2026-06-30', false],
    [{ status: 'open', deadline: '2026-06-30', extendedUntil: null }, '2026-07-01', true],
    [{ status: 'open', deadline: '2026-06-30', extendedUntil: '2026-08-30' }, '2026-07-01', false],
    [{ status: 'open', deadline: '2026-06-30', extendedUntil: '2026-08-30' }, '2026-08-31', true],
    [{ status: 'answered', deadline: '2026-06-30', extendedUntil: null }, '2027-01-01', false],
  ] as const)('overdue %o on %s: %s', (v, today, expected) => {
    expect(isOverdue(v, today)).toBe(expected);
  });

  it.each([
    [{ answeredOn: null, deadline: '2026-06-30', extendedUntil: null }, null],
    [{ answeredOn: '2026-06-30', deadline: '2026-06-30', extendedUntil: null }, true],
    [{ answeredOn: '2026-07-01', deadline: '2026-06-30', extendedUntil: null }, false],
    [{ answeredOn: '2026-07-01', deadline: '2026-06-30', extendedUntil: '2026-08-30' }, true],
  ] as const)('answered on time %o: %s', (v, expected) => {
    expect(answeredOnTime(v)).toBe(expected);
  });

  it('allows one extension, while open, within the first month', () => {
    expect(extensionRefusal({ status: 'open', deadline: '2026-06-30', extendedUntil: null }, '2026-06-30')).toBeNull();
    expect(extensionRefusal({ status: 'open', deadline: '2026-06-30', extendedUntil: null }, '2026-07-01')).toMatch(/first month/);
    expect(extensionRefusal({ status: 'open', deadline: '2026-06-30', extendedUntil: '2026-08-30' }, '2026-06-01')).toMatch(/extended already/);
    expect(extensionRefusal({ status: 'answered', deadline: '2026-06-30', extendedUntil: null }, '2026-06-01')).toMatch(/answered/);
  });

  it('takes the day in Europe/Amsterdam', () => {
    expect(amsterdamDay(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(amsterdamDay(new Date('2026-07-01T21:59:00Z'))).toBe('2026-07-01');
    expect(amsterdamDay(new Date('2026-07-01T22:00:00Z'))).toBe('2026-07-02');
  });
});
