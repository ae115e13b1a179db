/**
 * The C2SP formats one at a time, as pure functions (the interop test checks them against Go):
 * signed notes (the example vector of Go's golang.org/x/mod/sumdb/note documentation), checkpoint
 * texts, cosignature/v1, tile paths and entry bundles, and the add-checkpoint body; each malformed
 * form refused, never repaired. Also the witness configuration's refusals.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatNote,
  NoteError,
  openNote,
  parseNote,
  parseVerifierKey,
} from '../../broker/logboek/signed-note.js';
import { formatCheckpointText, parseCheckpointText, signCheckpoint } from '../../broker/logboek/checkpoint-note.js';
import { cosignatureVerifierFromVkey, createCosigner } from '../../broker/logboek/cosignature.js';
import { decodeBundle, encodeBundle, parseTilePath, tileExists, tilePath } from '../../broker/logboek/tiles.js';
import { formatAddCheckpoint, parseAddCheckpoint, parseCosignatureLines, parseTlogSize } from '../../broker/logboek/witness-protocol.js';
import { loadConfig } from '../../broker/config/config.js';

const jwk = (): JWK => generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as JWK;
const ROOT = Buffer.alloc(32, 7).toString('base64');

describe('signed notes', () => {
  // The example of golang.org/x/mod/sumdb/note's documentation.
  const vkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const note =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n" +
    '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

  it("opens Go's example note with Go's example key", () => {
    const k = parseVerifierKey(vkey);
    expect(k).toMatchObject({ name: 'PeterNeumann', keyId: 0xc74f20a3, type: 1 });
    const v = ed25519NoteVerifier(k.name, k.publicKey);
    expect(v.vkey).toBe(vkey);
    const opened = openNote(note, [v]);
    expect(opened.text).toBe("If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n");
    expect(opened.verified).toHaveLength(1);
    expect(() => openNote(note.replace('cryptography', 'Cryptography'), [v])).toThrow(/does not verify/);
  });

  it('signs what it opens, ignores unknown signatures, refuses when no known key signed', () => {
    const a = ed25519NoteSigner('a.example/log', jwk());
    const b = ed25519NoteSigner('b.example/log', jwk());
    const text = 'hello\n';
    const signed = formatNote(text, [a.signLine(text), b.signLine(text)]);
    expect(openNote(signed, [a]).verified.map((s) => s.name)).toEqual(['a.example/log']);
    expect(() => openNote(signed, [ed25519NoteSigner('c.example/log', jwk())])).toThrow(expect.objectContaining({ kind: 'unverified' }));
    // A key with a known name and ID whose signature fails refuses the whole note.
    const tampered = signed.replace(a.signLine(text), a.signLine('other\n'));
    expect(() => openNote(tampered, [a, b])).toThrow(expect.objectContaining({ kind: 'bad-signature' }));
  });

  it.each([
    ['no blank line', 'text\n\u2014 a AAAAAAA=\n'],
    ['no signature lines', 'text\n\n'],
    ['a signature line without the em dash', 'text\n\n- a AAAAAAAA\n'],
    ['a key name with a plus', 'text\n\n\u2014 a+b AAAAAAAA\n'],
    ['a signature too short for a key ID', 'text\n\n\u2014 a AAAA\n'],
    ['a control character', 'te\u0007xt\n\n\u2014 a AAAAAAAA\n'],
    ['a last line without newline', 'text\n\n\u2014 a AAAAAAAA'],
  ])('refuses a note with %s', (_what, text) => {
    expect(() => parseNote(text)).toThrow(NoteError);
  });

  it('refuses more than 100 signatures', () => {
    expect(() => parseNote(`t\n\n${'\u2014 a AAAAAAAA\n'.repeat(101)}`)).toThrow(/more than 100/);
  });

  it('refuses a vkey whose ID does not match', () => {
    expect(() => parseVerifierKey(vkey.replace('c74f20a3', 'c74f20a4'))).toThrow(/ID does not match/);
  });
});

describe('checkpoint texts', () => {
  const base = { origin: 'example.test/log', treeSize: 12, rootHash: ROOT, time: '2026-11-22T20:21:43.645Z', previous: null };

  it('formats and parses origin, size, root and jpp-broker extension lines, keeping unknown ones', () => {
    const text = formatCheckpointText({ ...base, previous: ROOT, otherExtensions: ['other thing'] });
    expect(text).toBe(`example.test/log\n12\n${ROOT}\ntime 2026-11-22T20:21:43.645Z\nprevious ${ROOT}\nother thing\n`);
    expect(parseCheckpointText(text)).toEqual({ ...base, previous: ROOT, otherExtensions: ['other thing'] });
    expect(parseCheckpointText(`example.test/log\n0\n${ROOT}\n`)).toMatchObject({ treeSize: 0, time: null, previous: null });
  });

  it('announces a key only as an Ed25519 vkey named after the origin', () => {
    const next = ed25519NoteSigner(base.origin, jwk());
    expect(parseCheckpointText(formatCheckpointText({ ...base, nextKey: next.vkey })).nextKey).toBe(next.vkey);
    const elsewhere = ed25519NoteSigner('elsewhere.test/log', jwk());
    expect(() => formatCheckpointText({ ...base, nextKey: elsewhere.vkey })).toThrow(/named after the origin/);
  });

  it.each([
    ['a size with a leading zero', `o\n012\n${ROOT}\n`],
    ['a negative size', `o\n-1\n${ROOT}\n`],
    ['a short root', 'o\n1\nAAAA\n'],
    ['an empty origin', `\n1\n${ROOT}\n`],
    ['an empty extension line', `o\n1\n${ROOT}\n\n`],
    ['two time lines', `o\n1\n${ROOT}\ntime 2026-11-22T20:21:43.645Z\ntime 2026-11-22T20:21:43.645Z\n`],
    ['a time that is not RFC 3339 UTC', `o\n1\n${ROOT}\ntime yesterday\n`],
    ['no final newline', `o\n1\n${ROOT}`],
  ])('refuses %s', (_what, text) => {
    expect(() => parseCheckpointText(text)).toThrow(NoteError);
  });

  it('signs with the origin as key name', () => {
    const s = ed25519NoteSigner(base.origin, jwk());
    const note = signCheckpoint(formatCheckpointText(base), [s]);
    expect(parseNote(note).signatures[0]!.name).toBe(base.origin);
  });
});

describe('cosignature/v1', () => {
  it('signs the checkpoint text with its time, and verifies only that', () => {
    const c = createCosigner('witness.test/w', jwk());
    const v = cosignatureVerifierFromVkey(c.vkey);
    expect(parseVerifierKey(c.vkey).type).toBe(4);
    // Type 0x04 gives another key ID than the same key and name as a type 0x01 note key.
    expect(v.keyId).not.toBe(ed25519NoteVerifier('witness.test/w', parseVerifierKey(c.vkey).publicKey).keyId);
    const text = formatCheckpointText({ origin: 'o.test/log', treeSize: 3, rootHash: ROOT, time: null, previous: null });
    const [line] = parseCosignatureLines(c.cosign(text, 1_700_000_000));
    expect(v.timeOf(text, line!.signature)).toBe(1_700_000_000);
    expect(v.timeOf(text.replace('3', '4'), line!.signature)).toBeUndefined();
    const otherTime = Buffer.from(line!.signature);
    otherTime.writeBigUInt64BE(1_700_000_001n, 0);
    expect(v.verify(text, otherTime)).toBe(false);
    expect(() => cosignatureVerifierFromVkey(ed25519NoteSigner('o.test/log', jwk()).vkey)).toThrow(/type 0x04/);
  });
});

describe('tiles', () => {
  it.each([
    [{ level: 0, index: 0, width: 256 }, 'tile/0/000'],
    [{ level: 2, index: 1234067, width: 256 }, 'tile/2/x001/x234/067'],
    [{ level: 0, index: 5, width: 17 }, 'tile/0/005.p/17'],
    [{ level: null, index: 1000, width: 1 }, 'tile/entries/x001/000.p/1'],
  ])('names %j %s, and reads it back', (ref, path) => {
    expect(tilePath(ref)).toBe(path);
    expect(parseTilePath(path.slice('tile/'.length))).toEqual(ref);
  });

  it.each(['0/0', '0/0000', '0/x000/001', '0/001.p/256', '0/001.p/0', '0/001.p/07', '64/000', '01/000', 'data/000', 'entries/x1/000'])('refuses the path tile/%s', (rest) => {
    expect(parseTilePath(rest)).toBeUndefined();
  });

  it('says which tiles exist for a size', () => {
    expect(tileExists({ level: 0, index: 0, width: 256 }, 255)).toBe(false);
    expect(tileExists({ level: 0, index: 0, width: 255 }, 255)).toBe(true);
    expect(tileExists({ level: 1, index: 0, width: 1 }, 256)).toBe(true);
    expect(tileExists({ level: 1, index: 0, width: 2 }, 511)).toBe(false);
    expect(tileExists({ level: null, index: 1, width: 3 }, 259)).toBe(true);
  });

  it('encodes entry bundles with uint16 lengths, empty entries for redacted ones', () => {
    const entries = [Buffer.from('{"a":1,"seq":0}'), new Uint8Array(0), Buffer.alloc(300, 0x61)];
    const bundle = encodeBundle(entries);
    expect(bundle.readUInt16BE(0)).toBe(15);
    expect(decodeBundle(bundle).map((e) => Buffer.from(e).toString('latin1'))).toEqual(entries.map((e) => Buffer.from(e).toString('latin1')));
    expect(() => decodeBundle(bundle.subarray(0, bundle.length - 1))).toThrow(/ends inside an entry/);
    expect(() => encodeBundle([new Uint8Array(70_000)])).toThrow(/does not fit/);
  });
});

describe('add-checkpoint bodies', () => {
  const note = `o\n1\n${ROOT}\n\n\u2014 o AAAAAAAA\n`;
  it('round-trips the old size, the proof and the checkpoint', () => {
    const proof = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const body = formatAddCheckpoint({ oldSize: 5, proof, checkpoint: note });
    expect(body.startsWith('old 5\n')).toBe(true);
    expect(parseAddCheckpoint(body)).toEqual({ oldSize: 5, proof, checkpoint: note });
    expect(parseAddCheckpoint(`old 0\n\n${note}`)).toEqual({ oldSize: 0, proof: [], checkpoint: note });
  });

  it.each([
    ['no empty line', `old 1\n${note.replace('\n\n', '\n')}`.replace(/\n\n/g, '\n')],
    ['an old size with a leading zero', `old 01\n\n${note}`],
    ['no old line', `1\n\n${note}`],
    ['a proof line that is not a hash', `old 1\nAAAA\n\n${note}`],
    ['64 proof lines', `old 1\n${`${ROOT}\n`.repeat(64)}\n${note}`],
  ])('refuses %s', (_what, body) => {
    expect(() => parseAddCheckpoint(body)).toThrow();
  });

  it('reads a 409 size only as <size>\\n', () => {
    expect(parseTlogSize('12\n')).toBe(12);
    expect(parseTlogSize('12')).toBeUndefined();
    expect(parseTlogSize('012\n')).toBeUndefined();
  });
});

describe('the witness configuration', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jpp-witness-config-'));
  const load = (env: Record<string, string>) => () => loadConfig({ JPP_MODE: 'demo', DATA_DIR: dataDir, ...env });
  const cosigner = createCosigner('w.test/1', jwk());

  it('takes witnesses with cosignature keys, and a quorum of at most their number', () => {
    const c = load({ JPP_WITNESSES: JSON.stringify([{ url: 'http://w.test/', vkey: cosigner.vkey }]) })();
    expect(c.logboek).toMatchObject({ witnesses: [{ url: 'http://w.test/', vkey: cosigner.vkey }], witnessQuorum: 1, witnessMaxLagSeconds: 300 });
    expect(load({})().logboek).toMatchObject({ witnesses: [], witnessQuorum: 0 });
  });

  it.each([
    ['JSON that is not an array', { JPP_WITNESSES: '{"url":"x"}' }, /JPP_WITNESSES/],
    ['a note key instead of a cosignature key', { JPP_WITNESSES: JSON.stringify([{ url: 'http://w.test/', vkey: ed25519NoteSigner('w.test/1', jwk()).vkey }]) }, /cosignature\/v1 verifier key/],
    ['a url that is not http', { JPP_WITNESSES: JSON.stringify([{ url: 'ftp://w.test/', vkey: cosigner.vkey }]) }, /url must be an http/],
    ['a quorum above the witnesses', { JPP_WITNESS_QUORUM: '1' }, /JPP_WITNESS_QUORUM: 1 is more than the 0 witnesses/],
    ['an origin with a space', { JPP_LOG_ORIGIN: 'my log' }, /JPP_LOG_ORIGIN/],
    ['an origin with a plus', { JPP_LOG_ORIGIN: 'log+1' }, /JPP_LOG_ORIGIN/],
  ])('refuses %s', (_what, env, message) => {
    expect(load(env)).toThrow(message);
  });

  it('refuses a previous checkpoint key that is the current one', () => {
    const same = JSON.stringify(jwk());
    expect(load({ JPP_LOG_SIGNING_KEY: same, JPP_LOG_PREVIOUS_SIGNING_KEY: same })).toThrow(/is JPP_LOG_SIGNING_KEY itself/);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
