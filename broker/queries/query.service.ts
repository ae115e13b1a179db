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
 * - A question past the person's or organisation's rate limit is refused (429, logged as
 *   `rate-limit`, rate-limiter.ts): counted at the end of the work, so the counters' row locks
 *   are held briefly, and the refusal rolls the question back: no answer, query row or
 *   disclosure entry remains.
 * - Consent is a record, not a flag: a question with consent cites a consent record of the subject
 *   in the casus; the consent rules apply only to the partners a record in force names, so a
 *   withdrawn or expired record makes consent-only partners `not-permitted` from then on.
 * - Every answer, not-permitted included, is appended to the disclosure log in the same
 *   transaction that produces it. If the log write fails, the transaction rolls back and
 *   the asker gets an error, never an answer.
 */
import { randomUUID } from 'node:crypto';
import { identityDetected, validationError } from '../errors/app-error.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { looksRandom, type SubjectHasher } from '../subjects/subject-hash.js';
import { findIdentityValues } from '../../protocol/identity/identity-detector.js';
import { findCurrentSignalPairs } from '../signals/signal.repository.js';
import { actionFor } from '../policy/policy-actions.js';
import type { PolicyService } from '../policy/policy.service.js';
import type { EntryDraft, UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { caseForQuestion, insertQuery } from './query.repository.js';
import { casusRefusal, deriveAnswers } from './query-fns.js';
import type { QueryRequest, QueryService } from './query-types.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import { findConsent } from '../casus/consent.repository.js';
import { consentInForce, consentPartners } from '../casus/consent-fns.js';
import { UUID } from '../casus/casus-types.js';

export type { Outcome, QueryAnswer, QueryRequest, QueryResponse, QueryService } from './query-types.js';

const OPAQUE_FIELDS = new Set(['caseRef']);

export function createQueryService(deps: {
  uow: UnitOfWork;
  platform: Platform;
  schemas: SchemaRegistry;
  policy: Pick<PolicyService, 'active'>;
  hashSubject: SubjectHasher;
  /** Questions per person and organisation (issue 17): counted before anything is read. */
  rateLimiter: RateLimiter;
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
    if (!doelen.has(req.doel)) throw validationError([{ pointer: '/doel', code: 'not-in-list', detail: 'is not a doel of this platform' }]);
    if (req.consent && req.consentId === undefined) {
      throw validationError([{ pointer: '/consentId', code: 'required', detail: 'is required with consent: cite the consent record of this subject in this casus' }]);
    }
    const subjects = typeof req.subject === 'string' ? [req.subject] : req.subject;
    const notRandom = subjects.findIndex((s) => !looksRandom(s));
    if (notRandom >= 0) {
      const pointer = typeof req.subject === 'string' ? '/subject' : `/subject/${notRandom}`;
      throw validationError([{ pointer, code: 'invalid-format', detail: 'is not a pseudonym: its bytes do not look random' }]);
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
        const refusal = casusRefusal(casus, req);
        if (refusal || !casus?.subjectId) throw refusal;
        const { subjectId } = casus;
        const blocked = casus.blocked;
        const now = w.now();
        // Consent counts only as a record of this subject in this casus, in force for the doel, and
        // only for the partners it names (consent-fns.ts); otherwise the answer without consent.
        const consent = req.consentId === undefined ? undefined : UUID.test(req.consentId) ? await findConsent(trx, casus.id, req.consentId) : undefined;
        if (req.consentId !== undefined && (!consent || consent.subjectId !== casus.subjectId)) {
          throw validationError([{ pointer: '/consentId', code: 'not-found', detail: 'names no consent record of this subject in this casus' }]);
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
        const answers = deriveAnswers(scopes, found);
        // One object for every entry, so the log writer writes its canonical text once.
        const policyRef = { version: policy.versionId, hash: policy.contentHash };
        const alsoSubjectHashes = subjectHashes.slice(1);
        const entries = answers.map(({ partner, answer, basis, categoriesCounted }): EntryDraft => ({
          action: 'disclosure',
          outcome: answer,
          endedAt: now,
          subjectHash,
          // The log keeps the subject under every epoch asked, so a later inzage finds it under any of them.
          alsoSubjectHashes,
          doel: req.doel,
          partner,
          caseRef: casus.caseRef,
          queryId,
          rules: basis,
          policy: policyRef,
          details: {
            consent: inForce,
            ...(consent ? { consentId: consent.id } : {}),
            categoriesCounted,
            caseId: casus.id,
            ...(blocked ? { bezwaarBlock: true as const } : {}),
          },
        }));
        // Counted last, so the counters' row locks are held only until the commit; a refusal rolls everything back.
        await deps.rateLimiter.admit(w, 'questions', req.doel);
        w.log(...entries);
        return {
          queryId, doel: req.doel, caseRef: casus.caseRef, caseId: casus.id, subjectId, policyVersion: policy.versionId,
          answers: answers.map(({ partner, answer, basis }) => ({ partner, answer, basis })),
        };
      }),
  };
}
