/**
 * Several broker processes on one PostgreSQL database: when any of them activates a
 * policy version, it sends `NOTIFY jpp_policy` in the activation's transaction (delivered
 * on commit); every process LISTENs on a connection of its own and reloads the active
 * version at once. PGlite is one process: it reloads in-process and needs no listener.
 *
 * Invariants:
 * - A lost connection is re-established (after a second), and the process reloads then,
 *   since a notification sent meanwhile is lost.
 * - The notification carries only a version id; the truth is always read from the database.
 *
 * https://www.postgresql.org/docs/15/sql-notify.html
 */
import pg from 'pg';
import type { Logger } from 'pino';

export const POLICY_CHANNEL = 'jpp_policy';

export interface PolicyListener {
  close(): Promise<void>;
}

export async function listenForPolicyChanges(url: string, onChange: () => Promise<void>, logger: Logger): Promise<PolicyListener> {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const reload = (): void => {
    onChange().catch((err: unknown) => logger.error({ err }, 'reloading the active policy failed'));
  };
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (msg) => {
      if (msg.channel === POLICY_CHANNEL) reload();
    });
    c.on('error', (err) => {
      logger.warn({ err }, 'the policy listener lost its connection; reconnecting');
      c.end().catch(() => undefined);
      schedule();
    });
    await c.connect();
    await c.query(`LISTEN ${POLICY_CHANNEL}`);
    client = c;
  };
  const schedule = (): void => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect()
        .then(reload)
        .catch((err: unknown) => {
          logger.warn({ err }, 'the policy listener could not reconnect; trying again');
          schedule();
        });
    }, 1000);
    retry.unref();
  };

  await connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
