/**
 * The question's rules as pure functions (table-tested in test/unit/query-fns.test.ts): whether a
 * casus may be asked about, and each partner's answer from the policy's scopes and the signals found.
 *
 * Invariants:
 * - A partner the policy excludes answers `not-permitted`, whatever was found (nothing is read
 *   for it: the lookup names only permitted pairs, and a stray pair is ignored here too).
 * - A permitted partner answers `hit` when at least one of its counted categories was found,
 *   else `no-hit`: a category the policy excludes counts as absent.
 * - Answers come in the order of the scopes, one per partner; the counted categories are sorted.
 */
import { AppError, validationError } from '../errors/app-error.js';
import type { PartnerScope, RuleRef } from '../policy/decision-table.js';
import { QUERYABLE_STATUSES } from '../casus/casus-workflow.js';
import type { CaseStatus } from '../casus/casus-workflow.js';
import type { Outcome, QueryRequest } from './query-types.js';

/** A partner's answer with what the logboek keeps of it. */
export interface DerivedAnswer {
  readonly partner: string;
  readonly answer: Outcome;
  readonly basis: RuleRef[];
  readonly categoriesCounted: string[];
}

/**
 * Why a question about this casus must be refused, or undefined: questions belong to an existing
 * casus of the asked doel, in a queryable status, that holds the asked subject (no free search).
 */
export function casusRefusal(
  casus: { doel: string; status: CaseStatus; subjectId: string | null } | undefined,
  req: Pick<QueryRequest, 'doel' | 'caseId'>,
): AppError | undefined {
  if (!casus) {
    return new AppError('not-found', 'no such casus; a voorzitter opens it first (POST /v1/cases)', [
      { pointer: req.caseId !== undefined ? '/caseId' : '/caseRef', code: 'not-found', detail: 'names no casus' },
    ]);
  }
  if (casus.doel !== req.doel) return new AppError('conflict', `this casus was opened for doel ${casus.doel}; questions about it must use that doel`);
  if (!QUERYABLE_STATUSES.has(casus.status)) return new AppError('conflict', `a casus in status ${casus.status} cannot be queried`);
  if (!casus.subjectId) return validationError([{ pointer: '/subject', code: 'not-found', detail: 'is not a subject of this casus' }]);
  return undefined;
}

/** The refusals of the question's one statement that are not the gate's or the rate limits' (query.repository.ts). */
export type StatementRefusal = 'no-casus' | 'other-doel' | 'not-queryable' | 'not-a-subject' | 'consent-not-found';

/**
 * The error of a refusal of the question's one statement: the same as `casusRefusal` gives for the
 * casus the statement found (its doel or status in `fact`), checked in the same order; a cited
 * consent record that is not of this subject in this casus is refused as when it was read apart.
 */
export function statementRefusal(kind: StatementRefusal, fact: string | undefined, req: Pick<QueryRequest, 'doel' | 'caseId'>): AppError {
  if (kind === 'consent-not-found') {
    return validationError([{ pointer: '/consentId', code: 'not-found', detail: 'names no consent record of this subject in this casus' }]);
  }
  const queryable = [...QUERYABLE_STATUSES][0]!;
  // The facts as far as the statement got: each check passed but the one it refused on.
  const found =
    kind === 'no-casus' ? undefined
    : kind === 'other-doel' ? { doel: fact ?? '', status: queryable, subjectId: 'not-read' }
    : kind === 'not-queryable' ? { doel: req.doel, status: (fact ?? '') as CaseStatus, subjectId: 'not-read' }
    : { doel: req.doel, status: queryable, subjectId: null };
  const error = casusRefusal(found, req);
  if (!error) throw new Error(`the question's statement refused (${kind}) what casusRefusal allows`);
  return error;
}

/** Each partner's answer, from the policy's scopes (decided before any lookup) and the (partner, category) pairs found. */
export function deriveAnswers(
  scopes: readonly PartnerScope[],
  found: ReadonlyArray<{ partnerId: string; category: string }>,
): DerivedAnswer[] {
  return scopes.map((scope) => {
    const counted = new Set<string>(scope.permitted ? scope.categories : []);
    const categoriesCounted = [...new Set(found.filter((f) => f.partnerId === scope.partner && counted.has(f.category)).map((f) => f.category))].sort();
    const answer: Outcome = !scope.permitted ? 'not-permitted' : categoriesCounted.length > 0 ? 'hit' : 'no-hit';
    return { partner: scope.partner, answer, basis: [...scope.basis], categoriesCounted };
  });
}
