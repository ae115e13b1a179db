/**
 * Seeds a demo platform's casusoverleg (docs/casusoverleg.md): one planned meeting with seeded
 * casussen on its agenda, through the casusoverleg service as the demo voorzitter, so that the
 * invitations are derived and decided by the policy and logged exactly as in use: the aanmelder
 * and the regiehouder are invited on their grondslag with their contact point, and a partner the
 * policy admits only with consent (jongerenwerk) is kept out, which a demo jongerenwerker can see
 * on *Uitnodigingen* ("no consent, no invitation").
 *
 * Invariants:
 * - Idempotent: nothing is seeded when the platform has any meeting already (a restart, or a
 *   visitor's own meeting).
 * - Demo mode only; the seeded casussen carry no personal data of a real person.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { PersonPrincipal } from '../auth/principal.js';
import type { CasusoverlegService } from '../casusoverleg/casusoverleg.service.js';
import { findCase } from '../casus/casus.repository.js';
import type { DemoPlatform } from './demo-platforms.js';

const DAY_MS = 86_400_000;
const TRACE = 'demo-seed';

export async function seedDemoCasusoverleg(deps: {
  db: Kysely<Database>;
  overleg: Pick<CasusoverlegService, 'listMeetings' | 'planMeeting' | 'addToAgenda'>;
  demo: DemoPlatform;
  now: () => Date;
}): Promise<void> {
  const plan = deps.demo.meeting;
  const chair = deps.demo.people.find((p) => p.role === 'voorzitter');
  if (!plan || !chair) return;
  const voorzitter: PersonPrincipal = { kind: 'person', id: chair.id, organisation: chair.organisation, role: chair.role };
  if ((await deps.overleg.listMeetings(voorzitter, {})).items.length > 0) return;
  const date = new Date(deps.now().getTime() + plan.inDays * DAY_MS).toISOString().slice(0, 10);
  const meeting = await deps.overleg.planMeeting(voorzitter, { date }, TRACE);
  for (const caseRef of plan.agenda) {
    const c = await findCase(deps.db, { caseRef });
    if (c && c.status !== 'afgesloten') await deps.overleg.addToAgenda(voorzitter, meeting.meetingId, { caseId: c.id }, TRACE);
  }
}
