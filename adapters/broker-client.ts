/**
 * The partner side's client for the broker's adapter API (POST /v1/signals,
 * DELETE /v1/signals/{ref}, the tasks of verzoeken van betrokkenen: GET /v1/verzoektaken,
 * POST /v1/verzoektaken/{taakId}/answer), over plain HTTP(S) or over mTLS with the partner's client
 * certificate. It sends what it is given: the signals must already be minimal and
 * pseudonymised, and a signed batch already signed (sign-batch.ts).
 *
 * Invariants: an error message repeats the broker's problem details (which never echo
 * values), never the batch content.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

export interface ClientTls {
  /** PEM: the partner's client certificate, its key, and the CA that issued the broker's certificate. */
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  readonly ca: string | Buffer;
}

export interface BrokerClientOptions {
  readonly baseUrl: string;
  readonly token: string;
  /** For an https:// base URL: the client certificate (mTLS). */
  readonly tls?: ClientTls;
}

/** Reads client.cert.pem, client.key.pem and ca.cert.pem from a partner bundle directory (jpp-broker pki issue). */
export function tlsFromDir(dir: string): ClientTls {
  return {
    cert: readFileSync(`${dir}/client.cert.pem`),
    key: readFileSync(`${dir}/client.key.pem`),
    ca: readFileSync(`${dir}/ca.cert.pem`),
  };
}

export interface BatchResult {
  batchId: string;
  accepted: number;
  duplicate: number;
  rejected: number;
  /** `code: erased`: the signal was erased at a data subject's request (AVG art. 17): never send it again. */
  rejections: Array<{ index: number; pointer: string; reason: string; code?: 'erased' }>;
  replayed: boolean;
}

/**
 * A verzoek van een betrokkene forwarded to this partner (GET /v1/verzoektaken): the type, this
 * partner's own refs and the deadline. Nothing of the subject.
 */
export interface VerzoekTaak {
  taakId: string;
  type: 'inzage' | 'rectificatie' | 'wissing' | 'beperking' | 'bezwaar' | 'informatie';
  refs: string[];
  status: 'open' | 'corrected' | 'withdrawn' | 'refused';
  reason: string | null;
  deadline: string;
  forwardedAt: string;
  answeredAt: string | null;
}

/** The partner's answer to a task: corrected (with corrections), withdrawn (erased), or refused (with a reason). */
export type TaakAnswer =
  | { outcome: 'corrected'; corrections: Array<{ ref: string; category?: string; registeredAt?: string; expiresAt?: string }> }
  | { outcome: 'withdrawn' }
  | { outcome: 'refused'; reason: string };

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

const agents = new WeakMap<object, https.Agent>();
const plainAgent = new http.Agent({ keepAlive: true });

function agentFor(opts: BrokerClientOptions): http.Agent {
  if (!opts.tls) return plainAgent;
  let agent = agents.get(opts.tls);
  if (!agent) {
    agent = new https.Agent({ keepAlive: true, cert: opts.tls.cert, key: opts.tls.key, ca: opts.tls.ca });
    agents.set(opts.tls, agent);
  }
  return agent;
}

/**
 * A reused keep-alive connection that the server closed while idle fails with ECONNRESET
 * ("socket hang up") before any byte reached the broker. Batches (idempotent on batchId)
 * and withdrawals are safe to send again, so such failures are retried a few times.
 */
const RETRYABLE = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT']);

async function send(opts: BrokerClientOptions, method: string, path: string, body?: { type: string; text: string }): Promise<{ status: number; text: string }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await sendOnce(opts, method, path, body);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (err instanceof BrokerRefusal) throw err;
      if (attempt >= 4 || !code || !RETRYABLE.has(code)) {
        // Name the URL it failed to reach, not only the socket's error.
        const why = code === 'ECONNREFUSED' ? 'nothing listens there (ECONNREFUSED); is it running, and is the URL right?' : (err as Error).message;
        throw Object.assign(new Error(`cannot reach the broker at ${opts.baseUrl.replace(/\/+$/, '')}${path}: ${why}`, { cause: err }), { code });
      }
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

async function sendOnce(opts: BrokerClientOptions, method: string, path: string, body?: { type: string; text: string }): Promise<{ status: number; text: string }> {
  // Appended, not resolved: a broker beside other platforms lives under a path (http://host/p/<platform>).
  const url = new URL(`${opts.baseUrl.replace(/\/+$/, '')}${path}`);
  const secure = url.protocol === 'https:';
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = (secure ? https : http).request(
      url,
      {
        method,
        agent: secure ? (opts.tls ? agentFor(opts) : undefined) : plainAgent,
        headers: {
          authorization: `Bearer ${opts.token}`,
          ...(body ? { 'content-type': body.type, 'content-length': Buffer.byteLength(body.text) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body?.text);
  });
  if (status < 200 || status >= 300) {
    let problem: ConstructorParameters<typeof BrokerRefusal>[1] = {};
    try {
      problem = JSON.parse(text) as typeof problem;
    } catch {
      problem = { detail: `HTTP ${status}` };
    }
    throw new BrokerRefusal(status, problem);
  }
  return { status, text };
}

/** Submits one batch (JSON); a retry with the same batchId returns the first result (replayed). */
export async function submitBatch(opts: BrokerClientOptions, batch: unknown): Promise<BatchResult> {
  return JSON.parse((await send(opts, 'POST', '/v1/signals', { type: 'application/json', text: JSON.stringify(batch) })).text) as BatchResult;
}

/** Submits one signed batch: a compact JWS over the batch JSON (application/jose). */
export async function submitSignedBatch(opts: BrokerClientOptions, jws: string): Promise<BatchResult> {
  return JSON.parse((await send(opts, 'POST', '/v1/signals', { type: 'application/jose', text: jws })).text) as BatchResult;
}

/** Withdraws one of the partner's own signals. */
export async function withdrawSignal(opts: BrokerClientOptions, ref: string): Promise<void> {
  await send(opts, 'DELETE', `/v1/signals/${encodeURIComponent(ref)}`);
}

/** This partner's tasks from verzoeken van betrokkenen: the open ones, or all (answered ones too). */
export async function listVerzoekTaken(opts: BrokerClientOptions, status: 'open' | 'all' = 'open'): Promise<VerzoekTaak[]> {
  return (JSON.parse((await send(opts, 'GET', `/v1/verzoektaken?status=${status}`)).text) as { items: VerzoekTaak[] }).items;
}

/** Answers one of this partner's tasks. A withdrawal erases the signals at the broker; never send their refs again. */
export async function answerVerzoekTaak(opts: BrokerClientOptions, taakId: string, answer: TaakAnswer): Promise<VerzoekTaak> {
  return JSON.parse((await send(opts, 'POST', `/v1/verzoektaken/${encodeURIComponent(taakId)}/answer`, { type: 'application/json', text: JSON.stringify(answer) })).text) as VerzoekTaak;
}
