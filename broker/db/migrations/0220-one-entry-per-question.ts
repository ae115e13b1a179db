/**
 * One logboek entry per question (issue 21, item 1, step B): a question writes the query row and
 * ONE `question` entry that holds every partner's answer (partner, outcome, rules, the categories
 * counted) in `details.answers`, instead of one `disclosure` entry per partner. The question's
 * one leaf covers all its answers; the Logboek Dataverwerkingen gets exactly one record per data
 * subject per operation. docs/architecture.md ("One entry per question") says why.
 *
 * - `logboek_disclosures(entry_id, answer, partner_id, outcome)`: one row per answer of a
 *   `question` entry (`answer` is its index in `details.answers`), so the per-partner readers
 *   (the disclosure list, monitoring, the casusoverleg's hits) filter and count without opening
 *   the content. Derived from the content, which the Merkle tree covers; the rows themselves are
 *   not in the tree, so the database guards them as the logboek: inserted once, never updated,
 *   deleted or truncated (`jpp_refuse_log_change`, migration 0002). Retention's redaction keeps
 *   them, as it keeps an entry's partner and outcome columns (migration 0009): a partner and an
 *   answer, no subject. Old `disclosure` entries (one per partner) have no rows here: their
 *   partner and outcome are the entry's own columns, and every reader reads both forms.
 * - `jpp_question_entry(...)`: the entry's canonical JSON from the texts Node built (below).
 * - `jpp_ask(...)`, a new version (29 arguments; the 0210 version and its `jpp_ask_entry` are
 *   dropped): the same checks, refusals (JQ001–JQ007), query row, lookup and rate limits, then one
 *   entry, its aliases under the other epochs' hashes, and its answers' index rows. Node builds the
 *   entry's canonical JSON with four placeholders (queries/question-entry-fns.ts: the answers, the
 *   casus's reference and id, the bezwaar block) and each answer's canonical JSON with two (its
 *   outcome and counted categories, where the lookup decides them); the function fills them in.
 *   JCS orders keys by name, not value, and an array's JCS is its items' JCS joined by commas, so
 *   the result is JCS; test/db/question-statement.test.ts holds it against `canonicalJson` of the
 *   real entry. The casus's reference is put in last: it is the only value not from Node or a
 *   uuid, and to_jsonb escapes a U+0001 it may hold as a placeholder's text, which nothing after
 *   it replaces.
 *
 * Least privilege as in 0210: SECURITY INVOKER, EXECUTE revoked from PUBLIC and granted to the
 * runtime role only; the runtime role may SELECT and INSERT the index table, nothing else.
 *
 * Frozen: imports nothing of the domain.
 */
import { sql, type Kysely } from 'kysely';

const RUNTIME_ROLE = 'jpp_broker_runtime';

const OLD = [
  `jpp_ask(text, text, text, timestamptz, uuid, text, bytea[], text, text[], boolean, uuid, uuid, uuid, boolean, integer, text,
    text[], text[], text[], integer[], integer[], timestamptz, timestamptz, smallint, text[], text[], text[], bytea[])`,
  'jpp_ask_entry(text, text, text[], text, uuid, boolean)',
];

const ENTRY_SIGNATURE = 'jpp_question_entry(text, text[], text[], text[], text[], text[], text, uuid, boolean)';

const ASK_SIGNATURE = `jpp_ask(text, text, text, timestamptz, uuid, text, bytea[], text, text[], boolean, uuid, uuid, uuid, boolean, integer, text,
    text[], text[], text[], integer[], integer[], timestamptz, timestamptz, smallint, text, text[], text[], text[], bytea[])`;

// The entry's text from the texts Node built with placeholders (queries/question-entry-fns.ts):
// each answer's outcome and its partner's counted categories (sorted in code-point order, COLLATE
// "C", as JavaScript sorts identifiers; values written by to_json(text), whose escaping is
// JSON.stringify's, not by jsonb's text form, which puts a space after each comma of an array);
// the answers joined into the array; the bezwaar block; the casus's id; its reference last. A
// placeholder a text does not hold (a not-permitted answer's) is not replaced.
const ENTRY = sql.raw(`
  create or replace function jpp_question_entry(
    p_entry text, p_answers text[], p_partners text[], p_outcomes text[], p_found_partners text[], p_found_categories text[],
    p_case_ref text, p_case_id uuid, p_blocked boolean)
  returns text language sql immutable security invoker as $$
    select replace(replace(replace(replace(p_entry,
      '"bezwaarBlock":"\\u0001block",', case when p_blocked then '"bezwaarBlock":true,' else '' end),
      '"\\u0001answers"', '[' || coalesce((
        select string_agg(
                 replace(replace(a.answer,
                   '"\\u0001outcome"', to_json(a.outcome)::text),
                   '"\\u0001categories"', '[' || coalesce((select string_agg(to_json(d.c)::text, ',' order by d.c collate "C")
                                                           from (select distinct p_found_categories[i] as c from generate_subscripts(p_found_partners, 1) as i
                                                                  where p_found_partners[i] = a.partner) as d), '') || ']'),
                 ',' order by a.n)
          from unnest(p_answers, p_partners, p_outcomes) with ordinality as a(answer, partner, outcome, n)), '') || ']'),
      '"\\u0001caseId"', to_jsonb(p_case_id::text)::text),
      '"\\u0001caseRef"', to_jsonb(p_case_ref)::text)
  $$`);

const ASK = sql.raw(`
  create or replace function jpp_ask(
    p_person text, p_organisation text, p_role text, p_now timestamptz,
    p_case_id uuid, p_case_ref text, p_hashes bytea[], p_doel text, p_queryable text[],
    p_consent_cited boolean, p_consent_case uuid, p_consent_subject uuid,
    p_query_id uuid, p_consent boolean, p_policy_version integer, p_trace_id text,
    p_pair_partners text[], p_pair_categories text[],
    p_counters text[], p_per_minute integer[], p_per_day integer[], p_minute timestamptz, p_since timestamptz, p_shard smallint,
    p_entry text, p_answers text[], p_partners text[], p_outcomes text[], p_also bytea[])
  returns table (case_id text, case_ref text, subject_id text, blocked boolean, found_partners text[], found_categories text[])
  language plpgsql volatile security invoker as $$
  #variable_conflict use_column
  declare
    c record;
    v_subject uuid;
    v_blocked boolean;
    v_found_p text[] := '{}';
    v_found_c text[] := '{}';
    v_counts jsonb;
    v_over boolean;
    v_outcomes text[];
    v_entry bigint;
  begin
    -- 1. The access gate's register read.
    if not jpp_person_confirmed(p_person, p_organisation, p_role, p_now) then
      raise exception 'the register does not confirm the person' using errcode = 'JQ001';
    end if;
    -- 2. The casus, the subject the hashes name in it, and an upheld, unlifted bezwaar for the doel.
    select k.id, k.case_ref, k.doel, k.status into c from cases k
     where (p_case_id is not null and k.id = p_case_id) or (p_case_id is null and k.case_ref = p_case_ref);
    if not found then raise exception 'no such casus' using errcode = 'JQ002'; end if;
    if c.doel <> p_doel then raise exception 'another doel' using errcode = 'JQ003', detail = c.doel; end if;
    if not (c.status = any(p_queryable)) then raise exception 'not queryable' using errcode = 'JQ004', detail = c.status; end if;
    select h.subject_id into v_subject from case_subject_hashes h join case_subjects s on s.id = h.subject_id
     where s.case_id = c.id and h.subject_hash = any(p_hashes) limit 1;
    if v_subject is null then raise exception 'not a subject of this casus' using errcode = 'JQ005'; end if;
    if p_consent_cited and (p_consent_case is distinct from c.id or p_consent_subject is distinct from v_subject) then
      raise exception 'no consent record of this subject in this casus' using errcode = 'JQ006';
    end if;
    v_blocked := exists (
      select 1 from bezwaar_subject_hashes bh join bezwaren b on b.id = bh.bezwaar_id
       where bh.subject_hash = any(p_hashes) and b.decision = 'upheld' and b.lifted_at is null
         and b.doelen @> jsonb_build_array(p_doel));
    -- 3. The query row.
    insert into queries (id, case_id, asked_by, organisation_id, role_id, doel, subject_hash, consent, policy_version_id, trace_id, asked_at)
    values (p_query_id, c.id, p_person, p_organisation, p_role, p_doel, p_hashes[1], p_consent, p_policy_version, p_trace_id, p_now);
    -- 4. The lookup: only the permitted (partner, category) pairs, none when blocked or none permitted.
    if not v_blocked and cardinality(p_pair_partners) > 0 then
      select coalesce(array_agg(f.partner_id), '{}'), coalesce(array_agg(f.category), '{}') into v_found_p, v_found_c
        from (select distinct s.partner_id, s.category from signals s
               where s.subject_hash = any(p_hashes)
                 and (s.partner_id, s.category) in (select * from unnest(p_pair_partners, p_pair_categories))
                 and s.registered_at <= p_now and s.expires_at > p_now) as f;
    end if;
    -- 5. The rate limits, counted last (rate-limit.repository.ts: the counters' shard rows are
    -- locked in the order given, so concurrent questions never deadlock).
    if cardinality(p_counters) > 0 then
      insert into rate_limit_usage (counter, minute, shard, count)
        select u.counter, p_minute, p_shard, 1 from unnest(p_counters) with ordinality as u(counter, n) order by u.n
        on conflict (counter, minute, shard) do update set count = rate_limit_usage.count + 1;
      delete from rate_limit_usage r where r.counter = any(p_counters) and r.minute <= p_since;
      select coalesce(jsonb_agg(jsonb_build_object('counter', t.counter, 'minute', t.minute, 'count', t.count)), '[]'),
             coalesce(bool_or(t.over), false)
        into v_counts, v_over
        from (select m.counter, m.minute, m.count,
                     (m.minute = p_minute and m.count > l.per_minute) or sum(m.count) over (partition by m.counter) > l.per_day as over
                from (select r.counter, r.minute, sum(r.count)::int as count from rate_limit_usage r
                       where r.counter = any(p_counters) and r.minute > p_since group by r.counter, r.minute) as m
                join unnest(p_counters, p_per_minute, p_per_day) as l(counter, per_minute, per_day) on l.counter = m.counter) as t;
      if v_over then raise exception 'rate limit exceeded' using errcode = 'JQ007', detail = v_counts::text; end if;
    end if;
    -- 6. The logboek: one entry, with every answer; each answer's outcome is Node's (not-permitted)
    -- or the lookup's, by the rule of query-fns.ts deriveAnswers.
    v_outcomes := array(select coalesce(a.outcome, case when a.partner = any(v_found_p) then 'hit' else 'no-hit' end)
                          from unnest(p_partners, p_outcomes) with ordinality as a(partner, outcome, n) order by a.n);
    insert into logboek_entries (content, action, logged_at, actor_id, organisation_id, role_id, partner_id, doel, case_ref, outcome, subject_hash, query_id, trace_id)
    values (jpp_question_entry(p_entry, p_answers, p_partners, v_outcomes, v_found_p, v_found_c, c.case_ref, c.id, v_blocked),
            'question', p_now, p_person, p_organisation, p_role, null, p_doel, c.case_ref, 'answered', p_hashes[1], p_query_id, p_trace_id)
    returning id into v_entry;
    insert into logboek_disclosures (entry_id, answer, partner_id, outcome)
      select v_entry, (d.n - 1)::smallint, d.partner, d.outcome from unnest(p_partners, v_outcomes) with ordinality as d(partner, outcome, n);
    insert into logboek_subject_aliases (subject_hash, entry_id)
      select a.h, v_entry from unnest(p_also) as a(h)
      on conflict do nothing;
    return query select c.id::text, c.case_ref, v_subject::text, v_blocked, v_found_p, v_found_c;
  end
  $$`);

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('logboek_disclosures')
    .addColumn('entry_id', 'bigint', (c) => c.notNull().references('logboek_entries.id'))
    .addColumn('answer', 'smallint', (c) => c.notNull().check(sql`answer >= 0`))
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('logboek_disclosures_pk', ['entry_id', 'answer'])
    .execute();
  await sql`create trigger logboek_disclosures_append_only before update or delete on logboek_disclosures for each row execute function jpp_refuse_log_change()`.execute(db);
  await sql`create trigger logboek_disclosures_no_truncate before truncate on logboek_disclosures for each statement execute function jpp_refuse_log_change()`.execute(db);
  await sql`grant select, insert on logboek_disclosures to ${sql.id(RUNTIME_ROLE)}`.execute(db);

  for (const f of OLD) await sql`drop function if exists ${sql.raw(f)}`.execute(db);
  await ENTRY.execute(db);
  await ASK.execute(db);
  for (const f of [ENTRY_SIGNATURE, ASK_SIGNATURE]) {
    await sql`revoke execute on function ${sql.raw(f)} from public`.execute(db);
    await sql`grant execute on function ${sql.raw(f)} to ${sql.id(RUNTIME_ROLE)}`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('the logboek migrations cannot be reverted: question entries cannot be turned back into per-partner entries');
}
