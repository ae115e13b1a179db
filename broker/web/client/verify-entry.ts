/**
 * Browser: checks one logboek entry against the latest signed checkpoint, without trusting
 * the page's server beyond what it signs. It verifies the checkpoint's JWS (jose; RFC 7515,
 * Ed25519 per RFC 8037) with the log's public key, recomputes the entry's leaf hash from its
 * content (RFC 8785 JCS of content + seq, RFC 9162 §2.1.1), and checks the inclusion proof
 * from that leaf to the checkpoint's root (RFC 9162 §2.1.3.2, merkle-verify.ts: the same code
 * the server's tests check against the official vectors).
 */
import canonicalize from 'canonicalize';
import { compactVerify, importJWK, type JWK } from 'jose';
import { ed25519 } from '@noble/curves/ed25519.js';
import { portableLeafHash, verifyInclusion } from '../../logboek/merkle/merkle-verify.js';
import { localUrl } from './base-path.js';

const CHECKPOINT_TYPE = 'jpp-checkpoint+jws';

const b64 = (s: string): Uint8Array => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const b64url = (s: string): Uint8Array => b64(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
const toB64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b));

async function getJson<T>(path: string): Promise<T | undefined> {
  const res = await fetch(localUrl(path), { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 204) return undefined;
  if (!res.ok) throw new Error(`${path} antwoordde ${res.status}`);
  return (await res.json()) as T;
}

interface CheckpointBody {
  origin: string;
  treeSize: number;
  rootHash: string;
}

/** Verifies the JWS with jose (WebCrypto Ed25519); where the browser lacks Ed25519, with @noble/curves. */
async function verifyCheckpoint(jws: string, jwk: JWK, origin: string): Promise<{ body: CheckpointBody; how: string }> {
  let payload: Uint8Array;
  let how = 'jose (WebCrypto)';
  try {
    const key = await importJWK({ ...jwk, alg: 'EdDSA' }, 'EdDSA');
    const r = await compactVerify(jws, key, { algorithms: ['EdDSA'] });
    if (r.protectedHeader.typ !== CHECKPOINT_TYPE) throw new Error('geen checkpoint van jpp-broker');
    payload = r.payload;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_JOSE_NOT_SUPPORTED' && !(err instanceof DOMException)) throw err;
    const [h, p, s] = jws.split('.') as [string, string, string];
    const header = JSON.parse(new TextDecoder().decode(b64url(h))) as { alg?: string; typ?: string };
    if (header.alg !== 'EdDSA' || header.typ !== CHECKPOINT_TYPE) throw new Error('geen checkpoint van jpp-broker');
    if (!ed25519.verify(b64url(s), new TextEncoder().encode(`${h}.${p}`), b64url(jwk.x!))) throw new Error('handtekening ongeldig');
    payload = b64url(p);
    how = '@noble/curves (deze browser kent Ed25519 niet in WebCrypto)';
  }
  const body = JSON.parse(new TextDecoder().decode(payload)) as CheckpointBody;
  if (body.origin !== origin) throw new Error(`checkpoint is van ${body.origin}, niet van ${origin}`);
  return { body, how };
}

function report(box: HTMLElement, ok: boolean, lines: string[]): void {
  box.replaceChildren();
  const head = document.createElement('p');
  head.className = ok ? 'ok' : 'bad';
  head.textContent = ok ? 'Geverifieerd in uw browser: deze regel staat in het ondertekende logboek.' : 'Niet bewezen.';
  const list = document.createElement('ul');
  for (const l of lines) {
    const li = document.createElement('li');
    li.textContent = l;
    list.append(li);
  }
  box.append(head, list);
  box.dataset['result'] = ok ? 'ok' : 'failed';
}

async function run(box: HTMLElement): Promise<void> {
  const seq = Number(box.dataset['seq']);
  const storedLeaf = box.dataset['leafHash']!;
  const content = JSON.parse(document.getElementById('entry-content')!.textContent!) as Record<string, unknown> | null;
  const { origin, key } = (await getJson<{ origin: string; key: JWK }>('/v1/log/public-key'))!;
  const latest = await getJson<{ id: number; jws: string }>('/v1/log/checkpoints/latest');
  if (!latest) return report(box, false, ['Er is nog geen checkpoint. Probeer het over een minuut opnieuw.']);
  const { body, how } = await verifyCheckpoint(latest.jws, key, origin);
  const lines = [`Checkpoint ${latest.id} (${body.treeSize} regels) is ondertekend met de sleutel van ${origin}; gecontroleerd met ${how}.`];
  if (seq >= body.treeSize) return report(box, false, [...lines, `Regel ${seq} valt na dit checkpoint. Probeer het over een minuut opnieuw.`]);
  let leaf = b64(storedLeaf);
  if (content !== null) {
    const text = canonicalize({ ...content, seq });
    leaf = portableLeafHash(new TextEncoder().encode(text!));
    if (toB64(leaf) !== storedLeaf) return report(box, false, [...lines, `De inhoud van regel ${seq} is veranderd: de hash past niet bij de opgeslagen leaf-hash.`]);
    lines.push(`De inhoud van regel ${seq} geeft precies de opgeslagen leaf-hash.`);
  } else {
    lines.push(`De inhoud van regel ${seq} is volgens de bewaartermijn verwijderd; alleen de leaf-hash wordt gecontroleerd.`);
  }
  const proof = (await getJson<{ proof: string[] }>(`/v1/log/proofs/inclusion?index=${seq}&treeSize=${body.treeSize}`))!;
  const included = verifyInclusion(seq, body.treeSize, leaf, proof.proof.map(b64), b64(body.rootHash));
  if (!included) return report(box, false, [...lines, `Het inclusiebewijs leidt niet van regel ${seq} naar de root van checkpoint ${latest.id}.`]);
  report(box, true, [...lines, `Het inclusiebewijs (${proof.proof.length} hashes) leidt van deze regel naar de root van het checkpoint.`]);
}

for (const box of document.querySelectorAll<HTMLElement>('[data-verify-entry]')) {
  const button = document.querySelector<HTMLButtonElement>('[data-verify-start]');
  const go = (): void => {
    box.textContent = 'Bezig met controleren…';
    run(box).catch((err: unknown) => report(box, false, [`Controle mislukt: ${(err as Error).message}`]));
  };
  button?.addEventListener('click', go);
  go();
}
