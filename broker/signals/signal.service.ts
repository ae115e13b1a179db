/**
 * Signal intake (POST /v1/signals) and withdrawal (DELETE /v1/signals/{ref}).
 *
 * Invariants:
 * - Only an adapter may submit, and only for its own partner and the categories that
 *   partner holds (platform definition).
 * - A body that fails the schema or holds an identity-looking value is refused whole;
 *   nothing is stored. Signals that are well-formed but unusable (dates out of order,
 *   already expired, beyond the platform's validity) are rejected one by one, with a reason.
 * - A batch is idempotent on (partner, batchId): a retry returns the first result and
 *   stores nothing twice; the same batchId with other content is a conflict.
 * - Subjects are hashed with k_db before they reach a repository.
 * - Every stored signal has its record in the logboek, in the batch's transaction: one per data
 *   subject, in `signal-intake` entries of up to 200 records each (logboek/intake-fns.ts).
 * - Transport (issue 6): a batch may come as a compact JWS (application/jose) signed with
 *   a key registered to the partner; its JWS is stored with the batch, in the same
 *   transaction, and the logboek entry names its SHA-256 (non-repudiation). Outside demo
 *   mode only signed batches over mTLS are taken, and the client certificate's partner
 *   must be the token's partner. Withdrawals take the same transport check.
 */
import { AppError, identityDetected, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { looksRandom, type SubjectHasher } from '../subjects/subject-hash.js';
import { findIdentityValues } from '../../protocol/identity/identity-detector.js';
import { deleteSignal, erasedRefs, insertSignals, type NewSignal } from './signal.repository.js';
import { findBatch, recordBatch } from './signal-batch.repository.js';
import { newSpanId } from '../logboek/log-entry.js';
import { batchBodyHash } from './batch-hash.js';
import { chunked } from '../logboek/intake-fns.js';
import type { AdapterWork, EntryDraft, UnitOfWork } from '../unit-of-work/unit-of-work.js';
import type { BatchSignatureVerifier } from '../transport/batch-signature.js';
import type { Transport } from '../transport/client-certificate.js';
import { insertBatchSignature } from '../transport/partner-key.repository.js';
import { checkAdapterTransport } from '../transport/adapter-transport.js';

export interface SignalInput {
  subject: string;
  epoch: number;
  category: string;
  registeredAt: string;
  expiresAt: string;
  ref: string;
}

export interface BatchResult {
  batchId: string;
  accepted: number;
  duplicate: number;
  rejected: number;
  /** `code: erased`: erased at a data subject's request (AVG art. 17); the partner must not send it again. */
  rejections: Array<{ index: number; pointer: string; reason: string; code?: 'erased' }>;
  replayed: boolean;
}

export interface SignalService {
  /** `body` is the parsed JSON batch, or a compact JWS (string) over it. */
  submitBatch(principal: Principal, body: unknown, traceId: string, transport?: Transport): Promise<BatchResult>;
  withdraw(principal: Principal, ref: string, traceId: string, transport?: Transport): Promise<void>;
}

/** Fields that must be opaque and are scanned for identities. */
const OPAQUE_FIELDS = new Set(['ref', 'batchId']);
const DAY_MS = 86_400_000;

class BatchRaceLost extends Error {}

export function createSignalService(deps: {
  uow: UnitOfWork;
  platform: Platform;
  schemas: SchemaRegistry;
  hashSubject: SubjectHasher;
  signatures?: BatchSignatureVerifier;
  /** Outside demo mode both are true. */
  requireMtls?: boolean;
  requireSignature?: boolean;
}): SignalService {
  const { platform } = deps;

  /** How the adapter connected, checked against its token and the register (adapter-transport.ts). */
  const checkTransport = (adapter: AdapterWork['adapter'], transport: Transport): void => checkAdapterTransport(adapter, transport, deps.requireMtls ?? false);
  const categoriesOf = new Map(platform.partners.map((p) => [p.id, new Set<string>(p.categories)]));

  const batchEntry = (partner: string, r: BatchResult, signature?: { kid: string; jwsSha256: string }): EntryDraft => ({
    action: 'signal-batch',
    outcome: r.replayed ? 'replayed' : 'processed',
    partner,
    details: {
      batchId: r.batchId,
      accepted: r.accepted,
      duplicate: r.duplicate,
      rejected: r.rejected,
      ...(r.rejections.some((x) => x.code === 'erased') ? { erased: r.rejections.filter((x) => x.code === 'erased').length } : {}),
      ...(signature ? { signedWith: signature.kid, jwsSha256: signature.jwsSha256 } : {}),
    },
  });

  /** A retry: the stored result, logged as a replay. Undefined when the batch is new. */
  const replayOrConflict = async (w: AdapterWork, batchId: string, bodyHash: string): Promise<BatchResult | undefined> => {
    const stored = await findBatch(w.trx, w.adapter.partner, batchId);
    if (!stored) return undefined;
    if (stored.bodyHash !== bodyHash) {
      throw new AppError('conflict', 'this batchId was already received with other content; use a new batchId');
    }
    const replay = { ...(stored.result as BatchResult), replayed: true };
    w.log(batchEntry(w.adapter.partner, replay));
    return replay;
  };

  return {
    async submitBatch(principal, received, traceId, transport = { channel: 'plain' }) {
      let prepared: { batchId: string; bodyHash: string } | undefined;
      try {
        return await deps.uow.asAdapter(
          principal,
          traceId,
          async (w) => {
            const { adapter } = w;
            checkTransport(adapter, transport);
            let body = received;
            let signature: { kid: string; jwsSha256: string; jws: string } | undefined;
            if (typeof received === 'string') {
              if (!deps.signatures) throw new AppError('unsupported-media-type', 'signed batches are not accepted here');
              const verified = await deps.signatures.verify(w.trx, adapter.partner, received);
              body = verified.payload;
              signature = { kid: verified.kid, jwsSha256: verified.jwsSha256, jws: received };
            } else if (deps.requireSignature) {
              throw validationError([{ pointer: '/', code: 'invalid-format', detail: 'send the batch signed, as a compact JWS (Content-Type: application/jose)' }]);
            }
            const leaks = findIdentityValues(body, OPAQUE_FIELDS);
            const errors = deps.schemas.validate('signal-batch', body);
            if (leaks.length > 0) throw identityDetected([...leaks, ...errors.filter((e) => !leaks.some((l) => l.pointer === e.pointer))]);
            if (errors.length > 0) throw validationError(errors);
            const batch = body as { batchId: string; signals: SignalInput[] };

            // Canonical JSON (RFC 8785): a retry with the same content in another key order is the same batch (batch-hash.ts).
            const bodyHash = batchBodyHash(batch);
            prepared = { batchId: batch.batchId, bodyHash };
            const earlier = await replayOrConflict(w, batch.batchId, bodyHash);
            if (earlier) return earlier;

            const now = w.now();
            const maxExpiry = now.getTime() + platform.signalMaxValidityDays * DAY_MS;
            const allowed = categoriesOf.get(adapter.partner)!;
            const rejections: BatchResult['rejections'] = [];
            const candidates: Array<NewSignal & { index: number }> = [];
            const seenRefs = new Set<string>();
            // A batch's signals share few dates: each is parsed once (parsing was most of this loop's own time).
            const days = new Map<string, number>();
            const dayOf = (date: string): Date => {
              let ms = days.get(date);
              if (ms === undefined) days.set(date, (ms = Date.parse(`${date}T00:00:00Z`)));
              return new Date(ms);
            };
            batch.signals.forEach((s, index) => {
              const reject = (field: string, reason: string): void => {
                rejections.push({ index, pointer: `/signals/${index}/${field}`, reason });
              };
              const registeredAt = dayOf(s.registeredAt);
              const expiresAt = dayOf(s.expiresAt);
              if (!allowed.has(s.category)) reject('category', `partner ${adapter.partner} does not hold signals of this category`);
              else if (!looksRandom(s.subject)) reject('subject', 'is not a pseudonym: its bytes do not look random');
              else if (registeredAt.getTime() > now.getTime()) reject('registeredAt', 'lies in the future');
              else if (expiresAt.getTime() <= registeredAt.getTime()) reject('expiresAt', 'must be after registeredAt');
              else if (expiresAt.getTime() <= now.getTime()) reject('expiresAt', 'has passed: an expired signal is not stored');
              else if (expiresAt.getTime() > maxExpiry) reject('expiresAt', `is more than ${platform.signalMaxValidityDays} days away (the platform's maximum)`);
              else if (seenRefs.has(s.ref)) reject('ref', 'appears twice in this batch');
              else {
                seenRefs.add(s.ref);
                candidates.push({
                  index,
                  partnerId: adapter.partner,
                  subjectHash: deps.hashSubject(s.subject),
                  category: s.category,
                  registeredAt,
                  expiresAt,
                  ref: s.ref,
                  batchId: batch.batchId,
                  epoch: s.epoch,
                });
              }
            });

            // Erased at a data subject's request (AVG art. 17; verzoek-taak.service.ts): refused, with a code the adapter acts on.
            const erased = await erasedRefs(w.trx, adapter.partner, candidates.map((c) => c.ref));
            if (erased.size > 0) {
              for (const c of candidates.filter((x) => erased.has(x.ref))) {
                rejections.push({ index: c.index, pointer: `/signals/${c.index}/ref`, reason: 'was erased at the request of the data subject (AVG art. 17): do not send it again', code: 'erased' });
              }
              rejections.sort((a, b) => a.index - b.index);
              candidates.splice(0, candidates.length, ...candidates.filter((x) => !erased.has(x.ref)));
            }
            const inserted = await insertSignals(w.trx, candidates);
            const result: BatchResult = {
              batchId: batch.batchId,
              accepted: inserted.size,
              duplicate: candidates.length - inserted.size,
              rejected: rejections.length,
              rejections,
              replayed: false,
            };
            if (!(await recordBatch(w.trx, { partnerId: adapter.partner, batchId: batch.batchId, bodyHash, result }))) {
              throw new BatchRaceLost();
            }
            if (signature) {
              await insertBatchSignature(w.trx, { partnerId: adapter.partner, batchId: batch.batchId, kid: signature.kid, jws: signature.jws, jwsSha256: signature.jwsSha256 });
            }
            w.log(batchEntry(adapter.partner, result, signature));
            // Logboek Dataverwerkingen: one record per data subject, beside the batch's record, in
            // entries of up to INTAKE_CHUNK records (migration 0240, intake-fns.ts), each record with its own span id.
            const records = candidates
              .filter((c) => inserted.has(c.ref))
              .map((c) => ({ subject: c.subjectHash.toString('base64url'), ref: c.ref, category: c.category, ...(c.epoch === undefined ? {} : { epoch: c.epoch }), spanId: newSpanId() }));
            for (const chunk of chunked(records)) {
              w.log({ action: 'signal-intake', outcome: 'stored', partner: adapter.partner, details: { batchId: batch.batchId, records: chunk } });
            }
            return result;
          },
        );
      } catch (err) {
        // A concurrent retry of the same batch committed first: answer with its result, in a unit of its own.
        if (!(err instanceof BatchRaceLost) || !prepared) throw err;
        const { batchId, bodyHash } = prepared;
        const replay = await deps.uow.asAdapter(principal, traceId, (w) => replayOrConflict(w, batchId, bodyHash));
        if (replay) return replay;
        throw err;
      }
    },

    withdraw: (principal, ref, traceId, transport = { channel: 'plain' }) =>
      deps.uow.asAdapter(principal, traceId, async (w) => {
        checkTransport(w.adapter, transport);
        const leaks = findIdentityValues({ ref }, OPAQUE_FIELDS);
        if (leaks.length > 0) throw identityDetected(leaks);
        const refErrors = deps.schemas.validate('defs#/$defs/opaqueRef', ref).map((e) => ({ ...e, pointer: '/ref' }));
        if (refErrors.length > 0) throw validationError(refErrors);
        const deleted = await deleteSignal(w.trx, w.adapter.partner, ref);
        const entry: EntryDraft = deleted
          ? { action: 'signal-withdrawal', outcome: 'withdrawn', subjectHash: deleted.subjectHash, partner: w.adapter.partner, details: { ref, category: deleted.category } }
          : { action: 'signal-withdrawal', outcome: 'not-found', partner: w.adapter.partner, details: { ref } };
        // Same answer for "no such ref" and "another partner's ref": denial reveals nothing. The attempt is logged either way.
        if (!deleted) w.refuse(new AppError('not-found', 'this partner has no signal with that ref'), entry);
        w.log(entry);
      }),
  };
}
