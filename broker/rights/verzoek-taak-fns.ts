/**
 * Forwarding a verzoek to the partners whose signals it concerns, and checking a partner's
 * answer, as pure functions (issue 19 items 3 and 4).
 *
 * Under the WGS (Stb. 2024, 198) a request to the samenwerkingsverband counts as a request to
 * every joint controller (AVG art. 26(3)); each partner stays controller of what it brings in,
 * so the partner decides on rectificatie (art. 16) and wissing (art. 17) of its own signals.
 * https://eur-lex.europa.eu/eli/reg/2016/679/oj
 *
 * Invariants: no clock is read here (`now` is passed in); no subject appears in any result.
 */
import type { FieldError } from '../../protocol/schemas/schema-registry.js';
import type { VerzoekType } from './verzoek-fns.js';

/** The verzoeken that concern a partner's signals and that a partner answers. */
export const FORWARDABLE_TYPES: readonly VerzoekType[] = ['rectificatie', 'wissing'];

export type TaakOutcome = 'corrected' | 'withdrawn' | 'refused';

/** The refs per partner, for the partners asked (all holding partners when `only` is undefined), sorted. */
export function refsPerPartner(signals: ReadonlyArray<{ partnerId: string; ref: string }>, only?: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of signals) {
    if (only && !only.includes(s.partnerId)) continue;
    out.set(s.partnerId, [...(out.get(s.partnerId) ?? []), s.ref]);
  }
  for (const refs of out.values()) refs.sort();
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Why a verzoek of this type and status cannot be forwarded now, or null. */
export function forwardRefusal(v: { type: VerzoekType; status: 'open' | 'answered' }): string | null {
  if (v.status !== 'open') return 'the verzoek is answered already';
  if (!FORWARDABLE_TYPES.includes(v.type)) return `a verzoek of type ${v.type} is not forwarded to partners; only ${FORWARDABLE_TYPES.join(' and ')}`;
  return null;
}

/**
 * Why this outcome does not answer a task of this type, or null: a correction answers only a
 * rectificatie; a withdrawal answers a wissing, and a rectificatie whose signal the partner
 * would rather withdraw than correct; every task may be refused, with a reason.
 */
export function outcomeRefusal(type: VerzoekType, outcome: TaakOutcome): string | null {
  if (outcome === 'corrected' && type !== 'rectificatie') return 'only a rectificatie is answered with corrections';
  return null;
}

export interface Correction {
  ref: string;
  category?: string;
  registeredAt?: string;
  expiresAt?: string;
}

/**
 * The field errors of a partner's corrections: each ref must be one of the task's refs and held
 * now, at most once; a category must be one the partner holds; the dates stay in order, not in
 * the future, not expired, within the platform's maximum validity.
 */
export function correctionErrors(
  corrections: readonly Correction[],
  ctx: {
    taakRefs: readonly string[];
    held: ReadonlyMap<string, { category: string; registeredAt: Date; expiresAt: Date }>;
    categories: ReadonlySet<string>;
    now: Date;
    maxValidityDays: number;
  },
): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const maxExpiry = ctx.now.getTime() + ctx.maxValidityDays * 86_400_000;
  corrections.forEach((c, i) => {
    const at = (field: string, code: FieldError['code'], detail: string): void => {
      errors.push({ pointer: `/corrections/${i}/${field}`, code, detail });
    };
    const current = ctx.held.get(c.ref);
    if (!ctx.taakRefs.includes(c.ref) || !current) return at('ref', 'not-found', 'is not a signal of this task that the broker holds');
    if (seen.has(c.ref)) return at('ref', 'duplicate', 'appears twice');
    seen.add(c.ref);
    if (c.category !== undefined && !ctx.categories.has(c.category)) at('category', 'not-in-list', 'is not a category this partner holds');
    const registeredAt = c.registeredAt ? new Date(`${c.registeredAt}T00:00:00Z`) : current.registeredAt;
    const expiresAt = c.expiresAt ? new Date(`${c.expiresAt}T00:00:00Z`) : current.expiresAt;
    if (registeredAt.getTime() > ctx.now.getTime()) at('registeredAt', 'in-future', 'lies in the future');
    else if (expiresAt.getTime() <= registeredAt.getTime()) at(c.expiresAt ? 'expiresAt' : 'registeredAt', 'before-start', 'the signal must end after it was registered');
    else if (expiresAt.getTime() <= ctx.now.getTime()) at('expiresAt', 'in-past', 'has passed: withdraw the signal instead');
    else if (expiresAt.getTime() > maxExpiry) at('expiresAt', 'too-large', `is more than ${ctx.maxValidityDays} days away (the platform's maximum)`);
  });
  return errors;
}
