/**
 * A casus's history on its page: every step the casus service keeps (opened, each status change
 * with its reason or outcome, each vervolgactie added and completed, each youth informed),
 * oldest first, with who did it by their name in the register.
 *
 * Invariants:
 * - A person id is never shown: someone no longer in the register is "een gebruiker die niet
 *   meer in het register staat".
 * - Pure: the page passes the casus and the names (web-app.ts asks the register).
 */
import { formatDate, formatDateTime, html, type Html } from '../html.js';
import type { CasusDetail } from '../web-ports.js';
import { CASE_STATUS, CLOSE_OUTCOME, ESCALATION_REASON, VERVOLG_KIND } from '../dutch-labels.js';

export interface HistoryStep {
  readonly at: string;
  readonly what: string;
  readonly by: string | null;
}

/** Everyone a casus's history names, for one look-up in the register. */
export const peopleOf = (c: CasusDetail): string[] =>
  [c.openedBy, ...(c.history ?? []).map((h) => h.by), ...(c.vervolgacties ?? []).map((a) => a.createdBy)];

/** The steps of a casus, oldest first. */
export function historySteps(c: CasusDetail, partnerName: (id: string) => string): HistoryStep[] {
  const steps: HistoryStep[] = [];
  for (const h of c.history ?? []) {
    const why = h.reason ? ` (${ESCALATION_REASON[h.reason] ?? h.reason})` : h.outcome ? ` (${CLOSE_OUTCOME[h.outcome] ?? h.outcome})` : '';
    steps.push({
      at: h.at,
      what: h.from === null ? `Casus geopend: ${CASE_STATUS[h.to] ?? h.to}` : `Status ${CASE_STATUS[h.from] ?? h.from} → ${CASE_STATUS[h.to] ?? h.to}${why}`,
      by: h.by,
    });
  }
  for (const a of c.vervolgacties ?? []) {
    const label = `${VERVOLG_KIND[a.kind] ?? a.kind} door ${partnerName(a.partner)}`;
    steps.push({ at: a.createdAt, what: `Vervolgactie toegevoegd: ${label}, uiterlijk ${formatDate(a.dueDate)}`, by: a.createdBy });
    if (a.completedAt) steps.push({ at: a.completedAt, what: `Vervolgactie afgerond: ${label}`, by: null });
  }
  const group = c.subjects.length > 1;
  c.subjects.forEach((s, i) => {
    const who = group ? `jongere ${i + 1}` : 'de jongere';
    if (s.notification.state === 'informed' && s.notification.informedAt) steps.push({ at: s.notification.informedAt, what: `Notificatie: ${who} geïnformeerd`, by: null });
  });
  return steps.sort((a, b) => a.at.localeCompare(b.at));
}

/** The history table. */
export function historyTable(c: CasusDetail, names: ReadonlyMap<string, string>, partnerName: (id: string) => string): Html {
  const who = (id: string | null): string => (id === null ? '–' : names.get(id) ?? 'een gebruiker die niet meer in het register staat');
  return html`<div class="table-wrap"><table class="utrecht-table" data-history><caption>Alle stappen, oudste eerst</caption>
<thead><tr><th scope="col">Wanneer</th><th scope="col">Wat</th><th scope="col">Door</th></tr></thead>
<tbody>${historySteps(c, partnerName).map((s) => html`<tr><td>${s.at.length === 10 ? formatDate(s.at) : formatDateTime(s.at)}</td><td>${s.what}</td><td>${who(s.by)}</td></tr>`)}</tbody></table></div>`;
}
