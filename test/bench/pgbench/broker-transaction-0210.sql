-- The broker's POST /v1/queries as PostgreSQL ran it from migration 0210 to 0220: one statement,
-- `jpp_ask` (register read, casus, query row, lookup, rate-limit count, nine logboek entries),
-- kept for the record: migration 0220 replaced that function, so this script runs only against a
-- database of a commit before it (broker-transaction.sql is the question since 0220).
-- for pgbench: what PostgreSQL alone can do per second, with no Node process in front.
-- The first statement picks one of the benchmark's casussen and one of its subjects; it is not
-- part of the broker's question (pgbench cannot keep such values per client), so this script
-- runs two statements where the broker sends one. The limits are the benchmark's (none reached,
-- every question still counted). An entry's content is 756 filler bytes, the benchmark's
-- average size of the canonical JSON, without placeholders (pgbench would read the colons in
-- real JSON as variables); the function's replacements then find nothing to replace.
--
-- Run against a database the benchmark kept (BENCH_KEEP_DATABASE=1 npm run bench):
--   pgbench -n -M extended -c 10 -j 2 -T 10 -f test/bench/pgbench/broker-transaction.sql <database>
-- (-c 10: the broker's pool size; -M extended: node-postgres's protocol.) To compare, run
-- broker-transaction-before-0210.sql, the eight round trips of before, the same way.
\set n random(0, 99)
select c.id as case_id, h.subject_hash as h from cases c join case_subjects s on s.case_id = c.id join case_subject_hashes h on h.subject_id = s.id order by c.id, h.subject_hash offset :n limit 1 \gset
select case_id, case_ref, subject_id, blocked, found_partners, found_categories from jpp_ask(
  'demo-voorzitter', 'zvh-limburg-noord', 'voorzitter', now(),
  :case_id::uuid, null, array[:h::bytea], 'jpp-screening', array['aangemeld', 'in-screening', 'vervolg'],
  false, null, null,
  gen_random_uuid(), false, 1, md5(random()::text),
  array['politie', 'politie', 'gemeente-jeugdboa', 'gemeente-team-jeugd', 'gemeente-team-jeugd', 'gemeente-leerplicht', 'jeugdreclassering', 'rvdk', 'halt'],
  array['politie-registratie', 'zorgsignaal', 'boa-registratie', 'jeugdhulp-traject', 'zorgsignaal', 'leerplicht-verzuim', 'jeugdreclassering-toezicht', 'rvdk-onderzoek', 'halt-afdoening'],
  array['questions:person:demo-voorzitter', 'questions:organisation:zvh-limburg-noord'], array[1000000000, 1000000000], array[1000000000, 1000000000],
  date_trunc('minute', now()), now() - interval '1 day', (random() * 7)::int::smallint,
  array_fill(repeat('j', 756), array[9]),
  array['politie', 'gemeente-jeugdboa', 'gemeente-team-jeugd', 'gemeente-leerplicht', 'jeugdreclassering', 'rvdk', 'halt', 'jongerenwerk', 'pre-forensisch-jeugdwerk'],
  array[null, null, null, null, null, null, null, 'not-permitted', 'not-permitted'],
  array[]::bytea[]);
