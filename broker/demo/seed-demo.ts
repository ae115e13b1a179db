/**
 * Seeds a demo platform's people, signals and casussen (one in every status). Idempotent: a restart adds nothing twice.
 * Demo mode only.
 *
 * The demo youths' signals are keyed on real OPRF pseudonyms of synthetic identities,
 * computed with the demo custodian's key, exactly as a partner's adapter would: so a
 * user who types a demo BSN into their client gets a hit.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { SubjectHasher } from '../subjects/subject-hash.js';
import { upsertPerson } from '../people/person.repository.js';
import { insertSignals, type NewSignal } from '../signals/signal.repository.js';
import type { DemoPlatform } from './demo-platforms.js';
import { insertCase, insertStatusChange, insertVervolgactie, updateCaseStatus } from '../casus/casus.repository.js';
import type { CaseStatus } from '../casus/casus-workflow.js';
import type { DemoIdentity } from './demo-identities.js';
import type { IdentityInput } from '../../protocol/pseudonymisation/normalise-identity.js';

const DAY_MS = 86_400_000;

export async function seedDemo(deps: {
  db: Kysely<Database>;
  hashSubject: SubjectHasher;
  identities: readonly DemoIdentity[];
  pseudonymise: (identities: readonly IdentityInput[]) => { epoch: number; pseudonyms: string[] };
  now: () => Date;
  /** The platform's demo: its people, youths and casussen (demo-platforms.ts). */
  demo: DemoPlatform;
}): Promise<void> {
  const { people, subjects, cases } = deps.demo;
  const today = new Date(deps.now().toISOString().slice(0, 10) + 'T00:00:00Z').getTime();
  const { epoch, pseudonyms } = deps.pseudonymise(deps.identities.map(({ label: _label, ...identity }) => identity as IdentityInput));
  const pseudonymOf = new Map(deps.identities.map((identity, i) => [identity.label, pseudonyms[i]!]));
  await deps.db.transaction().execute(async (trx) => {
    for (const p of people) {
      await upsertPerson(trx, { id: p.id, displayName: p.displayName, organisationId: p.organisation, roles: [p.role] });
    }
    const signals: NewSignal[] = subjects.flatMap((s) =>
      s.signals.map((sig, i) => {
        const registeredAt = new Date(today - sig.registeredDaysAgo * DAY_MS);
        return {
          partnerId: sig.partner,
          subjectHash: deps.hashSubject(pseudonymOf.get(s.label)!),
          category: sig.category,
          registeredAt,
          expiresAt: new Date(registeredAt.getTime() + sig.validDays * DAY_MS),
          ref: `demo-${s.label}-${i + 1}`,
          batchId: 'demo-seed',
          epoch,
        };
      }),
    );
    await insertSignals(trx, signals);
    // Casussen (a caseRef already there is left as it is). Seeded history is not logged: no
    // processing of a real person happened.
    const by = people.find((p) => p.role === 'voorzitter')?.id ?? people[0]!.id;
    for (const c of cases) {
      const openedAt = new Date(today - c.openedDaysAgo * DAY_MS + 9 * 3_600_000);
      const created = await insertCase(trx, {
        caseRef: c.caseRef,
        doel: c.doel,
        kind: c.subjects.length > 1 ? 'group' : 'person',
        routeIn: c.routeIn,
        openedBy: by,
        openedAt,
        subjects: c.subjects.map((label) => [deps.hashSubject(pseudonymOf.get(label)!)]),
      });
      if (!created) continue;
      let from: CaseStatus = 'aangemeld';
      let at = openedAt;
      for (const m of c.moves) {
        at = new Date(at.getTime() + 7 * DAY_MS);
        const to = m.to as CaseStatus;
        await insertStatusChange(trx, { caseId: created.id, from, to, reason: m.reason ?? null, outcome: m.outcome ?? null, by, at });
        await updateCaseStatus(trx, created.id, { status: to, at, outcome: m.outcome ?? null, closedAt: to === 'afgesloten' ? at : null });
        from = to;
      }
      for (const v of c.vervolgacties ?? []) {
        await insertVervolgactie(trx, { caseId: created.id, partner: v.partner, kind: v.kind, dueDate: new Date(today + v.dueInDays * DAY_MS), by, at });
      }
    }
  });
}
