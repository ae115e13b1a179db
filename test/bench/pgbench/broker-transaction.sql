-- The broker's POST /v1/queries as PostgreSQL runs it since migration 0220 (issue 21 step B; 0250 keeps the signature): one
-- statement, `jpp_ask` (register read, casus, query row, lookup, rate-limit count, ONE logboek
-- entry with every partner's answer, and nine rows of the answers' index logboek_disclosures),
-- for pgbench: what PostgreSQL alone can do per second, with no Node process in front.
-- The subquery `pick` chooses one of the benchmark's casussen and one of its subjects (about
-- 0.3-0.5 ms of CPU; not part of the broker's question). No pgbench variables: pgbench takes any
-- `:name`, also inside a string literal, for one (so the counters' colons are written chr(58)),
-- and with -M extended it then binds more parameters than the statement has. The limits are the benchmark's (none reached,
-- every question still counted). The entry's text is filler of the benchmark's average size of a
-- question entry's canonical JSON less its answers (950 bytes), and each answer's (180 bytes; 2,586 bytes in all),
-- without placeholders (pgbench would read the colons in real JSON as variables); the function's
-- replacements then find nothing to replace, and the answers are joined into the entry as before.
--
-- Run against a database the benchmark kept (BENCH_KEEP_DATABASE=1 npm run bench):
--   pgbench -n -M extended -c 10 -j 2 -T 10 -f test/bench/pgbench/broker-transaction.sql <database>
-- (-c 10: the broker's pool size; -M extended: node-postgres's protocol.) broker-transaction-0210.sql
-- (nine entries) and broker-transaction-before-0210.sql (eight round trips) are the question of
-- before, for a database of a commit before migration 0220 and 0210.
select q.case_id, q.case_ref, q.subject_id, q.blocked, q.found_partners, q.found_categories
  from (select c.id as case_id, h.subject_hash as h from cases c join case_subjects s on s.case_id = c.id join case_subject_hashes h on h.subject_id = s.id
         order by c.id, h.subject_hash offset (random() * 99)::int limit 1) as pick,
  lateral jpp_ask(
  'demo-voorzitter', 'zvh-limburg-noord', 'voorzitter', now(),
  pick.case_id, null, array[pick.h], 'jpp-screening', array['aangemeld', 'in-screening', 'vervolg'],
  false, null, null,
  gen_random_uuid(), false, 1, md5(random()::text),
  array['politie', 'politie', 'gemeente-jeugdboa', 'gemeente-team-jeugd', 'gemeente-team-jeugd', 'gemeente-leerplicht', 'jeugdreclassering', 'rvdk', 'halt'],
  array['politie-registratie', 'zorgsignaal', 'boa-registratie', 'jeugdhulp-traject', 'zorgsignaal', 'leerplicht-verzuim', 'jeugdreclassering-toezicht', 'rvdk-onderzoek', 'halt-afdoening'],
  array['questions' || chr(58) || 'person' || chr(58) || 'demo-voorzitter', 'questions' || chr(58) || 'organisation' || chr(58) || 'zvh-limburg-noord'], array[1000000000, 1000000000], array[1000000000, 1000000000],
  date_trunc('minute', now()), now() - interval '1 day', (random() * 7)::int::smallint,
  '"\u0001answers"' || repeat('j', 950),
  array_fill(repeat('j', 180), array[9]),
  array['politie', 'gemeente-jeugdboa', 'gemeente-team-jeugd', 'gemeente-leerplicht', 'jeugdreclassering', 'rvdk', 'halt', 'jongerenwerk', 'pre-forensisch-jeugdwerk'],
  array[null, null, null, null, null, null, null, 'not-permitted', 'not-permitted'],
  array[]::bytea[]) as q;
