/**
 * A child process that opens the embedded database in the DATA_DIR given as its argument,
 * writes a row, prints "holding <pid>" and keeps the database open until it is killed
 * (test/db/embedded-crash.test.ts kills it with SIGKILL).
 */
import { sql } from 'kysely';
import { openDatabase } from '../../broker/db/database.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: hold-embedded-database.ts <data dir>');
const handle = await openDatabase({ kind: 'pglite', dataDir });
await sql`create table if not exists crash_probe (note text not null)`.execute(handle.db);
await sql`insert into crash_probe (note) values ('written before the crash')`.execute(handle.db);
process.stdout.write(`holding ${process.pid}\n`);
setInterval(() => undefined, 60_000);
