/**
 * Seeds a demo platform's people, adapters, signals and casussen (one in every status).
 * Idempotent: a restart adds nothing twice. Demo mode only.
 *
 * People and adapters go through the register, exactly as in production (docs/register.md): the
 * bootstrap registers the two demo functioneel beheerders; the first registers everyone else and
 * an adapter per partner; the second approves the privileged roles (four eyes). Each step is a
 * `register-change` logboek entry.
 *
 * The demo youths' signals are keyed on real OPRF pseudonyms of synthetic identities,
 * computed with the demo custodian's key, exactly as a partner's adapter would: so a
 * user who types a demo BSN into their client gets a hit.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { SubjectHasher } from '../subjects/subject-hash.js';
import type { PersonPrincipal } from '../auth/principal.js';
import { findPerson } from '../register/person.repository.js';
import { findAdapter } from '../register/adapter.repository.js';
import { bootstrapRegister } from '../register/register-bootstrap.js';
import type { PeopleService, PeopleSteps } from '../register/people.service.js';
import type { AdaptersService } from '../register/adapters.service.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import type { Platform } from '../platform/platform.js';
import { insertSignals, type NewSignal } from '../signals/signal.repository.js';
import type { DemoPlatform } from './demo-platforms.js';
import { insertCase, insertStatusChange, insertVervolgactie, updateCaseStatus } from '../casus/casus.repository.js';
import { setRegiehouder } from '../casus/regie.repository.js';
import type { CaseStatus } from '../casus/casus-workflow.js';
import { ageBand, parentConsentNeeded } from '../casus/aanmelding-fns.js';
import type { DemoIdentity } from './demo-identities.js';
import type { IdentityInput } from '../../protocol/pseudonymisation/normalise-identity.js';

const DAY_MS = 86_400_000;
/** The age at aanmelding of a demo youth whose casus names none (inside every example doelgroep). */
const DEMO_AGE = 15;

export async function seedDemo(deps: {
  db: Kysely<Database>;
  hashSubject: SubjectHasher;
  identities: readonly DemoIdentity[];
  pseudonymise: (identities: readonly IdentityInput[]) => { epoch: number; pseudonyms: string[] };
  now: () => Date;
  /** The platform's demo: its people, youths and casussen (demo-platforms.ts). */
  demo: DemoPlatform;
  /** The register, through which demo people and adapters are registered. */
  register: { uow: UnitOfWork; platform: Platform; people: PeopleService & PeopleSteps; adapters: Pick<AdaptersService, 'register'> };
}): Promise<void> {
  const { people, subjects, cases } = deps.demo;
  await seedRegister(deps.db, deps.register, people);
  const today = new Date(deps.now().toISOString().slice(0, 10) + 'T00:00:00Z').getTime();
  const { epoch, pseudonyms } = deps.pseudonymise(deps.identities.map(({ label: _label, ...identity }) => identity as IdentityInput));
  const pseudonymOf = new Map(deps.identities.map((identity, i) => [identity.label, pseudonyms[i]!]));
  await deps.db.transaction().execute(async (trx) => {
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
        aanmeldcriteria: c.aanmeldcriteria ?? [deps.register.platform.aanmeldcriteria[0]!.id],
        openedBy: by,
        openedAt,
        subjects: c.subjects.map((label) => [deps.hashSubject(pseudonymOf.get(label)!)]),
        ages: c.subjects.map((_, i) => {
          const age = c.ages?.[i] ?? DEMO_AGE;
          return { band: ageBand(age), parentConsentNeeded: parentConsentNeeded(deps.register.platform, age) };
        }),
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
      if (c.regiehouder) await setRegiehouder(trx, created.id, c.regiehouder, at, by);
    }
  });
}

/**
 * The demo's people and adapters, through the register: the bootstrap registers the beheerders
 * (only on a register without one), the first beheerder the rest, the second approves.
 */
async function seedRegister(db: Kysely<Database>, reg: Parameters<typeof seedDemo>[0]['register'], people: DemoPlatform['people']): Promise<void> {
  const keepers = people.filter((p) => reg.platform.roles.some((r) => r.id === p.role && r.capabilities.includes('administer')));
  const [first, second] = keepers;
  if (!first || !second) throw new Error('a demo needs two functioneel beheerders (the second approves what the first grants)');
  const trace = 'demo-seed';
  const missing = async (ids: readonly string[]): Promise<string[]> => {
    const out: string[] = [];
    for (const id of ids) if (!(await findPerson(db, id))) out.push(id);
    return out;
  };
  const newKeepers = await missing(keepers.map((k) => k.id));
  if (newKeepers.length === keepers.length) {
    await bootstrapRegister(
      reg,
      keepers.map((k) => ({ personId: k.id, displayName: k.displayName, organisation: k.organisation, roles: [k.role] })),
      trace,
    );
  }
  const as = (p: (typeof people)[number]): PersonPrincipal => ({ kind: 'person', id: p.id, organisation: p.organisation, role: p.role });
  for (const id of await missing(people.map((p) => p.id))) {
    const p = people.find((x) => x.id === id)!;
    await reg.people.register(as(first), { personId: p.id, displayName: p.displayName, organisation: p.organisation, roles: [{ role: p.role }] }, trace);
  }
  for (const g of (await reg.people.pending(as(second))).items) {
    if (g.grantedBy === first.id && people.some((p) => p.id === g.personId)) await reg.people.approve(as(second), g.personId, g.role, trace);
  }
  for (const partner of reg.platform.partners) {
    const adapterId = `${partner.id}-demo-adapter`;
    if (await findAdapter(db, adapterId)) continue;
    // The demo's tokens for adapters (jpp-broker token --adapter <partner>) carry sub = adapter:<partner>.
    await reg.adapters.register(as(first), { adapterId, partner: partner.id, clientId: `adapter:${partner.id}` }, trace);
  }
}
