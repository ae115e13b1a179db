/**
 * Aanmeldcriteria and doelgroep at aanmelding (issue 18 item 4): a casus records the platform's
 * aanmeldcriteria that apply (at least one, for casussen opened from now on) and each subject
 * keeps only the band of its age at aanmelding and whether a parent must consent, never the
 * age or a birth date.
 *
 * Casussen opened before this migration have no criteria (an empty list) and no age band.
 *
 * Frozen: this migration imports nothing of the domain.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('cases')
    .addColumn('aanmeldcriteria', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`).check(sql`jsonb_typeof(aanmeldcriteria) = 'array'`))
    .execute();
  await db.schema
    .alterTable('case_subjects')
    .addColumn('age_band', 'text', (c) => c.check(sql`age_band in ('0-11', '12-15', '16-17', '18-22', '23-27', '28+')`))
    .addColumn('parent_consent_needed', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_subjects').dropColumn('age_band').dropColumn('parent_consent_needed').execute();
  await db.schema.alterTable('cases').dropColumn('aanmeldcriteria').execute();
}
