/**
 * The process's lifecycle as HTTP sees it: serving, or draining before a stop. Draining starts
 * on SIGTERM (graceful-shutdown.ts): from then on `/readyz` answers 503, so that a load balancer
 * or Kubernetes stops sending new requests, while every request that does arrive is still
 * served, with `Connection: close` so that its client does not keep the connection for the next.
 *
 * Invariants:
 * - Draining never refuses a request; it only announces the stop (readiness) and ends
 *   keep-alive connections after their current response.
 * - One lifecycle per process: a process of several platforms shares it between their brokers.
 */
import type { RequestHandler, Response } from 'express';

export interface Lifecycle {
  /** True from the start of the drain: readiness is off, connections close after their response. */
  readonly draining: boolean;
  /** Starts draining (idempotent). */
  drain(): void;
  /** Responses being written now (how many requests are in flight). */
  inFlight(): number;
  /** The middleware that tracks requests and closes their connections while draining; first in every app. */
  readonly track: RequestHandler;
}

export function createLifecycle(): Lifecycle {
  let draining = false;
  const open = new Set<Response>();
  const closeAfter = (res: Response): void => {
    // Node then sends `Connection: close` and ends the socket once this response is done.
    if (!res.headersSent) {
      res.shouldKeepAlive = false;
      res.setHeader('Connection', 'close');
    }
  };
  return {
    get draining() {
      return draining;
    },
    drain() {
      if (draining) return;
      draining = true;
      for (const res of open) closeAfter(res);
    },
    inFlight: () => open.size,
    track(_req, res, next) {
      // A request that passes through several apps (a platform under the process's front) is tracked once.
      if (!open.has(res)) {
        open.add(res);
        res.once('close', () => open.delete(res));
      }
      if (draining) closeAfter(res);
      next();
    },
  };
}
