/**
 * Disclosures as a FHIR R5 Bundle of AuditEvent resources (https://hl7.org/fhir/R5/auditevent.html),
 * for juristen who hand the log to a system or an authority that reads FHIR. Mapping:
 * - category: audit-event-type "rest" (an API question was answered);
 * - code: the doel; action "E" (execute: a question was answered);
 * - outcome: 0 (success) for hit and no-hit, 4 (minor failure: refused) for not-permitted;
 * - agent: the asking person (who, role, organisation) and the answering partner;
 * - entity: the casus (caseRef) and the decisive rules with their grondslag;
 * - authorization: the grondslagen (R5 `authorization` is a CodeableConcept list).
 * The subject is not in the export: its hash is no use outside the broker.
 * One AuditEvent per answer, whichever form logged it: a `disclosure` entry is `disclosure-<id>`, an
 * answer of a `question` entry (issue 21 step B) `disclosure-<id>.<answer>` (FHIR ids allow `.`),
 * so the answers of one question are one AuditEvent each, as before.
 */
import type { DisclosureRow } from '../disclosures/disclosure.repository.js';

const SYSTEM = 'tag:jpp-broker,2026';

/** The disclosure's id in the export: its entry, and its answer within a question entry. */
const idOf = (d: Pick<DisclosureRow, 'id' | 'answer'>): string => (d.answer === undefined ? String(d.id) : `${d.id}.${d.answer}`);

export function auditEventOf(d: Omit<DisclosureRow, 'loggedAt'> & { loggedAt: string }): Record<string, unknown> {
  return {
    resourceType: 'AuditEvent',
    id: `disclosure-${idOf(d)}`,
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' }] }],
    code: { coding: [{ system: `${SYSTEM}:doel`, code: d.doel }] },
    action: 'E',
    recorded: d.loggedAt,
    outcome: {
      code: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-outcome', code: d.outcome === 'not-permitted' ? '4' : '0' },
      detail: [{ coding: [{ system: `${SYSTEM}:answer`, code: d.outcome }] }],
    },
    authorization: d.rules.map((r) => ({ coding: [{ system: `${SYSTEM}:rule`, code: r.rule }], text: r.grondslag })),
    agent: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }] },
        who: { identifier: { system: `${SYSTEM}:person`, value: d.user } },
        role: [{ coding: [{ system: `${SYSTEM}:role`, code: d.role }] }],
        requestor: true,
      },
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'custodian' }] },
        who: { identifier: { system: `${SYSTEM}:partner`, value: d.partner } },
        requestor: false,
      },
    ],
    source: { observer: { identifier: { system: `${SYSTEM}:organisation`, value: d.organisation } } },
    entity: [
      { what: { identifier: { system: `${SYSTEM}:case`, value: d.caseRef } }, role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '3', display: 'Report' }] } },
      {
        what: { identifier: { system: `${SYSTEM}:query`, value: d.queryId } },
        detail: [
          { type: { text: 'policyVersion' }, valueInteger: d.policyVersion },
          { type: { text: 'policyHash' }, valueString: d.policyHash },
          { type: { text: 'consent' }, valueBoolean: d.consent },
          ...(d.seq !== null ? [{ type: { text: 'logSeq' }, valueInteger: d.seq }] : []),
          { type: { text: 'traceId' }, valueString: d.traceId },
        ],
      },
    ],
  };
}

/** A FHIR R5 Bundle of type collection. */
export function auditEventBundle(rows: ReadonlyArray<Omit<DisclosureRow, 'loggedAt'> & { loggedAt: string }>, now: Date): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: now.toISOString(),
    entry: rows.map((r) => ({ fullUrl: `urn:jpp-broker:disclosure:${idOf(r)}`, resource: auditEventOf(r) })),
  };
}
