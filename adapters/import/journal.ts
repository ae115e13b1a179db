/**
 * The adapter's local memory, in its state directory (one per partner). It holds no
 * identity and no pseudonym: only refs, batch ids, epochs, counts and statuses.
 *
 * - `state.json`: what the broker holds after the last completed run: each ref with the
 *   key epoch and a fingerprint of its category and dates (so that an unchanged record
 *   is not sent again, and a changed or re-keyed one is replaced), the pinned custodian
 *   keys per epoch (trust on first use), and the id of the last completed run.
 *   Replaced atomically (write, then rename).
 * - `journal.jsonl`: one line per step of a run, appended and flushed before the next
 *   step: a batch the broker answered (its id, refs and result), refs withdrawn, the end
 *   of a run. A run that stopped halfway is resumed from it: steps journaled as done are
 *   not repeated, and since batch ids are deterministic, a step done at the broker but
 *   not yet journaled is answered by the broker's idempotency (a replay) instead.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export interface KnownRef {
  /** Key epoch of the pseudonym it was sent under. */
  readonly e: number;
  /** Fingerprint of category and dates (not of the identity). */
  readonly f: string;
}

export interface AdapterState {
  partner: string;
  lastCompletedRun: string | null;
  refs: Record<string, KnownRef>;
  pinned: Record<string, string>;
  /** Refs erased at the broker on a verzoek van een betrokkene (AVG art. 17): never sent again. */
  erased?: string[];
}

export type JournalLine =
  | { run: string; step: 'batch'; batchId: string; accepted: number; duplicate: number; rejected: number; stored: Record<string, KnownRef>; at: string }
  | { run: string; step: 'withdrawn'; refs: string[]; at: string }
  | { run: string; step: 'complete'; at: string };

export interface Journal {
  readonly dir: string;
  readState(): AdapterState;
  writeState(state: AdapterState): void;
  /** The journal lines of one run, in order. */
  linesOf(run: string): JournalLine[];
  append(line: JournalLine): void;
}

export function openJournal(dir: string, partner: string): Journal {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stateFile = join(dir, 'state.json');
  const journalFile = join(dir, 'journal.jsonl');
  // A line cut short by a crash must not swallow the next one.
  if (existsSync(journalFile)) {
    const text = readFileSync(journalFile, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) appendFileSync(journalFile, '\n');
  }
  return {
    dir,
    readState() {
      if (!existsSync(stateFile)) return { partner, lastCompletedRun: null, refs: {}, pinned: {} };
      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as AdapterState;
      if (state.partner !== partner) throw new Error(`the state directory ${dir} belongs to partner ${state.partner}, not ${partner}`);
      return state;
    },
    writeState(state) {
      const tmp = `${stateFile}.tmp`;
      writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
      const fd = openSync(tmp, 'r');
      fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp, stateFile);
    },
    linesOf(run) {
      if (!existsSync(journalFile)) return [];
      const out: JournalLine[] = [];
      for (const text of readFileSync(journalFile, 'utf8').split('\n')) {
        if (!text) continue;
        try {
          const line = JSON.parse(text) as JournalLine;
          if (line.run === run) out.push(line);
        } catch {
          // A line cut short by a crash: the step it describes is redone (idempotently).
        }
      }
      return out;
    },
    append(line) {
      const fd = openSync(journalFile, 'a', 0o600);
      try {
        appendFileSync(fd, `${JSON.stringify(line)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}
