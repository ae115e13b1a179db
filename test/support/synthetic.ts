/**
 * Synthetic test data, made at test time: never real personal data.
 * - BSNs are random 9-digit numbers that pass the 11-proef.
 * - Pseudonyms are 32 random bytes, base64url, as the OPRF would give.
 */
import { randomBytes, randomInt } from 'node:crypto';

/** A random BSN-shaped number that passes the 11-proef. */
export function syntheticBsn(): string {
  for (;;) {
    const d = Array.from({ length: 8 }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(0, 10)));
    const sum = d.reduce((acc, digit, i) => acc + digit * (9 - i), 0);
    const last = sum % 11;
    if (last <= 9) return [...d, last].join('');
  }
}

/** A random pseudonym: 32 bytes, base64url without padding. */
export const randomPseudonym = (): string => randomBytes(32).toString('base64url');

/**
 * A unique opaque reference for refs, batch ids and case refs. Letters only: a hex ref
 * now and then holds 8 or 9 digits that pass the 11-proef or read as a date, which the
 * broker rightly refuses (see identity-detector.ts).
 */
export const opaqueRef = (prefix: string): string =>
  `${prefix}-${[...randomBytes(12)].map((x) => String.fromCharCode(97 + (x % 26))).join('')}`;

/** YYYY-MM-DD of a date shifted by whole days. */
export const day = (base: Date, offsetDays: number): string =>
  new Date(base.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
