/**
 * One statement on the PostgreSQL server as its administrator (`CREATE DATABASE`, `DROP DATABASE`,
 * `CREATE ROLE`): its own connection, closed afterwards, because such statements cannot run inside
 * a transaction or on a database that is about to be copied or dropped.
 */
import pg from 'pg';

export async function adminStatement(adminUrl: string, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}
