/**
 * The question in one round trip (issue 21, item 1, step A): `jpp_ask` does, in one statement and
 * so in one implicit transaction, what a question did in eight round trips: the access gate's
 * register read, the casus read (its subject and bezwaar block), the query row, the hit lookup,
 * the rate-limit count and the logboek append. docs/architecture.md ("Request flow") describes it.
 *
 * Three functions:
 * - `jpp_person_confirmed(person, organisation, role, now)`: the register's confirmation of the
 *   access gate (person active and within validity, organisation active, role granted, approved,
 *   not revoked, within validity), the same conditions as `findConfirmation` in
 *   register/person.repository.ts; test/db/question-statement.test.ts runs the gate's table of
 *   register states through both.
 * - `jpp_ask_entry(template, outcome, categories, caseRef, caseId, blocked)`: an entry's canonical
 *   JSON from the text Node built with placeholders (queries/question-entry-fns.ts), with the
 *   lookup's and the casus's values put in. JCS orders keys by name, not value, so the result is
 *   JCS; test/db/question-statement.test.ts holds it against `canonicalJson` of the real entry.
 * - `jpp_ask(...)`: the question. A refusal raises its own SQLSTATE, and with it everything the
 *   statement did rolls back (the rate-limit count included):
 *   JQ001 the register does not confirm the person; JQ002 no such casus; JQ003 another doel
 *   (DETAIL: the casus's doel); JQ004 a status that cannot be queried (DETAIL: the status);
 *   JQ005 the subject is not one of the casus; JQ006 the cited consent is not of this subject in
 *   this casus; JQ007 a rate limit is exceeded (DETAIL: the counts, JSON).
 *
 * Least privilege: SECURITY INVOKER (the default, written out), so the functions run with the
 * caller's rights: the runtime role (migration 0110) already reads and inserts what they read and
 * insert, and counts rate limits as before; a SECURITY DEFINER function would run as the tables'
 * owner, who may disable the logboek's triggers. EXECUTE is revoked from PUBLIC and granted to
 * the runtime role only.
 *
 * Frozen: this migration imports nothing of the domain; the statuses that may be queried and the
 * limits come in as arguments, so the rules stay written once in TypeScript.
 */
import { sql, type Kysely } from 'kysely';

const CONFIRMED = sql.raw(`
  create or replace function jpp_person_confirmed(p_person text, p_organisation text, p_role text, p_now timestamptz)
  returns boolean language sql stable security invoker as $$
    select exists (
      select 1
        from people p
        join organisations o on o.id = p.organisation_id
        join person_roles r on r.person_id = p.id
       where p.id = p_person
         and p.organisation_id = p_organisation
         and p.active = true
         and p.valid_from <= p_now
         and (p.valid_until is null or p.valid_until > p_now)
         and o.active = true
         and r.role_id = p_role
         and r.approved_at is not null
         and r.revoked_at is null
         and r.valid_from <= p_now
         and (r.valid_until is null or r.valid_until > p_now))
  $$`);

// The placeholders are JSON strings that JSON.stringify writes for values holding U+0001, which
// no identifier, reference or id holds; Node checks that each occurs where it is expected. Values
// are written by to_json(text)::text, whose escaping is JSON.stringify's; not by jsonb's text
// form, which puts a space after each comma of an array.
const ENTRY = sql.raw(`
  create or replace function jpp_ask_entry(p_template text, p_outcome text, p_categories text[], p_case_ref text, p_case_id uuid, p_blocked boolean)
  returns text language sql immutable security invoker as $$
    select replace(replace(replace(replace(replace(p_template,
      '"bezwaarBlock":"\\u0001block",', case when p_blocked then '"bezwaarBlock":true,' else '' end),
      '"\\u0001outcome"', coalesce(to_jsonb(p_outcome)::text, '"\\u0001outcome"')),
      '"\\u0001categories"', '[' || coalesce((select string_agg(to_json(c)::text, ',' order by c collate "C") from (select distinct c from unnest(p_categories) as c) as d), '') || ']'),
      '"\\u0001caseRef"', to_jsonb(p_case_ref)::text),
      '"\\u0001caseId"', to_jsonb(p_case_id::text)::text)
  $$`);

const ASK = sql.raw(`
  create or replace function jpp_ask(
    p_person text, p_organisation text, p_role text, p_now timestamptz,
    p_case_id uuid, p_case_ref text, p_hashes bytea[], p_doel text, p_queryable text[],
    p_consent_cited boolean, p_consent_case uuid, p_consent_subject uuid,
    p_query_id uuid, p_consent boolean, p_policy_version integer, p_trace_id text,
    p_pair_partners text[], p_pair_categories text[],
    p_counters text[], p_per_minute integer[], p_per_day integer[], p_minute timestamptz, p_since timestamptz, p_shard smallint,
    p_contents text[], p_partners text[], p_outcomes text[], p_also bytea[])
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
    -- 6. The logboek: one entry per partner; where the outcome is the lookup's, it and the counted
    -- categories are put into the text Node built (jpp_ask_entry).
    with e as (
      select t.content, t.partner, coalesce(t.outcome, case when t.partner = any(v_found_p) then 'hit' else 'no-hit' end) as outcome,
             array(select v_found_c[i] from generate_subscripts(v_found_p, 1) as i where v_found_p[i] = t.partner) as categories
        from unnest(p_contents, p_partners, p_outcomes) as t(content, partner, outcome)
    ), ins as (
      insert into logboek_entries (content, action, logged_at, actor_id, organisation_id, role_id, partner_id, doel, case_ref, outcome, subject_hash, query_id, trace_id)
      select jpp_ask_entry(e.content, e.outcome, e.categories, c.case_ref, c.id, v_blocked), 'disclosure', p_now, p_person, p_organisation, p_role,
             e.partner, p_doel, c.case_ref, e.outcome, p_hashes[1], p_query_id, p_trace_id
        from e
      returning id
    )
    insert into logboek_subject_aliases (subject_hash, entry_id)
      select a.h, ins.id from ins cross join unnest(p_also) as a(h)
      on conflict do nothing;
    return query select c.id::text, c.case_ref, v_subject::text, v_blocked, v_found_p, v_found_c;
  end
  $$`);

const SIGNATURES = [
  'jpp_person_confirmed(text, text, text, timestamptz)',
  'jpp_ask_entry(text, text, text[], text, uuid, boolean)',
  `jpp_ask(text, text, text, timestamptz, uuid, text, bytea[], text, text[], boolean, uuid, uuid, uuid, boolean, integer, text,
    text[], text[], text[], integer[], integer[], timestamptz, timestamptz, smallint, text[], text[], text[], bytea[])`,
];

export async function up(db: Kysely<any>): Promise<void> {
  await CONFIRMED.execute(db);
  await ENTRY.execute(db);
  await ASK.execute(db);
  for (const f of SIGNATURES) {
    await sql`revoke execute on function ${sql.raw(f)} from public`.execute(db);
    await sql`grant execute on function ${sql.raw(f)} to jpp_broker_runtime`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const f of SIGNATURES) await sql`drop function if exists ${sql.raw(f)}`.execute(db);
}
