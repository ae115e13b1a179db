/**
 * The index of chunked `signal-intake` entries by subject (migration 0240, intake-fns.ts), and the
 * read of a subject's intake records in both forms. Insert and read only: the database refuses an
 * UPDATE, and a DELETE except with the entry's redaction (retention.repository.ts).
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { LogContent } from './log-entry.js';
import { intakeRecordsOf, type IntakeRecord } from './intake-fns.js';

/**
 * Indexes chunked `signal-intake` entries under each record's subject (migration 0240): row
 * (entry, record index, subject hash) for each record, in order. One statement whatever the
 * number: the hashes as one binary bytea cut apart by PostgreSQL (see insertLeaves), the entry ids
 * and record counts as text. `subjects` are the records' subjects as the content holds them (base64url).
 */
export async function insertIntakeRecords(ex: Executor, chunks: ReadonlyArray<{ entryId: number; subjects: readonly string[] }>): Promise<void> {
  const total = chunks.reduce((n, c) => n + c.subjects.length, 0);
  if (total === 0) return;
  const hashes = Buffer.allocUnsafe(32 * total);
  let at = 0;
  for (const c of chunks) {
    for (const s of c.subjects) {
      if (hashes.write(s, at, 'base64url') !== 32 || s.length !== 43) throw new RangeError('insertIntakeRecords: a subject is not a 32-byte hash');
      at += 32;
    }
  }
  // The table has no foreign key (migration 0240): the join checks each chunk's entry once, and the count that every row went in.
  const inserted = await sql<{ n: number }>`
    with added as (
      insert into logboek_intake_records (entry_id, record, subject_hash)
      select c.id, r.record, substring(${hashes}::bytea from (32 * (c.first + r.record) + 1)::int for 32)
        from unnest(string_to_array(${chunks.map((c) => c.entryId).join(',')}, ',')::bigint[],
                    string_to_array(${chunks.map((c) => c.subjects.length).join(',')}, ',')::int[],
                    string_to_array(${firstOffsets(chunks).join(',')}, ',')::int[]) as c(id, n, first)
        join logboek_entries e on e.id = c.id and e.action = 'signal-intake'
        cross join lateral generate_series(0, c.n - 1) as r(record)
      returning 1)
    select count(*)::int as n from added`.execute(ex);
  if (inserted.rows[0]!.n !== total) throw new Error('insertIntakeRecords: an index row names no signal-intake entry');
}

const firstOffsets = (chunks: ReadonlyArray<{ subjects: readonly string[] }>): number[] => {
  let first = 0;
  return chunks.map((c) => {
    const at = first;
    first += c.subjects.length;
    return at;
  });
};

/** A stored signal's record about one subject, with the entry that holds it. */
export interface IntakeRecordAbout extends IntakeRecord {
  readonly entryId: number;
  readonly loggedAt: Date;
}

/**
 * The intake records about one subject (any of its hashes), in both forms, oldest first: a
 * per-signal entry by its subject column, a chunk's records by the index. Each record is taken from
 * the entry's content (which the leaf covers), and only when its own subject is one of the hashes:
 * an index row is a pointer, never the record. Redacted entries hold nothing.
 */
export async function intakeRecordsAbout(ex: Executor, hashes: readonly Buffer[]): Promise<IntakeRecordAbout[]> {
  if (hashes.length === 0) return [];
  const r = await sql<{ id: number; loggedAt: Date; content: string }>`
    select e.id, e.logged_at as "loggedAt", e.content
      from logboek_entries e
     where e.subject_hash in (${sql.join(hashes)}) and e.action = 'signal-intake' and e.content is not null
    union
    select e.id, e.logged_at, e.content
      from logboek_entries e
     where e.id in (select r.entry_id from logboek_intake_records r where r.subject_hash in (${sql.join(hashes)}))
       and e.action = 'signal-intake' and e.content is not null
     order by id`.execute(ex);
  const wanted = new Set(hashes.map((h) => Buffer.from(h).toString('base64url')));
  return r.rows.flatMap((row) =>
    intakeRecordsOf(JSON.parse(row.content) as LogContent)
      .filter((x) => wanted.has(x.subject))
      .map((x) => ({ ...x, entryId: row.id, loggedAt: row.loggedAt })),
  );
}

/** The same records counted apart from the listing: per-signal entries by their column, chunk records by their index rows. */
export async function countIntakeRecordsAbout(ex: Executor, hashes: readonly Buffer[]): Promise<number> {
  if (hashes.length === 0) return 0;
  const r = await sql<{ n: number }>`
    select (select count(*) from logboek_entries e
             where e.subject_hash in (${sql.join(hashes)}) and e.action = 'signal-intake' and e.content is not null)::int
         + (select count(*) from logboek_intake_records r join logboek_entries e on e.id = r.entry_id
             where r.subject_hash in (${sql.join(hashes)}) and e.content is not null)::int as n`.execute(ex);
  return r.rows[0]!.n;
}
