/**
 * The logboek's database as a source for the audit tools (`audit verify --database`): its entries
 * by seq, its stored Merkle tree (to pinpoint a root mismatch, verify-log.ts) and its checkpoints.
 *
 * Invariants: read only; nothing read here is trusted by itself. Entries and nodes are checked
 * against a checkpoint whose signature was checked (audit-trust.ts); pages keep memory flat.
 */
import type { Executor } from '../db/database.js';
import type { SignedCheckpoint } from './checkpoint-forms.js';
import { getNodes, listCheckpoints, sequencedEntries } from './logboek.repository.js';
import type { StoredTree, VerifiableEntry } from './verify-log.js';

/** Entries by seq range, in pages of 10,000. */
export async function* databaseEntries(db: Executor, from: number, to: number, page = 10_000): AsyncGenerator<VerifiableEntry> {
  for (let start = from; start < to; start += page) {
    for (const r of await sequencedEntries(db, start, Math.min(to, start + page))) yield { seq: r.seq, leafHash: r.leafHash, content: r.content };
  }
}

/** The stored Merkle tree of a database, for pinpointing a root mismatch (see verify-log.ts). */
export function databaseTree(db: Executor): StoredTree {
  return { nodes: (coords) => getNodes(db, coords), entries: (from, to) => databaseEntries(db, from, to) };
}

/** Every checkpoint row of a database, oldest first, in both forms where it has both. */
export async function databaseCheckpoints(db: Executor): Promise<SignedCheckpoint[]> {
  const out: SignedCheckpoint[] = [];
  for (let after = 0; ; ) {
    const page = await listCheckpoints(db, after, 1000);
    if (page.length === 0) return out;
    out.push(...page.map((c) => ({ id: c.id, jws: c.jws, ...(c.note !== null ? { note: c.note } : {}) })));
    after = page[page.length - 1]!.id;
  }
}
