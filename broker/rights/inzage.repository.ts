/**
 * The logboek as inzage reads it: every entry about one subject. A subject is found under
 * any of its hashes: as the entry's subject (the indexed subject_hash column), or, for a
 * step that named the youth under several key epochs (a key rotation's overlap), as one of
 * the entry's other hashes (logboek_subject_aliases, migration 0011). Both are index
 * lookups, so an inzageverzoek reads the entries about the subject, not the whole log.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

export interface SubjectEntry {
  id: number;
  action: string;
  loggedAt: Date;
  content: string;
}

export async function entriesAboutSubject(ex: Executor, hashes: readonly Buffer[], actions: readonly string[]): Promise<SubjectEntry[]> {
  if (hashes.length === 0 || actions.length === 0) return [];
  const r = await sql<{ id: number; action: string; loggedAt: Date; content: string }>`
    select e.id, e.action, e.logged_at as "loggedAt", e.content
      from logboek_entries e
     where e.subject_hash in (${sql.join(hashes)}) and e.action in (${sql.join(actions)}) and e.content is not null
    union
    select e.id, e.action, e.logged_at, e.content
      from logboek_subject_aliases a join logboek_entries e on e.id = a.entry_id
     where a.subject_hash in (${sql.join(hashes)}) and e.action in (${sql.join(actions)}) and e.content is not null
     order by id`.execute(ex);
  return r.rows;
}
