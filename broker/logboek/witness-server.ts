/**
 * A C2SP tlog-witness server (https://c2sp.org/tlog-witness): `POST <prefix>/add-checkpoint`, which
 * any C2SP log (the broker's pusher, witness-pusher.ts, or another implementation) calls with a
 * checkpoint and a consistency proof from the size the witness last cosigned. The witness checks
 * it (witness-checks.ts), keeps it in the store of that log (witness-store.ts), and answers with
 * its cosignature (cosignature.ts, cosignature/v1).
 *
 * Answers, as the spec lays down: 400 malformed (or an old size beyond the checkpoint's, or a proof
 * from size 0); 404 an origin this witness does not follow; 403 no valid signature by the log's
 * pinned key; 409 with `<size>\n` (text/x.tlog.size) when the old size is not the size it holds, or
 * another root for the size it holds; 422 a consistency proof that does not verify; 200 the
 * cosignature line.
 *
 * Invariants:
 * - It never cosigns two different trees of one size, nor a tree smaller than one it cosigned: a
 *   checkpoint is cosigned only after the old size equals the latest size it holds and the proof
 *   from there verifies (or the roots of equal sizes are equal), and it is kept, synced to disk,
 *   before the answer is sent. Per log, requests are handled one at a time, and the store is
 *   locked against other processes for as long as the server runs.
 * - A second root for a size it holds, validly signed, is proof of a fork: the witness keeps the
 *   evidence, raises the alarm, and cosigns nothing more for that log until a person removes it.
 *   A proof that does not verify is kept as evidence too, without the alarm (it may be a fault).
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import express, { type Request, type Response } from 'express';
import type { JWK } from 'jose';
import { checkpointIdentity, type SignedCheckpoint } from './checkpoint-forms.js';
import { parseCheckpointText } from './checkpoint-note.js';
import { createCosigner, type Cosigner } from './cosignature.js';
import { NoteError, parseNote } from './signed-note.js';
import { checkAgainstHeld, checkSignature } from './witness-checks.js';
import { formatTlogSize, parseAddCheckpoint, TLOG_SIZE_CONTENT_TYPE, WitnessProtocolError, type AddCheckpointRequest } from './witness-protocol.js';
import { keepCheckpoint, keepEvidence, lockStore, readWitnessStore, rotateKey, type HeldCheckpoint } from './witness-store.js';

/** The witness's own key file: its name and Ed25519 private JWK (mode 0600). */
export interface WitnessKeyFile {
  readonly name: string;
  readonly key: JWK;
}

/** Reads the witness's key, or creates one named `name` when the file does not exist yet. */
export function loadOrCreateWitnessKey(file: string, name?: string): { cosigner: Cosigner; created: boolean } {
  if (existsSync(file)) {
    const k = JSON.parse(readFileSync(file, 'utf8')) as WitnessKeyFile;
    if (name !== undefined && name !== k.name) throw new Error(`${file} holds the key of witness ${k.name}, not ${name}`);
    return { cosigner: createCosigner(k.name, k.key as { d: string; x: string }), created: false };
  }
  if (!name) throw new Error(`${file} does not exist: give --name <name> (a schema-less URL, e.g. witness.example.nl/jurist) to create the witness's key`);
  const key = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as JWK;
  const cosigner = createCosigner(name, key as { d: string; x: string });
  writeFileSync(file, `${JSON.stringify({ name, key }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return { cosigner, created: true };
}

export interface WitnessRequestOutcome {
  readonly origin?: string;
  readonly status: number;
  /** What happened, for the operator's log: sizes and kinds, no content. */
  readonly detail: string;
}

export interface WitnessServer {
  /** Handles one add-checkpoint body; exported for tests and for mounting elsewhere. */
  addCheckpoint(body: string): Promise<{ status: number; contentType: string; body: string; outcome: WitnessRequestOutcome }>;
  /** The express app: POST /add-checkpoint. */
  readonly app: express.Express;
  /** Starts listening; resolves with the server. */
  listen(port: number, host?: string): Promise<Server>;
  /** Stops listening and releases the stores' locks. */
  close(): Promise<void>;
}

/**
 * A witness over the given stores (one per log, each already pinned to its log's key). Takes
 * their locks; `close()` releases them.
 */
export async function createWitnessServer(o: { cosigner: Cosigner; stores: readonly string[]; now?: () => Date; onRequest?: (r: WitnessRequestOutcome) => void }): Promise<WitnessServer> {
  const now = o.now ?? (() => new Date());
  const releases: Array<() => Promise<void>> = [];
  const byOrigin = new Map<string, string>();
  try {
    for (const dir of o.stores) {
      const store = readWitnessStore(dir);
      if (byOrigin.has(store.origin)) throw new Error(`two stores follow ${store.origin}: ${byOrigin.get(store.origin)} and ${dir}`);
      releases.push(await lockStore(dir));
      byOrigin.set(store.origin, dir);
    }
  } catch (err) {
    for (const r of releases) await r();
    throw err;
  }
  const queues = new Map<string, Promise<unknown>>();
  const serial = <T>(origin: string, f: () => Promise<T>): Promise<T> => {
    const next = (queues.get(origin) ?? Promise.resolve()).then(f, f);
    queues.set(origin, next.catch(() => undefined));
    return next;
  };

  const text = (status: number, body: string, outcome: WitnessRequestOutcome, contentType = 'text/plain; charset=utf-8') => ({ status, contentType, body, outcome });

  async function handle(req: AddCheckpointRequest, origin: string, dir: string) {
    let store = readWitnessStore(dir);
    if (store.alarm) return text(409, `this witness found misbehaviour by ${origin} and cosigns nothing until it is investigated\n`, { origin, status: 409, detail: `alarm: ${store.alarm.kind}` });
    const received: SignedCheckpoint = { note: req.checkpoint };
    const signed = await checkSignature(received, { origin: store.origin, key: store.key });
    if (!signed.ok) return text(403, 'no valid signature by the log\'s key\n', { origin, status: 403, detail: signed.message });
    const facts = signed.facts;
    if (req.oldSize > facts.treeSize) return text(400, 'the old size is larger than the checkpoint\'s\n', { origin, status: 400, detail: `old ${req.oldSize} > size ${facts.treeSize}` });
    const held = store.checkpoints;
    const latest = held[held.length - 1];
    const latestSize = latest?.body.treeSize ?? 0;
    if (req.oldSize !== latestSize) {
      return text(409, formatTlogSize(latestSize), { origin, status: 409, detail: `old ${req.oldSize}, holds ${latestSize}` }, TLOG_SIZE_CONTENT_TYPE);
    }
    if (req.oldSize === 0 && req.proof.length > 0) return text(400, 'a proof from size 0 must be empty\n', { origin, status: 400, detail: 'proof from size 0' });
    const checked = checkAgainstHeld(received, facts, held, { followChain: false, proof: req.proof });
    if (!checked.ok) {
      const fork = checked.kind === 'fork';
      keepEvidence(dir, origin, now(), { kind: checked.kind, message: checked.message, held: checked.held, received, extra: { oldSize: req.oldSize, ...checked.extra } }, fork);
      return fork
        ? text(409, formatTlogSize(latestSize), { origin, status: 409, detail: checked.message }, TLOG_SIZE_CONTENT_TYPE)
        : text(422, 'the consistency proof does not verify\n', { origin, status: 422, detail: checked.message });
    }
    const noteText = parseNote(req.checkpoint).text;
    const line = o.cosigner.cosign(noteText, Math.floor(now().getTime() / 1000));
    if (!held.some((h) => checkpointIdentity(h) === checkpointIdentity(received))) {
      const { form, ...rest } = facts;
      const keep: HeldCheckpoint = { note: req.checkpoint, body: { ...rest, form }, witnessedAt: now().toISOString(), cosignature: line };
      keepCheckpoint(dir, keep);
    }
    if (signed.rotateTo) {
      rotateKey(store, signed.rotateTo, { time: now().toISOString(), treeSize: facts.treeSize });
      store = readWitnessStore(dir);
    }
    return text(200, line, { origin, status: 200, detail: `cosigned size ${facts.treeSize}${signed.rotateTo ? `; now follows the announced key ${store.pinned.vkey}` : ''}` });
  }

  async function addCheckpoint(body: string) {
    let req: AddCheckpointRequest;
    let origin: string;
    try {
      req = parseAddCheckpoint(body);
      origin = parseCheckpointText(parseNote(req.checkpoint).text).origin;
    } catch (err) {
      if (err instanceof WitnessProtocolError || err instanceof NoteError) return text(400, `malformed: ${err.message}\n`, { status: 400, detail: err.message });
      throw err;
    }
    const dir = byOrigin.get(origin);
    if (!dir) return text(404, 'this witness does not follow that log\n', { origin, status: 404, detail: 'unknown origin' });
    return serial(origin, () => handle(req, origin, dir));
  }

  const app = express();
  app.disable('x-powered-by');
  app.post('/add-checkpoint', express.text({ type: () => true, limit: '64kb' }), async (req: Request, res: Response) => {
    const r = await addCheckpoint(typeof req.body === 'string' ? req.body : '');
    o.onRequest?.(r.outcome);
    // Set on the node response, and sent as bytes: express would add a charset to
    // text/x.tlog.size, which the spec names bare.
    res.status(r.status).setHeader('Content-Type', r.contentType);
    res.send(Buffer.from(r.body, 'utf8'));
  });

  let server: Server | undefined;
  return {
    addCheckpoint,
    app,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
        server = s;
      }),
    async close() {
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      for (const r of releases) await r();
    },
  };
}
