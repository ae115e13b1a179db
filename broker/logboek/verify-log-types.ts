/** What the log verifier reads and reports (verify-log.ts). Types only. */
import type { NodeCoord } from './merkle/tree-math.js';
/** One entry as a source yields it, in seq order. */
export interface VerifiableEntry {
  readonly seq: number;
  /** The stored leaf hash: bytes (database) or standard base64 (exports and the API). */
  readonly leafHash: Uint8Array | string;
  /**
   * The stored content: its JSON text (database) or its UTF-8 bytes (exports), a parsed object
   * (the API), or null when retention redacted it (then only the leaf hash is left to verify).
   */
  readonly content: string | Uint8Array | Readonly<Record<string, unknown>> | null;
  /**
   * The content is already the leaf bytes JCS(content + {seq}) (a tlog-tiles entry bundle,
   * bundle-export.ts): hashed as it is, never spliced or parsed.
   */
  readonly sealed?: boolean;
  /** With `sealed`: 0x00 || content, already in one buffer, so the leaf is hashed without a copy. */
  readonly leafInput?: Uint8Array;
  /** With `sealed`: SHA-256(0x00 || content), already computed from these bytes on a worker thread (leaf-hash-pool.ts). */
  readonly leaf?: Uint8Array;
}

/**
 * A run of entries [from, from + leaves.length / 32) whose leaf bytes the source has hashed already
 * and found equal to their stored leaf hashes (worker threads, leaf-hash-pool.ts): the verifier
 * only places `leaves` (32 bytes each) in the tree, as it places each entry's checked leaf. Why: a
 * million entries, one object each, cost the verifier's thread more than hashing them does.
 */
export interface VerifiedLeaves {
  readonly from: number;
  readonly leaves: Uint8Array;
}

/** A checkpoint the verifier compares a root with: the broker's id (for messages), size and root. */
export interface CheckpointRef {
  readonly id?: number;
  readonly treeSize: number;
  /** Standard base64, as in the checkpoint body. */
  readonly rootHash: string;
}

/**
 * The stored Merkle tree (database mode), used only after a root mismatch to find the one entry
 * that differs. Nothing here is trusted: stored nodes count only once they hash up to a signed
 * root, and each level is checked again on the way down.
 */
export interface StoredTree {
  /** Stored complete nodes, keyed by nodeKey(level, index); absent ones are simply missing. */
  nodes(coords: readonly NodeCoord[]): Promise<Map<string, Uint8Array>>;
  /** The stored entries with seq in [from, to), in seq order (their leaf hashes passed step 2). */
  entries(from: number, to: number): AsyncIterable<VerifiableEntry>;
}

export type BreakKind = 'missing' | 'changed' | 'reordered' | 'root-mismatch' | 'truncated';

/** The first place where the copy differs from what the checkpoints commit to. */
export interface LogBreak {
  /** The first entry that breaks, when it is known exactly. */
  readonly seq?: number;
  readonly kind: BreakKind;
  /** One sentence for a jurist; seq numbers, sizes and checkpoint ids only. */
  readonly detail: string;
  /** For root mismatches: the entries [from, to) that hold the first difference. */
  readonly range?: { readonly from: number; readonly to: number };
  /** For root mismatches and truncation: the checkpoint that does not match. */
  readonly checkpoint?: { readonly id?: number; readonly treeSize: number };
}

export interface VerifyReport {
  readonly valid: boolean;
  /** The trusted checkpoint's size: the entries it commits to. */
  readonly treeSize: number;
  /** Entries read and checked (up to the trusted size, or up to the first break). */
  readonly entries: number;
  /** Of those, entries whose content was redacted (checked by leaf hash alone). */
  readonly redacted: number;
  /** Checkpoints whose root was recomputed and compared (the trusted one included). */
  readonly checkpointsChecked: number;
  readonly firstBreak?: LogBreak;
  /** Entries beyond the trusted checkpoint's size: present, but not yet covered by it. */
  readonly afterCheckpoint: number;
  readonly ms: number;
}

export interface VerifyOptions {
  /** The checkpoint the verification rests on (its signature already checked). */
  readonly checkpoint: CheckpointRef;
  /** More checkpoints to compare with on the way (ancestors of the trusted one); larger ones are ignored. */
  readonly more?: readonly CheckpointRef[];
  /** Database mode: stored nodes to pinpoint a root mismatch. */
  readonly storedTree?: StoredTree;
}

