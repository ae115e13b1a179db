/**
 * Small-cell suppression for aggregate tables (statistical disclosure control).
 *
 * Primary suppression: every cell and total with a count below the threshold is withheld
 * (zero included: the output never shows a count below the threshold).
 * Complementary suppression: a table is a set of additive constraints (parts sum to a
 * total). If exactly one member of a constraint is withheld, it could be recovered by
 * subtraction, so the smallest shown part (or else the total) is withheld too; this repeats
 * until no constraint has exactly one withheld member.
 * Across periods: a period's table is suppressed together with the same table of the periods
 * it is made of (calendar-period-fns.ts): a count withheld in exactly one part is withheld in
 * the whole as well, or the whole minus the shown parts would give it (partsWithheldOnce).
 * The parts are suppressed first and never change for the whole, so every report of a period
 * shows the same cells, whichever other periods are asked for.
 */

export interface Constraint {
  /** Id of the total. */
  readonly total: string;
  /** Ids of the parts that sum to it. */
  readonly parts: readonly string[];
}

/** The ids to withhold, given every count and the additive constraints between them. */
export function suppress(
  counts: ReadonlyMap<string, number>,
  constraints: readonly Constraint[],
  threshold: number,
  /** Ids withheld from the start (e.g. partsWithheldOnce), besides the small ones. */
  withheldFirst: ReadonlySet<string> = new Set(),
): Set<string> {
  const hidden = new Set<string>([...withheldFirst].filter((id) => counts.has(id)));
  for (const [id, n] of counts) if (n < threshold) hidden.add(id);
  let changed = true;
  while (changed) {
    changed = false;
    for (const c of constraints) {
      const members = [c.total, ...c.parts];
      const withheld = members.filter((m) => hidden.has(m));
      if (withheld.length !== 1) continue;
      const shownParts = c.parts.filter((p) => !hidden.has(p)).sort((a, b) => counts.get(a)! - counts.get(b)! || a.localeCompare(b));
      // The only withheld member is the total: all parts are shown and sum to it; withhold the smallest part.
      const next = shownParts[0] ?? c.total;
      hidden.add(next);
      changed = true;
    }
  }
  return hidden;
}

/**
 * The ids withheld in exactly one of the parts a whole is the sum of: the whole must withhold
 * them too, since whole minus the shown parts would recover the one withheld part. (Withheld in
 * two or more parts, only their sum could be recovered, as within one table.)
 */
export function partsWithheldOnce(partsWithheld: ReadonlyArray<ReadonlySet<string>>): Set<string> {
  const times = new Map<string, number>();
  for (const set of partsWithheld) for (const id of set) times.set(id, (times.get(id) ?? 0) + 1);
  return new Set([...times].filter(([, n]) => n === 1).map(([id]) => id));
}
