/**
 * "Is deze jongere bij u bekend?" (POST /v1/queries).
 *
 * Invariants:
 * - Only a person whose role has the `query` capability, and who holds that role in the
 *   broker's register, may ask; the doel must be one of the platform's.
 * - Which partners may be asked, and which of their categories count, comes from the
 *   active policy's precomputed decision table, before any lookup. A not-permitted
 *   partner's signals are never read: the lookup names only permitted (partner, category)
 *   pairs.
 * - A signal of a disallowed category counts as absent, so it cannot be told apart from
 *   no signal. Expired and withdrawn signals are not hits.
 * - Questions belong to an existing casus (no free search): the casus must be in a queryable
 *   status (casus-workflow.ts), have the asked doel, and hold the asked subject.
 * - A subject with an upheld bezwaar for the doel produces no hits: its signals are not read.
 * - Consent is a record, not a flag: a question with consent cites a consent record of the subject
 *   in the casus; the consent rules apply only to the partners a record in force names, so a
 *   withdrawn or expired record makes consent-only partners `not-permitted` from then on.
 * - Every answer, not-permitted included, is appended to the disclosure log in the same
 *   transaction that produces it. If the log write fails, the transaction rolls back and
 *   the asker gets an error, never an answer.
 */
import { randomUUID } from 'node:crypto';
import { AppError, identityDetected, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { looksRandom, type SubjectHasher } from '../subjects/subject-hash.js';
import { findIdentityValues } from '../../protocol/identity/identity-detector.js';
import { findCurrentSignalPairs } from '../signals/signal.repository.js';
import { actionFor } from '../policy/policy-actions.js';
import type { PolicyService } from '../policy/policy.service.js';
import type { RuleRef } from '../policy/decision-table.js';
import type { EntryDraft, UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { caseForQuestion } from '../casus/casus.repository.js';
import { QUERYABLE_STATUSES } from '../casus/casus-workflow.js';
import { insertQuery } from './query.repository.js';
import { findConsent } from '../casus/consent.repository.js';
import { consentInForce, consentPartners } from '../casus/consent-fns.js';
import { UUID } from '../casus/casus-types.js';

export interface QueryRequest {
  /** One pseudonym, or one per active key epoch during a rotation's overlap window. */
  subject: string | string[];
  doel: string;
  /** The casus, by the ZVH's reference or by the broker's id (exactly one of the two). */
  caseRef?: string;
  caseId?: string;
  consent: boolean;
  /** The consent record the question relies on (a record of this subject in this casus). */
  consentId?: string;
}

export type Outcome = 'hit' | 'no-hit' | 'not-permitted';

export interface QueryAnswer {
  partner: string;
  answer: Outcome;
  basis: RuleRef[];
}

export interface QueryResponse {
  queryId: string;
  doel: string;
  caseRef: string;
  caseId: string;
  /** Which subject of the casus the question named (in a group casus: which youth was screened). */
  subjectId: string;
  policyVersion: number;
  answers: QueryAnswer[];
}

export interface QueryService {
  ask(principal: Principal, body: unknown, traceId: string): Promise<QueryResponse>;
}

const OPAQUE_FIELDS = new Set(['caseRef']);

export function createQueryService(deps: {
  uow: UnitOfWork;
  platform: Platform;
  schemas: SchemaRegistry;
  policy: Pick<PolicyService, 'active'>;
  hashSubject: SubjectHasher;
}): QueryService {
  const { platform } = deps;
  const doelen = new Set(platform.doelen.map((d) => d.id));

  /** The checked request, with its pseudonyms as a list whichever form was sent. */
  const parse = (body: unknown): QueryRequest & { subjects: string[] } => {
    const leaks = findIdentityValues(body, OPAQUE_FIELDS);
    if (leaks.length > 0) throw identityDetected(leaks);
    const errors = deps.schemas.validate('query-request', body);
    if (errors.length > 0) throw validationError(errors);
    const req = body as QueryRequest;
    if (!doelen.has(req.doel)) throw validationError([{ pointer: '/doel', detail: 'is not a doel of this platform' }]);
    if (req.consent && req.consentId === undefined) {
      throw validationError([{ pointer: '/consentId', detail: 'is required with consent: cite the consent record of this subject in this casus' }]);
    }
    const subjects = typeof req.subject === 'string' ? [req.subject] : req.subject;
    const notRandom = subjects.findIndex((s) => !looksRandom(s));
    if (notRandom >= 0) {
      const pointer = typeof req.subject === 'string' ? '/subject' : `/subject/${notRandom}`;
      throw validationError([{ pointer, detail: 'is not a pseudonym: its bytes do not look random' }]);
    }
    return { ...req, subjects };
  };

  return {
    ask: (principal, body, traceId) =>
      deps.uow.asPerson(principal, { capability: 'query' }, traceId, async (w) => {
        const { trx, person } = w;
        const req = parse(body);
        const policy = deps.policy.active();
        const subjectHashes = req.subjects.map(deps.hashSubject);
        const subjectHash = subjectHashes[0]!;
        const queryId = randomUUID();

        const casus = await caseForQuestion(trx, req.caseId !== undefined ? { id: req.caseId } : { caseRef: req.caseRef! }, subjectHashes, req.doel);
        if (!casus) {
          throw new AppError('not-found', 'no such casus; a voorzitter opens it first (POST /v1/cases)', [
            { pointer: req.caseId !== undefined ? '/caseId' : '/caseRef', detail: 'names no casus' },
          ]);
        }
        if (casus.doel !== req.doel) {
          throw new AppError('conflict', `this casus was opened for doel ${casus.doel}; questions about it must use that doel`);
        }
        if (!QUERYABLE_STATUSES.has(casus.status)) {
          throw new AppError('conflict', `a casus in status ${casus.status} cannot be queried`);
        }
        if (!casus.subjectId) {
          throw validationError([{ pointer: '/subject', detail: 'is not a subject of this casus' }]);
        }
        const blocked = casus.blocked;
        const now = w.now();
        // Consent counts only as a record of this subject in this casus, in force for the doel, and
        // only for the partners it names (consent-fns.ts); otherwise the answer without consent.
        const consent = req.consentId === undefined ? undefined : UUID.test(req.consentId) ? await findConsent(trx, casus.id, req.consentId) : undefined;
        if (req.consentId !== undefined && (!consent || consent.subjectId !== casus.subjectId)) {
          throw validationError([{ pointer: '/consentId', detail: 'names no consent record of this subject in this casus' }]);
        }
        const inForce = consent !== undefined && consentInForce(consent, req.doel, now);
        const withConsent = consentPartners(consent, inForce);
        const plain = policy.table.scopes(person.role, req.doel, actionFor(false));
        const consented = withConsent.size > 0 ? policy.table.scopes(person.role, req.doel, actionFor(true)) : plain;
        const scopes = plain.map((p) => (withConsent.has(p.partner) ? consented.find((c) => c.partner === p.partner) ?? p : p));
        const permitted = scopes.filter((s) => s.permitted);
        await insertQuery(trx, {
          id: queryId,
          caseId: casus.id,
          askedBy: person.id,
          organisationId: person.organisation,
          roleId: person.role,
          doel: req.doel,
          subjectHash,
          consent: inForce,
          policyVersionId: policy.versionId,
          traceId: w.traceId,
          askedAt: now,
        });
        const found = blocked
          ? []
          : await findCurrentSignalPairs(
              trx,
              subjectHashes,
              permitted.map((s) => ({ partnerId: s.partner, categories: s.categories })),
              now,
            );
        const counted = new Map<string, string[]>();
        for (const { partnerId, category } of found) counted.set(partnerId, [...(counted.get(partnerId) ?? []), category]);

        const answers: QueryAnswer[] = [];
        const entries: EntryDraft[] = [];
        for (const scope of scopes) {
          const categoriesCounted = (counted.get(scope.partner) ?? []).sort();
          const answer: Outcome = !scope.permitted ? 'not-permitted' : categoriesCounted.length > 0 ? 'hit' : 'no-hit';
          answers.push({ partner: scope.partner, answer, basis: [...scope.basis] });
          entries.push({
            action: 'disclosure',
            outcome: answer,
            endedAt: now,
            subjectHash,
            // The log keeps the subject under every epoch asked, so a later inzage finds it under any of them.
            alsoSubjectHashes: subjectHashes.slice(1),
            doel: req.doel,
            partner: scope.partner,
            caseRef: casus.caseRef,
            queryId,
            rules: scope.basis,
            policy: { version: policy.versionId, hash: policy.contentHash },
            details: {
              consent: inForce,
              ...(consent ? { consentId: consent.id } : {}),
              categoriesCounted,
              caseId: casus.id,
              ...(blocked ? { bezwaarBlock: true } : {}),
            },
          });
        }
        w.log(...entries);
        return { queryId, doel: req.doel, caseRef: casus.caseRef, caseId: casus.id, subjectId: casus.subjectId, policyVersion: policy.versionId, answers };
      }),
  };
}
