/**
 * A casus's history on its page (issue 23 item 4): every step the casus's own tables keep, oldest
 * first, with who did it by their name in the register:
 * - the aanmelding and each status change with its reason or outcome (case history);
 * - each vervolgactie added and completed, a warme overdracht naming both partners;
 * - the regiehouder recorded (the current one: the casus keeps no earlier regiehouders);
 * - each consent recorded and withdrawn;
 * - each youth's notificatie, informed or deferred (the current state: an earlier deferral that
 *   was followed by informing is in the logboek, not here).
 *
 * Invariants:
 * - A person id is never shown: someone no longer in the register is "een gebruiker die niet
 *   meer in het register staat"; a step recorded before the broker kept its actor
 *   (migration 0180) shows "niet vastgelegd".
 * - Pure: the page passes the casus and the names (web-app.ts asks the register).
 */
import { formatDate, formatDateTime, html, type Html } from '../html.js';
import type { CasusDetail } from '../web-ports.js';
import { CASE_STATUS, CLOSE_OUTCOME, DEFER_REASON, ESCALATION_REASON, VERVOLG_KIND } from '../dutch-labels.js';
import { CONSENT_GIVER } from './casus-consent.js';

export interface HistoryStep {
  readonly at: string;
  readonly what: string;
  /** A person id of the register, or null when the step's actor was not recorded. */
  readonly by: string | null;
}

const present = (ids: Array<string | null | undefined>): string[] => ids.filter((id): id is string => typeof id === 'string');

/** Everyone a casus's history names, for one look-up in the register. */
export const peopleOf = (c: CasusDetail): string[] => [
  ...new Set(
    present([
      c.openedBy,
      ...(c.history ?? []).map((h) => h.by),
      ...(c.vervolgacties ?? []).flatMap((a) => [a.createdBy, a.completedBy]),
      ...(c.consents ?? []).flatMap((k) => [k.recordedBy, k.withdrawnBy]),
      ...c.subjects.map((s) => s.notification.changedBy),
      c.regie?.setBy,
    ]),
  ),
];

/** The steps of a casus, oldest first (a stable sort keeps same-time steps in the order above). */
export function historySteps(c: CasusDetail, partnerName: (id: string) => string): HistoryStep[] {
  const steps: HistoryStep[] = [];
  const group = c.subjects.length > 1;
  const youth = (subjectId: string): string => {
    const i = c.subjects.findIndex((s) => s.subjectId === subjectId);
    return group && i >= 0 ? `jongere ${i + 1}` : 'de jongere';
  };
  for (const h of c.history ?? []) {
    const why = h.reason ? ` (${ESCALATION_REASON[h.reason] ?? h.reason})` : h.outcome ? ` (${CLOSE_OUTCOME[h.outcome] ?? h.outcome})` : '';
    steps.push({
      at: h.at,
      what: h.from === null ? `Aanmelding: casus geopend (${CASE_STATUS[h.to] ?? h.to})` : `Status ${CASE_STATUS[h.from] ?? h.from} → ${CASE_STATUS[h.to] ?? h.to}${why}`,
      by: h.by,
    });
  }
  for (const a of c.vervolgacties ?? []) {
    const label = a.kind === 'warme-overdracht' && a.toPartner
      ? `Warme overdracht van ${partnerName(a.partner)} naar ${partnerName(a.toPartner)}`
      : `${VERVOLG_KIND[a.kind] ?? a.kind} door ${partnerName(a.partner)}`;
    steps.push({ at: a.createdAt, what: `Vervolgactie toegevoegd: ${label}, uiterlijk ${formatDate(a.dueDate)}`, by: a.createdBy });
    if (a.completedAt) steps.push({ at: a.completedAt, what: `Vervolgactie afgerond: ${label}`, by: a.completedBy });
  }
  if (c.regie) steps.push({ at: c.regie.since, what: `Regiehouder vastgelegd: ${partnerName(c.regie.partner)}`, by: c.regie.setBy });
  for (const k of c.consents ?? []) {
    const scope = `${CONSENT_GIVER[k.givenBy] ?? k.givenBy}, voor ${youth(k.subjectId)}, gegeven op ${formatDate(k.givenOn)}`;
    steps.push({ at: k.recordedAt, what: `Toestemming vastgelegd: ${scope}`, by: k.recordedBy });
    if (k.withdrawnAt) steps.push({ at: k.withdrawnAt, what: `Toestemming ingetrokken (${youth(k.subjectId)})`, by: k.withdrawnBy });
  }
  for (const s of c.subjects) {
    const n = s.notification;
    const at = n.changedAt ?? (n.state === 'informed' ? n.informedAt : null);
    if (at === null) continue;
    if (n.state === 'informed') steps.push({ at, what: `Notificatie: ${youth(s.subjectId)} geïnformeerd${n.informedAt ? ` op ${formatDate(n.informedAt)}` : ''}`, by: n.changedBy });
    else if (n.state === 'deferred') {
      const why = n.deferReason ? ` (${DEFER_REASON[n.deferReason] ?? n.deferReason})` : '';
      steps.push({ at, what: `Notificatie van ${youth(s.subjectId)} uitgesteld${n.deferredUntil ? ` tot ${formatDate(n.deferredUntil)}` : ''}${why}`, by: n.changedBy });
    }
  }
  return steps.sort((a, b) => a.at.localeCompare(b.at));
}

/** The history table. */
export function historyTable(c: CasusDetail, names: ReadonlyMap<string, string>, partnerName: (id: string) => string): Html {
  const who = (id: string | null): string => (id === null ? 'niet vastgelegd' : names.get(id) ?? 'een gebruiker die niet meer in het register staat');
  return html`<div class="table-wrap"><table class="utrecht-table" data-history><caption>Alle stappen, oudste eerst</caption>
<thead><tr><th scope="col">Wanneer</th><th scope="col">Wat</th><th scope="col">Door</th></tr></thead>
<tbody>${historySteps(c, partnerName).map((s) => html`<tr><td>${s.at.length === 10 ? formatDate(s.at) : formatDateTime(s.at)}</td><td>${s.what}</td><td>${who(s.by)}</td></tr>`)}</tbody></table></div>`;
}
