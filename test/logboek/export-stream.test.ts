/**
 * The compact export writes each answer of GET /v1/log/bundles to its two files chunk by chunk as
 * the body is read (exportBundles in export-log.ts, bundleStream in log-client.ts), never gathering
 * a page: whatever the chunks' sizes and wherever they cut the level-0 hashes from the bundle bytes,
 * leaves.tile0 and entries.bundles hold exactly the answers' bytes, and the manifest their SHA-256.
 * A body shorter than its level-0 hashes fails the export (no manifest), as before.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportLog } from '../../broker/logboek/export-log.js';
import { createLogClient } from '../../broker/logboek/log-client.js';
import { encodeBundle } from '../../broker/logboek/tiles.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const N = 40_000; // three requests of 16,384 entries, the last one short
const entries = Array.from({ length: N }, (_, i) => (i % 501 === 0 ? new Uint8Array(0) : randomBytes(1 + ((i * 7919) % 300))));
const leaves = Array.from({ length: N }, () => randomBytes(32));

/** A broker's log API in a fetch: bundles answers in chunks of 1 to 9,000 bytes; `short` cuts one answer inside its hashes, `refuse` answers one with 500. */
function fakeFetch(short?: number, refuse?: number): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    if (url.pathname === '/v1/log/public-key') return Response.json({ origin: 'example.test/log', key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.alloc(32).toString('base64url') } });
    if (url.pathname === '/v1/log/checkpoints/latest') return new Response(null, { status: 204 });
    if (url.pathname === '/v1/log/checkpoints') return Response.json({ checkpoints: [] });
    if (url.pathname !== '/v1/log/bundles') return new Response('{}', { status: 404 });
    const from = Number(url.searchParams.get('fromSeq'));
    if (refuse === from) return Response.json({ title: 'Internal error' }, { status: 500 });
    const to = Math.min(N, from + Number(url.searchParams.get('limit')));
    let body: Buffer = Buffer.concat([...leaves.slice(from, to), encodeBundle(entries.slice(from, to))]);
    if (short === from) body = body.subarray(0, 32 * (to - from) - 5);
    let at = 0;
    let k = from;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= body.length) return controller.close();
        const size = 1 + ((k++ * 104_729) % 9000);
        controller.enqueue(new Uint8Array(body.subarray(at, at + size)));
        at += size;
      },
    });
    return new Response(stream, { headers: { 'content-type': 'application/octet-stream', 'jpp-entries': String(to - from), 'jpp-tree-size': String(N) } });
  }) as typeof fetch;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('the compact export, streamed to its files', () => {
  it('writes exactly the answers’ hashes and bundle bytes, whatever the chunks', async () => {
    const out = mkdtempSync(join(tmpdir(), 'jpp-export-stream-'));
    dirs.push(out);
    const r = await exportLog(createLogClient('http://broker.test', { token: 't', fetch: fakeFetch() }), out, { format: 'tlog-tiles' });
    expect(r.entries).toBe(N);
    const expectedLeaves = Buffer.concat(leaves);
    const expectedBundles = encodeBundle(entries);
    expect(readFileSync(join(out, 'leaves.tile0')).equals(expectedLeaves)).toBe(true);
    expect(readFileSync(join(out, 'entries.bundles')).equals(Buffer.from(expectedBundles))).toBe(true);
    expect(r.manifest.files['leaves.tile0']).toBe(sha256(expectedLeaves));
    expect(r.manifest.files['entries.bundles']).toBe(sha256(expectedBundles));
  });

  it('the client’s streamed answer for a later page is that page’s hashes, then its bundle bytes', async () => {
    const client = createLogClient('http://broker.test', { token: 't', fetch: fakeFetch() });
    const page = await client.bundleStream!(16_384, 16_384);
    expect(page.entries).toBe(16_384);
    const chunks: Uint8Array[] = [];
    for await (const chunk of page.body) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    expect(body.subarray(0, 32 * 16_384).equals(Buffer.concat(leaves.slice(16_384, 32_768)))).toBe(true);
    expect(body.subarray(32 * 16_384).equals(Buffer.from(encodeBundle(entries.slice(16_384, 32_768))))).toBe(true);
  });

  it('fails, without a manifest, on an answer shorter than its level-0 hashes', async () => {
    const out = mkdtempSync(join(tmpdir(), 'jpp-export-stream-'));
    dirs.push(out);
    await expect(exportLog(createLogClient('http://broker.test', { token: 't', fetch: fakeFetch(16_384) }), out, { format: 'tlog-tiles' })).rejects.toThrow(/did not answer entry bundles/);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
  });

  it('fails, without a manifest, when the broker refuses a request, the first or a later one', async () => {
    for (const refuse of [0, 32_768]) {
      const out = mkdtempSync(join(tmpdir(), 'jpp-export-stream-'));
      dirs.push(out);
      await expect(exportLog(createLogClient('http://broker.test', { token: 't', fetch: fakeFetch(undefined, refuse) }), out, { format: 'tlog-tiles' })).rejects.toThrow(/answered 500/);
      expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    }
  });
});
