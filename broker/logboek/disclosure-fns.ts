/**
 * A disclosure as the logboek holds it, in either of its two forms (issue 21, item 1, step B):
 * - a `disclosure` entry (until step B): one partner's answer to one question, the partner and
 *   outcome in the entry itself, the counted categories in `details.categoriesCounted`;
 * - a `question` entry (since step B): one question, every partner's answer in
 *   `details.answers` (partner, outcome, rules, categories counted), in the platform's order.
 * Every reader of disclosures (the disclosure list and the impact replay, monitoring, the
 * casusoverleg's hits, inzage, the FHIR export, the logboek pages) reads both, for ever, through
 * `disclosuresOf`: one entry of either form yields one disclosure per answer, so a question counts
 * the same whichever form logged it. Pure.
 */
import type { RuleRef } from '../policy/decision-table.js';
import type { LogContent } from './log-entry.js';

/** The actions whose entries hold disclosures: per partner (old) and per question (new). */
export const DISCLOSURE_ACTIONS = ['disclosure', 'question'] as const;

/** A partner's answer as a `question` entry holds it in `details.answers`. */
export interface QuestionAnswer {
  readonly partner: string;
  readonly outcome: 'hit' | 'no-hit' | 'not-permitted';
  readonly rules: readonly RuleRef[];
  readonly categoriesCounted: readonly string[];
}

/** One disclosure: a partner's answer; `answer` is its index in a `question` entry's answers, absent for a `disclosure` entry. */
export interface Disclosed extends QuestionAnswer {
  readonly answer?: number;
}

/** The disclosures an entry holds: one for a `disclosure` entry, one per answer for a `question` entry, none for any other. */
export function disclosuresOf(c: Pick<LogContent, 'action' | 'partner' | 'outcome' | 'rules' | 'details'>): Disclosed[] {
  if (c.action === 'disclosure') {
    return [{
      partner: c.partner ?? '',
      outcome: c.outcome as Disclosed['outcome'],
      rules: c.rules,
      categoriesCounted: (c.details['categoriesCounted'] as string[] | undefined) ?? [],
    }];
  }
  if (c.action === 'question') {
    return ((c.details['answers'] as QuestionAnswer[] | undefined) ?? []).map((a, answer) => ({ ...a, answer }));
  }
  return [];
}
