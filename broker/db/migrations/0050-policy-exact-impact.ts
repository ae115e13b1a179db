/**
 * Four eyes see every new access (issue 17): an impact preview records the exact
 * difference between the version's decision table and that of the version active when it
 * was fetched (how many decisions become allowed, their keys, and a digest over them); an
 * approval names its preview and, when that preview shows newly allowed decisions, carries
 * the preview's digest as the approver's confirmation.
 *
 * Database guards (both engines are PostgreSQL):
 * - a version is inserted as a draft, without an approval;
 * - the status change to `approved` needs a preview of this version's exact content,
 *   fetched by the reviewer, with the exact impact computed, and, when it shows newly
 *   allowed decisions, `confirmed_new_access` equal to its digest (trigger);
 * - only an approved version has approval fields (CHECK), and an approval is never
 *   rewritten; previews are never changed or deleted (triggers).
 * The database cannot compute a decision table; it holds the approval to the set the
 * broker computed and the approver confirmed. The preview's 24-hour validity and that its
 * baseline is the active version are the service's checks (the broker's clock is injected).
 *
 * Previews fetched before this migration have no exact impact and cannot back an approval.
 *
 * Frozen: this migration imports nothing of the domain.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('policy_previews')
    .addColumn('against_version_id', 'integer', (c) => c.references('policy_versions.id'))
    .addColumn('against_hash', 'text')
    .addColumn('new_access_count', 'integer', (c) => c.check(sql`new_access_count >= 0`))
    .addColumn('new_access_digest', 'text', (c) => c.check(sql`new_access_digest ~ '^sha256:[0-9a-f]{64}$'`))
    .addColumn('new_access', 'jsonb')
    .addColumn('newly_denied_count', 'integer', (c) => c.check(sql`newly_denied_count >= 0`))
    .execute();
  await sql`
    alter table policy_previews
      add constraint policy_previews_exact_whole check (
        (new_access_count is null) = (new_access_digest is null)
        and (new_access_count is null) = (new_access is null)
        and (new_access_count is null) = (newly_denied_count is null)
        and (new_access is null or (jsonb_typeof(new_access) = 'array' and jsonb_array_length(new_access) = new_access_count))
        and (against_version_id is null or against_hash is not null))`.execute(db);

  await db.schema
    .alterTable('policy_versions')
    .addColumn('approval_preview_id', 'uuid', (c) => c.references('policy_previews.id'))
    .addColumn('confirmed_new_access', 'text')
    .execute();
  await sql`
    alter table policy_versions
      add constraint policy_versions_approval_only_when_approved
        check (state = 'approved' or (approval_preview_id is null and confirmed_new_access is null))`.execute(db);

  await sql`
    create function jpp_policy_approval_guard() returns trigger language plpgsql as $$
    declare
      p record;
    begin
      if tg_op = 'INSERT' then
        if new.state <> 'draft' or new.activated_at is not null then
          raise exception 'a policy version starts as a draft'
            using errcode = 'integrity_constraint_violation';
        end if;
        return new;
      end if;
      if old.state = 'approved' and (new.approval_preview_id is distinct from old.approval_preview_id
          or new.confirmed_new_access is distinct from old.confirmed_new_access) then
        raise exception 'policy version % was approved already: its approval is not rewritten', old.id
          using errcode = 'integrity_constraint_violation';
      end if;
      if new.state = 'approved' and old.state <> 'approved' then
        select version_id, content_hash, person_id, new_access_count, new_access_digest into p
          from policy_previews where id = new.approval_preview_id;
        if not found then
          raise exception 'the approval of policy version % names no impact preview', new.id
            using errcode = 'integrity_constraint_violation';
        end if;
        if p.version_id <> new.id or p.content_hash <> new.content_hash then
          raise exception 'the approval of policy version % names a preview of other content', new.id
            using errcode = 'integrity_constraint_violation';
        end if;
        if p.person_id is distinct from new.reviewer_id then
          raise exception 'the approver of policy version % did not fetch the preview the approval names', new.id
            using errcode = 'integrity_constraint_violation';
        end if;
        if p.new_access_count is null then
          raise exception 'the preview named by the approval of policy version % has no exact impact', new.id
            using errcode = 'integrity_constraint_violation';
        end if;
        if p.new_access_count > 0 and new.confirmed_new_access is distinct from p.new_access_digest then
          raise exception 'policy version % newly allows % decision(s): the approval must confirm them with the preview''s digest', new.id, p.new_access_count
            using errcode = 'integrity_constraint_violation';
        end if;
      end if;
      return new;
    end
    $$`.execute(db);
  await sql`
    create trigger policy_versions_approval_guard before insert or update on policy_versions
      for each row execute function jpp_policy_approval_guard()`.execute(db);

  await sql`
    create function jpp_policy_preview_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'impact previews are never changed or deleted: an approval may name one'
        using errcode = 'integrity_constraint_violation';
    end
    $$`.execute(db);
  await sql`
    create trigger policy_previews_immutable before update or delete on policy_previews
      for each row execute function jpp_policy_preview_immutable()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0050-policy-exact-impact cannot be undone: approvals name their previews');
}
