/**
 * Stopping without dropping requests (SIGTERM from systemd, Kubernetes or `docker stop`):
 *
 * 1. Readiness turns unready (`/readyz` 503), and responses close their connections.
 * 2. For the drain delay (JPP_DRAIN_SECONDS) the listeners stay open and serve every request,
 *    new connections included: a load balancer needs a moment to see the broker unready, and
 *    may send requests until then.
 * 3. The listeners close: no new connections. Requests in flight finish; idle keep-alive
 *    connections are closed as soon as they are idle.
 * 4. When every connection is gone, or JPP_SHUTDOWN_TIMEOUT_SECONDS after step 3, the broker
 *    closes (sequencer, retention schedule, database) and the process exits.
 *
 * Invariants:
 * - No request that arrived before readiness turned unready is cut off, unless it runs past
 *   the shutdown timeout.
 * - The database closes only after the last request that could use it.
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Lifecycle } from './lifecycle.js';

export interface ShutdownOptions {
  readonly lifecycle: Lifecycle;
  /** Every listener of the process (HTTP, mTLS). */
  readonly servers: ReadonlyArray<Pick<Server, 'close' | 'closeIdleConnections' | 'closeAllConnections'>>;
  readonly drainMs: number;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Closes the broker(s) after the last connection. */
  readonly close: () => Promise<void>;
}

/** Runs the shutdown; resolves true when every connection ended by itself, false at the timeout. */
export async function shutDownGracefully(o: ShutdownOptions): Promise<boolean> {
  o.lifecycle.drain();
  o.logger.info({ drainSeconds: o.drainMs / 1000, inFlight: o.lifecycle.inFlight() }, 'draining: not ready; still serving');
  await new Promise((r) => setTimeout(r, o.drainMs));

  o.logger.info({ inFlight: o.lifecycle.inFlight() }, 'closing the listeners; waiting for requests in flight');
  const closed = o.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
  // A keep-alive connection that finished its last response is idle: close it now, not after
  // Node's keep-alive timeout.
  const idle = setInterval(() => {
    for (const s of o.servers) s.closeIdleConnections();
  }, 50);
  let clean = true;
  const timeout = new Promise<void>((resolve) =>
    setTimeout(() => {
      clean = false;
      resolve();
    }, o.timeoutMs).unref(),
  );
  await Promise.race([Promise.all(closed), timeout]);
  clearInterval(idle);
  if (!clean) {
    o.logger.warn({ inFlight: o.lifecycle.inFlight() }, 'shutdown timeout: closing the remaining connections');
    for (const s of o.servers) s.closeAllConnections();
  }
  await o.close();
  return clean;
}
