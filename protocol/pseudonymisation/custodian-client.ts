/**
 * Pseudonymises identities through the key custodian: normalise, blind, have the custodian
 * evaluate in batches, verify each batch's proof against the pinned key, finalise. Runs in
 * Node and in browsers (fetch only). The identity never leaves the caller: the custodian
 * sees blinded elements, the broker sees pseudonyms.
 *
 * Invariants:
 * - A key that differs from the pinned key for its epoch is refused before anything is
 *   sent; a proof that does not verify against the pinned key is refused after.
 * - Error messages never repeat an identity.
 */
import { identityKey, type IdentityInput } from './normalise-identity.js';
import { createOprfClient } from './oprf-client.js';
import { base64UrlToBytes, bytesToBase64Url, type VoprfSuite } from './voprf-suite.js';

export interface CustodianClientOptions {
  /** The custodian's API base, e.g. http://127.0.0.1:8080/custodian/v1 (demo). */
  readonly baseUrl: string;
  readonly token: string;
  /** Public keys pinned per epoch (base64url). Without a pin for the epoch used, the key served now is used (trust on first use). */
  readonly pinned?: Readonly<Record<number, string>>;
  /** The RFC 9497 implementation (default @noble/curves; voprf-suite-sodium.ts is several times faster in Node). */
  readonly suite?: VoprfSuite;
}

export interface PseudonymiseResult {
  readonly epoch: number;
  /** The public key the pseudonyms were verified against; pin it. */
  readonly publicKey: string;
  readonly pseudonyms: string[];
}

interface KeysResponse {
  current: number;
  epochs: Array<{ epoch: number; publicKey: string; retiredAt: string | null }>;
}

const BATCH = 1000;

async function call<T>(url: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    // A kept-alive connection the server closed while idle ("fetch failed"): once more, on a new one.
    // (An evaluation sent twice only counts twice against the quota; it discloses nothing.)
    await new Promise((r) => setTimeout(r, 200));
    try {
      res = await fetch(url, init);
    } catch (err) {
      // Name the address, not just "fetch failed": the usual cause is a wrong or unset URL.
      throw new Error(`cannot reach the custodian at ${url}: ${unreachableReason(err)}`);
    }
  }
  const text = await res.text();
  if (!res.ok) {
    let detail = res.statusText;
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? detail;
    } catch {
      /* not a problem document */
    }
    throw new Error(`custodian refused (${res.status}): ${detail}`);
  }
  return JSON.parse(text) as T;
}

/** Why a fetch failed, from its cause (ECONNREFUSED: nothing listens there). */
export function unreachableReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'nothing listens there (ECONNREFUSED); is it running, and is the URL right?';
  return cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
}

/** The custodian's published keys. */
export async function fetchCustodianKeys(baseUrl: string): Promise<KeysResponse> {
  return call<KeysResponse>(`${baseUrl.replace(/\/$/, '')}/keys`, { method: 'GET' });
}

/**
 * Pseudonymises `identities` under `epoch` (default: the custodian's current epoch), in
 * the order given. `doel` is required when a person (not an adapter) asks.
 */
export async function pseudonymise(
  opts: CustodianClientOptions,
  identities: readonly IdentityInput[],
  request: { epoch?: number; doel?: string } = {},
): Promise<PseudonymiseResult> {
  const base = opts.baseUrl.replace(/\/$/, '');
  const keys = await fetchCustodianKeys(base);
  const epoch = request.epoch ?? keys.current;
  const served = keys.epochs.find((e) => e.epoch === epoch && e.retiredAt === null);
  if (!served) throw new Error(`the custodian has no active key epoch ${epoch}`);
  const pinned = opts.pinned?.[epoch];
  if (pinned !== undefined && pinned !== served.publicKey) {
    throw new Error(`the custodian's key for epoch ${epoch} differs from the pinned key; refusing to use it`);
  }
  const client = createOprfClient({ publicKey: base64UrlToBytes(pinned ?? served.publicKey), epoch, ...(opts.suite ? { suite: opts.suite } : {}) });
  const inputs = identities.map((identity) => identityKey(identity));
  const pseudonyms: string[] = [];
  for (let i = 0; i < inputs.length; i += BATCH) {
    const { blindedElements, state } = client.blind(inputs.slice(i, i + BATCH));
    const answer = await call<{ evaluatedElements: string[]; proof: string }>(`${base}/evaluate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ epoch, ...(request.doel ? { doel: request.doel } : {}), blindedElements: blindedElements.map(bytesToBase64Url) }),
    });
    pseudonyms.push(...client.finalize(state, answer.evaluatedElements.map(base64UrlToBytes), base64UrlToBytes(answer.proof)));
  }
  return { epoch, publicKey: pinned ?? served.publicKey, pseudonyms };
}
