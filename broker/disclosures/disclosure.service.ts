/**
 * Reading the disclosure log (GET /v1/disclosures), for juristen and privacy officers.
 *
 * Invariants:
 * - Only roles with the `read-disclosures` capability may read it.
 * - Paging never truncates silently: a page says whether another follows (nextCursor).
 * - Entries never carry the subject hash.
 * - Every read is itself a logboek entry, written in the read's transaction.
 */
import { identityDetected, validationError } from '../errors/app-error.js';
import { findIdentityValues } from '../../protocol/identity/identity-detector.js';
import type { Principal } from '../auth/principal.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { countDisclosures, listDisclosures, type DisclosureKey, type DisclosureRow, type Outcome } from './disclosure.repository.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';

export interface DisclosurePage {
  items: Array<Omit<DisclosureRow, 'loggedAt'> & { loggedAt: string }>;
  nextCursor: string | null;
  /** The page before this one (newer entries), as `after`; null on the first page. */
  prevCursor: string | null;
  /** How many disclosures match the filters, over all pages. */
  total: number;
}

export interface DisclosureService {
  list(principal: Principal, query: Record<string, unknown>, traceId: string): Promise<DisclosurePage>;
}

/**
 * A cursor names a disclosure: its entry's id, and for an answer of a `question` entry (issue 21
 * step B) `.` and the answer's index. A plain id, as every cursor was before, is answer 0.
 */
const cursorOf = (r: DisclosureRow): string => (r.answer === undefined ? String(r.id) : `${r.id}.${r.answer}`);
function parseCursor(cursor: string): DisclosureKey {
  const [id, answer] = cursor.split('.');
  return { id: Number(id), answer: answer === undefined ? 0 : Number(answer) };
}

/** The filters a person types: a case number, and a grondslag as it reads. */
const FILTER_TEXT_FIELDS = new Map([['caseRef', 'identifier'], ['grondslag', 'prose']] as const);

export function createDisclosureService(deps: {
  uow: UnitOfWork;
  /** A registry that coerces types: query-string values arrive as strings. */
  querySchemas: SchemaRegistry;
}): DisclosureService {
  return {
    list: (principal, query, traceId) =>
      deps.uow.asPerson(principal, { capability: 'read-disclosures' }, traceId, async (w) => {
      const params: Record<string, unknown> = { ...query };
      const leaks = findIdentityValues(params, FILTER_TEXT_FIELDS);
      if (leaks.length > 0) throw identityDetected(leaks);
      const errors = deps.querySchemas.validate('disclosure-filter', params);
      if (errors.length > 0) throw validationError(errors);
      const p = params as {
        from?: string; to?: string; partner?: string; role?: string; doel?: string; grondslag?: string; outcome?: Outcome; caseRef?: string; limit: number; cursor?: string; after?: string;
      };
      if (p.cursor && p.after) throw validationError([{ pointer: '/after', code: 'not-applicable', detail: 'is not given together with cursor' }]);
      const filter = {
        ...(p.from ? { from: new Date(p.from) } : {}),
        ...(p.to ? { to: new Date(p.to) } : {}),
        ...(p.partner ? { partner: p.partner } : {}),
        ...(p.role ? { role: p.role } : {}),
        ...(p.doel ? { doel: p.doel } : {}),
        ...(p.grondslag ? { grondslag: p.grondslag } : {}),
        ...(p.outcome ? { outcome: p.outcome } : {}),
        ...(p.caseRef ? { caseRef: p.caseRef } : {}),
        limit: p.limit,
      };
      const rows = await listDisclosures(w.trx, { ...filter, ...(p.cursor ? { before: parseCursor(p.cursor) } : {}), ...(p.after ? { after: parseCursor(p.after) } : {}) });
      const total = await countDisclosures(w.trx, filter);
      w.log({
        action: 'log-read',
        outcome: 'read',
        ...(p.caseRef ? { caseRef: p.caseRef } : {}),
        details: {
          resource: 'disclosures',
          filter: Object.keys(params).filter((k) => k !== 'limit').sort(),
          returned: Math.min(rows.length, p.limit),
        },
      });
      // With `after` the rows came oldest first: the page is the `limit` just above it, newest first.
      const page = p.after ? rows.slice(0, p.limit).reverse() : rows.slice(0, p.limit);
      const more = rows.length > p.limit;
      const first = page[0];
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({ ...r, loggedAt: r.loggedAt.toISOString() })),
        nextCursor: last && (p.after || more) ? cursorOf(last) : null,
        prevCursor: first && (p.cursor || (p.after && more)) ? cursorOf(first) : null,
        total,
      };
    }),
  };
}
