/**
 * The batch JWS verification with node:crypto (broker/transport/compact-jws-verify.ts) takes exactly
 * what jose's compactVerify takes for the broker's algorithms, and refuses the rest (or more).
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CompactSign, compactVerify, exportJWK, importJWK, type JWK } from 'jose';
import { verifyCompactJws, verifyKeyOf, type JwsAlgorithm } from '../../broker/transport/compact-jws-verify.js';

const b64 = (x: string | Buffer): string => Buffer.from(x).toString('base64url');

async function keys(alg: JwsAlgorithm) {
  const pair = alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const priv = (await exportJWK(pair.privateKey)) as JWK;
  const pub = (await exportJWK(pair.publicKey)) as Record<string, unknown>;
  const sign = (payload: string | Uint8Array, header: Record<string, unknown> = {}): Promise<string> =>
    importJWK(priv, alg).then((k) => new CompactSign(typeof payload === 'string' ? new TextEncoder().encode(payload) : payload).setProtectedHeader({ alg, kid: 'k', ...header }).sign(k));
  return { pub, sign };
}

/** What jose says of `jws` under `pub`: the payload's text, or 'refused'. */
const joseSays = async (jws: string, pub: Record<string, unknown>, alg: JwsAlgorithm): Promise<string> => {
  try {
    const { payload } = await compactVerify(jws, await importJWK(pub as JWK, alg), { algorithms: [alg] });
    return Buffer.from(payload).toString('latin1');
  } catch {
    return 'refused';
  }
};
const oursSays = async (jws: string, pub: Record<string, unknown>, alg: JwsAlgorithm): Promise<string> => {
  try {
    return verifyCompactJws(jws, await verifyKeyOf(pub, alg), alg).toString('latin1');
  } catch {
    return 'refused';
  }
};

describe.each(['EdDSA', 'ES256'] as const)('verifyCompactJws, %s', (alg) => {
  it('returns the payload of a good JWS, as jose does, for payloads of every length and bytes', async () => {
    const { pub, sign } = await keys(alg);
    for (const payload of ['{}', '{"batchId":"b","signals":[]}', 'x'.repeat(1), 'xy', 'xyz', '\u00e9\ud83d\ude00', JSON.stringify({ a: 'b'.repeat(100_000) })]) {
      const jws = await sign(payload);
      expect(await oursSays(jws, pub, alg)).toBe(Buffer.from(payload).toString('latin1'));
      expect(await oursSays(jws, pub, alg)).toBe(await joseSays(jws, pub, alg));
    }
  });

  it('refuses what jose refuses: a changed payload, header or signature; another key; a truncated or extended JWS', async () => {
    const { pub, sign } = await keys(alg);
    const other = await keys(alg);
    const jws = await sign('{"batchId":"b1","signals":[1,2,3]}');
    const [h, p, s] = jws.split('.') as [string, string, string];
    const flip = (part: string, at: number): string => part.slice(0, at) + (part[at] === 'A' ? 'B' : 'A') + part.slice(at + 1);
    const bad = [
      `${h}.${b64('{"batchId":"b2","signals":[1,2,3]}')}.${s}`,
      `${h}.${flip(p, 3)}.${s}`,
      `${flip(h, 2)}.${p}.${s}`,
      `${h}.${p}.${flip(s, 5)}`,
      `${h}.${p}.${s.slice(0, -2)}`,
      `${h}.${p}.${s}AA`,
      `${h}.${p}.`,
      `${h}.${p}`,
      `${h}.${p}.${s}.${s}`,
      `.${p}.${s}`,
      await other.sign('{"batchId":"b1","signals":[1,2,3]}'),
    ];
    for (const jws2 of bad) {
      expect(await joseSays(jws2, pub, alg)).toBe('refused');
      expect(await oursSays(jws2, pub, alg)).toBe('refused');
    }
    expect(await oursSays(jws, other.pub, alg)).toBe('refused');
  });

  it('refuses a header naming another algorithm (none, HS256, the other one), a crit header, and a key of the other type', async () => {
    const { pub, sign } = await keys(alg);
    const jws = await sign('{}');
    const [, p, s] = jws.split('.') as [string, string, string];
    for (const header of [{ alg: 'none', kid: 'k' }, { alg: 'HS256', kid: 'k' }, { alg: alg === 'EdDSA' ? 'ES256' : 'EdDSA', kid: 'k' }, { kid: 'k' }]) {
      expect(await oursSays(`${b64(JSON.stringify(header))}.${p}.${s}`, pub, alg)).toBe('refused');
    }
    expect(await oursSays(`${b64(JSON.stringify({ alg: 'none' }))}.${p}.`, pub, alg)).toBe('refused');
    const crit = await sign('{}', { crit: ['exp'], exp: 1 }).catch(() => undefined);
    if (crit) expect(await oursSays(crit, pub, alg)).toBe('refused');
    const critB64 = await sign('{}', { b64: true, crit: ['b64'] }); // jose takes it; the broker takes no crit header at all
    expect(await joseSays(critB64, pub, alg)).toBe('{}');
    expect(await oursSays(critB64, pub, alg)).toBe('refused');
    const otherType = await keys(alg === 'EdDSA' ? 'ES256' : 'EdDSA');
    await expect(verifyKeyOf(otherType.pub, alg)).rejects.toThrow();
    await expect(verifyKeyOf({ kty: 'oct', k: b64('0123456789abcdef0123456789abcdef') }, alg)).rejects.toThrow();
  });
});

describe('verifyCompactJws, ES256 signature encoding', () => {
  it('refuses a DER-encoded ECDSA signature (JWS uses R || S)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { sign } = await import('node:crypto');
    const input = `${b64(JSON.stringify({ alg: 'ES256', kid: 'k' }))}.${b64('{}')}`;
    const der = sign('sha256', Buffer.from(input), privateKey);
    const raw = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const pub = (await exportJWK(publicKey)) as Record<string, unknown>;
    expect(await oursSays(`${input}.${b64(raw)}`, pub, 'ES256')).toBe('{}');
    expect(await oursSays(`${input}.${b64(der)}`, pub, 'ES256')).toBe('refused');
    expect(await joseSays(`${input}.${b64(der)}`, pub, 'ES256')).toBe('refused');
  });
});
