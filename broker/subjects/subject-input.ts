/**
 * A subject as a request names it: one pseudonym, or during a key rotation's overlap window
 * one pseudonym per active key epoch. Turned into subject hashes at once; the pseudonyms go
 * no further.
 */
import { validationError } from '../errors/app-error.js';
import { looksRandom, type SubjectHasher } from './subject-hash.js';

/** The subject's hashes; refuses (422, naming the field) a pseudonym whose bytes do not look random. */
export function hashSubjectInput(input: string | readonly string[], pointer: string, hash: SubjectHasher): Buffer[] {
  const list = typeof input === 'string' ? [input] : input;
  const bad = list.findIndex((s) => !looksRandom(s));
  if (bad >= 0) {
    throw validationError([{ pointer: typeof input === 'string' ? pointer : `${pointer}/${bad}`, code: 'invalid-format', detail: 'is not a pseudonym: its bytes do not look random' }]);
  }
  return list.map(hash);
}
