/**
 * Regie and overdue vervolgacties (issue 18 item 3, docs/casus.md): at the bespreking the voorzitter
 * records the regiehouder, the partner that holds the regie; vervolgacties already carry their
 * owner (a partner) and due date; the overdue list shows what is past its date in open casussen,
 * all of them or those of one regiehouder.
 *
 * Invariants:
 * - Only a person with `manage-cases` records the regie or reads the overdue list (access gate).
 * - The regiehouder is a partner of the platform, recorded when the casus is besproken or in vervolg;
 *   recording it is logged per subject (`casus-vervolgactie`, outcome `regiehouder`).
 * - The overdue list names casussen, partners and codes; never a subject.
 */
import { AppError, validationError } from '../errors/app-error.js';
import type { Principal } from '../auth/principal.js';
import type { Platform } from '../platform/platform.js';
import type { SchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { VERVOLG_STATUSES } from './casus-workflow.js';
import { overdueVervolgacties, setRegiehouder } from './regie.repository.js';
import { logPerSubject, type CasusChange } from './casus-change.js';
import type { CasusView } from './casus-types.js';

const DAY = 86_400_000;

export interface OverdueVervolgactie {
  caseId: string;
  caseRef: string;
  actionId: string;
  partner: string;
  kind: string;
  dueDate: string;
  regiehouder: string | null;
}

export interface RegieService {
  setRegiehouder(principal: Principal, caseId: string, body: unknown, traceId: string): Promise<CasusView>;
  overdueVervolgacties(principal: Principal, query: Record<string, unknown>): Promise<{ items: OverdueVervolgactie[]; total: number }>;
}

export function createRegieService(deps: { uow: UnitOfWork; platform: Pick<Platform, 'partners'>; schemas: SchemaRegistry; change: CasusChange }): RegieService {
  const partners = new Set(deps.platform.partners.map((p) => p.id));
  return {
    setRegiehouder: (principal, caseId, body, traceId) =>
      deps.change(principal, caseId, traceId, async (w, c) => {
        const errors = deps.schemas.validate('casus#/$defs/regiehouderRequest', body);
        if (errors.length > 0) throw validationError(errors);
        const { partner } = body as { partner: string };
        if (!partners.has(partner)) throw validationError([{ pointer: '/partner', code: 'not-in-list', detail: 'is not a partner of this platform' }]);
        if (!VERVOLG_STATUSES.has(c.status)) {
          throw new AppError('conflict', `the regiehouder is recorded when a casus is besproken or in vervolg, not ${c.status}`);
        }
        await setRegiehouder(w.trx, c.id, partner, w.now(), w.person.id);
        await logPerSubject(w, w.trx, c, { action: 'casus-vervolgactie', outcome: 'regiehouder', details: { regiehouder: partner } });
      }),

    overdueVervolgacties: (principal, query) =>
      deps.uow.asPerson(principal, { capability: 'manage-cases' }, '', async (w) => {
        const unknown = Object.keys(query).filter((k) => k !== 'regiehouder');
        if (unknown.length > 0) throw validationError(unknown.map((k) => ({ pointer: `/${k}`, code: 'unknown-field' as const, detail: 'is not a filter of this list' })));
        const regiehouder = query['regiehouder'];
        if (regiehouder !== undefined && (typeof regiehouder !== 'string' || !partners.has(regiehouder))) {
          throw validationError([{ pointer: '/regiehouder', code: 'not-in-list', detail: 'is not a partner of this platform' }]);
        }
        const today = new Date(Math.floor(w.now().getTime() / DAY) * DAY);
        const rows = await overdueVervolgacties(w.trx, today, regiehouder as string | undefined);
        const items = rows.map((r) => ({ ...r, dueDate: r.dueDate.toISOString().slice(0, 10) }));
        return { items, total: items.length };
      }),
  };
}
