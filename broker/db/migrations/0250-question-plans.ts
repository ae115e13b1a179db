/**
 * The question's statement planned once (issue 21, item 1): the three functions of the question
 * (migrations 0210 and 0220) again, doing the same work, written so that PostgreSQL plans them
 * once per connection instead of on every question. Measured with perf on a PostgreSQL 15
 * backend answering pgbench's question (test/bench/pgbench/broker-transaction.sql): planning was
 * about half of its CPU, 2.3 ms per question, from two causes; this version takes about 1.3 ms
 * (docs/performance.md, "The question's plans cached").
 *
 * - `jpp_person_confirmed` and `jpp_question_entry` were SQL functions whose body holds a
 *   subquery, which PostgreSQL before 18 neither inlines nor caches: every call parsed, analysed
 *   and planned the body again (`fmgr_sql`, a quarter of the backend's CPU). As PL/pgSQL
 *   functions their one statement is prepared once per connection. Same arguments, same result.
 * - `jpp_ask`'s statements are PL/pgSQL's cached plans, but PostgreSQL chose a custom plan, made
 *   anew for each call, for most of them (`GetCachedPlan`, another quarter). The function now
 *   runs with `plan_cache_mode = force_generic_plan`, so each statement is planned once. Every
 *   statement's generic plan is an index scan (the lookup on `signals_lookup_ix`); the one whose
 *   generic plan was a sequential scan, the casus read by id or by reference in one `OR`, is two
 *   statements now, one per key. Everything else, the refusals (JQ001–JQ007) included, is as in
 *   0220.
 *
 * Least privilege as in 0210 and 0220: SECURITY INVOKER, EXECUTE revoked from PUBLIC and granted
 * to the runtime role only (`create or replace` keeps a function's grants; they are set again so
 * that this migration does not depend on that). `plan_cache_mode` is a setting any role may set.
 *
 * Frozen: imports nothing of the domain.
 */
import { sql, type Kysely } from 'kysely';

const RUNTIME_ROLE = 'jpp_broker_runtime';

const CONFIRMED_SIGNATURE = 'jpp_person_confirmed(text, text, text, timestamptz)';

const ENTRY_SIGNATURE = 'jpp_question_entry(text, text[], text[], text[], text[], text[], text, uuid, boolean)';

const ASK_SIGNATURE = `jpp_ask(text, text, text, timestamptz, uuid, text, bytea[], text, text[], boolean, uuid, uuid, uuid, boolean, integer, text,
    text[], text[], text[], integer[], integer[], timestamptz, timestamptz, smallint, text, text[], text[], text[], bytea[])`;

// The register's confirmation of the access gate, the same conditions as 0210's.
const CONFIRMED = sql.raw(`
  create or replace function jpp_person_confirmed(p_person text, p_organisation text, p_role text, p_now timestamptz)
  returns boolean language plpgsql stable security invoker as $$
  begin
    return exists (
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
         and (r.valid_until is null or r.valid_until > p_now));
  end
  $$`);

// The entry's text from the texts Node built with placeholders, as 0220's.
const ENTRY = sql.raw(`
  create or replace function jpp_question_entry(
    p_entry text, p_answers text[], p_partners text[], p_outcomes text[], p_found_partners text[], p_found_categories text[],
    p_case_ref text, p_case_id uuid, p_blocked boolean)
  returns text language plpgsql immutable security invoker as $$
  begin
    return replace(replace(replace(replace(p_entry,
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
      '"\\u0001caseRef"', to_jsonb(p_case_ref)::text);
  end
  $$`);

// The question, as 0220's, with the casus read split by key and its statements planned once.
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
  language plpgsql volatile security invoker
  set plan_cache_mode = force_generic_plan
  as $$
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
    if p_case_id is not null then
      select k.id, k.case_ref, k.doel, k.status into c from cases k where k.id = p_case_id;
    else
      select k.id, k.case_ref, k.doel, k.status into c from cases k where k.case_ref = p_case_ref;
    end if;
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
  await CONFIRMED.execute(db);
  await ENTRY.execute(db);
  await ASK.execute(db);
  for (const f of [CONFIRMED_SIGNATURE, ENTRY_SIGNATURE, ASK_SIGNATURE]) {
    await sql`revoke execute on function ${sql.raw(f)} from public`.execute(db);
    await sql`grant execute on function ${sql.raw(f)} to ${sql.id(RUNTIME_ROLE)}`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migration 0250 cannot be reverted: it replaces the question\'s functions of 0220, which it does not keep');
}
