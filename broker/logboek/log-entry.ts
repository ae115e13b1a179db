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
import { randomBytes } from 'node:crypto';
import type { RuleRef } from '../policy/decision-table.js';
import type { AdapterPrincipal, PersonPrincipal } from '../auth/principal.js';

export { LOG_ACTIONS, type LogAction } from './log-actions.js';
import type { LogAction } from './log-actions.js';
import { statusOf, type TypedStep } from './log-vocabulary.js';
import { isIntakeChunk } from './intake-fns.js';

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

/**
 * An entry's subject fields from a subject's hashes (one per key epoch it is known under): the
 * first as `subjectHash`, the others as `alsoSubjectHashes`, so inzage finds the entry under any;
 * none when there is no hash (an entry about no subject).
 */
export function subjectFields(hashes: readonly Uint8Array[]): Pick<LogEntryBase, 'subjectHash' | 'alsoSubjectHashes'> {
  return hashes[0] ? { subjectHash: hashes[0], alsoSubjectHashes: hashes.slice(1) } : {};
}

/** What every entry carries besides its action, outcome and details. */
export interface LogEntryBase {
  readonly actor: LogActor;
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
}

/** One processing step to be logged: its action, with the outcome and details that action knows (log-vocabulary.ts). */
export type LogEntryInput = LogEntryBase & TypedStep;

/**
 * How the subject is identified in an entry, as the Logboek Dataverwerkingen field
 * `dpl.core.data_subject_id_type` asks: never a BSN, always the stored hash of a VOPRF pseudonym
 * (HMAC-SHA256(k_db, pseudonym), RFC 9497), whose form docs/audit.md describes.
 */
export const SUBJECT_ID_TYPE = 'urn:jpp-broker:data-subject-id:hmac-sha256-voprf-pseudonym';

/** The processing activity of an entry: its id in the platform's register and the URI that names it there. */
export interface ActivityRef {
  readonly id: string;
  readonly uri: string;
}

/** The stored content of an entry (version 1; the Logboek Dataverwerkingen fields since issue 20). */
export interface LogContent {
  v: 1;
  action: LogAction;
  /** The processing activity (register of verwerkingsactiviteiten) this step belongs to. */
  activity: string;
  /** `dpl.core.processing_activity_id`: the activity's URI in the platform's register. Absent in entries written before. */
  activityUri?: string;
  actor: LogActor;
  subject: string | null;
  /**
   * `dpl.core.data_subject_id_type` (SUBJECT_ID_TYPE) where there is a subject, or where the entry's
   * records name theirs (a chunk of `signal-intake` records, intake-fns.ts). Absent in entries written before.
   */
  subjectIdType?: string | null;
  doel: string | null;
  partner: string | null;
  caseRef: string | null;
  queryId: string | null;
  outcome: string;
  /** `status_code`: ok or error, derived from the outcome (log-vocabulary.ts). Absent in entries written before. */
  status?: 'ok' | 'error';
  rules: RuleRef[];
  policy: { version: number; hash: string } | null;
  details: Record<string, unknown>;
  traceId: string;
  /** `operation_id` (a span id: 8 random bytes, hex), unique per entry. Absent in entries written before. */
  spanId?: string;
  startedAt: string;
  endedAt: string;
}

const NO_RULES: readonly RuleRef[] = Object.freeze([]);

/**
 * Span ids are cut from a pool of random bytes, filled 8 KB at a time: `randomBytes(8)` per entry
 * was a twentieth of the broker's CPU while it stored a partner's batch (a thousand entries;
 * docs/performance.md, scenario 7). Node's randomUUID pools its randomness the same way. A span id
 * only has to be unique, not secret, and the pool's bytes are used once each.
 */
const SPAN_POOL_IDS = 1024;
let spanPool = '';
let spanAt = SPAN_POOL_IDS;
/** A new span id (`operation_id`): 8 random bytes, hex, from the pool. */
export function newSpanId(): string {
  if (spanAt === SPAN_POOL_IDS) {
    spanPool = randomBytes(8 * SPAN_POOL_IDS).toString('hex');
    spanAt = 0;
  }
  return spanPool.slice(16 * spanAt, 16 * ++spanAt);
}

/** Builds the content of an entry. Its nested objects may be the input's own: serialise it, do not change it. */
export function toLogContent(input: LogEntryInput, activity: ActivityRef): LogContent {
  return {
    v: 1,
    action: input.action,
    activity: activity.id,
    activityUri: activity.uri,
    actor: input.actor,
    subject: input.subjectHash ? Buffer.from(input.subjectHash).toString('base64url') : null,
    // A chunk of intake records (intake-fns.ts) names its subjects in its records: the type is theirs.
    subjectIdType: input.subjectHash || (input.action === 'signal-intake' && isIntakeChunk(input.details)) ? SUBJECT_ID_TYPE : null,
    doel: input.doel ?? null,
    partner: input.partner ?? null,
    caseRef: input.caseRef ?? null,
    queryId: input.queryId ?? null,
    outcome: input.outcome,
    status: statusOf(input.action, input.outcome),
    // Shared by reference (not copied): the entries of one question hold the same rules and
    // policy objects, whose canonical text the log writer then builds once (canonicalJson's memo).
    rules: (input.rules ?? NO_RULES) as RuleRef[],
    policy: input.policy ?? null,
    details: {
      ...(input.details ?? {}),
      ...(input.alsoSubjectHashes?.length ? { alsoSubjects: input.alsoSubjectHashes.map((h) => Buffer.from(h).toString('base64url')) } : {}),
    },
    traceId: input.traceId,
    spanId: newSpanId(),
    startedAt: input.startedAt.toISOString(),
    endedAt: input.endedAt.toISOString(),
  };
}

/**
 * RFC 8785 canonical JSON (https://www.rfc-editor.org/rfc/rfc8785): the `canonicalize` package's
 * algorithm, byte for byte (test/unit/canonical-json.test.ts compares them on arbitrary JSON),
 * written without its per-level `reduce`. With `memo`, an object or array met again by identity is
 * written once: the entries of one question share their actor, policy and rules objects, so their
 * canonical text is built once per append (issue 21). A memo must live only while nothing it holds
 * can change (one append).
 */
export function canonicalJson(value: unknown, memo?: Map<object, string>): string {
  const text = jcs(value, memo);
  if (text === undefined) throw new Error('value cannot be canonicalised');
  return text;
}

function jcs(value: unknown, memo: Map<object, string> | undefined): string | undefined {
  if (value === null || typeof value !== 'object' || (value as { toJSON?: unknown }).toJSON != null) return JSON.stringify(value);
  const known = memo?.get(value);
  if (known !== undefined) return known;
  let text: string;
  if (Array.isArray(value)) {
    text = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      text += (i === 0 ? '' : ',') + (item === undefined || typeof item === 'symbol' ? 'null' : jcs(item, memo));
    }
    text += ']';
  } else {
    const object = value as Record<string, unknown>;
    const order = keyOrder(Object.keys(object));
    text = '{';
    let first = true;
    for (let i = 0; i < order.sorted.length; i++) {
      const item = object[order.sorted[i]!];
      if (item === undefined || typeof item === 'symbol') continue;
      text += (first ? order.quoted[i]! : `,${order.quoted[i]!}`) + jcs(item, memo);
      first = false;
    }
    text += '}';
  }
  memo?.set(value, text);
  return text;
}

/** An object's keys in RFC 8785 order (UTF-16 code units, as `sort()`), each also as its JSON text and a colon. */
interface KeyOrder {
  readonly keys: readonly string[];
  readonly sorted: readonly string[];
  readonly quoted: readonly string[];
}

/**
 * Key orders met before, by their first key and count: the entries of an append are built by the
 * same code, so their objects have the same keys in the same order, and sorting and quoting them
 * again for every entry was most of canonicalJson's time (scenario 7). A key list is taken from the
 * cache only when it equals the cached one key by key; at most KEY_ORDERS lists are kept.
 */
const keyOrders = new Map<string, KeyOrder[]>();
const KEY_ORDERS = 512;
let keyOrdersHeld = 0;

function keyOrder(keys: string[]): KeyOrder {
  const slot = keys.length === 0 ? '' : `${keys.length}\u0000${keys[0]!}`;
  const known = keyOrders.get(slot);
  if (known) {
    for (const order of known) if (sameKeys(order.keys, keys)) return order;
  }
  const sorted = [...keys].sort();
  const order: KeyOrder = { keys, sorted, quoted: sorted.map((k) => `${JSON.stringify(k)}:`) };
  if (keyOrdersHeld < KEY_ORDERS) {
    keyOrdersHeld++;
    if (known) known.push(order);
    else keyOrders.set(slot, [order]);
  }
  return order;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The bytes that become the Merkle leaf: JCS of the content with its seq. */
export function leafData(contentText: string, seq: number): Uint8Array {
  const content = JSON.parse(contentText) as Record<string, unknown>;
  return Buffer.from(canonicalJson({ ...content, seq }), 'utf8');
}
