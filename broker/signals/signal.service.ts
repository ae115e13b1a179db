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
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError, identityDetected, validationError } from '../errors/app-error.js';
import { requireAdapter, type Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../schemas/schema-registry.js';
import { looksRandom, type SubjectHasher } from '../subjects/subject-hash.js';
import { findIdentityValues } from './identity-detector.js';
import { deleteSignal, insertSignals, type NewSignal } from './signal.repository.js';
import { findBatch, recordBatch } from './signal-batch.repository.js';

export interface SignalInput {
  subject: string;
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
  rejections: Array<{ index: number; pointer: string; reason: string }>;
  replayed: boolean;
}

export interface SignalService {
  submitBatch(principal: Principal, body: unknown): Promise<BatchResult>;
  withdraw(principal: Principal, ref: string): Promise<void>;
}

/** Fields that must be opaque and are scanned for identities. */
const OPAQUE_FIELDS = new Set(['ref', 'batchId']);
const DAY_MS = 86_400_000;

class BatchRaceLost extends Error {}

export function createSignalService(deps: {
  db: Kysely<Database>;
  platform: Platform;
  schemas: SchemaRegistry;
  hashSubject: SubjectHasher;
  now: () => Date;
}): SignalService {
  const { db, platform } = deps;
  const categoriesOf = new Map(platform.partners.map((p) => [p.id, new Set<string>(p.categories)]));

  const replayOrConflict = async (partnerId: string, batchId: string, bodyHash: string): Promise<BatchResult | undefined> => {
    const stored = await findBatch(db, partnerId, batchId);
    if (!stored) return undefined;
    if (stored.bodyHash !== bodyHash) {
      throw new AppError('conflict', `batch ${batchId} was already received with other content; use a new batchId`);
    }
    return { ...(stored.result as BatchResult), replayed: true };
  };

  return {
    async submitBatch(principal, body) {
      const adapter = requireAdapter(principal, platform);
      const leaks = findIdentityValues(body, OPAQUE_FIELDS);
      const errors = deps.schemas.validate('signal-batch', body);
      if (leaks.length > 0) throw identityDetected([...leaks, ...errors.filter((e) => !leaks.some((l) => l.pointer === e.pointer))]);
      if (errors.length > 0) throw validationError(errors);
      const batch = body as { batchId: string; signals: SignalInput[] };

      const bodyHash = createHash('sha256').update(JSON.stringify(batch)).digest('hex');
      const earlier = await replayOrConflict(adapter.partner, batch.batchId, bodyHash);
      if (earlier) return earlier;

      const now = deps.now();
      const maxExpiry = now.getTime() + platform.signalMaxValidityDays * DAY_MS;
      const allowed = categoriesOf.get(adapter.partner)!;
      const rejections: BatchResult['rejections'] = [];
      const candidates: Array<NewSignal & { index: number }> = [];
      const seenRefs = new Set<string>();
      batch.signals.forEach((s, index) => {
        const reject = (field: string, reason: string): void => {
          rejections.push({ index, pointer: `/signals/${index}/${field}`, reason });
        };
        const registeredAt = new Date(`${s.registeredAt}T00:00:00Z`);
        const expiresAt = new Date(`${s.expiresAt}T00:00:00Z`);
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
          });
        }
      });

      try {
        return await db.transaction().execute(async (trx) => {
          const inserted = await insertSignals(trx, candidates);
          const result: BatchResult = {
            batchId: batch.batchId,
            accepted: inserted.size,
            duplicate: candidates.length - inserted.size,
            rejected: rejections.length,
            rejections,
            replayed: false,
          };
          if (!(await recordBatch(trx, { partnerId: adapter.partner, batchId: batch.batchId, bodyHash, result }))) {
            throw new BatchRaceLost();
          }
          return result;
        });
      } catch (err) {
        // A concurrent retry of the same batch committed first: answer with its result.
        if (err instanceof BatchRaceLost) {
          const replay = await replayOrConflict(adapter.partner, batch.batchId, bodyHash);
          if (replay) return replay;
        }
        throw err;
      }
    },

    async withdraw(principal, ref) {
      const adapter = requireAdapter(principal, platform);
      // Same answer for "no such ref" and "another partner's ref": denial reveals nothing.
      if (!(await deleteSignal(db, adapter.partner, ref))) {
        throw new AppError('not-found', 'this partner has no signal with that ref');
      }
    },
  };
}
