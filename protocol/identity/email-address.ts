/**
 * An e-mail address (RFC 5322's addr-spec, as people type it): something, an @, a domain
 * with a dot and a top-level domain of two or more letters. Loose on purpose: a detector must
 * rather refuse an odd address than let a real one through.
 */
import { spansOf, type TextSpan } from './text-span.js';

// Starts only where a token starts (the lookbehind), so a long token without @ is scanned once,
// not once per character: linear time on any input.
const EMAIL = /(?<![^\s@<>()[\],;:"])[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[A-Za-z]{2,}/g;

/** Every e-mail address in `text`. */
export function findEmailAddresses(text: string): TextSpan[] {
  return spansOf(text, EMAIL);
}
