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
 *   `rate-limit`, rate-limiter.ts): counted at the end of the statement, so the counters' row
 *   locks are held briefly, and the refusal rolls the question back: no answer, query row or
 *   disclosure entry remains.
 * - Consent is a record, not a flag: a question with consent cites a consent record of the subject
 *   in the casus; the consent rules apply only to the partners a record in force names, so a
 *   withdrawn or expired record makes consent-only partners `not-permitted` from then on.
 * - Every answer, not-permitted included, is appended to the logboek in the same transaction
 *   that produces it: one `question` entry per question holding every partner's answer (issue 21
 *   step B; docs/architecture.md). If the log write fails, the transaction rolls back and
 *   the asker gets an error, never an answer.
 * - The register's confirmation, the casus, the query row, the lookup, the rate limits and the
 *   log are one statement (`jpp_ask`, query.repository.ts; issue 21): one round trip and one
 *   transaction. The answers are derived from what it returned, after it committed. A cited
 *   consent record is read before it, as it decides the scopes; the statement checks that it is
 *   the asked subject's in the asked casus.
 */
import { randomUUID } from 'node:crypto';
import { identityDetected, validationError } from '../errors/app-error.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { looksRandom, type SubjectHasher } from '../subjects/subject-hash.js';
import { findIdentityValues } from '../../protocol/identity/identity-detector.js';
import { actionFor } from '../policy/policy-actions.js';
import type { PolicyService } from '../policy/policy.service.js';
import type { EntryDraft, UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { notConfirmed } from '../access/access-gate.js';
import { ask, citedConsent, QuestionRefused, type Asked } from './query.repository.js';
import { deriveAnswers, statementRefusal } from './query-fns.js';
import { answerTemplate, checkAnswer, checkEntry, withPlaceholders } from './question-entry-fns.js';
import type { QuestionAnswer } from '../logboek/disclosure-fns.js';
import type { QueryRequest, QueryService } from './query-types.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import { DAY_MS, minuteOf } from '../rate-limit/rate-limit-fns.js';
import { SHARDS } from '../rate-limit/rate-limit.repository.js';
import { consentInForce, consentPartners } from '../casus/consent-fns.js';
import { QUERYABLE_STATUSES } from '../casus/casus-workflow.js';
import { UUID } from '../casus/casus-types.js';

/** Stands for the casus id in the entries checked against the vocabulary, when the question names the casus by reference. */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

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
      // One statement (query.repository.ts `ask`): gate's register read, casus, query row, lookup,
      // rate limits and log, in one round trip and one transaction (issue 21).
      deps.uow.asPersonAtOnce(principal, { capability: 'query' }, traceId, async (w) => {
        const { person } = w;
        const req = parse(body);
        const policy = deps.policy.active();
        const subjectHashes = req.subjects.map(deps.hashSubject);
        const subjectHash = subjectHashes[0]!;
        const queryId = randomUUID();
        const now = w.now();
        // Consent counts only as a record of this subject in this casus (the statement checks it), in
        // force for the doel, and only for the partners it names (consent-fns.ts). It decides the
        // scopes, so it is read before the statement: a second round trip only when consent is cited.
        const consent = req.consentId === undefined ? undefined : UUID.test(req.consentId) ? await citedConsent(w.db, req.consentId) : undefined;
        const inForce = consent !== undefined && consentInForce(consent, req.doel, now);
        const withConsent = consentPartners(consent, inForce);
        const plain = policy.table.scopes(person.role, req.doel, actionFor(false));
        const consented = withConsent.size > 0 ? policy.table.scopes(person.role, req.doel, actionFor(true)) : plain;
        const scopes = plain.map((p) => (withConsent.has(p.partner) ? consented.find((c) => c.partner === p.partner) ?? p : p));
        const policyRef = { version: policy.versionId, hash: policy.contentHash };
        const alsoSubjectHashes = subjectHashes.slice(1);
        // The question's one entry (issue 21 step B), as far as it is known before the statement:
        // each permitted partner's outcome and counted categories, and the casus's reference, id
        // and bezwaar block, are put in by the statement where the placeholders stand
        // (question-entry-fns.ts). Checked against the vocabulary with the values of a no-hit.
        const drafts: QuestionAnswer[] = scopes.map(({ partner, permitted, basis }) => ({
          partner, outcome: permitted ? 'no-hit' : 'not-permitted', rules: basis, categoriesCounted: [],
        }));
        const entry: EntryDraft = {
          action: 'question',
          outcome: 'answered',
          endedAt: now,
          subjectHash,
          // The log keeps the subject under every epoch asked, so a later inzage finds it under any of them.
          alsoSubjectHashes,
          doel: req.doel,
          caseRef: req.caseRef ?? '',
          queryId,
          policy: policyRef,
          details: {
            consent: inForce,
            ...(consent ? { consentId: consent.id } : {}),
            caseId: req.caseId ?? NIL_UUID,
            answers: drafts,
          },
        };
        const [row] = w.logRows([entry], withPlaceholders);
        checkEntry(row!.content);
        const memo = new Map<object, string>();
        const answerTexts = drafts.map((a) => {
          const text = answerTemplate(a, memo);
          checkAnswer(text, a.outcome !== 'not-permitted');
          return { text, partner: a.partner, outcome: a.outcome === 'not-permitted' ? a.outcome : null };
        });
        const limits = deps.rateLimiter.counters(person, 'questions');
        let asked: Asked;
        try {
          asked = await ask(w.db, {
            person,
            now,
            casus: req.caseId !== undefined ? { id: req.caseId } : { caseRef: req.caseRef! },
            hashes: subjectHashes,
            doel: req.doel,
            queryable: [...QUERYABLE_STATUSES],
            ...(req.consentId !== undefined ? { consent: { caseId: consent?.caseId ?? null, subjectId: consent?.subjectId ?? null } } : {}),
            queryId,
            consentInForce: inForce,
            policyVersion: policy.versionId,
            traceId: w.traceId,
            // A not-permitted partner, or a disallowed category, is never named.
            pairs: scopes.filter((s) => s.permitted).flatMap((s) => s.categories.map((c) => [s.partner, c] as const)),
            limits,
            minute: minuteOf(now),
            since: new Date(now.getTime() - DAY_MS),
            shard: Math.floor(Math.random() * SHARDS),
            entry: { row: row!, answers: answerTexts },
            alsoHashes: alsoSubjectHashes,
          });
        } catch (err) {
          if (!(err instanceof QuestionRefused)) throw err;
          w.registerRead();
          if (err.kind === 'not-confirmed') throw notConfirmed();
          if (err.kind === 'rate-limited') {
            // Refused, logged as `rate-limit` in a transaction of its own; the question rolled back whole.
            deps.rateLimiter.decide(w, 'questions', err.counts ?? new Map(), now, req.doel);
            throw new Error('the question was refused for a rate limit that its counts do not exceed');
          }
          throw statementRefusal(err.kind, err.casusFact, req);
        }
        w.registerRead();
        const answers = deriveAnswers(scopes, asked.found);
        return {
          queryId, doel: req.doel, caseRef: asked.caseRef, caseId: asked.caseId, subjectId: asked.subjectId, policyVersion: policy.versionId,
          answers: answers.map(({ partner, answer, basis }) => ({ partner, answer, basis })),
        };
      }),
  };
}
