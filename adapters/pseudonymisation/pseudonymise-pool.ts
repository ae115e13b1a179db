/**
 * Pseudonymisation on worker threads (Node only): each worker runs the same pipeline as
 * `pseudonymise` in custodian-client.ts (normalise, blind, have the custodian evaluate, verify
 * the batch proof against the pinned key, finalise), with libsodium, one batch at a time per
 * call. Blinding and finalising cost the adapter about five ristretto255 operations per
 * identity; in one thread they keep the import below what the machine and the custodian can do
 * (docs/performance.md, scenario 6), so a nightly import spreads them over the partner
 * machine's cores.
 *
 * Invariants:
 * - Identities never leave the process: they are passed to threads of this process, and only
 *   blinded elements leave it, as in one thread.
 * - A batch's pseudonyms come back in its order, verified as in custodian-client.ts; a batch
 *   that fails rejects its own promise only, and the pool goes on.
 * - Error messages never repeat an identity (they are custodian-client.ts's own).
 */
import { Worker } from 'node:worker_threads';
import type { IdentityInput } from '../../protocol/pseudonymisation/normalise-identity.js';
import type { PseudonymiseResult } from '../../protocol/pseudonymisation/custodian-client.js';

/** The custodian options a worker can take (plain data; each worker loads its own libsodium suite). */
export interface PoolCustodianOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly pinned?: Readonly<Record<number, string>>;
}

export interface PseudonymisePool {
  readonly threads: number;
  pseudonymise(opts: PoolCustodianOptions, identities: readonly IdentityInput[], request?: { epoch?: number; doel?: string }): Promise<PseudonymiseResult>;
  /** Stops the threads; calls still running are rejected. */
  close(): Promise<void>;
}

export interface PoolJob {
  readonly id: number;
  readonly opts: PoolCustodianOptions;
  readonly identities: readonly IdentityInput[];
  readonly request: { epoch?: number; doel?: string };
}

export type PoolReply = { readonly id: number; readonly result: PseudonymiseResult } | { readonly id: number; readonly error: string };

/**
 * Compiled (dist/, what the CLI runs), the worker is plain JavaScript next to this module.
 * From the TypeScript sources (tests, benchmarks) each worker first registers tsx, a
 * development dependency: workers do not inherit the parent's loader.
 */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const WORKER = new URL(`./pseudonymise-worker${FROM_SOURCES ? '.ts' : '.js'}`, import.meta.url);

function startWorker(): Worker {
  if (!FROM_SOURCES) return new Worker(WORKER);
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER.href)}); })`;
  return new Worker(bootstrap, { eval: true });
}

export function createPseudonymisePool(threads: number): PseudonymisePool {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError('a pseudonymisation pool needs at least one thread');
  let nextId = 0;
  const pending = new Map<number, { resolve: (r: PseudonymiseResult) => void; reject: (err: Error) => void; worker: number }>();
  const load = new Array<number>(threads).fill(0);
  const failAll = (worker: number, err: Error): void => {
    for (const [id, p] of pending) {
      if (p.worker !== worker) continue;
      pending.delete(id);
      load[worker]! -= 1;
      p.reject(err);
    }
  };
  const workers = Array.from({ length: threads }, (_, w) => {
    const worker = startWorker();
    worker.on('message', (reply: PoolReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      load[w]! -= 1;
      if ('error' in reply) p.reject(new Error(reply.error));
      else p.resolve(reply.result);
    });
    worker.on('error', (err) => failAll(w, err));
    worker.on('exit', (code) => failAll(w, new Error(`a pseudonymisation thread stopped (exit code ${code})`)));
    return worker;
  });

  return {
    threads,
    pseudonymise(opts, identities, request = {}) {
      // The least busy thread: batches take about as long as each other.
      const w = load.indexOf(Math.min(...load));
      const id = nextId++;
      load[w]! += 1;
      return new Promise<PseudonymiseResult>((resolve, reject) => {
        pending.set(id, { resolve, reject, worker: w });
        const job: PoolJob = { id, opts: { baseUrl: opts.baseUrl, token: opts.token, ...(opts.pinned ? { pinned: { ...opts.pinned } } : {}) }, identities, request };
        workers[w]!.postMessage(job);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
