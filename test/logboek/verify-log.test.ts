/**
 * The verification engine (verify-log.ts) on synthetic logs: a copy that is exactly what the
 * checkpoints commit to is valid; every kind of break is named at the right seq; a consistent
 * rewrite is narrowed by checkpoints and, with stored nodes that match, to one entry; redacted
 * entries pass by leaf hash; the fast leaf path agrees with log-entry.ts on arbitrary JSON; and the
 * engine streams at the target speed.
 */
import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { canonicalJson, leafData } from '../../broker/logboek/log-entry.js';
import { leafHash, nodeHash } from '../../broker/logboek/merkle/merkle-hash.js';
import { hashesCompletedByAppend, inclusionProofRanges, hashRanges, nodeKey, rootOfSize, type NodeCoord } from '../../broker/logboek/merkle/tree-math.js';
import { checkpointDigest, createCheckpointSigner, type CheckpointBody } from '../../broker/logboek/checkpoint.js';
import { checkpointAncestors } from '../../broker/logboek/checkpoint-chain.js';
import {
  verifyEntryInclusion,
  verifyLog,
  type CheckpointRef,
  type StoredTree,
  type VerifiableEntry,
} from '../../broker/logboek/verify-log.js';

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

/** A realistic entry content (no identities: synthetic ids only). */
function content(i: number): string {
  return canonicalJson({
    v: 1,
    action: i % 7 === 0 ? 'log-read' : 'disclosure',
    activity: 'jpp-bevraging',
    actor: { kind: 'person', id: `user-${i % 5}`, organisation: 'org-1', role: 'voorzitter' },
    subject: Buffer.alloc(32, i % 251).toString('base64url'),
    doel: 'jpp-screening',
    partner: ['halt', 'politie', 'leerplicht'][i % 3],
    caseRef: `CASE-${Math.floor(i / 9)}`,
    queryId: null,
    outcome: ['hit', 'no-hit', 'not-permitted'][i % 3],
    rules: [{ rule: 'S08', effect: 'allow', grondslag: 'AVG art. 10 jo. Sr art. 77e' }],
    policy: { version: 1, hash: `sha256:${'ab'.repeat(32)}` },
    details: { consent: false, categoriesCounted: i % 3 === 0 ? ['halt-afdoening'] : [] },
    traceId: (i * 7919).toString(16).padStart(32, '0'),
    startedAt: new Date(1_790_000_000_000 + i * 1000).toISOString(),
    endedAt: new Date(1_790_000_000_000 + i * 1000 + 5).toISOString(),
  });
}

interface Log {
  entries: Array<{ seq: number; leafHash: Uint8Array; content: string | null }>;
  nodes: Map<string, Uint8Array>;
  checkpoint(size: number, id?: number): CheckpointRef;
}

/** Entries as the sequencer stores them, with every complete node. */
function makeLog(n: number, contentOf: (i: number) => string = content): Log {
  const entries: Log['entries'] = [];
  const nodes = new Map<string, Uint8Array>();
  for (let seq = 0; seq < n; seq++) {
    const c = contentOf(seq);
    const leaf = leafHash(leafData(c, seq));
    entries.push({ seq, leafHash: leaf, content: c });
    for (const node of hashesCompletedByAppend(seq, leaf, (l, i) => nodes.get(nodeKey(l, i))!)) nodes.set(nodeKey(node.level, node.index), node.hash);
  }
  return {
    entries,
    nodes,
    checkpoint: (size, id) => ({ ...(id !== undefined ? { id } : {}), treeSize: size, rootHash: b64(rootOfSize(size, (l, i) => nodes.get(nodeKey(l, i))!)) }),
  };
}

const storedTreeOf = (log: { entries: VerifiableEntry[]; nodes: Map<string, Uint8Array> }): StoredTree => ({
  async nodes(coords: readonly NodeCoord[]) {
    const out = new Map<string, Uint8Array>();
    for (const c of coords) {
      const h = log.nodes.get(nodeKey(c.level, c.index));
      if (h) out.set(nodeKey(c.level, c.index), h);
    }
    return out;
  },
  async *entries(from, to) {
    for (const e of log.entries) if (e.seq >= from && e.seq < to) yield e;
  },
});

/** An attacker's rewrite of entry `seq`: new content, with the leaf hash recomputed to match. */
function rewrite(entries: Log['entries'], seq: number, text: string): Log['entries'] {
  return entries.map((e) => (e.seq === seq ? { seq, content: text, leafHash: leafHash(leafData(text, seq)) } : e));
}

describe('a faithful copy', () => {
  it('is valid, with entries, checkpoints and time reported', async () => {
    const log = makeLog(300);
    const report = await verifyLog(log.entries, { checkpoint: log.checkpoint(300, 9), more: [log.checkpoint(100, 3), log.checkpoint(200, 6)] });
    expect(report).toMatchObject({ valid: true, treeSize: 300, entries: 300, redacted: 0, checkpointsChecked: 3, afterCheckpoint: 0 });
    expect(report.firstBreak).toBeUndefined();
    expect(report.ms).toBeGreaterThanOrEqual(0);
  });

  it('takes leaf hashes as bytes or base64, content as text, UTF-8 bytes (exports), objects (the API) or non-canonical text (migrated rows)', async () => {
    const log = makeLog(40);
    const mixed: VerifiableEntry[] = log.entries.map((e, i) => {
      if (i % 4 === 3) return { seq: e.seq, leafHash: b64(e.leafHash), content: new Uint8Array(Buffer.from(e.content!, 'utf8')) };
      if (i % 3 === 0) return { seq: e.seq, leafHash: b64(e.leafHash), content: JSON.parse(e.content!) as Record<string, unknown> };
      if (i % 3 === 1) return { seq: e.seq, leafHash: e.leafHash, content: JSON.stringify(JSON.parse(e.content!), null, 1) };
      return e;
    });
    expect((await verifyLog(mixed, { checkpoint: log.checkpoint(40) })).valid).toBe(true);
  });

  it('reads an async source and counts entries after the checkpoint without calling them a break', async () => {
    const log = makeLog(50);
    async function* source() {
      yield* log.entries;
    }
    const report = await verifyLog(source(), { checkpoint: log.checkpoint(45) });
    expect(report).toMatchObject({ valid: true, entries: 45, afterCheckpoint: 5 });
  });

  it('verifies the empty log against a checkpoint of size 0', async () => {
    const log = makeLog(0);
    expect(await verifyLog([], { checkpoint: log.checkpoint(0) })).toMatchObject({ valid: true, entries: 0, checkpointsChecked: 1 });
  });
});

describe('names the first entry that breaks', () => {
  const log = makeLog(120);
  const cp = log.checkpoint(120, 4);

  it('changed: content edited, leaf hash left alone', async () => {
    const text = log.entries[36]!.content!.replace('"outcome":"hit"', '"outcome":"no-hit"');
    expect(text).not.toBe(log.entries[36]!.content);
    const entries = log.entries.map((e) => (e.seq === 36 ? { ...e, content: text } : e));
    const r = await verifyLog(entries, { checkpoint: cp });
    expect(r.firstBreak).toMatchObject({ seq: 36, kind: 'changed' });
    expect(r.valid).toBe(false);
    expect(r.firstBreak!.detail).not.toMatch(/user-|org-1|halt/);
  });

  it('changed: content that is no longer JSON', async () => {
    const entries = log.entries.map((e) => (e.seq === 3 ? { ...e, content: '{"action":' } : e));
    expect((await verifyLog(entries, { checkpoint: cp })).firstBreak).toMatchObject({ seq: 3, kind: 'changed' });
  });

  it('missing: one entry and several entries deleted', async () => {
    const one = await verifyLog(log.entries.filter((e) => e.seq !== 50), { checkpoint: cp });
    expect(one.firstBreak).toMatchObject({ seq: 50, kind: 'missing', detail: 'entry 50 is missing: after entry 49 comes entry 51' });
    const many = await verifyLog(log.entries.filter((e) => e.seq < 10 || e.seq > 12), { checkpoint: cp });
    expect(many.firstBreak).toMatchObject({ seq: 10, kind: 'missing', detail: 'entries 10–12 are missing: after entry 9 comes entry 13' });
    const first = await verifyLog(log.entries.slice(1), { checkpoint: cp });
    expect(first.firstBreak).toMatchObject({ seq: 0, kind: 'missing' });
  });

  it('reordered: lines moved in a file (seq out of order)', async () => {
    const moved = [...log.entries];
    const [e] = moved.splice(20, 1);
    moved.splice(25, 0, e!);
    expect((await verifyLog(moved, { checkpoint: cp })).firstBreak).toMatchObject({ seq: 20, kind: 'reordered' });
    const back = [...log.entries.slice(0, 30), log.entries[10]!, ...log.entries.slice(30)];
    expect((await verifyLog(back, { checkpoint: cp })).firstBreak).toMatchObject({ seq: 10, kind: 'reordered' });
  });

  it('reordered: two entries swapped and renumbered (leaf hashes travel with them)', async () => {
    const swapped = log.entries.map((e) => {
      if (e.seq === 60) return { ...log.entries[61]!, seq: 60 };
      if (e.seq === 61) return { ...log.entries[60]!, seq: 61 };
      return e;
    });
    const r = await verifyLog(swapped, { checkpoint: cp });
    expect(r.firstBreak).toMatchObject({ seq: 60, kind: 'reordered', detail: 'entry 60 holds the entry that was logged as entry 61: entries were removed or moved' });
  });

  it('reordered: an entry inserted after the fact, later entries renumbered', async () => {
    const forged = content(9999);
    const shifted: Log['entries'] = [
      ...log.entries.slice(0, 70),
      { seq: 70, content: forged, leafHash: leafHash(leafData(forged, 70)) },
      ...log.entries.slice(70).map((e) => ({ ...e, seq: e.seq + 1 })),
    ];
    const r = await verifyLog(shifted, { checkpoint: cp });
    expect(r.firstBreak).toMatchObject({ seq: 70, kind: 'reordered', range: { from: 70, to: 71 } });
    expect(r.firstBreak!.detail).toMatch(/inserted after the fact/);
  });

  it('truncated: the log ends before the checkpoint', async () => {
    const r = await verifyLog(log.entries.slice(0, 100), { checkpoint: cp });
    expect(r.firstBreak).toMatchObject({ seq: 100, kind: 'truncated', checkpoint: { id: 4, treeSize: 120 } });
    expect(r.firstBreak!.detail).toBe('the log ends after entry 99, but checkpoint 4 (size 120) commits to 120 entries: entries 100–119 are gone');
  });

  it('stops reading at the first break and closes the source', async () => {
    let closed = false;
    let read = 0;
    async function* source() {
      try {
        for (const e of log.entries) {
          read++;
          yield e.seq === 5 ? { ...e, content: '{}' } : e;
        }
      } finally {
        closed = true;
      }
    }
    const r = await verifyLog(source(), { checkpoint: cp });
    expect(r).toMatchObject({ valid: false, entries: 6 });
    expect(read).toBe(6);
    expect(closed).toBe(true);
  });
});

describe('a consistent rewrite (leaf hashes recomputed)', () => {
  const log = makeLog(180);
  const checkpoints = [log.checkpoint(60, 1), log.checkpoint(120, 2), log.checkpoint(180, 3)];
  const tampered = rewrite(log.entries, 150, content(150).replace('"outcome":"hit"', '"outcome":"no-hit"'));

  it('is narrowed to the range between the last matching checkpoint and the first that does not match', async () => {
    const r = await verifyLog(tampered, { checkpoint: checkpoints[2]!, more: checkpoints.slice(0, 2) });
    expect(r.firstBreak).toMatchObject({ kind: 'root-mismatch', range: { from: 120, to: 180 }, checkpoint: { id: 3, treeSize: 180 } });
    expect(r.firstBreak!.seq).toBeUndefined();
    expect(r.firstBreak!.detail).toBe(
      'entries 120–179 were changed or reordered consistently (each matches its own leaf hash); checkpoint 3 (size 180) does not match; checkpoint 2 (size 120) does',
    );
    expect(r.checkpointsChecked).toBe(3);
  });

  it('is pinned to one entry with stored nodes that match the checkpoint (database mode)', async () => {
    const r = await verifyLog(tampered, { checkpoint: checkpoints[2]!, more: checkpoints.slice(0, 2), storedTree: storedTreeOf({ entries: tampered, nodes: log.nodes }) });
    expect(r.firstBreak).toMatchObject({ seq: 150, kind: 'root-mismatch', range: { from: 150, to: 151 } });
  });

  it('stays a range when the stored nodes were rewritten too (they no longer match the signed root)', async () => {
    const rewritten = makeLog(180, (i) => (i === 150 ? tampered[150]!.content! : content(i)));
    const r = await verifyLog(tampered, { checkpoint: checkpoints[2]!, storedTree: storedTreeOf({ entries: tampered, nodes: rewritten.nodes }) });
    expect(r.firstBreak).toMatchObject({ kind: 'root-mismatch', range: { from: 0, to: 180 } });
    expect(r.firstBreak!.seq).toBeUndefined();
  });

  it('is found at the first checkpoint it affects', async () => {
    const early = rewrite(log.entries, 10, content(11));
    const r = await verifyLog(early, { checkpoint: checkpoints[2]!, more: checkpoints.slice(0, 2) });
    expect(r.firstBreak).toMatchObject({ kind: 'root-mismatch', range: { from: 0, to: 60 }, checkpoint: { id: 1, treeSize: 60 } });
    expect(r.entries).toBe(60);
  });

  it.each([1, 2, 3, 5, 64, 100, 127, 128, 129, 179])('pins entry %i exactly, wherever it sits in the tree', async (seq) => {
    const t = rewrite(log.entries, seq, content(seq + 1000));
    const r = await verifyLog(t, { checkpoint: checkpoints[2]!, storedTree: storedTreeOf({ entries: t, nodes: log.nodes }) });
    expect(r.firstBreak).toMatchObject({ seq, kind: 'root-mismatch' });
  });
});

describe('redacted entries', () => {
  const log = makeLog(30);
  it('are verified by their leaf hash alone and counted, not a break', async () => {
    const redacted = log.entries.map((e) => (e.seq % 4 === 1 ? { ...e, content: null } : e));
    expect(await verifyLog(redacted, { checkpoint: log.checkpoint(30) })).toMatchObject({ valid: true, redacted: 8, entries: 30 });
  });

  it('still break the root when their leaf hash was changed', async () => {
    const redacted = log.entries.map((e) => (e.seq === 7 ? { ...e, content: null, leafHash: new Uint8Array(32) } : e));
    expect((await verifyLog(redacted, { checkpoint: log.checkpoint(30) })).firstBreak).toMatchObject({ kind: 'root-mismatch' });
  });

  it('prove inclusion by leaf hash', () => {
    const cp = log.checkpoint(30);
    const proof = hashRanges(inclusionProofRanges(7, 30), (l, i) => log.nodes.get(nodeKey(l, i))!).map(b64);
    expect(verifyEntryInclusion({ ...log.entries[7]!, content: null }, proof, cp)).toMatchObject({ ok: true, redacted: true });
  });
});

describe('inclusion of one entry', () => {
  const log = makeLog(77);
  const cp = log.checkpoint(77, 5);
  const proofOf = (seq: number) => hashRanges(inclusionProofRanges(seq, 77), (l, i) => log.nodes.get(nodeKey(l, i))!).map(b64);

  it('holds for each entry, and fails for changed content, a wrong proof or an entry after the checkpoint', () => {
    for (const seq of [0, 1, 38, 76]) expect(verifyEntryInclusion(log.entries[seq]!, proofOf(seq), cp).ok).toBe(true);
    expect(verifyEntryInclusion({ ...log.entries[3]!, content: content(4) }, proofOf(3), cp)).toMatchObject({ ok: false, detail: expect.stringMatching(/changed/) });
    expect(verifyEntryInclusion(log.entries[3]!, proofOf(4), cp).ok).toBe(false);
    expect(verifyEntryInclusion({ ...log.entries[3]!, seq: 80 }, proofOf(3), cp).ok).toBe(false);
  });
});

describe('the fast leaf path', () => {
  /** Whether step 2 (content against leaf hash) passes, through verifyEntryInclusion with no proof. */
  const leafPasses = (e: VerifiableEntry): boolean => !/changed/.test(verifyEntryInclusion(e, [], { treeSize: e.seq + 1, rootHash: '' }).detail);

  const json = fc.jsonValue({ maxDepth: 3 });
  const object = fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('seq', 'sep', 'seqq', 'se', 'z', '"', '\\', '10', '2', 'é', 'sé', '\u{1F600}', '\uFFFF')), json, { maxKeys: 8 });

  it('gives the leaf of log-entry.ts for arbitrary objects, canonical or not', () => {
    fc.assert(
      fc.property(object, fc.nat(1_000_000), fc.boolean(), (obj, seq, pretty) => {
        let canonical: string;
        try {
          canonical = canonicalJson(obj);
        } catch {
          return; // lone surrogates: not loggable
        }
        const leaf = leafHash(leafData(canonical, seq));
        const text = pretty ? JSON.stringify(obj, null, 2) : canonical;
        // verifyEntryInclusion checks the leaf before the proof: an empty proof then fails only at the proof.
        expect(leafPasses({ seq, leafHash: leaf, content: text })).toBe(true);
        if (canonical !== '{}') expect(leafPasses({ seq: seq + 1, leafHash: leaf, content: text })).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('finds the same leaves as log-entry.ts through the whole engine, at multi-digit seqs', async () => {
    const log = makeLog(1100, (i) => canonicalJson({ a: i, zz: { seq: i, s: '"seq":1,' }, r: [{ t: 1 }], 'sé': 'café ☕ \u{1F600}', '\u{1F600}': i % 2 === 0 }));
    expect((await verifyLog(log.entries, { checkpoint: log.checkpoint(1100) })).valid).toBe(true);
  });

  it('is not fooled by a nested "seq" key or by keys inside strings', async () => {
    const original = canonicalJson({ a: { seq: 5, z: 1 }, b: 'x,"seq":5,"c":1', t: 2 });
    const leaf = leafHash(leafData(original, 5));
    // Texts that differ from the original but contain the same bytes around a "seq" member.
    for (const forged of [canonicalJson({ a: { z: 1 }, b: 'x,"seq":5,"c":1', seq: 5, t: 2 }), canonicalJson({ a: { seq: 5, z: 1 }, b: 'x,"c":1', t: 2 })]) {
      expect(leafPasses({ seq: 5, leafHash: leaf, content: forged })).toBe(false);
    }
    expect(leafPasses({ seq: 5, leafHash: leaf, content: original })).toBe(true);
  });
});

describe('checkpointAncestors', () => {
  it('keeps the chain behind the trusted checkpoint and drops a signed fork', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const signer = await createCheckpointSigner(privateKey.export({ format: 'jwk' }) as JWK);
    const log = makeLog(40);
    const sign = (size: number, previous: string | null, root = log.checkpoint(size).rootHash): Promise<string> =>
      signer.sign({ origin: 'o', treeSize: size, rootHash: root, time: new Date().toISOString(), previous } satisfies CheckpointBody);
    const c1 = await sign(10, null);
    const c2 = await sign(20, checkpointDigest(c1));
    const fork = await sign(20, checkpointDigest(c1), b64(nodeHash(new Uint8Array(32), new Uint8Array(32))));
    const c3 = await sign(40, checkpointDigest(c2));
    const chain = await checkpointAncestors(c3, [{ id: 1, jws: c1 }, { id: 9, jws: fork }, { id: 2, jws: c2 }, { id: 3, jws: c3 }], signer.publicJwk, 'o');
    expect(chain.map((c) => [c.id, c.treeSize])).toEqual([
      [1, 10],
      [2, 20],
      [3, 40],
    ]);
    expect((await verifyLog(log.entries, { checkpoint: chain[2]!, more: chain.slice(0, 2) })).checkpointsChecked).toBe(3);
  });
});

describe('a long log', () => {
  // Speed is measured by `npm run bench` (scenario 3), not asserted here: a timed test flakes on a busy machine.
  it('streams 200,000 entries from a generator, holding none of them', async () => {
    const n = 200_000;
    // Entries are made on the fly (not held), from 64 distinct contents, each leaf computed once per seq.
    const texts = Array.from({ length: 64 }, (_, i) => content(i));
    const f = makeLog(0);
    const frontierNodes = f.nodes;
    const leaves: Uint8Array[] = new Array<Uint8Array>(n);
    for (let seq = 0; seq < n; seq++) leaves[seq] = leafHash(leafData(texts[seq % 64]!, seq));
    for (let seq = 0; seq < n; seq++) {
      for (const node of hashesCompletedByAppend(seq, leaves[seq]!, (l, i) => frontierNodes.get(nodeKey(l, i))!)) frontierNodes.set(nodeKey(node.level, node.index), node.hash);
    }
    const cp = { treeSize: n, rootHash: b64(rootOfSize(n, (l, i) => frontierNodes.get(nodeKey(l, i))!)) };
    async function* source(): AsyncGenerator<VerifiableEntry> {
      for (let seq = 0; seq < n; seq++) yield { seq, leafHash: b64(leaves[seq]!), content: texts[seq % 64]! };
    }
    const r = await verifyLog(source(), { checkpoint: cp });
    expect(r.valid).toBe(true);
    expect(r.entries).toBe(n);
  }, 120_000);
});
