/**
 * The policy lifecycle (issue 5): a version's rules become rows (`policy_rules`), read by
 * the kysely casbin adapter; a version gets an author, a state (draft → submitted →
 * approved | rejected), a reviewer, tests, and a time from which it is active
 * (`activated_at`, possibly in the future). Impact previews are recorded so that approval
 * can require one.
 *
 * Database guards (both engines are PostgreSQL):
 * - four-eyes: an approved version has a reviewer who is not its author (CHECK);
 * - only an approved version can be activated, and only once (CHECK + trigger);
 * - a version's content (model, hash, rules, tests, author) changes only while it is a
 *   draft, and its state moves only forward (trigger).
 *
 * Versions stored before this migration were seeded from the platform file; they become
 * approved versions authored by `system:seed` and reviewed by `system:platform-file`, and
 * keep the content hash their disclosures were logged with.
 */
import { sql, type Kysely } from 'kysely';
import { parse } from 'csv-parse/sync';

/**
 * The rules text as rows, as the policy module read it when this migration was written. Frozen
 * here (a migration imports no domain code), so that a later change to the policy module cannot
 * change what this migration does.
 */
function parsePolicyLines(rulesText: string): Array<{ ptype: string; values: string[] }> {
  const records = parse(rulesText, { comment: '#', comment_no_infix: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  return records.filter((record) => record.length > 0 && record[0] !== '').map((record) => ({ ptype: record[0]!, values: record.slice(1) }));
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('policy_rules')
    .addColumn('version_id', 'integer', (c) => c.notNull().references('policy_versions.id'))
    .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 0`))
    .addColumn('ptype', 'text', (c) => c.notNull())
    .addColumn('v0', 'text')
    .addColumn('v1', 'text')
    .addColumn('v2', 'text')
    .addColumn('v3', 'text')
    .addColumn('v4', 'text')
    .addColumn('v5', 'text')
    .addColumn('v6', 'text')
    .addColumn('v7', 'text')
    .addPrimaryKeyConstraint('policy_rules_pk', ['version_id', 'position'])
    .execute();

  // A draft's hash changes while it is edited, and two drafts may hold the same rules.
  await sql`alter table policy_versions drop constraint if exists policy_versions_content_hash_key`.execute(db);
  await db.schema
    .alterTable('policy_versions')
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('approved').check(sql`state in ('draft', 'submitted', 'approved', 'rejected')`))
    .addColumn('author_id', 'text', (c) => c.notNull().defaultTo('system:seed'))
    .addColumn('author_organisation', 'text')
    .addColumn('author_role', 'text')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('based_on', 'integer', (c) => c.references('policy_versions.id'))
    .addColumn('tests', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('updated_at', 'timestamptz')
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('reviewer_id', 'text', (c) => c.defaultTo('system:platform-file'))
    .addColumn('reviewer_organisation', 'text')
    .addColumn('reviewer_role', 'text')
    .addColumn('reviewed_at', 'timestamptz')
    .execute();
  await sql`alter table policy_versions alter column state drop default, alter column author_id drop default, alter column reviewer_id drop default`.execute(db);
  await sql`update policy_versions set updated_at = created_at, reviewed_at = coalesce(activated_at, created_at)`.execute(db);
  await sql`alter table policy_versions alter column updated_at set not null`.execute(db);
  await sql`
    alter table policy_versions
      add constraint policy_versions_four_eyes
        check (state <> 'approved' or (reviewer_id is not null and reviewer_id <> author_id)),
      add constraint policy_versions_active_approved
        check (activated_at is null or state = 'approved')`.execute(db);

  // Existing versions' rules become rows.
  const old = await sql<{ id: number; rules_text: string }>`select id, rules_text from policy_versions order by id`.execute(db);
  for (const v of old.rows) {
    const rows = parsePolicyLines(v.rules_text).map((line, position) => ({
      version_id: v.id,
      position,
      ptype: line.ptype,
      ...Object.fromEntries(line.values.slice(0, 8).map((value, i) => [`v${i}`, value])),
    }));
    if (rows.length > 0) await db.insertInto('policy_rules').values(rows).execute();
  }
  await db.schema.alterTable('policy_versions').dropColumn('rules_text').execute();

  await sql`
    create function jpp_policy_version_guard() returns trigger language plpgsql as $$
    begin
      if old.state <> 'draft' and (new.content_hash is distinct from old.content_hash
          or new.model_text is distinct from old.model_text or new.tests is distinct from old.tests
          or new.author_id is distinct from old.author_id) then
        raise exception 'policy version % is %: its content is immutable', old.id, old.state
          using errcode = 'integrity_constraint_violation';
      end if;
      if new.state is distinct from old.state and not (
          (old.state = 'draft' and new.state = 'submitted')
          or (old.state = 'submitted' and new.state in ('approved', 'rejected'))) then
        raise exception 'policy version %: % -> % is not a lifecycle step', old.id, old.state, new.state
          using errcode = 'integrity_constraint_violation';
      end if;
      if old.activated_at is not null and new.activated_at is distinct from old.activated_at then
        raise exception 'policy version % was activated already; history is not rewritten', old.id
          using errcode = 'integrity_constraint_violation';
      end if;
      return new;
    end
    $$`.execute(db);
  await sql`
    create trigger policy_versions_guard before update on policy_versions
      for each row execute function jpp_policy_version_guard()`.execute(db);
  await sql`
    create function jpp_policy_refuse_delete() returns trigger language plpgsql as $$
    begin
      raise exception 'policy versions are never deleted; history is not rewritten'
        using errcode = 'integrity_constraint_violation';
    end
    $$`.execute(db);
  await sql`
    create trigger policy_versions_no_delete before delete on policy_versions
      for each row execute function jpp_policy_refuse_delete()`.execute(db);

  await sql`
    create function jpp_policy_rules_guard() returns trigger language plpgsql as $$
    declare
      v_state text;
    begin
      select state into v_state from policy_versions where id = coalesce(new.version_id, old.version_id);
      if v_state is distinct from 'draft' then
        raise exception 'the rules of a % policy version are immutable', v_state
          using errcode = 'integrity_constraint_violation';
      end if;
      return coalesce(new, old);
    end
    $$`.execute(db);
  await sql`
    create trigger policy_rules_guard before insert or update or delete on policy_rules
      for each row execute function jpp_policy_rules_guard()`.execute(db);

  await db.schema
    .createTable('policy_previews')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('version_id', 'integer', (c) => c.notNull().references('policy_versions.id'))
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('days', 'integer', (c) => c.notNull())
    .addColumn('replayed', 'integer', (c) => c.notNull())
    .addColumn('newly_allowed', 'integer', (c) => c.notNull())
    .addColumn('newly_denied', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('0006-policy-lifecycle cannot be undone: the rules live only in policy_rules now');
}
