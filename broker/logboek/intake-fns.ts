/**
 * A stored signal's record as the logboek holds it, in either of its two forms (issue 21, item 3):
 * - one `signal-intake` entry per stored signal (until migration 0240): the subject in the entry's
 *   own `subject`, the ref, category and epoch in its details, its own span id;
 * - one `signal-intake` entry per chunk of a batch (since 0240): `details.records` holds up to
 *   INTAKE_CHUNK records, each with its subject, ref, category, epoch and a span id of its own, and
 *   the entry's own `subject` is null.
 * Either way each record is one Logboek Dataverwerkingen record (one per data subject per
 * operation), named by its entry and, in a chunk, its index (`record`), with its own `operation_id`
 * (span id); its entry's leaf covers it. Every reader of intake records reads both forms, for ever,
 * through `intakeRecordsOf`. Pure.
 */
/**
 * Records per chunked entry. Why 200: an entry's leaf bytes must fit a tlog-tiles entry bundle
 * (at most 65,535 bytes, tiles.ts MAX_BUNDLE_ENTRY); a record is at most about 260 bytes with the
 * longest ref (80), category and epoch the schemas allow, so 200 of them and the entry's own fields
 * stay below it (test/logboek/intake-forms.test.ts writes the largest). A chunk also bounds what a
 * legal hold on one subject keeps of the others' records past their term (docs/architecture.md).
 */
export const INTAKE_CHUNK = 200;

/** One record of a chunked `signal-intake` entry, as its content holds it. */
export interface IntakeRecordContent {
  /** The subject's stored hash, base64url (as an entry's `subject`). */
  readonly subject: string;
  readonly ref: string;
  readonly category: string;
  readonly epoch?: number;
  /** `operation_id`: unique per record, as an entry's span id is per entry. */
  readonly spanId: string;
}

/** A stored signal's record, whichever form logged it; `record` is its index in a chunk, absent for a per-signal entry. */
export interface IntakeRecord extends IntakeRecordContent {
  readonly batchId: string;
  readonly partner: string | null;
  readonly record?: number;
}

/** Whether a `signal-intake` entry's details are a chunk (`records`) rather than one signal. */
export const isIntakeChunk = (details: Readonly<Record<string, unknown>> | undefined): details is { batchId: string; records: IntakeRecordContent[] } =>
  Array.isArray(details?.['records']);

/** What `intakeRecordsOf` reads of an entry's content (LogContent's fields; not imported, since log-entry.ts imports this module). */
export interface IntakeEntryContent {
  readonly action: string;
  readonly subject: string | null;
  readonly partner: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly spanId?: string;
}

/** The records an entry holds: one for a per-signal `signal-intake` entry, one per record of a chunk, none for any other. */
export function intakeRecordsOf(c: IntakeEntryContent): IntakeRecord[] {
  if (c.action !== 'signal-intake') return [];
  const batchId = String(c.details['batchId']);
  if (isIntakeChunk(c.details)) {
    return c.details.records.map((r, record) => ({ ...r, batchId, partner: c.partner, record }));
  }
  const epoch = c.details['epoch'] as number | undefined;
  return [{
    subject: c.subject ?? '',
    ref: String(c.details['ref']),
    category: String(c.details['category']),
    ...(epoch === undefined ? {} : { epoch }),
    spanId: c.spanId ?? '',
    batchId,
    partner: c.partner,
  }];
}

/** Splits a batch's records into chunks of at most `size`, in order. */
export function chunked<T>(items: readonly T[], size = INTAKE_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
