/**
 * A question's disclosure entries as text with placeholders (issue 21, item 1): Node builds each
 * entry's RFC 8785 canonical JSON before the one statement that asks (query.repository.ts), when
 * the lookup's and the casus's values are not known yet; `jpp_ask_entry` (migration 0210) puts
 * them in. Pure; test/db/question-statement.test.ts holds the result against `canonicalJson` of the
 * real entry.
 *
 * Invariants:
 * - Each placeholder is a JSON string value holding U+0001, which JSON.stringify writes as
 *   `"\u0001…"`: no identifier, reference or id of an entry holds it, and `checkTemplate` refuses
 *   a text where one is missing or occurs twice, so a substitution changes only its own place.
 * - Only values are replaced, never keys: JCS orders an object's keys by name, so the filled-in
 *   text is the canonical JSON of the real entry. In `details`, `caseId` (always present) follows
 *   `bezwaarBlock`, so the block's placeholder with the comma after it becomes either
 *   `"bezwaarBlock":true,` or nothing.
 * - The outcome's `status` is the same for `hit` and `no-hit` (both ok), so it needs no placeholder.
 */
import type { LogContent } from '../logboek/log-entry.js';

/** The placeholder values, as they are set in the content. */
export const PLACEHOLDER = {
  outcome: '\u0001outcome',
  categories: '\u0001categories',
  caseRef: '\u0001caseRef',
  caseId: '\u0001caseId',
  block: '\u0001block',
} as const;

/** The texts `jpp_ask_entry` replaces (the bezwaar block with its key and the comma after it). */
export const PLACEHOLDER_TEXT = {
  outcome: JSON.stringify(PLACEHOLDER.outcome),
  categories: JSON.stringify(PLACEHOLDER.categories),
  caseRef: JSON.stringify(PLACEHOLDER.caseRef),
  caseId: JSON.stringify(PLACEHOLDER.caseId),
  block: `"bezwaarBlock":${JSON.stringify(PLACEHOLDER.block)},`,
} as const;

/**
 * The content with placeholders for what the statement decides: the casus's reference and id and
 * the bezwaar block always, the outcome and the counted categories where the lookup decides them.
 */
export function withPlaceholders(content: LogContent, fromLookup: boolean): LogContent {
  return {
    ...content,
    caseRef: PLACEHOLDER.caseRef,
    ...(fromLookup ? { outcome: PLACEHOLDER.outcome } : {}),
    details: {
      ...content.details,
      bezwaarBlock: PLACEHOLDER.block,
      caseId: PLACEHOLDER.caseId,
      ...(fromLookup ? { categoriesCounted: PLACEHOLDER.categories } : {}),
    },
  };
}

const ESCAPE = '\\u0001';

/** Throws unless every placeholder the entry needs occurs exactly once in `text`, and no other. */
export function checkTemplate(text: string, fromLookup: boolean): void {
  for (const [name, placeholder] of Object.entries(PLACEHOLDER_TEXT)) {
    if ((fromLookup || (name !== 'outcome' && name !== 'categories')) && !text.includes(placeholder)) {
      throw new Error(`disclosure entry template: placeholder ${name} not found`);
    }
  }
  // Each placeholder holds one escaped U+0001: as many as placeholders are needed means each
  // needed one once, and nothing else holding U+0001 (no other placeholder, no stray value).
  let escapes = 0;
  for (let at = text.indexOf(ESCAPE); at >= 0; at = text.indexOf(ESCAPE, at + ESCAPE.length)) escapes++;
  if (escapes !== (fromLookup ? 5 : 3)) throw new Error('disclosure entry template: a placeholder repeated, or a value holds U+0001');
}
