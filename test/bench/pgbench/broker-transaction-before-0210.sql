-- The broker's POST /v1/queries transaction as it was before migration 0210 (kept to compare
-- with broker-transaction.sql, the one statement), as plain SQL, for pgbench: what PostgreSQL
-- alone can do per second, with no Node process in front. The statements are those the
-- broker sent as of commit 060d08b (later also a rate-limit count, not included here): BEGIN; the person/role check; the case upsert and
-- read; the query insert; the hit lookup; one 9-row logboek_entries insert (one entry per
-- partner); COMMIT. Not included: the sequencer's later, batched work (leaf hashes, tree
-- nodes, checkpoints). Values are constants or random; random subjects mostly miss, as
-- half the benchmark's do. An entry's content is 756 filler bytes, the benchmark's average
-- size of the canonical JSON (pgbench would read the colons in real JSON as variables).
--
-- Run against a database the benchmark kept (BENCH_KEEP_DATABASE=1 npm run bench):
--   pgbench -n -M extended -c 10 -j 2 -T 10 -f test/bench/pgbench/broker-transaction.sql <database>
-- (-c 10: the broker's pool size; -M extended: node-postgres's protocol.)
\set n random(0, 99)
BEGIN;
select "people"."id" from "people" inner join "person_roles" on "person_roles"."person_id" = "people"."id" where "people"."id" = 'demo-voorzitter' and "people"."organisation_id" = 'zvh-limburg-noord' and "people"."active" = true and "person_roles"."role_id" = 'voorzitter';
insert into "cases" ("case_ref", "doel", "opened_by") values ('bench-case-' || :n, 'jpp-screening', 'demo-voorzitter') on conflict ("case_ref") do nothing returning "id", "doel";
select "id" as case_id, "doel" from "cases" where "case_ref" = 'bench-case-' || :n \gset
insert into "queries" ("id", "case_id", "asked_by", "organisation_id", "role_id", "doel", "subject_hash", "consent", "policy_version_id", "trace_id", "asked_at") values (gen_random_uuid(), :case_id, 'demo-voorzitter', 'zvh-limburg-noord', 'voorzitter', 'jpp-screening', decode(md5(random()::text) || md5(random()::text), 'hex'), false, 1, md5(random()::text), now()) returning id as qid, subject_hash as h \gset
select distinct "partner_id", "category" from "signals" where "subject_hash" = :h::bytea and ("partner_id", "category") in (('politie', 'politie-registratie'), ('politie', 'zorgsignaal'), ('gemeente-jeugdboa', 'boa-registratie'), ('gemeente-team-jeugd', 'jeugdhulp-traject'), ('gemeente-team-jeugd', 'zorgsignaal'), ('gemeente-leerplicht', 'leerplicht-verzuim'), ('jeugdreclassering', 'jeugdreclassering-toezicht'), ('rvdk', 'rvdk-onderzoek'), ('halt', 'halt-afdoening')) and "registered_at" <= now() and "expires_at" > now();
insert into "logboek_entries" ("content", "action", "logged_at", "actor_id", "organisation_id", "role_id", "partner_id", "doel", "case_ref", "outcome", "subject_hash", "query_id", "trace_id")
select repeat('j', 756), 'disclosure', now(), 'demo-voorzitter', 'zvh-limburg-noord', 'voorzitter', p, 'jpp-screening', 'bench-case-' || :n, o, :h::bytea, :qid::uuid, 'f6582aca53ab9976113f1e18ebd613af'
from (values ('politie','no-hit'),('gemeente-jeugdboa','no-hit'),('gemeente-team-jeugd','no-hit'),('gemeente-leerplicht','no-hit'),('jeugdreclassering','no-hit'),('rvdk','no-hit'),('halt','no-hit'),('jongerenwerk','not-permitted'),('pre-forensisch-jeugdwerk','not-permitted')) v(p, o);
COMMIT;
