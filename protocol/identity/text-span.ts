/**
 * What every recogniser of an identity form returns: where in the text the form was found.
 * The rules (identity-rules.ts) decide which forms count in which kind of value.
 */

/** A half-open range [start, end) of a text. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

/** Every match of a global regular expression, as spans. */
export function spansOf(text: string, pattern: RegExp): TextSpan[] {
  if (!pattern.global) throw new Error('spansOf needs a global pattern');
  const spans: TextSpan[] = [];
  for (const m of text.matchAll(pattern)) spans.push({ start: m.index, end: m.index + m[0].length });
  return spans;
}

/** Single separators people put between digit groups: space, no-break space, dot, hyphen. */
/**
 * Whether a global pattern matches anywhere in `text`: what `spansOf(text, pattern).length > 0`
 * says, without building the matches (the rules ask only "is there one?" of most forms).
 */
export function hasMatch(text: string, pattern: RegExp): boolean {
  if (!pattern.global) throw new Error('hasMatch needs a global pattern');
  pattern.lastIndex = 0;
  const found = pattern.test(text);
  pattern.lastIndex = 0;
  return found;
}

export const DIGIT_GROUP_SEPARATOR = '[ \\u00a0.\\-]';
