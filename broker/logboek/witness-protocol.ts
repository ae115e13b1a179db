/**
 * The wire format of C2SP tlog-witness add-checkpoint (https://c2sp.org/tlog-witness), both ways:
 * the request body
 *
 *     old <size>\n
 *     <base64 consistency proof hash>\n   (0 to 63 lines)
 *     \n
 *     <checkpoint note>
 *
 * and the answers: 200 with cosignature lines, 409 with `<size>\n` as text/x.tlog.size.
 * Pure: the witness server (witness-server.ts) and the broker's pusher (witness-pusher.ts) use it.
 *
 * Invariants: sizes are decimal without leading zeroes; each proof line is 32 bytes of canonical
 * base64; at most 63 of them; anything else is refused as malformed (HTTP 400).
 */
import { parseSignatureLine, type NoteSignature } from './signed-note.js';

export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';
export const MAX_PROOF_LINES = 63;

export class WitnessProtocolError extends Error {
  override readonly name = 'WitnessProtocolError';
}

export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: readonly Uint8Array[];
  readonly checkpoint: string;
}

const SIZE = /^(0|[1-9][0-9]{0,15})$/;
const HASH = /^[A-Za-z0-9+/]{43}=$/;

export function formatAddCheckpoint(r: AddCheckpointRequest): string {
  if (r.proof.length > MAX_PROOF_LINES) throw new WitnessProtocolError(`a consistency proof has at most ${MAX_PROOF_LINES} hashes`);
  return `old ${r.oldSize}\n${r.proof.map((h) => `${Buffer.from(h).toString('base64')}\n`).join('')}\n${r.checkpoint}`;
}

export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const blank = body.indexOf('\n\n');
  if (blank < 0) throw new WitnessProtocolError('no empty line after the old size and the proof');
  const head = body.slice(0, blank).split('\n');
  const old = /^old (.*)$/.exec(head[0]!);
  if (!old || !SIZE.test(old[1]!)) throw new WitnessProtocolError('the first line is "old <size>"');
  const lines = head.slice(1);
  if (lines.length > MAX_PROOF_LINES) throw new WitnessProtocolError(`more than ${MAX_PROOF_LINES} consistency proof lines`);
  const proof = lines.map((l) => {
    if (!HASH.test(l) || Buffer.from(l, 'base64').toString('base64') !== l) throw new WitnessProtocolError('a consistency proof line is one base64 SHA-256 hash');
    return new Uint8Array(Buffer.from(l, 'base64'));
  });
  return { oldSize: Number(old[1]), proof, checkpoint: body.slice(blank + 2) };
}

/** A 409 body: the witness's latest size. */
export const formatTlogSize = (size: number): string => `${size}\n`;

export function parseTlogSize(text: string): number | undefined {
  const m = /^(0|[1-9][0-9]{0,15})\n$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The signature lines of a 200 answer; throws when one is malformed or there is none. */
export function parseCosignatureLines(text: string): NoteSignature[] {
  if (text === '' || !text.endsWith('\n')) throw new WitnessProtocolError('an add-checkpoint answer is one or more signature lines');
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => parseSignatureLine(`${l}\n`));
}
