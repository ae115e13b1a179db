/**
 * The threaded reading of a compact export (verifiableBundleEntries in bundle-export.ts) reads
 * later chunks into the buffers of earlier ones once their entries were handed out as verified
 * runs. An export of about 20 MB with one worker (two chunks ahead) makes every chunk after the
 * second one a reused buffer: the reports and digests must still be exactly the one-thread
 * reading's, intact and with damage in the reused chunks, next to entries left over from the
 * previous read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleEntries, verifiableBundleEntries } from '../../broker/logboek/bundle-export.js';
import { leafData } from '../../broker/logboek/log-entry.js';
import { leafHash } from '../../broker/logboek/merkle/merkle-hash.js';
import { createAppend } from '../../broker/logboek/merkle/batch-append.js';
import { verifyLog, type CheckpointRef } from '../../broker/logboek/verify-log.js';
import { encodeBundle } from '../../broker/logboek/tiles.js';

const N = 22_000;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Synthetic contents of 900–1,000 bytes, of varying length so that chunks end inside entries. */
const content = (i: number): string => JSON.stringify({ action: 'disclosure', caseRef: `CASE-${i}`, details: { pad: 'y'.repeat(880 + ((i * 37) % 113)) }, outcome: i % 2 ? 'hit' : 'no-hit' });

const entries = Array.from({ length: N }, (_, seq) => leafData(content(seq), seq));
const leaves = entries.map((e) => leafHash(e));
const checkpoints: CheckpointRef[] = [];
{
  const append = createAppend(0, [], N);
  leaves.forEach((l, i) => {
    append.push(l);
    if ((i + 1) % 1000 === 0 || i + 1 === N) checkpoints.push({ id: checkpoints.length + 1, treeSize: i + 1, rootHash: Buffer.from(append.root()).toString('base64') });
  });
}

function write(e: Uint8Array[], l: Uint8Array[]): { bundles: string; leaves: string } {
  const dir = mkdtempSync(join(tmpdir(), 'jpp-verify-reuse-'));
  dirs.push(dir);
  const files = { bundles: join(dir, 'entries.bundles'), leaves: join(dir, 'leaves.tile0') };
  writeFileSync(files.bundles, encodeBundle(e));
  writeFileSync(files.leaves, Buffer.concat(l));
  return files;
}

async function both(files: { bundles: string; leaves: string }) {
  const options = { checkpoint: checkpoints[checkpoints.length - 1]!, more: checkpoints.slice(0, -1) };
  const h1: { bundles?: string; leaves?: string } = {};
  const h2: { bundles?: string; leaves?: string } = {};
  const one = await verifyLog(bundleEntries(files.bundles, files.leaves, h1), options);
  const threaded = await verifyLog(verifiableBundleEntries(files.bundles, files.leaves, h2, { threads: 1 }), options);
  return { one: { ...one, ms: 0 }, threaded: { ...threaded, ms: 0 }, h1, h2 };
}

describe('verify of a compact export reading into reused chunk buffers', () => {
  it('is larger than four reads of 4 MB (so that chunks three and on reuse a buffer)', () => {
    expect(entries.reduce((n, e) => n + 2 + e.length, 0)).toBeGreaterThan(5 * (4 << 20));
  });

  it('an intact export: valid, every entry counted, the same digests', async () => {
    const r = await both(write(entries, leaves));
    expect(r.threaded).toEqual(r.one);
    expect(r.threaded.valid).toBe(true);
    expect(r.threaded.entries).toBe(N);
    expect(r.h2).toEqual(r.h1);
  });

  it('a changed entry in a late chunk: changed at that seq, as in one thread', async () => {
    const damaged = entries.slice();
    const changed = Buffer.from(damaged[20_777]!);
    changed[50] = changed[50]! ^ 1;
    damaged[20_777] = changed;
    const r = await both(write(damaged, leaves));
    expect(r.threaded).toEqual(r.one);
    expect(r.threaded.firstBreak).toMatchObject({ kind: 'changed', seq: 20_777 });
    expect(r.h2).toEqual(r.h1);
  });

  it('redactions before and in reused chunks pass and are counted, then a changed leaf hash is found', async () => {
    const redacted = entries.map((e, i) => (i % 1009 === 0 ? new Uint8Array(0) : e));
    const l = leaves.slice();
    l[19_001] = new Uint8Array(32).fill(9);
    const r = await both(write(redacted, l));
    expect(r.threaded).toEqual(r.one);
    expect(r.threaded.redacted).toBe(19);
    expect(r.threaded.firstBreak).toMatchObject({ kind: 'changed', seq: 19_001 });
  });
});
