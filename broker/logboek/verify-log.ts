/**
 * Verifies a copy of the logboek (an export, the database, or the live API) against a trusted
 * signed checkpoint, in one streaming pass, and names the first entry that breaks.
 *
 * What is checked, in this order, per entry by seq:
 * 1. seq is contiguous from 0: a gap is `missing` (or `reordered` when the missing seq turns up a
 *    little later), a seq that goes back is `reordered`;
 * 2. the leaf hash recomputed from the content, SHA-256(0x00 || JCS(content + {seq})) (RFC 9162
 *    §2.1.1, https://www.rfc-editor.org/rfc/rfc9162#section-2.1.1; RFC 8785 JCS), equals the stored
 *    leaf hash: else `changed`, or `reordered` when it is the content's leaf hash at a nearby seq;
 *    a redacted entry (content null) is taken by its leaf hash alone and counted, not a break;
 * 3. whenever the number of leaves read reaches the size of a checkpoint, the RFC 9162 root of the
 *    leaves so far equals that checkpoint's root: else `root-mismatch`, narrowed to the range
 *    between the last checkpoint that matched and this one, and further to one entry when stored
 *    Merkle nodes that themselves match the checkpoint are available (database mode).
 * A log that ends before the trusted checkpoint's size is `truncated`. Entries beyond it are
 * counted as "after the checkpoint": no checkpoint covers them yet, so they are not a break.
 *
 * Invariants:
 * - Memory is O(log n): the only tree state is the frontier, the stack of complete-subtree roots
 *   (one per set bit of the size; RFC 9162 §2.1.1 splits at the largest power of two, so the
 *   root is their fold from the right, as in merkle/tree-math.ts). Entries are never collected.
 * - Checkpoints are signature-checked (a C2SP signed note or a JWS: checkpoint-forms.ts) by the
 *   caller; extra checkpoints are only trusted when they are ancestors of the trusted one through
 *   `previous` (checkpointAncestors in checkpoint-chain.ts), because a broker that rewrote
 *   history can sign new ones.
 * - Nothing from an entry's content appears in a report: seq numbers, kinds, sizes and ids only.
 * - A source may hand over a run of entries whose leaf bytes it hashed and found equal to their
 *   stored leaf hashes already (VerifiedLeaves: a large compact export, hashed on worker threads by
 *   bundle-export.ts); steps 1 and 2 hold for them, and their leaves are placed with step 3 between
 *   them exactly as single entries' are. Every entry that differs or is redacted comes on its own.
 *
 * Speed (verify-leaf.ts): the leaf is built by splicing `"seq":N` into the stored canonical UTF-8 text at its sorted
 * place among the top-level keys (leaf-splice.ts, the code the sequencer seals with); only when
 * that hash does not match is the content parsed and canonicalised in full (leafData in
 * log-entry.ts), which stays the authority. A splice that matches the stored hash means the
 * stored text, with that member, is exactly the byte string that was sealed; for what the log
 * writer stores (JCS) that string is JCS(content + {seq}) (leaf-splice.ts states why).
 */
import { HASH_SIZE, nodeHash } from './merkle/merkle-hash.js';
import { equalBytes, leafOf, toBytes } from './verify-leaf.js';
import { Frontier } from './merkle/frontier.js';
import { RecentLeaves } from './recent-leaves.js';
import { decomposeRange, nodeKey, type NodeCoord } from './merkle/tree-math.js';
import { verifyInclusion } from './merkle/merkle-verify.js';

export type { VerifiableEntry, VerifiedLeaves, CheckpointRef, StoredTree, BreakKind, LogBreak, VerifyReport, VerifyOptions } from './verify-log-types.js';
import type { VerifiableEntry, VerifiedLeaves, CheckpointRef, StoredTree, BreakKind, LogBreak, VerifyReport, VerifyOptions } from './verify-log-types.js';

/** What a source yields: one entry, or a run of entries whose leaves it checked already. */
type Item = VerifiableEntry | VerifiedLeaves;
const isRun = (v: Item): v is VerifiedLeaves => 'leaves' in v;

/** How far back and forth a misplaced entry is looked for, to tell `reordered` from `changed`. */
const REORDER_WINDOW = 256;
/** How many entries are read past a gap to see whether the missing seq comes later (`reordered`). */
const GAP_LOOKAHEAD = 1024;

const range = (from: number, to: number): string => (to - from === 1 ? `entry ${from}` : `entries ${from}–${to - 1}`);

/** "checkpoint 3 (size 180)", or "the checkpoint (size 180)" when its broker id is unknown. */
export function describeCheckpoint(c: { id?: number; treeSize: number }): string {
  return c.id !== undefined ? `checkpoint ${c.id} (size ${c.treeSize})` : `the checkpoint of size ${c.treeSize}`;
}

/** Closes a source early (a database cursor, a file) when verification stops at a break. */
async function close(it: AsyncIterator<Item> | Iterator<Item>): Promise<void> {
  try {
    await it.return?.();
  } catch {
    // The report matters more than a failing close.
  }
}

/**
 * Verifies `entries` (in seq order) against a trusted checkpoint, in one pass with O(log n)
 * memory, and reports the first break. Why a stream: an auditor's copy of the log can hold many
 * millions of entries, and the checkpoint is all that needs to be trusted.
 */
export async function verifyLog(
  entries: AsyncIterable<Item> | Iterable<Item>,
  options: VerifyOptions,
): Promise<VerifyReport> {
  const started = performance.now();
  const trusted = options.checkpoint;
  const size = trusted.treeSize;
  const byRoot = new Map<string, CheckpointRef>();
  for (const c of [...(options.more ?? []), trusted]) {
    const key = `${c.treeSize}:${c.rootHash}`;
    if (c.treeSize <= size && (!byRoot.has(key) || byRoot.get(key)!.id === undefined)) byRoot.set(key, c);
  }
  const targets = [...byRoot.values()].sort((a, b) => a.treeSize - b.treeSize);
  /** The trusted checkpoint as named in messages (with the broker's id when another source knew it). */
  const named = byRoot.get(`${size}:${trusted.rootHash}`) ?? trusted;
  const frontier = new Frontier();
  const recent = new RecentLeaves(REORDER_WINDOW);
  let next = 0;
  let read = 0;
  let redacted = 0;
  let checked = 0;
  let lastGood: CheckpointRef | undefined;
  const it = Symbol.asyncIterator in entries ? entries[Symbol.asyncIterator]() : (entries as Iterable<Item>)[Symbol.iterator]();
  /** Entries of a run read past the trusted size: counted as after the checkpoint. */
  let runRest = 0;

  const finish = async (firstBreak: LogBreak | undefined, afterCheckpoint = 0): Promise<VerifyReport> => {
    if (firstBreak) await close(it);
    return {
      valid: firstBreak === undefined,
      treeSize: size,
      entries: read,
      redacted,
      checkpointsChecked: checked,
      ...(firstBreak ? { firstBreak } : {}),
      afterCheckpoint,
      ms: Math.round(performance.now() - started),
    };
  };

  let t = 0;
  /** Step 3: every checkpoint whose size is reached now, checked against the leaves so far. */
  const checkpointsReached = async (): Promise<LogBreak | undefined> => {
    for (; t < targets.length && targets[t]!.treeSize === next; t++) {
      const target = targets[t]!;
      checked++;
      if (!equalBytes(frontier.root(), Buffer.from(target.rootHash, 'base64'))) return rootMismatch(frontier, target, lastGood, options.storedTree);
      lastGood = target;
    }
    return undefined;
  };
  for (;;) {
    const broken = await checkpointsReached();
    if (broken) return finish(broken);
    if (next === size) break;
    const r = await it.next();
    if (r.done) {
      return finish({
        seq: next,
        kind: 'truncated',
        detail: `${next === 0 ? 'the log holds no entries' : `the log ends after entry ${next - 1}`}, but ${describeCheckpoint(named)} commits to ${size} entries: ${range(next, size)} ${size - next === 1 ? 'is' : 'are'} gone`,
        checkpoint: { ...(named.id !== undefined ? { id: named.id } : {}), treeSize: size },
      });
    }
    if (isRun(r.value)) {
      // A run the source checked: steps 1 and 2 hold for each of its leaves; place them, with
      // step 3 between them as between single entries.
      const run = r.value;
      if (run.from !== next) return finish(run.from < next ? { seq: run.from, kind: 'reordered', detail: `entry ${run.from} appears after entry ${next - 1}: the entries are out of order or repeated` } : await gap(it, next, run.from));
      const count = Math.floor(run.leaves.length / HASH_SIZE);
      let i = 0;
      while (i < count) {
        // Step 3 where a checkpoint's size is reached; between them, the leaves are placed in a
        // plain loop (no await per leaf), up to the next checkpoint's size or the trusted size.
        if (t < targets.length && targets[t]!.treeSize === next) {
          const brokenInRun = await checkpointsReached();
          if (brokenInRun) return finish(brokenInRun);
        }
        if (next === size) break;
        const upTo = t < targets.length && targets[t]!.treeSize > next ? targets[t]!.treeSize : size;
        const stop = Math.min(count, i + (upTo - next));
        // Only the last REORDER_WINDOW + 1 leaves put can be read back from `recent`.
        const keepFrom = stop - (REORDER_WINDOW + 1);
        read += stop - i;
        for (; i < stop; i++) {
          const leaf = run.leaves.subarray(HASH_SIZE * i, HASH_SIZE * (i + 1));
          frontier.push(leaf);
          if (i >= keepFrom) recent.put(next, leaf);
          next++;
        }
      }
      runRest = count - i;
      if (runRest > 0) break;
      continue;
    }
    const e = r.value;
    read++;
    // Step 1: contiguous seq.
    if (e.seq !== next) {
      if (!Number.isSafeInteger(e.seq) || e.seq < next) {
        return finish({
          seq: e.seq,
          kind: 'reordered',
          detail: `entry ${e.seq} appears after entry ${next - 1}: the entries are out of order or repeated`,
        });
      }
      return finish(await gap(it, next, e.seq));
    }
    // Step 2: the leaf.
    const stored = toBytes(e.leafHash);
    if (e.content === null) {
      if (stored.length !== HASH_SIZE) {
        return finish({ seq: next, kind: 'changed', detail: `entry ${next} is redacted and its stored leaf hash is not a SHA-256 hash` });
      }
      redacted++;
      frontier.push(stored);
      recent.put(next, stored);
    } else {
      const leaf = leafOf(e.content, next, stored, e.sealed ? e : undefined);
      if (leaf === null || !equalBytes(leaf, stored)) return finish(misplaced(e, next, stored, leaf === null, recent));
      frontier.push(leaf);
      recent.put(next, leaf);
    }
    next++;
  }
  let after = runRest;
  for (let r = await it.next(); !r.done; r = await it.next()) after += isRun(r.value) ? r.value.leaves.length / HASH_SIZE : 1;
  return finish(undefined, after);
}

/** A gap at `expected`: missing, unless that seq follows within the look-ahead (then reordered). */
async function gap(it: AsyncIterator<Item> | Iterator<Item>, expected: number, seen: number): Promise<LogBreak> {
  for (let i = 0; i < GAP_LOOKAHEAD; i++) {
    const r = await it.next();
    if (r.done) break;
    const v = r.value;
    if (isRun(v) ? v.from <= expected && expected < v.from + v.leaves.length / HASH_SIZE : v.seq === expected) {
      return { seq: expected, kind: 'reordered', detail: `entry ${expected} appears later, after entry ${seen}: the entries are out of order` };
    }
  }
  const where = expected === 0 ? 'the log starts at' : `after entry ${expected - 1} comes`;
  return { seq: expected, kind: 'missing', detail: `${range(expected, seen)} ${seen - expected === 1 ? 'is' : 'are'} missing: ${where} entry ${seen}` };
}

/**
 * A leaf that does not match: `reordered` when the content is the one logged at a nearby seq,
 * else `changed`. When an entry logged earlier turns up later, the entry now at its old place was
 * put there after the fact (its own leaf is self-consistent but not the one logged there), so that
 * place is the first break; `recent` holds the leaves of the last entries to tell that from a copy.
 */
function misplaced(e: VerifiableEntry, seq: number, stored: Uint8Array, unreadable: boolean, recent: RecentLeaves): LogBreak {
  // Leaf bytes carry their own seq: a mismatch is a change here; a moved entry shows as a root mismatch.
  if (e.sealed && !unreadable) return { seq, kind: 'changed', detail: `entry ${seq} was changed: its leaf bytes no longer hash to its stored leaf hash` };
  if (unreadable) return { seq, kind: 'changed', detail: `entry ${seq} was changed: its content is no longer valid JSON` };
  for (let d = 1; d <= REORDER_WINDOW; d++) {
    for (const other of [seq - d, seq + d]) {
      if (other < 0) continue;
      const leaf = leafOf(e.content!, other, stored);
      if (leaf === null || !equalBytes(leaf, stored)) continue;
      if (other > seq) {
        return { seq, kind: 'reordered', detail: `entry ${seq} holds the entry that was logged as entry ${other}: entries were removed or moved` };
      }
      const there = recent.get(other);
      if (there && !equalBytes(there, stored)) {
        return {
          seq: other,
          kind: 'reordered',
          range: { from: other, to: seq },
          detail: `${range(other, seq)} ${seq - other === 1 ? 'is' : 'are'} not what was logged there: the entry logged as entry ${other} is now entry ${seq}, so entries were inserted after the fact (or moved)`,
        };
      }
      return { seq, kind: 'reordered', detail: `entry ${seq} holds a copy of entry ${other}: it was moved or duplicated` };
    }
  }
  return { seq, kind: 'changed', detail: `entry ${seq} was changed: its content no longer matches its leaf hash` };
}

/**
 * A checkpoint whose root does not match although every entry matched its own leaf hash: the
 * entries were changed or moved with their leaf hashes recomputed. Narrowed to the range after the
 * last matching checkpoint, and with stored nodes that match the checkpoint, to one entry.
 */
async function rootMismatch(frontier: Frontier, target: CheckpointRef, lastGood: CheckpointRef | undefined, stored: StoredTree | undefined): Promise<LogBreak> {
  const from = lastGood?.treeSize ?? 0;
  const to = target.treeSize;
  const checkpoint = { ...(target.id !== undefined ? { id: target.id } : {}), treeSize: to };
  const good = lastGood ? `; ${describeCheckpoint(lastGood)} does` : '';
  const located = stored && to > 0 ? await locate(frontier, target, from, stored) : undefined;
  if (located !== undefined && 'seq' in located) {
    return {
      seq: located.seq,
      kind: 'root-mismatch',
      range: { from: located.seq, to: located.seq + 1 },
      checkpoint,
      detail: `entry ${located.seq} is not the entry that ${describeCheckpoint(target)} commits to: it was changed or moved, and its leaf hash recomputed to hide it. The stored Merkle nodes, which do match the checkpoint, point to this entry`,
    };
  }
  const narrowed = located ?? { from, to };
  return {
    kind: 'root-mismatch',
    range: narrowed,
    checkpoint,
    detail: `${range(narrowed.from, narrowed.to)} ${narrowed.to - narrowed.from === 1 ? 'was' : 'were'} changed or reordered consistently (each matches its own leaf hash); ${describeCheckpoint(target)} does not match${good}`,
  };
}

/** Hash of the complete subtree over the stored entries [from, from + 2^level), from their leaf hashes. */
async function subtreeOfEntries(stored: StoredTree, from: number, count: number): Promise<Uint8Array | undefined> {
  const f = new Frontier();
  let expected = from;
  for await (const e of stored.entries(from, from + count)) {
    if (e.seq !== expected) return undefined;
    f.push(toBytes(e.leafHash));
    expected++;
  }
  return expected === from + count ? f.root() : undefined;
}

/**
 * Uses stored nodes to find the entry that differs: the stored pieces of [0, size) are authentic
 * when they fold to the signed root; then, level by level, stored children are authentic when they
 * hash to their authentic parent, and the half whose recomputed hash differs holds the change.
 * Returns a seq, a narrower range where the stored nodes stop being authentic, or undefined.
 */
async function locate(frontier: Frontier, target: CheckpointRef, floor: number, stored: StoredTree): Promise<{ seq: number } | { from: number; to: number } | undefined> {
  const pieces = decomposeRange(0, target.treeSize);
  const nodes = await stored.nodes(pieces);
  const hashes = pieces.map((p) => nodes.get(nodeKey(p.level, p.index)));
  if (hashes.some((h) => h === undefined)) return undefined;
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  if (!equalBytes(acc, Buffer.from(target.rootHash, 'base64'))) return undefined;
  // The frontier at this size has exactly these pieces, in the same order.
  const first = pieces.findIndex((_, i) => !equalBytes(frontier.hashes[i]!, hashes[i]!));
  if (first < 0) return undefined;
  let { level, index } = pieces[first]!;
  let authentic = hashes[first]!;
  while (level > 0) {
    const half = 2 ** (level - 1);
    const left = { level: level - 1, index: 2 * index };
    const right = { level: level - 1, index: 2 * index + 1 };
    const children = await stored.nodes([left, right]);
    const l = children.get(nodeKey(left.level, left.index));
    const r = children.get(nodeKey(right.level, right.index));
    const start = index * 2 * half;
    if (!l || !r || !equalBytes(nodeHash(l, r), authentic)) return { from: Math.max(start, floor), to: start + 2 * half };
    const ours = await subtreeOfEntries(stored, start, half);
    if (ours === undefined) return { from: Math.max(start, floor), to: start + 2 * half };
    if (!equalBytes(ours, l)) {
      ({ level, index } = left);
      authentic = l;
    } else {
      ({ level, index } = right);
      authentic = r;
    }
  }
  return { seq: index };
}

/**
 * Checks one entry against a checkpoint with an inclusion proof (RFC 9162 §2.1.3.2): its content
 * must give its leaf hash, and the proof must lead from that leaf to the checkpoint's root. Why:
 * a jurist can show that one disclosure is in the witnessed log without exporting the whole log.
 */
export function verifyEntryInclusion(
  entry: VerifiableEntry,
  proof: readonly string[],
  checkpoint: CheckpointRef,
): { readonly ok: boolean; readonly redacted: boolean; readonly detail: string } {
  const stored = toBytes(entry.leafHash);
  const where = describeCheckpoint(checkpoint);
  if (entry.seq >= checkpoint.treeSize) return { ok: false, redacted: false, detail: `entry ${entry.seq} is after ${where}; wait for a later checkpoint` };
  const redacted = entry.content === null;
  if (!redacted) {
    const leaf = leafOf(entry.content!, entry.seq, stored);
    if (leaf === null || !equalBytes(leaf, stored)) return { ok: false, redacted, detail: `entry ${entry.seq} was changed: its content does not match its leaf hash` };
  }
  const included = verifyInclusion(entry.seq, checkpoint.treeSize, stored, proof.map((p) => Buffer.from(p, 'base64')), Buffer.from(checkpoint.rootHash, 'base64'));
  return included
    ? { ok: true, redacted, detail: `entry ${entry.seq} is included in ${where}: its ${redacted ? 'leaf hash (content redacted)' : 'content'} and the inclusion proof of ${proof.length} hashes lead to the checkpoint's root` }
    : { ok: false, redacted, detail: `the inclusion proof does not lead from entry ${entry.seq} to the root of ${where}` };
}
