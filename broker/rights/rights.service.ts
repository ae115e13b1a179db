/**
 * Data-subject rights, for privacy officers and juristen (capability `rights`), as one port for
 * the routes and the web: inzage (inzage.service.ts), bezwaar (bezwaar.service.ts), legal
 * holds (legal-hold.service.ts), the register of verzoeken (verzoek.service.ts) and their tasks for partners (verzoek-taak.service.ts). Each concept keeps its own file and invariants.
 */
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { SubjectHasher } from '../subjects/subject-hash.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { createInzageService, type InzageService } from './inzage.service.js';
import { createBezwaarService, type BezwaarService } from './bezwaar.service.js';
import { createLegalHoldService, type LegalHoldService } from './legal-hold.service.js';
import { createVerzoekService, type VerzoekService } from './verzoek.service.js';
import { createVerzoekTaakService, type VerzoekTaakService } from './verzoek-taak.service.js';

export type { InzageReport, BezwaarView, HoldView, VerzoekView } from './rights-types.js';
export type { TaakView, PartnerTaakView } from './verzoek-taak.service.js';

export type RightsService = InzageService & BezwaarService & LegalHoldService & VerzoekService & VerzoekTaakService;

export function createRightsService(deps: {
  uow: UnitOfWork;
  platform: Pick<Platform, 'doelen' | 'partners' | 'signalMaxValidityDays' | 'organisations' | 'roles'>;
  schemas: SchemaRegistry;
  querySchemas: SchemaRegistry;
  hashSubject: SubjectHasher;
  /** Outside demo mode: adapters reach their tasks over mTLS only. */
  requireMtls?: boolean;
}): RightsService {
  return { ...createInzageService(deps), ...createBezwaarService(deps), ...createLegalHoldService(deps), ...createVerzoekService(deps), ...createVerzoekTaakService(deps) };
}
