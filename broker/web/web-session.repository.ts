/** Web sessions (table web_sessions). Only this file queries the table. */
import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

export async function findSession(ex: Executor, sid: string, now: Date): Promise<string | undefined> {
  const row = await ex.selectFrom('web_sessions').select('data').where('sid', '=', sid).where('expires_at', '>', now).executeTakeFirst();
  return row?.data;
}

export async function saveSession(ex: Executor, sid: string, data: string, expiresAt: Date): Promise<void> {
  await ex
    .insertInto('web_sessions')
    .values({ sid, data, expires_at: expiresAt })
    .onConflict((oc) => oc.column('sid').doUpdateSet({ data, expires_at: expiresAt }))
    .execute();
}

export async function touchSession(ex: Executor, sid: string, expiresAt: Date): Promise<void> {
  await ex.updateTable('web_sessions').set({ expires_at: expiresAt }).where('sid', '=', sid).execute();
}

export async function deleteSession(ex: Executor, sid: string): Promise<void> {
  await ex.deleteFrom('web_sessions').where('sid', '=', sid).execute();
}

/** Removes expired sessions; returns how many. */
export async function deleteExpiredSessions(ex: Executor, now: Date): Promise<number> {
  const r = await ex.deleteFrom('web_sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Ends every web session of one person (their access was ended in the register); returns how many. */
export async function deleteSessionsOf(ex: Executor, personId: string): Promise<number> {
  const r = await ex
    .deleteFrom('web_sessions')
    .where(sql<string>`(data::jsonb -> 'user' ->> 'id')`, '=', personId)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
