/**
 * Data-subject rights, for privacy officers and juristen (capability `rights`), as one port for
 * the routes and the web: inzage (inzage.service.ts), bezwaar (bezwaar.service.ts), legal
 * holds (legal-hold.service.ts) and the register of verzoeken (verzoek.service.ts). Each concept keeps its own file and invariants.
 */
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { SubjectHasher } from '../subjects/subject-hash.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { createInzageService, type InzageService } from './inzage.service.js';
import { createBezwaarService, type BezwaarService } from './bezwaar.service.js';
import { createLegalHoldService, type LegalHoldService } from './legal-hold.service.js';
import { createVerzoekService, type VerzoekService } from './verzoek.service.js';

export type { InzageReport, BezwaarView, HoldView, VerzoekView } from './rights-types.js';

export type RightsService = InzageService & BezwaarService & LegalHoldService & VerzoekService;

export function createRightsService(deps: {
  uow: UnitOfWork;
  platform: Pick<Platform, 'doelen'>;
  schemas: SchemaRegistry;
  querySchemas: SchemaRegistry;
  hashSubject: SubjectHasher;
}): RightsService {
  return { ...createInzageService(deps), ...createBezwaarService(deps), ...createLegalHoldService(deps), ...createVerzoekService(deps) };
}
