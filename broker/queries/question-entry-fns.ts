/**
 * A question's one logboek entry as text with placeholders (issue 21, item 1, step B): Node builds
 * the entry's RFC 8785 canonical JSON, and each answer's, before the one statement that asks
 * (query.repository.ts), when the lookup's and the casus's values are not known yet; `jpp_ask`
 * (migration 0220) puts them in. Pure; test/db/question-statement.test.ts holds the result against
 * `canonicalJson` of the real entry.
 *
 * Invariants:
 * - Each placeholder is a JSON string value holding U+0001, which JSON.stringify writes as
 *   `"\u0001…"`: no identifier, reference, rule or id of an entry holds it, and `checkEntry` and
 *   `checkAnswer` refuse a text where one is missing or occurs twice, so a substitution changes
 *   only its own place.
 * - Only values are replaced, never keys: JCS orders an object's keys by name, so the filled-in
 *   text is the canonical JSON of the real entry; `details.answers` is one placeholder that the
 *   statement replaces by `[` + the filled-in answers' texts joined by `,` + `]`, which is the
 *   array's JCS. In `details`, `caseId` (always present) follows `bezwaarBlock`, so the block's
 *   placeholder with the comma after it becomes either `"bezwaarBlock":true,` or nothing.
 * - A not-permitted answer holds no placeholder: its outcome and (empty) categories are known.
 */
import { canonicalJson, type LogContent } from '../logboek/log-entry.js';
import type { QuestionAnswer } from '../logboek/disclosure-fns.js';

/** The placeholder values, as they are set in the content. */
export const PLACEHOLDER = {
  answers: '\u0001answers',
  caseRef: '\u0001caseRef',
  caseId: '\u0001caseId',
  block: '\u0001block',
  outcome: '\u0001outcome',
  categories: '\u0001categories',
} as const;

/** The texts `jpp_ask` replaces (the bezwaar block with its key and the comma after it). */
export const PLACEHOLDER_TEXT = {
  answers: JSON.stringify(PLACEHOLDER.answers),
  caseRef: JSON.stringify(PLACEHOLDER.caseRef),
  caseId: JSON.stringify(PLACEHOLDER.caseId),
  block: `"bezwaarBlock":${JSON.stringify(PLACEHOLDER.block)},`,
  outcome: JSON.stringify(PLACEHOLDER.outcome),
  categories: JSON.stringify(PLACEHOLDER.categories),
} as const;

const ENTRY_PLACEHOLDERS = ['answers', 'caseRef', 'caseId', 'block'] as const;
const ANSWER_PLACEHOLDERS = ['outcome', 'categories'] as const;

/** The entry's content with placeholders for what the statement decides: its answers, the casus's reference and id, and the bezwaar block. */
export function withPlaceholders(content: LogContent): LogContent {
  return {
    ...content,
    caseRef: PLACEHOLDER.caseRef,
    details: { ...content.details, answers: PLACEHOLDER.answers, bezwaarBlock: PLACEHOLDER.block, caseId: PLACEHOLDER.caseId },
  };
}

/**
 * One answer's canonical JSON: a not-permitted answer as it is, a permitted one with placeholders
 * for the outcome and the counted categories, which the lookup decides. `memo`: canonicalJson's,
 * so that rules shared between answers are written once.
 */
export function answerTemplate(answer: QuestionAnswer, memo?: Map<object, string>): string {
  const fromLookup = answer.outcome !== 'not-permitted';
  return canonicalJson(fromLookup ? { ...answer, outcome: PLACEHOLDER.outcome, categoriesCounted: PLACEHOLDER.categories } : answer, memo);
}

const ESCAPE = '\\u0001';

function escapes(text: string): number {
  let n = 0;
  for (let at = text.indexOf(ESCAPE); at >= 0; at = text.indexOf(ESCAPE, at + ESCAPE.length)) n++;
  return n;
}

function check(text: string, needed: readonly (keyof typeof PLACEHOLDER_TEXT)[], what: string): void {
  for (const name of needed) if (!text.includes(PLACEHOLDER_TEXT[name])) throw new Error(`${what}: placeholder ${name} not found`);
  // Each placeholder holds one escaped U+0001: as many as placeholders are needed means each
  // needed one once, and nothing else holding U+0001 (no other placeholder, no stray value).
  if (escapes(text) !== needed.length) throw new Error(`${what}: a placeholder repeated, or a value holds U+0001`);
}

/** Throws unless the entry's text holds each of its four placeholders exactly once, and no other. */
export function checkEntry(text: string): void {
  check(text, ENTRY_PLACEHOLDERS, 'question entry template');
}

/** Throws unless an answer's text holds its placeholders (none when not permitted) exactly once each, and no other. */
export function checkAnswer(text: string, fromLookup: boolean): void {
  check(text, fromLookup ? ANSWER_PLACEHOLDERS : [], 'question answer template');
}
