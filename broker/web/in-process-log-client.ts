/**
 * The logboek's LogClient (log-client.ts) over the read service in this process, for one
 * logged-in person. Why: the web pages export and verify with the same code as the audit
 * CLI, while every page read still goes through the service's access check and is logged
 * (as log-export or log-verify) with the person's name on it.
 */
import type { LogClient } from '../logboek/log-client.js';
import type { LogboekReadService } from '../logboek/logboek-read.service.js';
import type { PersonPrincipal } from '../auth/principal.js';

export function inProcessLogClient(
  service: LogboekReadService,
  principal: PersonPrincipal,
  traceId: string,
  purpose: 'read' | 'export' | 'verify',
  publicUrl: string,
): LogClient {
  return {
    url: publicUrl,
    publicKey: async () => ({ origin: service.origin(), key: service.publicKey() }),
    checkpoints: (after, limit = 1000) => service.checkpoints(after, limit),
    latestCheckpoint: () => service.latestCheckpoint(),
    inclusionProof: (index, treeSize) => service.inclusionProof(index, treeSize),
    consistencyProof: (size1, size2) => service.consistencyProof(size1, size2),
    entries: (fromSeq, limit) => service.entries(principal, fromSeq, limit, traceId, purpose),
  };
}
