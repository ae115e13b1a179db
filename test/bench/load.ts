/**
 * One load run with autocannon: POST /v1/queries for a fixed time over a number of
 * connections, each request taking the next body of a rotating list (so consecutive
 * requests ask about different subjects and casussen).
 */
import autocannon from 'autocannon';

export interface LoadOptions {
  readonly url: string;
  readonly path: string;
  readonly bodies: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly durationSeconds: number;
  readonly connections: number;
}

export interface LoadResult {
  /** Mean requests per second (autocannon's "Req/Sec Avg"). */
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyMaxMs: number;
  /** Responses received. */
  readonly total: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly durationSeconds: number;
}

let running: autocannon.Instance | undefined;
let stopped = false;

/** Stops the run in progress, if any, and refuses new ones (for ctrl-c): their promises reject. */
export function stopLoad(): void {
  stopped = true;
  running?.stop();
}

export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  let next = 0;
  return new Promise((resolve, reject) => {
    if (stopped) {
      reject(new Error('load stopped'));
      return;
    }
    running = autocannon(
      {
        url: opts.url,
        connections: opts.connections,
        duration: opts.durationSeconds,
        requests: [
          {
            method: 'POST',
            path: opts.path,
            headers: { 'content-type': 'application/json', ...opts.headers },
            setupRequest: (req) => {
              req.body = opts.bodies[next++ % opts.bodies.length]!;
              return req;
            },
          },
        ],
      },
      (err, result) => {
        running = undefined;
        if (err || stopped) {
          reject(err ?? new Error('load stopped'));
          return;
        }
        resolve({
          requestsPerSecond: result.requests.average,
          latencyP50Ms: result.latency.p50,
          latencyP99Ms: result.latency.p99,
          latencyMaxMs: result.latency.max,
          total: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors,
          durationSeconds: result.duration,
        });
      },
    );
  });
}
