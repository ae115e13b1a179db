/**
 * The logboek as inzage reads it: every entry about one subject. A subject is found under
 * any of its hashes: as the entry's subject (the indexed column), or, for a question asked
 * during a key rotation's overlap, among the content's `alsoSubjects` (a text search over
 * the disclosure entries: rare, and exact, since a hash is 43 random characters).
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
  const texts = hashes.map((h) => h.toString('base64url'));
  const rows = await ex
    .selectFrom('logboek_entries')
    .select(['id', 'action', 'logged_at as loggedAt', 'content'])
    .where('action', 'in', actions)
    .where('content', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('subject_hash', 'in', hashes),
        ...texts.map((t) => eb(sql<number>`position(${`"${t}"`} in content)`, '>', 0)),
      ]),
    )
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, content: r.content! }));
}
