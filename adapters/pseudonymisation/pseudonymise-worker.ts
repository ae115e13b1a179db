/**
 * One thread of the pseudonymisation pool (pseudonymise-pool.ts): runs custodian-client.ts's
 * `pseudonymise` for each batch it is given, with libsodium, and answers with the pseudonyms
 * or the error's message (which never repeats an identity).
 */
import { parentPort } from 'node:worker_threads';
import { pseudonymise } from '../../protocol/pseudonymisation/custodian-client.js';
import { loadSodiumVoprfSuite } from '../../protocol/pseudonymisation/voprf-suite-sodium.js';
import type { PoolJob, PoolReply } from './pseudonymise-pool.js';

const port = parentPort;
if (!port) throw new Error('pseudonymise-worker.ts runs as a worker thread of pseudonymise-pool.ts');
const suite = loadSodiumVoprfSuite();
port.on('message', (job: PoolJob) => {
  void (async (): Promise<PoolReply> => {
    try {
      return { id: job.id, result: await pseudonymise({ ...job.opts, suite: await suite }, job.identities, job.request) };
    } catch (err) {
      return { id: job.id, error: err instanceof Error ? err.message : 'pseudonymisation failed' };
    }
  })().then((reply) => port.postMessage(reply));
});
