/**
 * Merkle tree throughput of the logboek (broker/logboek/merkle), in memory, no database:
 * - append: N leaves through leafHash + nodesCompletedByAppend + nodeHash into a Map, as the
 *   sequencer does (about 2 SHA-256 per leaf);
 * - whole-log verification, the figure the logboek issue sets a target for (>= 200,000 entries/s):
 *   recompute every leaf hash from the entry bytes and the root from those leaf hashes
 *   (rootFromLeafHashes, about 2 SHA-256 per entry) and compare it with the checkpoint's root.
 *   This is what an auditor with an export can do; it trusts no stored node;
 * - stored-node self-check: as above, but every stored node is also recomputed from its children
 *   and compared with its row, and the root is then taken from the stored nodes (rootOfSize), so a
 *   corrupted node row is found and located, not only a wrong root;
 * - the same whole-log verification with @noble/hashes, as a browser would run it (pure JS);
 * - inclusion and consistency proof verification with the portable (@noble/hashes) verifier
 *   that a browser will run, proofs built from the stored nodes.
 * Every figure counts only if its result checks out (roots equal, all proofs accepted).
 *
 * Run alone: `npx tsx test/bench/merkle-verify-bench.ts [entries]`. Not part of `npm run bench`.
 */
import { fileURLToPath } from 'node:url';
import { leafHash, nodeHash } from '../../broker/logboek/merkle/merkle-hash.js';
import { portableLeafHash, portableNodeHash, verifyConsistency, verifyInclusion } from '../../broker/logboek/merkle/merkle-verify.js';
import {
  consistencyProofRanges,
  hashRanges,
  inclusionProofRanges,
  nodeKey,
  nodesCompletedByAppend,
  rootFromLeafHashes,
  rootOfSize,
  type GetNode,
} from '../../broker/logboek/merkle/tree-math.js';

export interface MerkleBenchResult {
  name: string;
  opsPerSec: number;
  note: string;
}

const DEFAULT_ENTRIES = 200_000;
const PROOFS = 10_000;
const TARGET_VERIFY = 200_000;

const perSec = (n: number, ms: number): number => Math.round((n / ms) * 1000);

/** Entries shaped roughly like a logboek line (~300 bytes of JSON), distinct per index. */
function syntheticEntries(n: number): Uint8Array[] {
  const enc = new TextEncoder();
  const filler = 'x'.repeat(220);
  return Array.from({ length: n }, (_, i) =>
    enc.encode(JSON.stringify({ seq: i, activity: 'jpp-disclosure', trace: i.toString(16).padStart(32, '0'), rest: filler })),
  );
}

function append(entries: readonly Uint8Array[]): Map<string, Uint8Array> {
  const nodes = new Map<string, Uint8Array>();
  entries.forEach((entry, seq) => {
    let hash = leafHash(entry);
    for (const { level, index } of nodesCompletedByAppend(seq)) {
      if (level > 0) hash = nodeHash(nodes.get(nodeKey(level - 1, 2 * index))!, hash);
      nodes.set(nodeKey(level, index), hash);
    }
  });
  return nodes;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** An auditor's check: the checkpoint root follows from the entries alone. */
function verifyWholeLog(entries: readonly Uint8Array[], checkpointRoot: Uint8Array): boolean {
  function* leaves(): Generator<Uint8Array> {
    for (const entry of entries) yield leafHash(entry);
  }
  return equal(rootFromLeafHashes(leaves()), checkpointRoot);
}

/** verifyWholeLog with the portable hasher only (what a browser can run), same fold as rootFromLeafHashes. */
function verifyWholeLogPortable(entries: readonly Uint8Array[], checkpointRoot: Uint8Array): boolean {
  const stack: Uint8Array[] = [];
  entries.forEach((entry, seq) => {
    let hash = portableLeafHash(entry);
    for (let index = seq; index % 2 === 1; index = (index - 1) / 2) hash = portableNodeHash(stack.pop()!, hash);
    stack.push(hash);
  });
  let acc = stack.pop()!;
  while (stack.length > 0) acc = portableNodeHash(stack.pop()!, acc);
  return equal(acc, checkpointRoot);
}

/** The server's check: every stored node and the root follow from the entries. */
function verifyStoredNodes(entries: readonly Uint8Array[], stored: Map<string, Uint8Array>, checkpointRoot: Uint8Array): boolean {
  const getStored: GetNode = (level, index) => {
    const h = stored.get(nodeKey(level, index));
    if (!h) throw new Error(`missing node ${nodeKey(level, index)}`);
    return h;
  };
  for (let seq = 0; seq < entries.length; seq++) {
    let hash = leafHash(entries[seq]!);
    for (const { level, index } of nodesCompletedByAppend(seq)) {
      // The left child was checked when it was completed, so it can be read from storage.
      if (level > 0) hash = nodeHash(getStored(level - 1, 2 * index), hash);
      if (!equal(hash, getStored(level, index))) return false;
    }
  }
  return equal(rootOfSize(entries.length, getStored), checkpointRoot);
}

/** Measures append and verification throughput; `entries` defaults to 200,000. */
export async function runMerkleBench(opts: { entries?: number } = {}): Promise<MerkleBenchResult[]> {
  const n = Math.max(1_000, opts.entries ?? DEFAULT_ENTRIES);
  const entries = syntheticEntries(n);
  const results: MerkleBenchResult[] = [];

  // Warm up the JIT on a small log first.
  const warm = entries.slice(0, 5_000);
  const warmNodes = append(warm);
  const warmRoot = rootOfSize(warm.length, (l, i) => warmNodes.get(nodeKey(l, i))!);
  verifyWholeLog(warm, warmRoot);
  verifyWholeLogPortable(warm, warmRoot);
  verifyStoredNodes(warm, warmNodes, warmRoot);

  let t = performance.now();
  const nodes = append(entries);
  const appendRate = perSec(n, performance.now() - t);
  const getNode: GetNode = (level, index) => nodes.get(nodeKey(level, index))!;
  const root = rootOfSize(n, getNode);
  results.push({
    name: 'append (leaf + completed nodes into a Map)',
    opsPerSec: appendRate,
    note: `${n} entries of ~${entries[0]!.length} bytes; ${nodes.size} nodes stored (${(nodes.size / n).toFixed(2)} per entry)`,
  });

  t = performance.now();
  const ok = verifyWholeLog(entries, root);
  const verifyRate = perSec(n, performance.now() - t);
  if (!ok) throw new Error('whole-log verification failed on an untampered log');
  results.push({
    name: 'verify whole log (entries -> root)',
    opsPerSec: verifyRate,
    note: `${n} entries, leaf hashes and root recomputed; target >= ${TARGET_VERIFY}/s: ${verifyRate >= TARGET_VERIFY ? 'met' : 'NOT met'}`,
  });
  const tampered = entries.slice();
  tampered[n >> 1] = new TextEncoder().encode('tampered');
  if (verifyWholeLog(tampered, root)) throw new Error('whole-log verification accepted a tampered entry');

  t = performance.now();
  const okPortable = verifyWholeLogPortable(entries, root);
  const portableRate = perSec(n, performance.now() - t);
  if (!okPortable) throw new Error('portable whole-log verification failed on an untampered log');
  results.push({
    name: 'verify whole log, @noble/hashes (browser)',
    opsPerSec: portableRate,
    note: `${n} entries; the same check with the pure-JS hasher merkle-verify.ts uses`,
  });

  t = performance.now();
  const okNodes = verifyStoredNodes(entries, nodes, root);
  const nodesRate = perSec(n, performance.now() - t);
  if (!okNodes) throw new Error('stored-node self-check failed on an untampered log');
  results.push({
    name: 'verify stored nodes (every node, then root)',
    opsPerSec: nodesRate,
    note: `${n} entries, ${nodes.size} node rows compared (Map lookups by "level:index")`,
  });

  const indices = Array.from({ length: PROOFS }, (_, i) => Math.floor((i * 7919) % n));
  const inclusion = indices.map((i) => ({ i, leaf: getNode(0, i), proof: hashRanges(inclusionProofRanges(i, n), getNode) }));
  t = performance.now();
  for (const p of inclusion) if (!verifyInclusion(p.i, n, p.leaf, p.proof, root)) throw new Error(`inclusion ${p.i} rejected`);
  const inclusionRate = perSec(PROOFS, performance.now() - t);
  results.push({
    name: 'verify inclusion proof (@noble/hashes)',
    opsPerSec: inclusionRate,
    note: `${PROOFS} proofs in a tree of ${n}, ${inclusion[0]!.proof.length}-${Math.max(...inclusion.map((p) => p.proof.length))} hashes each; proofs built beforehand`,
  });

  const sizes = indices.map((i) => Math.max(1, i));
  const roots = new Map(sizes.map((m) => [m, rootOfSize(m, getNode)]));
  const consistency = sizes.map((m) => ({ m, proof: hashRanges(consistencyProofRanges(m, n), getNode) }));
  t = performance.now();
  for (const p of consistency) if (!verifyConsistency(p.m, n, roots.get(p.m)!, root, p.proof)) throw new Error(`consistency ${p.m} rejected`);
  const consistencyRate = perSec(PROOFS, performance.now() - t);
  results.push({
    name: 'verify consistency proof (@noble/hashes)',
    opsPerSec: consistencyRate,
    note: `${PROOFS} proofs from random sizes to ${n}; proofs built beforehand`,
  });
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const results = await runMerkleBench({ entries: Number(process.argv[2] ?? DEFAULT_ENTRIES) });
  for (const r of results) console.log(`${r.name.padEnd(46)} ${String(r.opsPerSec).padStart(9)} /s  ${r.note}`);
}
