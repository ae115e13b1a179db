/**
 * The small HTTP client for a broker's /v1/log API that the audit tools share: the witness,
 * export, verify and prove (and, over the read service in-process, the web pages:
 * broker/web/in-process-log-client.ts).
 *
 * Invariants:
 * - It trusts nothing it reads: callers verify signatures and proofs (checkpoint-forms.ts,
 *   merkle-verify.ts). It only reports what the broker answered, with its HTTP status.
 * - A token, when given, is sent on every request; without one only the public routes work.
 */
import type { JWK } from 'jose';
import type { CheckpointView, LogEntryView } from './logboek-read.service.js';
import { unreachableReason } from '../../protocol/pseudonymisation/custodian-client.js';

/** A refusal or failure from the broker, with its HTTP status (0 when the broker did not answer). */
export class LogClientError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'LogClientError';
  }
}

export interface InclusionProofView {
  index: number;
  treeSize: number;
  leafHash: string;
  proof: string[];
}

export interface ConsistencyProofView {
  size1: number;
  size2: number;
  proof: string[];
}

export interface EntryPage {
  entries: LogEntryView[];
  treeSize: number;
  nextSeq: number | null;
}

/** The /v1/log API as a witness, an exporter or a verifier uses it. */
export interface LogClient {
  readonly url: string;
  publicKey(): Promise<{ origin: string; key: JWK; vkey?: string }>;
  checkpoints(after: number, limit?: number): Promise<CheckpointView[]>;
  latestCheckpoint(): Promise<CheckpointView | undefined>;
  inclusionProof(index: number, treeSize: number): Promise<InclusionProofView>;
  consistencyProof(size1: number, size2: number): Promise<ConsistencyProofView>;
  /** Needs a token of a role that may read the log; every call is logged by the broker. */
  entries(fromSeq: number, limit: number): Promise<EntryPage>;
  /**
   * Entries [fromSeq, fromSeq + limit) as level-0 hashes and entry bundles (GET /v1/log/bundles;
   * logged like `entries`), with the body not yet read: the exporter writes the chunks to its files
   * as they come (export-log.ts), without gathering a page of some 17 MB and copying it once more.
   */
  bundleStream?(fromSeq: number, limit: number): Promise<BundleStream>;
}

/**
 * One answer of GET /v1/log/bundles before its body is read: `body` yields the `entries` leaf
 * hashes (32 bytes each), then the bundle bytes, in chunks of any size; read it once, in full.
 */
export interface BundleStream {
  treeSize: number;
  entries: number;
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

/**
 * A client for one broker. Why hand-written: the few calls need no generated code, and a witness
 * must not depend on more than fetch. A token, when given, is sent on every request.
 */
export function createLogClient(
  baseUrl: string,
  options: { token?: string; fetch?: typeof fetch; timeoutMs?: number; /** How the broker logs the entry reads. */ purpose?: 'read' | 'export' | 'verify' } = {},
): LogClient {
  const base = baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  async function get<T>(path: string, allowEmpty = false): Promise<T | undefined> {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        headers: { accept: 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new LogClientError(`cannot reach ${base}${path.replace(/\?.*$/, '')}: ${unreachableReason(err)}`, 0);
    }
    if (res.status === 204 && allowEmpty) return undefined;
    const text = await res.text();
    if (!res.ok) {
      let title = '';
      try {
        const problem = JSON.parse(text) as { title?: string; detail?: string };
        title = [problem.title, problem.detail].filter(Boolean).join(': ');
      } catch {
        // not problem+json
      }
      throw new LogClientError(`${base}${path.replace(/\?.*$/, '')} answered ${res.status}${title ? ` (${title})` : ''}`, res.status);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new LogClientError(`${base}${path.replace(/\?.*$/, '')} did not answer JSON`, res.status);
    }
  }
  async function binaryStream(path: string): Promise<BundleStream> {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        headers: { accept: 'application/octet-stream', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new LogClientError(`cannot reach ${base}: ${(err as Error).message}`, 0);
    }
    const where = `${base}${path.replace(/\?.*$/, '')}`;
    if (!res.ok) throw new LogClientError(`${where} answered ${res.status}`, res.status);
    const entries = Number(res.headers.get('jpp-entries'));
    const treeSize = Number(res.headers.get('jpp-tree-size'));
    if (!Number.isSafeInteger(entries) || !Number.isSafeInteger(treeSize) || entries < 0) {
      await res.body?.cancel().catch(() => undefined);
      throw new LogClientError(`${where} did not answer entry bundles`, res.status);
    }
    const stream = res.body as AsyncIterable<Uint8Array> | null;
    async function* body(): AsyncGenerator<Uint8Array> {
      let length = 0;
      if (stream) {
        for await (const chunk of stream) {
          length += chunk.length;
          yield chunk;
        }
      }
      // A body shorter than its leaf hashes is no answer (the bundles that follow may be empty).
      if (length < 32 * entries) throw new LogClientError(`${where} did not answer entry bundles`, res.status);
    }
    return { treeSize, entries, body: body() };
  }
  const bundlesPath = (fromSeq: number, limit: number): string => `/v1/log/bundles?fromSeq=${fromSeq}&limit=${limit}${options.purpose ? `&purpose=${options.purpose}` : ''}`;
  return {
    url: base,
    bundleStream: (fromSeq, limit) => binaryStream(bundlesPath(fromSeq, limit)),
    publicKey: async () => (await get<{ origin: string; key: JWK }>('/v1/log/public-key'))!,
    checkpoints: async (after, limit = 1000) => (await get<{ checkpoints: CheckpointView[] }>(`/v1/log/checkpoints?after=${after}&limit=${limit}`))!.checkpoints,
    latestCheckpoint: async () => get<CheckpointView>('/v1/log/checkpoints/latest', true),
    inclusionProof: async (index, treeSize) => (await get<InclusionProofView>(`/v1/log/proofs/inclusion?index=${index}&treeSize=${treeSize}`))!,
    consistencyProof: async (size1, size2) => (await get<ConsistencyProofView>(`/v1/log/proofs/consistency?size1=${size1}&size2=${size2}`))!,
    entries: async (fromSeq, limit) =>
      (await get<EntryPage>(`/v1/log/entries?fromSeq=${fromSeq}&limit=${limit}${options.purpose ? `&purpose=${options.purpose}` : ''}`))!,
  };
}

/** Every checkpoint the broker lists with an id above `after`, oldest first, page by page. */
export async function* allCheckpoints(client: LogClient, after = 0): AsyncGenerator<CheckpointView> {
  let cursor = after;
  for (;;) {
    const page = await client.checkpoints(cursor, 1000);
    if (page.length === 0) return;
    for (const c of page) yield c;
    cursor = page[page.length - 1]!.id;
  }
}

/**
 * The live log's entries [0, treeSize) for the treeSize of the first page, in seq order, plus that
 * size once the first page is in. Pages follow the last seq returned, not the broker's `nextSeq`,
 * which assumes there are no gaps; an empty page skips its whole range.
 */
export function liveEntries(client: LogClient, pageSize = 5000): { entries: AsyncIterable<LogEntryView>; treeSize: () => number | undefined } {
  let size: number | undefined;
  async function* pages(): AsyncGenerator<LogEntryView> {
    let next = 0;
    for (;;) {
      const page = await client.entries(next, pageSize);
      size ??= page.treeSize;
      for (const e of page.entries) {
        if (e.seq >= size) return;
        yield e;
      }
      next = page.entries.length > 0 ? page.entries[page.entries.length - 1]!.seq + 1 : next + pageSize;
      if (next >= size) return;
    }
  }
  return { entries: pages(), treeSize: () => size };
}
