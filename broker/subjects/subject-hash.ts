/**
 * Subjects at rest: the broker stores a subject only as HMAC-SHA256(k_db, pseudonym)
 * (RFC 2104). k_db comes from config and never from the database, so a stolen database
 * holds neither identities nor the pseudonyms that partners and the custodian compute.
 *
 * Invariants:
 * - A pseudonym is 32 random-looking bytes (the OPRF output, RFC 9497); anything that
 *   does not look random (e.g. a padded BSN) is refused before it is hashed.
 * - The hash is never logged or returned by the API.
 */
import { createHmac } from 'node:crypto';

export type SubjectHasher = (pseudonym: string) => Buffer;

/** Creates the hasher for one k_db. */
export function createSubjectHasher(subjectKey: Buffer): SubjectHasher {
  if (subjectKey.length < 32) throw new Error('k_db must hold at least 32 bytes');
  const key = Buffer.from(subjectKey);
  return (pseudonym) => createHmac('sha256', key).update(Buffer.from(pseudonym, 'base64url')).digest();
}

/**
 * Whether a pseudonym's 32 bytes look random. 32 uniform bytes hold about 30 distinct
 * values; fewer than 20 has a probability far below 2^-60, while a BSN, a date or text
 * padded to 32 bytes has far fewer.
 */
export function looksRandom(pseudonym: string): boolean {
  const bytes = Buffer.from(pseudonym, 'base64url');
  return bytes.length === 32 && new Set(bytes).size >= 20;
}
