-- The benchmark baseline's statement alone, for pgbench: the broker's hit lookup for a
-- random (so mostly unknown) subject. The subject is computed in a sub-select so that it
-- is evaluated once and the index is used.
--
--   pgbench -n -M extended -c 10 -j 2 -T 10 -f test/bench/pgbench/lookup.sql <database>
select distinct "partner_id", "category" from "signals" where "subject_hash" = (select decode(md5(random()::text) || md5(random()::text), 'hex')) and ("partner_id", "category") in (('politie', 'politie-registratie'), ('politie', 'zorgsignaal'), ('gemeente-jeugdboa', 'boa-registratie'), ('gemeente-team-jeugd', 'jeugdhulp-traject'), ('gemeente-team-jeugd', 'zorgsignaal'), ('gemeente-leerplicht', 'leerplicht-verzuim'), ('jeugdreclassering', 'jeugdreclassering-toezicht'), ('rvdk', 'rvdk-onderzoek'), ('halt', 'halt-afdoening')) and "registered_at" <= now() and "expires_at" > now();
