/**
 * `jpp-broker audit witness`: poll a broker and keep its checkpoints (broker/logboek/witness.ts),
 * or serve C2SP tlog-witness add-checkpoint for the logs whose stores it is given
 * (broker/logboek/witness-server.ts). Parses options and prints; docs/audit.md, section 1.
 *
 * Invariants: exit 0 when polling found no misbehaviour or serving was stopped by a signal, 2 on
 * misbehaviour (the evidence kept), 1 on usage errors. The witness's own key file is created with
 * mode 0600 and its vkey printed, for the log operator's JPP_WITNESSES.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JWK } from 'jose';
import { describeCheckpoint } from '../logboek/verify-log.js';
import { createLogClient } from '../logboek/log-client.js';
import { runWitness, witnessOnce, type WitnessOutcome } from '../logboek/witness.js';
import { parsePublicKeyFile, pinKey, readWitnessStore } from '../logboek/witness-store.js';
import { createWitnessServer, loadOrCreateWitnessKey } from '../logboek/witness-server.js';
import { stdio, UsageError, type AuditIo } from './audit-io.js';

function describeOutcome(o: WitnessOutcome): string {
  if (o.status === 'ok') {
    if (!o.latest) return 'witness: the broker has no checkpoint yet';
    const latest = describeCheckpoint({ ...(o.latest.id !== undefined ? { id: o.latest.id } : {}), treeSize: o.latest.body.treeSize });
    return `witness: ${o.added === 0 ? 'no new checkpoints' : `${o.added} new checkpoint${o.added === 1 ? '' : 's'} verified and kept`}; latest held: ${latest}${o.latest.body.time ? ` of ${o.latest.body.time}` : ''}${o.rotated ? `; now follows the log's announced new key ${o.rotated}` : ''}`;
  }
  return `MISBEHAVIOUR (${o.kind}): ${o.message}\n  evidence kept in ${o.evidence}`;
}

export interface WitnessCommandOptions {
  /** Poll this broker. */
  url?: string;
  /** Or serve C2SP tlog-witness add-checkpoint on [host:]port. */
  listen?: string;
  /** One store per log; polling takes exactly one. */
  store: string | string[];
  publicKey?: string;
  /** Serving: the witness's own key file, created with --name when absent. */
  key?: string;
  name?: string;
  once?: boolean;
  interval: string;
}

/**
 * `audit witness`; returns the exit code. Polling returns only on misbehaviour or a signal;
 * serving runs until the signal.
 */
export async function witnessCommand(opts: WitnessCommandOptions, io: AuditIo = stdio, signal?: AbortSignal): Promise<number> {
  const stores = (Array.isArray(opts.store) ? opts.store : [opts.store]).map((s) => resolve(s));
  let publicKey: { origin?: string; key: JWK } | undefined;
  if (opts.publicKey) {
    try {
      publicKey = parsePublicKeyFile(readFileSync(opts.publicKey, 'utf8'));
    } catch (err) {
      throw new UsageError(`--public-key ${opts.publicKey}: ${(err as Error).message}`);
    }
  }
  if ((opts.url === undefined) === (opts.listen === undefined)) throw new UsageError('give --url <broker> to poll a broker, or --listen <[host:]port> to serve tlog-witness add-checkpoint');
  if (opts.listen !== undefined) return serveWitness({ ...opts, listen: opts.listen }, stores, publicKey, io, signal);
  if (stores.length !== 1) throw new UsageError('polling keeps one --store');
  const interval = Number(opts.interval);
  if (!Number.isFinite(interval) || interval < 1) throw new UsageError('--interval must be a number of seconds, 1 or more');
  const base = { client: createLogClient(opts.url!), store: stores[0]!, ...(publicKey ? { publicKey } : {}) };
  if (opts.once) {
    const outcome = await witnessOnce(base);
    (outcome.status === 'ok' ? io.out : io.err)(describeOutcome(outcome));
    return outcome.status === 'ok' ? 0 : 2;
  }
  const outcome = await runWitness({
    ...base,
    intervalSeconds: interval,
    ...(signal ? { signal } : {}),
    onRound: (o) => (o.status === 'ok' ? io.out : io.err)(`${new Date().toISOString()} ${describeOutcome(o)}`),
    onError: (err) => io.err(`${new Date().toISOString()} witness: ${err.message}; trying again in ${interval} s`),
  });
  return outcome?.status === 'misbehaviour' ? 2 : 0;
}

/** Serves tlog-witness until `signal` aborts; with --public-key, first pins that log in a new store. */
async function serveWitness(
  opts: WitnessCommandOptions & { listen: string },
  stores: string[],
  publicKey: { origin?: string; key: JWK } | undefined,
  io: AuditIo,
  signal?: AbortSignal,
): Promise<number> {
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(opts.listen);
  if (!m || Number(m[2]) > 65_535) throw new UsageError('--listen must be a port or host:port');
  if (!opts.key) throw new UsageError('--listen needs --key <file>: the witness\'s own signing key (created with --name when the file does not exist)');
  for (const dir of stores) {
    let pinned = true;
    try {
      readWitnessStore(dir);
    } catch {
      pinned = false;
    }
    if (pinned) continue;
    if (!publicKey?.origin || stores.length !== 1) throw new UsageError(`${dir} follows no log yet: give --public-key <file> with the log's key and origin (GET /v1/log/public-key, or its vkey), with that one --store`);
    pinKey(dir, { origin: publicKey.origin, key: publicKey.key });
  }
  let witness;
  try {
    witness = loadOrCreateWitnessKey(resolve(opts.key), opts.name);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const server = await createWitnessServer({
    cosigner: witness.cosigner,
    stores,
    onRequest: (r) => (r.status === 200 ? io.out : io.err)(`${new Date().toISOString()} ${r.origin ?? '(unknown log)'}: ${r.status} ${r.detail}`),
  });
  try {
    const listening = await server.listen(Number(m[2]), m[1] ?? '127.0.0.1');
    const address = listening.address() as { address: string; port: number };
    io.out(`witness ${witness.cosigner.name}${witness.created ? ' (new key)' : ''} listening on http://${address.address}:${address.port}/add-checkpoint for ${stores.map((d) => readWitnessStore(d).origin).join(', ')}`);
    io.out(`its key, for the log's JPP_WITNESSES: ${witness.cosigner.vkey}`);
    await new Promise<void>((resolveStop) => {
      if (!signal) return;
      if (signal.aborted) resolveStop();
      signal.addEventListener('abort', () => resolveStop(), { once: true });
    });
  } finally {
    await server.close();
  }
  return 0;
}

