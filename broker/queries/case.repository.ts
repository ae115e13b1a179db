/** Cases (casussen), known by the ZVH's case reference. */
import type { Executor } from '../db/database.js';

/** Opens the case if it is new; returns its id and the doel it was opened for. */
export async function openOrFindCase(
  ex: Executor,
  c: { caseRef: string; doel: string; openedBy: string },
): Promise<{ id: string; doel: string }> {
  const opened = await ex
    .insertInto('cases')
    .values({ case_ref: c.caseRef, doel: c.doel, opened_by: c.openedBy })
    .onConflict((oc) => oc.column('case_ref').doNothing())
    .returning(['id', 'doel'])
    .executeTakeFirst();
  if (opened) return opened;
  return ex.selectFrom('cases').select(['id', 'doel']).where('case_ref', '=', c.caseRef).executeTakeFirstOrThrow();
}
