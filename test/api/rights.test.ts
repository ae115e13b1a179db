/**
 * Data-subject rights: inzage (AVG art. 15) as JSON and PDF, bezwaar (art. 21) blocking hits
 * for the named doelen, and legal holds. The jurist pseudonymises the identity through the
 * key custodian, as the browser or CLI does; the broker sees only the pseudonym.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { answersOf, submitSignals } from '../support/signals.js';
import { randomPseudonym } from '../support/synthetic.js';
import { openCase } from '../support/casus.js';
import { pseudonymise } from '../../protocol/pseudonymisation/custodian-client.js';
import type { DemoIdentity } from '../../broker/demo/demo-identities.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { renderInzagePdf } from '../../broker/rights/inzage-pdf.js';

const schemas = createSchemaRegistry();
let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.close());

/** The pseudonym of a seeded demo youth, computed as the jurist's client would. */
async function demoPseudonym(label: string, user = 'demo-jurist'): Promise<string> {
  const identities = JSON.parse(readFileSync(join(b.dataDir, 'demo-identities.json'), 'utf8')) as DemoIdentity[];
  const { label: _l, ...identity } = identities.find((i) => i.label === label)!;
  const { pseudonyms } = await pseudonymise({ baseUrl: `${b.url}/custodian/v1`, token: await b.token(user) }, [identity], { doel: 'jpp-rechten-betrokkenen' });
  return pseudonyms[0]!;
}
const ask = async (subject: string, caseRef: string, doel = 'jpp-screening') =>
  b.call('POST', '/v1/queries', { token: await b.token('demo-voorzitter'), body: { subject, doel, caseRef } });
const inzage = async (subject: string | string[], user = 'demo-jurist', accept = 'application/json') =>
  b.call('POST', '/v1/inzage', { token: await b.token(user), body: { subject }, headers: { accept } });

describe('inzage (AVG art. 15)', () => {
  it('lists exactly the disclosures about a seeded subject: when, to whom, for which doel, on which grondslag', async () => {
    const subject = await demoPseudonym('jongere-a');
    // ZVH-DEMO-0002 is the seeded casus of jongere-a, in screening. Another youth is asked about in between.
    const first = await ask(subject, 'ZVH-DEMO-0002');
    expect(first.status, first.text).toBe(200);
    const other = randomPseudonym();
    const c = await openCase(b, [other]);
    expect((await ask(other, c.caseRef)).status).toBe(200);
    const second = await ask(subject, 'ZVH-DEMO-0002');
    expect(second.status).toBe(200);

    const res = await inzage(subject);
    expect(res.status, res.text).toBe(200);
    expect(schemas.validate('rights#/$defs/inzageReport', res.body)).toEqual([]);
    const partners = b.broker.platform.partners.length;
    expect(res.body).toMatchObject({ complete: true, total: 2 * partners, generatedBy: 'demo-jurist' });
    expect(res.body.disclosures).toHaveLength(2 * partners);
    expect(new Set(res.body.disclosures.map((d: { queryId: string }) => d.queryId))).toEqual(new Set([first.body.queryId, second.body.queryId]));
    const halt = res.body.disclosures.find((d: { partner: string; queryId: string }) => d.partner === 'halt' && d.queryId === first.body.queryId);
    expect(halt).toMatchObject({ outcome: 'hit', toRole: 'voorzitter', toOrganisation: 'zvh-limburg-noord', doel: 'jpp-screening', caseRef: 'ZVH-DEMO-0002' });
    expect(halt.grondslagen).toEqual([expect.objectContaining({ rule: 'S08', grondslag: expect.stringContaining('77e') })]);
    // Oldest first, and nothing about the other youth.
    const ids = res.body.disclosures.map((d: { entryId: number }) => d.entryId);
    expect([...ids].sort((x: number, y: number) => x - y)).toEqual(ids);
    expect(res.text).not.toContain(subject);
  });

  it('is never truncated, and producing it is logged with the subject as its hash only', async () => {
    const subject = randomPseudonym();
    const c = await openCase(b, [subject]);
    for (let i = 0; i < 25; i++) expect((await ask(subject, c.caseRef)).status).toBe(200);
    const before = (await sql<{ n: number }>`select count(*)::int as n from logboek_entries where action = 'inzage-report'`.execute(b.broker.db)).rows[0]!.n;
    const res = await inzage(subject);
    expect(res.body.total).toBe(25 * b.broker.platform.partners.length);
    expect(res.body.disclosures).toHaveLength(res.body.total);
    const entries = await sql<{ actor_id: string; subject_hash: Uint8Array; content: string }>`
      select actor_id, subject_hash, content from logboek_entries where action = 'inzage-report' order by id`.execute(b.broker.db);
    expect(entries.rows).toHaveLength(before + 1);
    const last = entries.rows.at(-1)!;
    expect(last.actor_id).toBe('demo-jurist');
    expect(last.subject_hash).not.toBeNull();
    expect(last.content).not.toContain(subject);
    expect(JSON.parse(last.content).details).toMatchObject({ reportId: res.body.reportId, disclosures: res.body.total });
  });

  it('finds disclosures made under either key epoch during a rotation (asked with both pseudonyms)', async () => {
    const [current, old] = [randomPseudonym(), randomPseudonym()];
    const c = await openCase(b, [[current, old]]);
    expect((await b.call('POST', '/v1/queries', { token: await b.token('demo-voorzitter'), body: { subject: [old, current], doel: 'jpp-screening', caseId: c.caseId } })).status).toBe(200);
    expect((await inzage(current)).body.total).toBe(b.broker.platform.partners.length);
    expect((await inzage(old)).body.total).toBe(b.broker.platform.partners.length);
  });

  it('includes notificatie steps and bezwaren about the subject', async () => {
    const subject = randomPseudonym();
    const c = await openCase(b, [subject]);
    const today = b.clock.now.toISOString().slice(0, 10);
    await b.call('PUT', `/v1/cases/${c.caseId}/subjects/${c.subjectIds[0]}/notification`, { token: await b.token('demo-voorzitter'), body: { state: 'informed', informedAt: today } });
    await b.call('POST', '/v1/bezwaren', { token: await b.token('demo-fg'), body: { subject, doelen: ['jpp-casusoverleg'], decision: 'rejected' } });
    const res = await inzage(subject, 'demo-fg');
    expect(res.body.notifications).toEqual([{ caseRef: c.caseRef, state: 'informed', at: expect.any(String) }]);
    expect(res.body.bezwaren).toEqual([expect.objectContaining({ doelen: ['jpp-casusoverleg'], decision: 'rejected', active: false })]);
  });

  it('exports the same report as a PDF', async () => {
    const subject = randomPseudonym();
    const c = await openCase(b, [subject]);
    await ask(subject, c.caseRef);
    const res = await b.call('POST', '/v1/inzage', { token: await b.token('demo-jurist'), body: { subject }, headers: { accept: 'application/pdf' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="inzage-[0-9a-f-]{36}\.pdf"$/);
    expect(res.text.startsWith('%PDF-')).toBe(true);
  });

  it('writes every disclosure into the PDF (uncompressed text checked)', async () => {
    const report = {
      reportId: '00000000-0000-4000-8000-000000000001',
      generatedAt: '2026-11-22T10:00:00.000Z',
      generatedBy: 'demo-jurist',
      complete: true as const,
      total: 2,
      disclosures: ['halt', 'politie'].map((partner, i) => ({
        entryId: i + 1,
        loggedAt: '2026-11-20T10:00:00.000Z',
        partner,
        outcome: 'hit' as const,
        toRole: 'voorzitter',
        toOrganisation: 'zvh-limburg-noord',
        doel: 'jpp-screening',
        grondslagen: [{ rule: `S0${i + 1}`, effect: 'allow' as const, grondslag: 'Wpg art. 20' }],
        caseRef: 'ZVH-1',
        queryId: null,
      })),
      notifications: [],
      bezwaren: [],
      generatedByName: 'jurist van Zorg- en Veiligheidshuis',
      sections: [
        { source: 'signalen', title: 'Signalen die partners over de jongere hebben doorgegeven', empty: 'Geen.', listed: 1, counted: 1, items: [{ text: 'Halt: signaal "halt-afdoening", geregistreerd op 1 november 2026, geldig tot 1 november 2027. Niet ingetrokken.', data: {} }] },
        { source: 'verstrekkingen', title: 'Wie heeft gevraagd of een partner de jongere kent', empty: 'Niemand.', listed: 2, counted: 2, items: [
          { text: 'Op 20 november 2026 om 11:00 vroeg voorzitter van Zorg- en Veiligheidshuis of Halt de jongere kent.', data: {} },
          { text: 'Op 20 november 2026 om 11:00 vroeg voorzitter van Zorg- en Veiligheidshuis of Politie de jongere kent.', data: {} },
        ] },
        { source: 'toestemmingen', title: 'Toestemming', empty: 'Er is geen toestemming vastgelegd.', listed: 0, counted: 0, items: [] },
      ],
      completeness: { listed: 3, counted: 3, complete: true },
    };
    const pdf = (await renderInzagePdf(report, 'JPP', { compress: false })).toString('latin1');
    // pdfkit writes text of the standard fonts as hex strings in TJ arrays, split for kerning (and wraps long lines).
    const text = pdf
      .split('\n')
      .filter((l) => l.endsWith('TJ'))
      .map((l) => [...l.matchAll(/<([0-9a-f]*)>/g)].map((m) => Buffer.from(m[1]!, 'hex').toString('latin1')).join(''))
      .join(' ');
    expect(text).toContain('Dit overzicht is volledig: 3 onderdelen');
    expect(text).toContain('Wie heeft gevraagd of een partner de jongere kent (2)');
    expect(text).toContain('Er is geen toestemming vastgelegd.');
    expect(text).toContain('Opgesteld op 22 november 2026 om 11:00 door de jurist van Zorg- en Veiligheidshuis.');
    // Plain Dutch: no UTC stamps, no raw ids.
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(text).not.toContain('zvh-limburg-noord');
    expect(text).not.toContain('(allow)');
  });

  it.each(['demo-voorzitter', 'demo-halt', 'demo-partneroverleg'])('refuses %s', async (user) => {
    expect((await inzage(randomPseudonym(), user)).status).toBe(403);
  });

  it('refuses a subject that is not a pseudonym, naming the field', async () => {
    const res = await inzage(Buffer.alloc(32, 3).toString('base64url'));
    expect(res.status).toBe(422);
    expect(res.body.errors[0].pointer).toBe('/subject');
  });
});

describe('bezwaar', () => {
  it('an upheld bezwaar blocks hits for its doelen only, is logged, and can be lifted', async () => {
    const subject = randomPseudonym();
    await submitSignals(b, 'halt', [{ subject, category: 'halt-afdoening' }]);
    const screening = await openCase(b, [subject], { doel: 'jpp-screening' });
    const overleg = await openCase(b, [subject], { doel: 'jpp-casusoverleg' });
    expect(answersOf((await ask(subject, screening.caseRef)).body).halt).toBe('hit');

    const res = await b.call('POST', '/v1/bezwaren', { token: await b.token('demo-jurist'), body: { subject, doelen: ['jpp-screening'], decision: 'upheld' } });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ doelen: ['jpp-screening'], decision: 'upheld', active: true, decidedBy: 'demo-jurist' });
    const blocked = await ask(subject, screening.caseRef);
    expect(blocked.status).toBe(200);
    expect(answersOf(blocked.body).halt).toBe('no-hit');
    expect(Object.values(answersOf(blocked.body))).not.toContain('hit');
    expect(answersOf((await ask(subject, overleg.caseRef, 'jpp-casusoverleg')).body).halt).toBe('hit');

    const lift = await b.call('POST', `/v1/bezwaren/${res.body.bezwaarId}/lift`, { token: await b.token('demo-jurist') });
    expect(lift.status).toBe(200);
    expect(lift.body.active).toBe(false);
    expect(answersOf((await ask(subject, screening.caseRef)).body).halt).toBe('hit');
    expect((await b.call('POST', `/v1/bezwaren/${res.body.bezwaarId}/lift`, { token: await b.token('demo-jurist') })).status).toBe(409);
    const entries = await sql<{ outcome: string }>`select outcome from logboek_entries where action = 'bezwaar' and content like ${`%${res.body.bezwaarId}%`} order by id`.execute(b.broker.db);
    expect(entries.rows.map((r) => r.outcome)).toEqual(['upheld', 'lifted']);
  });

  it('lists the active bezwaren by default, every one with active=false, newest first, without subjects', async () => {
    const token = await b.token('demo-jurist');
    const subject = randomPseudonym();
    const upheld = await b.call('POST', '/v1/bezwaren', { token, body: { subject, doelen: ['jpp-screening'], decision: 'upheld' } });
    b.clock.now = new Date(b.clock.now.getTime() + 1000);
    const rejected = await b.call('POST', '/v1/bezwaren', { token, body: { subject: randomPseudonym(), doelen: ['jpp-casusoverleg'], decision: 'rejected' } });
    const active = await b.call('GET', '/v1/bezwaren', { token });
    expect(active.status, active.text).toBe(200);
    const activeIds = active.body.items.map((x: { bezwaarId: string }) => x.bezwaarId);
    expect(activeIds).toContain(upheld.body.bezwaarId);
    expect(activeIds).not.toContain(rejected.body.bezwaarId);
    for (const x of active.body.items) expect(x.active).toBe(true);
    const all = await b.call('GET', '/v1/bezwaren?active=false', { token });
    const allIds = all.body.items.map((x: { bezwaarId: string }) => x.bezwaarId);
    expect(allIds.indexOf(rejected.body.bezwaarId)).toBeLessThan(allIds.indexOf(upheld.body.bezwaarId));
    expect(all.text).not.toContain(subject);
    await b.call('POST', `/v1/bezwaren/${upheld.body.bezwaarId}/lift`, { token });
    expect((await b.call('GET', '/v1/bezwaren', { token })).body.items.map((x: { bezwaarId: string }) => x.bezwaarId)).not.toContain(upheld.body.bezwaarId);
    const bad = await b.call('GET', '/v1/bezwaren?active=misschien', { token });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].pointer).toBe('/active');
    expect((await b.call('GET', '/v1/bezwaren', { token: await b.token('demo-voorzitter') })).status).toBe(403);
  });

  it('refuses an unknown doel and a caller without the rights capability', async () => {
    const bad = await b.call('POST', '/v1/bezwaren', { token: await b.token('demo-jurist'), body: { subject: randomPseudonym(), doelen: ['alles'], decision: 'upheld' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ pointer: '/doelen/0', code: 'not-in-list', detail: 'is not a doel of this platform' }]);
    const voorzitter = await b.call('POST', '/v1/bezwaren', { token: await b.token('demo-voorzitter'), body: { subject: randomPseudonym(), doelen: ['jpp-screening'], decision: 'upheld' } });
    expect(voorzitter.status).toBe(403);
  });
});

describe('legal holds', () => {
  it('are placed on a casus or a subject, listed, shown on the casus, released once, and logged', async () => {
    const subject = randomPseudonym();
    const c = await openCase(b, [subject]);
    const token = await b.token('demo-fg');
    const onCase = await b.call('POST', '/v1/legal-holds', { token, body: { caseId: c.caseId, reason: 'klacht-ap' } });
    expect(onCase.status, onCase.text).toBe(201);
    expect(onCase.body).toMatchObject({ scope: 'case', caseId: c.caseId, caseRef: c.caseRef, reason: 'klacht-ap', placedBy: 'demo-fg', releasedAt: null });
    const onSubject = await b.call('POST', '/v1/legal-holds', { token, body: { subject: randomPseudonym(), reason: 'rechtszaak' } });
    expect(onSubject.body).toMatchObject({ scope: 'subject', caseId: null, caseRef: null });
    expect((await b.call('GET', `/v1/cases/${c.caseId}`, { token: await b.token('demo-voorzitter') })).body.legalHold).toBe(true);
    const list = await b.call('GET', '/v1/legal-holds', { token });
    expect(list.body.items.map((h: { holdId: string }) => h.holdId)).toEqual(expect.arrayContaining([onCase.body.holdId, onSubject.body.holdId]));
    expect(list.text).not.toContain(subject);
    const released = await b.call('POST', `/v1/legal-holds/${onCase.body.holdId}/release`, { token });
    expect(released.body.releasedAt).toBe(b.clock.now.toISOString());
    expect((await b.call('POST', `/v1/legal-holds/${onCase.body.holdId}/release`, { token })).status).toBe(409);
    expect((await b.call('GET', `/v1/cases/${c.caseId}`, { token: await b.token('demo-voorzitter') })).body.legalHold).toBe(false);
    const active = await b.call('GET', '/v1/legal-holds?active=true', { token });
    expect(active.body.items.map((h: { holdId: string }) => h.holdId)).not.toContain(onCase.body.holdId);
    const entries = await sql<{ outcome: string }>`select outcome from logboek_entries where action = 'legal-hold' and case_ref = ${c.caseRef} order by id`.execute(b.broker.db);
    expect(entries.rows.map((r) => r.outcome)).toEqual(['placed', 'released']);
    expect((await b.call('POST', '/v1/legal-holds', { token, body: { caseId: c.caseId, reason: 'omdat' } })).status).toBe(422);
    expect((await b.call('POST', '/v1/legal-holds', { token: await b.token('demo-voorzitter'), body: { caseId: c.caseId, reason: 'klacht-ap' } })).status).toBe(403);
  });

  it('are placed on a casus by its caseRef too, which the list shows; an unknown caseRef is a 404 naming the field', async () => {
    const c = await openCase(b, [randomPseudonym()]);
    const token = await b.token('demo-jurist');
    const held = await b.call('POST', '/v1/legal-holds', { token, body: { caseRef: c.caseRef, reason: 'bezwaarprocedure' } });
    expect(held.status, held.text).toBe(201);
    expect(held.body).toMatchObject({ scope: 'case', caseId: c.caseId, caseRef: c.caseRef });
    const list = await b.call('GET', '/v1/legal-holds', { token });
    expect(list.body.items.find((h: { holdId: string }) => h.holdId === held.body.holdId)).toMatchObject({ caseRef: c.caseRef });
    const released = await b.call('POST', `/v1/legal-holds/${held.body.holdId}/release`, { token });
    expect(released.body).toMatchObject({ caseRef: c.caseRef, releasedAt: expect.any(String) });
    const before = await sql<{ n: number }>`select count(*)::int as n from legal_holds`.execute(b.broker.db);
    const unknown = await b.call('POST', '/v1/legal-holds', { token, body: { caseRef: 'ZVH-bestaat-niet', reason: 'klacht-ap' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors).toEqual([{ pointer: '/caseRef', code: 'not-found', detail: 'names no casus' }]);
    const both = await b.call('POST', '/v1/legal-holds', { token, body: { caseRef: c.caseRef, caseId: c.caseId, reason: 'klacht-ap' } });
    expect(both.status).toBe(422);
    expect((await sql<{ n: number }>`select count(*)::int as n from legal_holds`.execute(b.broker.db)).rows[0]!.n).toBe(before.rows[0]!.n);
  });
});
