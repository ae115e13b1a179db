/**
 * The jpp-adapter SDK: the same code the `jpp-adapter` CLI runs, for a partner's own
 * system that wants to submit signals without the CLI. docs/adapters.md shows its use.
 *
 * - `runImport` reads an export with a mapping and does everything the nightly import
 *   does (pseudonymise, sign, submit, withdraw, journal, resume).
 * - The parts, for a system that has its own records in memory: `mapRow`,
 *   `pseudonymise` (through the key custodian), `createBatchSigner`, `submitSignedBatch`,
 *   `withdrawSignal`, and the tasks of verzoeken van betrokkenen: `listVerzoekTaken`,
 *   `answerVerzoekTaak`.
 */
export { runImport, type ImportOptions, type ImportReport, type ImportProgress, type ImportMode, type RowRejection } from './import/run-import.js';
export { loadMapping, checkMapping, MappingError, type AdapterMapping } from './import/mapping.js';
export { mapRow, type MappedSignal, type RowOutcome } from './import/map-row.js';
export { readExport, type ExportRow } from './import/read-export.js';
export { openJournal, type AdapterState } from './import/journal.js';
export { createBatchSigner, loadBatchSigner, type BatchSigner } from './transport/sign-batch.js';
export {
  submitBatch,
  submitSignedBatch,
  withdrawSignal,
  listVerzoekTaken,
  answerVerzoekTaak,
  tlsFromDir,
  BrokerRefusal,
  type BrokerClientOptions,
  type BatchResult,
  type VerzoekTaak,
  type TaakAnswer,
  type ClientTls,
} from './broker-client.js';
export { pseudonymise, fetchCustodianKeys, type CustodianClientOptions } from '../protocol/pseudonymisation/custodian-client.js';
export { loadSodiumVoprfSuite } from '../protocol/pseudonymisation/voprf-suite-sodium.js';
export { createPseudonymisePool, type PseudonymisePool, type PoolCustodianOptions } from './pseudonymisation/pseudonymise-pool.js';
export type { IdentityInput } from '../protocol/pseudonymisation/normalise-identity.js';
export { generateExamples, type ExamplesOptions } from './examples/generate-examples.js';
