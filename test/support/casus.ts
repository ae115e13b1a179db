/** Helpers to open a casus through the API, as a voorzitter would, before asking about its subject. */
import { expect } from 'vitest';
import { opaqueRef } from './synthetic.js';

/** Anything that can call the broker's API (a TestBroker, or a client of another process). */
export interface Caller {
  call(method: string, path: string, opts?: { token?: string; body?: unknown }): Promise<{ status: number; body: any; text: string }>;
  token(userId: string): Promise<string>;
}

/** An aanmeldcriterium both example platforms list, and an age inside both doelgroepen. */
export const AANMELDCRITERIUM = 'signaalgedrag';
export const AGE = 15;

/** The aanmelding fields a casus needs (criteria and one age per subject), for request bodies built by hand. */
export const aanmelding = (subjects: number, age = AGE): { aanmeldcriteria: string[]; agesAtAanmelding: number[] } => ({
  aanmeldcriteria: [AANMELDCRITERIUM],
  agesAtAanmelding: Array.from({ length: subjects }, () => age),
});

export interface OpenCase {
  caseId: string;
  caseRef: string;
  subjectIds: string[];
}

/** Opens a casus (status aangemeld) for the subjects; a person casus for one, a group casus for more. */
export async function openCase(
  b: Caller,
  subjects: Array<string | string[]>,
  opts: { doel?: string; caseRef?: string; routeIn?: string; user?: string; aanmeldcriteria?: string[]; ages?: number[] } = {},
): Promise<OpenCase> {
  const caseRef = opts.caseRef ?? opaqueRef('case');
  const res = await b.call('POST', '/v1/cases', {
    token: await b.token(opts.user ?? 'demo-voorzitter'),
    body: {
      caseRef,
      doel: opts.doel ?? 'jpp-screening',
      routeIn: opts.routeIn ?? 'politie',
      kind: subjects.length > 1 ? 'group' : 'person',
      subjects,
      aanmeldcriteria: opts.aanmeldcriteria ?? [AANMELDCRITERIUM],
      agesAtAanmelding: opts.ages ?? subjects.map(() => AGE),
    },
  });
  expect(res.status, res.text).toBe(201);
  return { caseId: res.body.caseId, caseRef, subjectIds: res.body.subjects.map((s: { subjectId: string }) => s.subjectId) };
}

/**
 * A query body whose casus exists: opens a casus for its subject, doel and caseRef first,
 * with `token` (a voorzitter's). For tests of other things than the casus, which used to
 * rely on casussen opening implicitly.
 */
export async function withCase<T extends { subject: string | string[]; doel: string; caseRef: string }>(
  call: Caller['call'],
  token: string,
  body: T,
): Promise<T> {
  const res = await call('POST', '/v1/cases', {
    token,
    body: { caseRef: body.caseRef, doel: body.doel, routeIn: 'politie', kind: 'person', subjects: [body.subject], ...aanmelding(1) },
  });
  expect(res.status, res.text).toBe(201);
  return body;
}
