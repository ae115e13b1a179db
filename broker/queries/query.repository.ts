/**
 * The question's SQL (issue 21, item 1): one call of `jpp_ask` (migration 0220), which reads the
 * register, the casus, its subject and bezwaar block, inserts the query row, looks up the signals,
 * counts the rate limits and appends the question's one logboek entry with its answers' index rows, in one statement and so in one round
 * trip and one implicit transaction; and the read of a cited consent record, which decides the
 * policy's scopes and so comes before it.
 *
 * Invariants:
 * - `ask` is one statement, sent on the pool (never inside a transaction): it commits or rolls
 *   back whole. A refusal is a SQLSTATE of its own (migration 0210's header, unchanged in 0220), returned as a
 *   `QuestionRefused` with the facts its error needs; any other failure is thrown as it came.
 * - The statement names only the permitted (partner, category) pairs; its text is the same for
 *   every question (compiled once, db/precompiled.ts), every value a bound parameter.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { precompile, whole } from '../db/precompiled.js';
import type { NewLogRow } from '../logboek/logboek.repository.js';
import type { MinuteCount } from '../rate-limit/rate-limit-types.js';

/** The refusals `jpp_ask` raises, by SQLSTATE. */
const REFUSALS = {
  JQ001: 'not-confirmed',
  JQ002: 'no-casus',
  JQ003: 'other-doel',
  JQ004: 'not-queryable',
  JQ005: 'not-a-subject',
  JQ006: 'consent-not-found',
  JQ007: 'rate-limited',
} as const;

export type QuestionRefusalKind = (typeof REFUSALS)[keyof typeof REFUSALS];

/** A question the statement refused; nothing of it remains. `detail`: the casus's doel or status, or the rate limits' counts. */
export class QuestionRefused extends Error {
  constructor(
    readonly kind: QuestionRefusalKind,
    readonly casusFact?: string,
    readonly counts?: Map<string, MinuteCount[]>,
  ) {
    super(`question refused: ${kind}`);
  }
}

export interface Question {
  readonly person: { readonly id: string; readonly organisation: string; readonly role: string };
  readonly now: Date;
  /** The casus by id or by reference. */
  readonly casus: { readonly id: string } | { readonly caseRef: string };
  /** The subject's hash under each epoch asked; the first is the stored one. */
  readonly hashes: readonly Buffer[];
  readonly doel: string;
  readonly queryable: readonly string[];
  /** The cited consent record's casus and subject (both null when the record was not found), or undefined when none was cited. */
  readonly consent?: { readonly caseId: string | null; readonly subjectId: string | null };
  readonly queryId: string;
  readonly consentInForce: boolean;
  readonly policyVersion: number;
  readonly traceId: string;
  readonly pairs: ReadonlyArray<readonly [partner: string, category: string]>;
  /** Rate-limit counters in lock order, with their limits; the minute and the start of the 24 hours. */
  readonly limits: ReadonlyArray<{ readonly counter: string; readonly perMinute: number; readonly perDay: number }>;
  readonly minute: Date;
  readonly since: Date;
  readonly shard: number;
  /**
   * The question's one entry (its content with placeholders, question-entry-fns.ts) and its answers
   * in the platform's order: each one's text, partner, and outcome, null where the lookup decides it
   * (the text then holds placeholders).
   */
  readonly entry: {
    readonly row: NewLogRow;
    readonly answers: ReadonlyArray<{ readonly text: string; readonly partner: string; readonly outcome: string | null }>;
  };
  readonly alsoHashes: readonly Uint8Array[];
}

export interface Asked {
  readonly caseId: string;
  readonly caseRef: string;
  readonly subjectId: string;
  readonly blocked: boolean;
  readonly found: Array<{ partnerId: string; category: string }>;
}

/** The 29 arguments of `jpp_ask`, in order (migration 0220). */
type AskArgs = { a: unknown[] };
type AskRow = { case_id: string; case_ref: string; subject_id: string; blocked: boolean; found_partners: string[]; found_categories: string[] };

const askStatement = precompile<AskArgs, AskRow>((ex, { a }) => ({
  compile: () =>
    sql`select case_id, case_ref, subject_id, blocked, found_partners, found_categories from jpp_ask(${sql.join(a)})`.compile(ex),
}));

/** The casus id of `by` when it is one, else null (a caseRef). */
const idOf = (by: Question['casus']): string | null => ('id' in by ? by.id : null);

/**
 * Asks the question in one statement. Throws `QuestionRefused` for a refusal; the entry's and the
 * answers' texts must hold their placeholders (question-entry-fns.ts `checkEntry`, `checkAnswer`).
 */
export async function ask(ex: Executor, q: Question): Promise<Asked> {
  const args = [
    q.person.id, q.person.organisation, q.person.role, q.now,
    idOf(q.casus), 'caseRef' in q.casus ? q.casus.caseRef : null, whole(q.hashes), q.doel, whole(q.queryable),
    q.consent !== undefined, q.consent?.caseId ?? null, q.consent?.subjectId ?? null,
    q.queryId, q.consentInForce, q.policyVersion, q.traceId,
    whole(q.pairs.map((p) => p[0])), whole(q.pairs.map((p) => p[1])),
    whole(q.limits.map((l) => l.counter)), whole(q.limits.map((l) => l.perMinute)), whole(q.limits.map((l) => l.perDay)), q.minute, q.since, q.shard,
    q.entry.row.content, whole(q.entry.answers.map((a) => a.text)), whole(q.entry.answers.map((a) => a.partner)),
    whole(q.entry.answers.map((a) => a.outcome)), whole(q.alsoHashes),
  ];
  let rows: AskRow[];
  try {
    // One shape: every array is bound whole, so the text never changes.
    ({ rows } = await askStatement.execute(ex, { a: args }));
  } catch (err) {
    throw refusalOf(err) ?? err;
  }
  const r = rows[0]!;
  return {
    caseId: r.case_id,
    caseRef: r.case_ref,
    subjectId: r.subject_id,
    blocked: r.blocked,
    found: r.found_partners.map((partnerId, i) => ({ partnerId, category: r.found_categories[i]! })),
  };
}

function refusalOf(err: unknown): QuestionRefused | undefined {
  const { code, detail } = (err ?? {}) as { code?: unknown; detail?: unknown };
  if (typeof code !== 'string' || !(code in REFUSALS)) return undefined;
  const kind = REFUSALS[code as keyof typeof REFUSALS];
  if (kind === 'rate-limited') {
    const counts = new Map<string, MinuteCount[]>();
    for (const c of JSON.parse(String(detail)) as Array<{ counter: string; minute: string; count: number }>) {
      counts.set(c.counter, [...(counts.get(c.counter) ?? []), { minute: new Date(c.minute), count: Number(c.count) }]);
    }
    return new QuestionRefused(kind, undefined, counts);
  }
  return new QuestionRefused(kind, typeof detail === 'string' ? detail : undefined);
}

/** A cited consent record, read before the question because it decides the policy's scopes. */
export interface CitedConsent {
  readonly id: string;
  readonly caseId: string;
  readonly subjectId: string;
  readonly doel: string;
  readonly partners: string[];
  readonly givenOn: Date;
  readonly validUntil: Date;
  readonly withdrawnAt: Date | null;
}

/** The consent record `id`, whichever casus it belongs to: `jpp_ask` checks that it is the asked casus's and subject's. */
export async function citedConsent(ex: Executor, id: string): Promise<CitedConsent | undefined> {
  return (await ex
    .selectFrom('case_consents')
    .select(['id', 'case_id as caseId', 'subject_id as subjectId', 'doel', 'partners', 'given_on as givenOn', 'valid_until as validUntil', 'withdrawn_at as withdrawnAt'])
    .where('id', '=', id)
    .executeTakeFirst()) as CitedConsent | undefined;
}
