/**
 * What a logboek entry holds: the fields of the Logboek Dataverwerkingen standard and NEN
 * 7513 (what happened, when, about whom, by which user, in which role, for which doel, on
 * which grondslag), in one canonical form.
 *
 * Invariants:
 * - The subject appears only as its stored hash (HMAC-SHA256(k_db, pseudonym)), base64url.
 * - No free text: every field is an identifier, a count, a flag, a time or a rule reference.
 * - The leaf of the Merkle tree is the RFC 8785 (JCS) canonical JSON of the content plus
 *   its `seq`, so that moving an entry to another place is detected at that entry.
 */
import canonicalize from 'canonicalize';
import type { RuleRef } from '../policy/decision-table.js';
import type { AdapterPrincipal, PersonPrincipal } from '../auth/principal.js';

export { LOG_ACTIONS, type LogAction } from './log-actions.js';
import type { LogAction } from './log-actions.js';

export type LogActor =
  | { kind: 'person'; id: string; organisation: string; role: string }
  | { kind: 'adapter'; id: string; partner: string }
  | { kind: 'system'; id: string };

/** The actor of a step taken by a principal: who, for which organisation, in which role (NEN 7513). */
export function actorOf(principal: PersonPrincipal | AdapterPrincipal): LogActor {
  return principal.kind === 'person'
    ? { kind: 'person', id: principal.id, organisation: principal.organisation, role: principal.role }
    : { kind: 'adapter', id: principal.id, partner: principal.partner };
}

/** One processing step to be logged. */
export interface LogEntryInput {
  readonly action: LogAction;
  readonly actor: LogActor;
  readonly outcome: string;
  readonly traceId: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly subjectHash?: Uint8Array;
  /**
   * The same subject's hashes under the other key epochs it was named by (a question during
   * a key rotation's overlap). Kept in the content as `details.alsoSubjects`, and indexed
   * (logboek_subject_aliases), so that inzage and legal holds find the entry under any of them.
   */
  readonly alsoSubjectHashes?: readonly Uint8Array[];
  readonly doel?: string;
  readonly partner?: string;
  readonly caseRef?: string;
  readonly queryId?: string;
  readonly rules?: readonly RuleRef[];
  readonly policy?: { readonly version: number; readonly hash: string };
  readonly details?: Readonly<Record<string, string | number | boolean | readonly string[] | null>>;
}

/** The stored content of an entry (version 1). */
export interface LogContent {
  v: 1;
  action: LogAction;
  /** The processing activity (register of verwerkingsactiviteiten) this step belongs to. */
  activity: string;
  actor: LogActor;
  subject: string | null;
  doel: string | null;
  partner: string | null;
  caseRef: string | null;
  queryId: string | null;
  outcome: string;
  rules: RuleRef[];
  policy: { version: number; hash: string } | null;
  details: Record<string, unknown>;
  traceId: string;
  startedAt: string;
  endedAt: string;
}

/** Builds the content of an entry. */
export function toLogContent(input: LogEntryInput, activity: string): LogContent {
  return {
    v: 1,
    action: input.action,
    activity,
    actor: input.actor,
    subject: input.subjectHash ? Buffer.from(input.subjectHash).toString('base64url') : null,
    doel: input.doel ?? null,
    partner: input.partner ?? null,
    caseRef: input.caseRef ?? null,
    queryId: input.queryId ?? null,
    outcome: input.outcome,
    rules: [...(input.rules ?? [])],
    policy: input.policy ? { ...input.policy } : null,
    details: {
      ...(input.details ?? {}),
      ...(input.alsoSubjectHashes?.length ? { alsoSubjects: input.alsoSubjectHashes.map((h) => Buffer.from(h).toString('base64url')) } : {}),
    },
    traceId: input.traceId,
    startedAt: input.startedAt.toISOString(),
    endedAt: input.endedAt.toISOString(),
  };
}

/** RFC 8785 canonical JSON. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value cannot be canonicalised');
  return text;
}

/** The bytes that become the Merkle leaf: JCS of the content with its seq. */
export function leafData(contentText: string, seq: number): Uint8Array {
  const content = JSON.parse(contentText) as Record<string, unknown>;
  return Buffer.from(canonicalJson({ ...content, seq }), 'utf8');
}
