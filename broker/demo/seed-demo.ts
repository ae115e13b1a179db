/**
 * Seeds the demo platform's people and signals. Idempotent: a restart adds nothing twice.
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
import { DEMO_PEOPLE, DEMO_SUBJECTS } from './demo-platform.js';
import type { DemoIdentity } from './demo-identities.js';
import type { IdentityInput } from '../../adapters/pseudonymisation/normalise-identity.js';

const DAY_MS = 86_400_000;

export async function seedDemo(deps: {
  db: Kysely<Database>;
  hashSubject: SubjectHasher;
  identities: readonly DemoIdentity[];
  pseudonymise: (identities: readonly IdentityInput[]) => { epoch: number; pseudonyms: string[] };
  now: () => Date;
}): Promise<void> {
  const today = new Date(deps.now().toISOString().slice(0, 10) + 'T00:00:00Z').getTime();
  const { epoch, pseudonyms } = deps.pseudonymise(deps.identities.map(({ label: _label, ...identity }) => identity as IdentityInput));
  const pseudonymOf = new Map(deps.identities.map((identity, i) => [identity.label, pseudonyms[i]!]));
  await deps.db.transaction().execute(async (trx) => {
    for (const p of DEMO_PEOPLE) {
      await upsertPerson(trx, { id: p.id, displayName: p.displayName, organisationId: p.organisation, roles: [p.role] });
    }
    const signals: NewSignal[] = DEMO_SUBJECTS.flatMap((s) =>
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
  });
}
