/**
 * The partner side's client for the broker's adapter API (POST /v1/signals,
 * DELETE /v1/signals/{ref}). It sends what it is given: the signals must already be
 * minimal and pseudonymised. The full adapter (export mapping, OPRF pseudonymisation,
 * signing, journal) builds on this client.
 *
 * Invariants: an error message repeats the broker's problem details (which never echo
 * values), never the batch content.
 */

export interface BrokerClientOptions {
  readonly baseUrl: string;
  readonly token: string;
}

export interface BatchResult {
  batchId: string;
  accepted: number;
  duplicate: number;
  rejected: number;
  rejections: Array<{ index: number; pointer: string; reason: string }>;
  replayed: boolean;
}

/** A refusal by the broker, carrying its RFC 9457 problem details. */
export class BrokerRefusal extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; errors?: Array<{ pointer: string; detail: string }> },
  ) {
    const fields = (problem.errors ?? []).map((e) => `\n  ${e.pointer}: ${e.detail}`).join('');
    super(`${status} ${problem.title ?? 'refused'}: ${problem.detail ?? ''}${fields}`);
    this.name = 'BrokerRefusal';
  }
}

async function send(opts: BrokerClientOptions, method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(new URL(path, opts.baseUrl), {
    method,
    headers: { authorization: `Bearer ${opts.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) {
    const text = await res.text();
    let problem: ConstructorParameters<typeof BrokerRefusal>[1] = {};
    try {
      problem = JSON.parse(text) as typeof problem;
    } catch {
      problem = { detail: res.statusText };
    }
    throw new BrokerRefusal(res.status, problem);
  }
  return res;
}

/** Submits one batch; a retry with the same batchId returns the first result (replayed). */
export async function submitBatch(opts: BrokerClientOptions, batch: unknown): Promise<BatchResult> {
  return (await (await send(opts, 'POST', '/v1/signals', batch)).json()) as BatchResult;
}

/** Withdraws one of the partner's own signals. */
export async function withdrawSignal(opts: BrokerClientOptions, ref: string): Promise<void> {
  await send(opts, 'DELETE', `/v1/signals/${encodeURIComponent(ref)}`);
}
