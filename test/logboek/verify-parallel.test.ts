/**
 * The compact export's verification with its leaves hashed on worker threads
 * (verifiableBundleEntries in bundle-export.ts, leaf-hash-pool.ts) reports exactly what the
 * one-thread reading (bundleEntries) reports: the same validity, counts, first break (kind, seq,
 * range, checkpoint, words) and the same file digests, for an intact export and for every way a
 * copy can be damaged. The exports are larger than one read (4 MB), so that runs cross chunks.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleEntries, verifiableBundleEntries } from '../../broker/logboek/bundle-export.js';
import { leafData } from '../../broker/logboek/log-entry.js';
import { leafHash } from '../../broker/logboek/merkle/merkle-hash.js';
import { createAppend } from '../../broker/logboek/merkle/batch-append.js';
import { verifyLog, type CheckpointRef, type VerifyReport } from '../../broker/logboek/verify-log.js';
import { encodeBundle } from '../../broker/logboek/tiles.js';

const N = 6000;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Synthetic entry contents of about 900 bytes (no identities). */
const content = (i: number): string =>
  JSON.stringify({ action: 'disclosure', actor: { id: `user-${i % 5}`, kind: 'person' }, caseRef: `CASE-${Math.floor(i / 9)}`, details: { pad: 'x'.repeat(800 + (i % 50)) }, outcome: i % 3 === 0 ? 'hit' : 'no-hit' });

interface Export {
  leaves: Uint8Array[];
  entries: Uint8Array[];
  /** Checkpoints at every 1,000 entries and at N − 7 (the trusted one: the last 7 come after it). */
  checkpoints: CheckpointRef[];
}

function makeExport(): Export {
  const entries = Array.from({ length: N }, (_, seq) => leafData(content(seq), seq));
  const leaves = entries.map((e) => leafHash(e));
  const append = createAppend(0, [], N);
  const checkpoints: CheckpointRef[] = [];
  leaves.forEach((l, i) => {
    append.push(l);
    const size = i + 1;
    if (size % 1000 === 0 || size === N - 7) checkpoints.push({ id: checkpoints.length + 1, treeSize: size, rootHash: Buffer.from(append.root()).toString('base64') });
  });
  return { entries, leaves, checkpoints: checkpoints.filter((c) => c.treeSize <= N - 7) };
}

function write(e: { entries: Uint8Array[]; leaves: Uint8Array[] }, cut?: { bundles?: number; leaves?: number }): { bundles: string; leaves: string } {
  const dir = mkdtempSync(join(tmpdir(), 'jpp-verify-parallel-'));
  dirs.push(dir);
  const files = { bundles: join(dir, 'entries.bundles'), leaves: join(dir, 'leaves.tile0') };
  const bundles = encodeBundle(e.entries);
  const leaves = Buffer.concat(e.leaves);
  writeFileSync(files.bundles, cut?.bundles !== undefined ? bundles.subarray(0, cut.bundles) : bundles);
  writeFileSync(files.leaves, cut?.leaves !== undefined ? leaves.subarray(0, cut.leaves) : leaves);
  return files;
}

async function both(files: { bundles: string; leaves: string }, checkpoints: CheckpointRef[]): Promise<{ one: VerifyReport; threads: VerifyReport; digests: [unknown, unknown] }> {
  const trusted = checkpoints[checkpoints.length - 1]!;
  const options = { checkpoint: trusted, more: checkpoints.slice(0, -1) };
  const h1: { bundles?: string; leaves?: string } = {};
  const h2: { bundles?: string; leaves?: string } = {};
  const one = await verifyLog(bundleEntries(files.bundles, files.leaves, h1), options);
  const threads = await verifyLog(verifiableBundleEntries(files.bundles, files.leaves, h2, { threads: 2 }), options);
  return { one: { ...one, ms: 0 }, threads: { ...threads, ms: 0 }, digests: [h1, h2] };
}

describe('verify of a compact export with worker threads', () => {
  const base = makeExport();
  const total = base.entries.reduce((n, e) => n + 2 + e.length, 0);

  it('spans more than one read of the file (so that runs cross chunks)', () => {
    expect(total).toBeGreaterThan(4 << 20);
  });

  it('an intact export: valid, every entry and checkpoint counted, the same digests', async () => {
    const r = await both(write(base), base.checkpoints);
    expect(r.threads).toEqual(r.one);
    expect(r.threads.valid).toBe(true);
    expect(r.threads.entries).toBe(N - 7);
    expect(r.threads.afterCheckpoint).toBe(7);
    expect(r.threads.checkpointsChecked).toBe(base.checkpoints.length);
    expect(r.digests[1]).toEqual(r.digests[0]);
    const files = write(base);
    expect((r.digests[1] as { bundles: string }).bundles).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(files.bundles).length).toBe(total);
  });

  it('a changed entry (its bytes, not its leaf hash): changed at that seq', async () => {
    const entries = base.entries.slice();
    const changed = Buffer.from(entries[4321]!);
    changed[100] = changed[100]! ^ 1;
    entries[4321] = changed;
    const r = await both(write({ entries, leaves: base.leaves }), base.checkpoints);
    expect(r.threads).toEqual(r.one);
    expect(r.threads.firstBreak).toMatchObject({ kind: 'changed', seq: 4321 });
  });

  it('a changed leaf hash: changed at that seq', async () => {
    const leaves = base.leaves.slice();
    leaves[17] = new Uint8Array(32).fill(7);
    const r = await both(write({ entries: base.entries, leaves }), base.checkpoints);
    expect(r.threads).toEqual(r.one);
    expect(r.threads.firstBreak).toMatchObject({ kind: 'changed', seq: 17 });
  });

  it('an entry and its leaf hash rewritten together: a root mismatch between the checkpoints around it', async () => {
    const entries = base.entries.slice();
    const leaves = base.leaves.slice();
    entries[2500] = leafData(content(99_999), 2500);
    leaves[2500] = leafHash(entries[2500]);
    const r = await both(write({ entries, leaves }), base.checkpoints);
    expect(r.threads).toEqual(r.one);
    expect(r.threads.firstBreak).toMatchObject({ kind: 'root-mismatch', range: { from: 2000, to: 3000 } });
  });

  it('redacted entries (empty, their leaf hash kept) pass and are counted', async () => {
    const entries = base.entries.map((e, i) => (i % 97 === 0 || (i >= 4000 && i < 4100) ? new Uint8Array(0) : e));
    const r = await both(write({ entries, leaves: base.leaves }), base.checkpoints);
    expect(r.threads).toEqual(r.one);
    expect(r.threads.valid).toBe(true);
    expect(r.threads.redacted).toBeGreaterThan(100);
  });

  it('a bundles file cut inside an entry, and a leaves file cut inside a hash: truncated where the copy ends', async () => {
    const inEntry = await both(write(base, { bundles: Math.floor(total * 0.7) }), base.checkpoints);
    expect(inEntry.threads).toEqual(inEntry.one);
    expect(inEntry.threads.firstBreak?.kind).toBe('truncated');
    expect(inEntry.digests[1]).toEqual(inEntry.digests[0]);
    const inLeaf = await both(write(base, { leaves: 32 * 3000 + 5 }), base.checkpoints);
    expect(inLeaf.threads).toEqual(inLeaf.one);
    expect(inLeaf.threads.firstBreak).toMatchObject({ kind: 'truncated', seq: 3000 });
    expect(inLeaf.digests[1]).toEqual(inLeaf.digests[0]);
  });
});
