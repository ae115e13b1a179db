/**
 * Inzage (AVG art. 15) for one subject, for privacy officers and juristen (capability `rights`):
 * everything the broker holds about them, source by source (inzage-sources.ts: signals per
 * partner, withdrawn signals, casussen with their history, vervolgacties and regie, consent,
 * disclosures, notificatie, bezwaren and beperkingen, verzoeken), each with a count taken by a
 * query of its own, as JSON (the PDF is rendered from it, inzage-pdf.ts).
 *
 * Invariants:
 * - The identity never reaches the broker: the caller pseudonymises it locally (browser or CLI)
 *   and sends the pseudonym(s), one per active key epoch, which are hashed at once.
 * - The report is never truncated: it reads every matching entry, and says how many; each
 *   source is also counted apart from its listing (`completeness`).
 * - Every key epoch: the pseudonyms given are widened with the hashes the broker linked to them.
 * - Producing a report is logged in its transaction, with the subject as its hash only.
 */
import type { OutcomeOf } from '../logboek/log-vocabulary.js';
import { randomUUID } from 'node:crypto';
import { validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { SubjectHasher } from '../subjects/subject-hash.js';
import { hashSubjectInput } from '../subjects/subject-input.js';
import type { LogContent } from '../logboek/log-entry.js';
import { DISCLOSURE_ACTIONS, disclosuresOf } from '../logboek/disclosure-fns.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { entriesAboutSubject } from './inzage.repository.js';
import { bezwarenAbout } from './bezwaar.repository.js';
import { bezwaarView, type InzageReport, type InzageSection } from './rights-types.js';
import { INZAGE_SOURCES, type InzageNames } from './inzage-sources.js';
import { subjectClosure } from './inzage-sources.repository.js';
import type { Platform } from '../platform/platform.js';

export interface InzageService {
  inzage(principal: Principal, body: unknown, traceId: string): Promise<InzageReport>;
}

export function createInzageService(deps: {
  uow: UnitOfWork;
  schemas: SchemaRegistry;
  hashSubject: SubjectHasher;
  platform: Pick<Platform, 'partners' | 'organisations' | 'roles' | 'doelen'>;
}): InzageService {
  const nameIn = (list: ReadonlyArray<{ id: string; name: string }>) => (id: string): string => list.find((x) => x.id === id)?.name ?? (id === '' ? 'onbekend' : id);
  const names: InzageNames = {
    partner: nameIn(deps.platform.partners),
    organisation: nameIn(deps.platform.organisations),
    role: (id) => nameIn(deps.platform.roles)(id).toLowerCase(),
    doel: nameIn(deps.platform.doelen),
  };
  return {
    inzage: (principal, body, traceId) =>
      deps.uow.asPerson(principal, { capability: 'rights' }, traceId, async (w) => {
        const errors = deps.schemas.validate('rights#/$defs/inzageRequest', body);
        if (errors.length > 0) throw validationError(errors);
        // Every key epoch: the hashes given, widened with those the broker linked to them.
        const hashes = await subjectClosure(w.trx, hashSubjectInput((body as { subject: string | string[] }).subject, '/subject', deps.hashSubject));
        const reportId = randomUUID();
        const entries = await entriesAboutSubject(w.trx, hashes, [...DISCLOSURE_ACTIONS, 'casus-notificatie']);
        const bezwaren = await bezwarenAbout(w.trx, hashes);
        const disclosures: InzageReport['disclosures'] = [];
        const notifications: InzageReport['notifications'] = [];
        for (const e of entries) {
          const c = JSON.parse(e.content) as LogContent;
          if (e.action === 'disclosure' || e.action === 'question') {
            // One item per answer, whichever form logged it (disclosure-fns.ts).
            const actor = c.actor as { id: string; organisation?: string; role?: string };
            for (const d of disclosuresOf(c)) {
              disclosures.push({
                entryId: e.id,
                loggedAt: e.loggedAt.toISOString(),
                partner: d.partner,
                outcome: d.outcome as OutcomeOf<'disclosure'>,
                toRole: actor.role ?? '',
                toOrganisation: actor.organisation ?? '',
                doel: c.doel ?? '',
                grondslagen: [...d.rules],
                caseRef: c.caseRef,
                queryId: c.queryId,
              });
            }
          } else if (c.caseRef) {
            notifications.push({ caseRef: c.caseRef, state: c.outcome, at: e.loggedAt.toISOString() });
          }
        }
        const sections: InzageSection[] = [];
        for (const source of INZAGE_SOURCES) {
          const items = await source.list(w.trx, hashes, names);
          const counted = await source.count(w.trx, hashes);
          sections.push({ source: source.id, title: source.title, empty: source.empty, listed: items.length, counted, items });
        }
        const listed = sections.reduce((a, x) => a + x.listed, 0);
        const counted = sections.reduce((a, x) => a + x.counted, 0);
        const generatedAt = w.now();
        w.log({
          action: 'inzage-report',
          outcome: 'produced',
          endedAt: generatedAt,
          subjectHash: hashes[0]!,
          alsoSubjectHashes: hashes.slice(1),
          details: { reportId, disclosures: disclosures.length, items: listed },
        });
        return {
          reportId,
          generatedAt: generatedAt.toISOString(),
          generatedBy: w.person.id,
          complete: true as const,
          total: disclosures.length,
          disclosures,
          notifications,
          bezwaren: bezwaren.map(bezwaarView),
          generatedByName: `${names.role(w.person.role)} van ${names.organisation(w.person.organisation)}`,
          sections,
          completeness: { listed, counted, complete: listed === counted },
        };
      }),
  };
}
