/**
 * Partner adapters (table `adapters`): the client identity of each adapter a partner runs.
 * Only this file speaks SQL about them. Nothing is deleted.
 *
 * Invariant: an adapter counts (`findAdapterConfirmation`) only while active and within its
 * validity period, for the partner its tokens name.
 */
import type { Executor } from '../db/database.js';

export interface AdapterRow {
  readonly id: string;
  readonly partnerId: string;
  readonly clientId: string;
  readonly certificateSubject: string | null;
  readonly active: boolean;
  readonly validFrom: Date;
  readonly validUntil: Date | null;
  readonly createdAt: Date;
  readonly createdBy: string;
  readonly deactivatedAt: Date | null;
  readonly deactivatedBy: string | null;
}

const COLUMNS = [
  'id',
  'partner_id as partnerId',
  'client_id as clientId',
  'certificate_subject as certificateSubject',
  'active',
  'valid_from as validFrom',
  'valid_until as validUntil',
  'created_at as createdAt',
  'created_by as createdBy',
  'deactivated_at as deactivatedAt',
  'deactivated_by as deactivatedBy',
] as const;

/** The register's confirmation that the adapter with this token subject may act now for `partnerId`: the access gate's one read for adapters. */
export async function findAdapterConfirmation(
  ex: Executor,
  q: { clientId: string; partnerId: string; now: Date },
): Promise<{ id: string; certificateSubject: string | null } | undefined> {
  return ex
    .selectFrom('adapters')
    .select(['id', 'certificate_subject as certificateSubject'])
    .where('client_id', '=', q.clientId)
    .where('partner_id', '=', q.partnerId)
    .where('active', '=', true)
    .where('valid_from', '<=', q.now)
    .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>', q.now)]))
    .executeTakeFirst();
}

export async function listAdapters(ex: Executor, filter: { partnerId?: string } = {}): Promise<AdapterRow[]> {
  let q = ex.selectFrom('adapters').select(COLUMNS).orderBy('partner_id').orderBy('id');
  if (filter.partnerId) q = q.where('partner_id', '=', filter.partnerId);
  return q.execute();
}

export async function findAdapter(ex: Executor, id: string, forUpdate = false): Promise<AdapterRow | undefined> {
  let q = ex.selectFrom('adapters').select(COLUMNS).where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Registers an adapter; 'id' or 'client' when that id or client id is taken. */
export async function insertAdapter(
  ex: Executor,
  a: { id: string; partnerId: string; clientId: string; certificateSubject: string | null; validFrom: Date; validUntil: Date | null; createdBy: string; at: Date },
): Promise<'ok' | 'id' | 'client'> {
  if (await ex.selectFrom('adapters').select('id').where('id', '=', a.id).executeTakeFirst()) return 'id';
  if (await ex.selectFrom('adapters').select('id').where('client_id', '=', a.clientId).executeTakeFirst()) return 'client';
  await ex
    .insertInto('adapters')
    .values({
      id: a.id,
      partner_id: a.partnerId,
      client_id: a.clientId,
      certificate_subject: a.certificateSubject,
      active: true,
      valid_from: a.validFrom,
      valid_until: a.validUntil,
      created_by: a.createdBy,
      created_at: a.at,
    })
    .execute();
  return 'ok';
}

export async function setAdapterActive(ex: Executor, id: string, set: { active: boolean; by: string | null; at: Date | null }): Promise<void> {
  await ex.updateTable('adapters').set({ active: set.active, deactivated_at: set.at, deactivated_by: set.by }).where('id', '=', id).execute();
}
