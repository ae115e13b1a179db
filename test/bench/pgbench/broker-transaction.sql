-- The broker's POST /v1/queries as PostgreSQL runs it since migration 0220 (issue 21 step B): one
-- statement, `jpp_ask` (register read, casus, query row, lookup, rate-limit count, ONE logboek
-- entry with every partner's answer, and nine rows of the answers' index logboek_disclosures),
-- for pgbench: what PostgreSQL alone can do per second, with no Node process in front.
-- The first statement picks one of the benchmark's casussen and one of its subjects; it is not
-- part of the broker's question (pgbench cannot keep such values per client), so this script
-- runs two statements where the broker sends one. The limits are the benchmark's (none reached,
-- every question still counted). The entry's text is filler of the benchmark's average size of a
-- question entry's canonical JSON less its answers (700 bytes), and each answer's 150 bytes,
-- without placeholders (pgbench would read the colons in real JSON as variables); the function's
-- replacements then find nothing to replace, and the answers are joined into the entry as before.
--
-- Run against a database the benchmark kept (BENCH_KEEP_DATABASE=1 npm run bench):
--   pgbench -n -M extended -c 10 -j 2 -T 10 -f test/bench/pgbench/broker-transaction.sql <database>
-- (-c 10: the broker's pool size; -M extended: node-postgres's protocol.) broker-transaction-0210.sql
-- (nine entries) and broker-transaction-before-0210.sql (eight round trips) are the question of
-- before, for a database of a commit before migration 0220 and 0210.
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
  '"\u0001answers"' || repeat('j', 700),
  array_fill(repeat('j', 150), array[9]),
  array['politie', 'gemeente-jeugdboa', 'gemeente-team-jeugd', 'gemeente-leerplicht', 'jeugdreclassering', 'rvdk', 'halt', 'jongerenwerk', 'pre-forensisch-jeugdwerk'],
  array[null, null, null, null, null, null, null, 'not-permitted', 'not-permitted'],
  array[]::bytea[]);
