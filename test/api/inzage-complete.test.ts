/**
 * Complete inzage (issue 19 item 1): for one youth with signals at three partners (one withdrawn
 * at a fourth), two casussen with their history, a vervolgactie, regie and a consent, a
 * notificatie, a bezwaar, a verzoek, and a key rotation behind it (the first casus and a partner's
 * signal know the youth only under the old epoch's pseudonym; the report is asked with the new
 * one only). Every section's listing equals its own count and a count this test takes from the
 * database; the sentences are plain Dutch with names and local time; JSON export and PDF agree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { day, randomPseudonym } from '../support/synthetic.js';
import { submitSignals } from '../support/signals.js';
import { openCase, type OpenCase } from '../support/casus.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { amsterdamDay } from '../../broker/rights/verzoek-fns.js';

const schemas = createSchemaRegistry();
let b: TestBroker;
const [oldP, curP] = [randomPseudonym(), randomPseudonym()];
let first: OpenCase;
let second: OpenCase;

beforeAll(async () => {
  b = await startTestBroker();
  const voorzitter = await b.token('demo-voorzitter');
  const call = (method: string, path: string, body?: unknown) => b.call(method, path, { token: voorzitter, ...(body ? { body } : {}) });
  // Before the rotation: everything under the old epoch's pseudonym.
  await submitSignals(b, 'politie', [{ subject: oldP, category: 'politie-registratie' }]);
  first = await openCase(b, [oldP]);
  expect((await call('POST', '/v1/queries', { subject: oldP, doel: 'jpp-screening', caseId: first.caseId })).status).toBe(200);
  for (const to of ['in-screening', 'besproken']) expect((await call('POST', `/v1/cases/${first.caseId}/transitions`, { to })).status).toBe(200);
  expect((await call('PUT', `/v1/cases/${first.caseId}/regiehouder`, { partner: 'halt' })).status).toBe(200);
  expect((await call('POST', `/v1/cases/${first.caseId}/vervolgacties`, { partner: 'halt', kind: 'halt-interventie', dueDate: day(b.clock.now, 14) })).status).toBe(201);
  const consent = await call('POST', `/v1/cases/${first.caseId}/consents`, {
    subjectId: first.subjectIds[0], givenBy: 'ouder', partners: ['jongerenwerk'], doel: 'jpp-screening', givenOn: day(b.clock.now, 0), validUntil: day(b.clock.now, 90),
  });
  expect(consent.status, consent.text).toBe(201);
  // During the rotation's overlap: a casus with both pseudonyms links the epochs.
  second = await openCase(b, [[curP, oldP]], { doel: 'jpp-casusoverleg' });
  expect((await call('PUT', `/v1/cases/${second.caseId}/subjects/${second.subjectIds[0]}/notification`, { state: 'informed', informedAt: day(b.clock.now, 0) })).status).toBe(200);
  // The second casus on a casusoverleg's agenda: the agenda entry and each invitation decided.
  const meeting = await call('POST', '/v1/meetings', { date: day(b.clock.now, 7) });
  expect(meeting.status, meeting.text).toBe(201);
  const agenda = await call('POST', `/v1/meetings/${meeting.body.meetingId}/agenda`, { caseId: second.caseId });
  expect(agenda.status, agenda.text).toBe(201);
  // After it: the new epoch only.
  await submitSignals(b, 'halt', [{ subject: curP, category: 'halt-afdoening' }]);
  const [jw] = await submitSignals(b, 'jongerenwerk', [{ subject: curP, category: 'jongerenwerk-contact' }, { subject: curP, category: 'jongerenwerk-contact', registeredDaysAgo: 3 }]);
  expect((await b.call('DELETE', `/v1/signals/${jw}`, { token: await b.adapterToken('jongerenwerk') })).status).toBe(204);
  expect((await b.call('POST', '/v1/bezwaren', { token: await b.token('demo-jurist'), body: { subject: curP, doelen: ['jpp-casusoverleg'], decision: 'rejected' } })).status).toBe(201);
  expect((await b.call('POST', '/v1/verzoeken', { token: await b.token('demo-jurist'), body: { subject: curP, type: 'inzage', receivedOn: amsterdamDay(b.clock.now), requester: 'ouder-of-voogd', identityCheck: 'digid' } })).status).toBe(201);
  // Another youth's data: never in the report.
  await submitSignals(b, 'halt', [{ subject: randomPseudonym(), category: 'halt-afdoening' }]);
}, 120_000);
afterAll(async () => b?.close());

/** Counts taken by this test from the database, for the youth's hashes as the casus of the overlap holds them. */
async function independentCounts(): Promise<Record<string, number>> {
  const db = b.broker.db;
  const hashes = (await sql<{ h: Uint8Array }>`select subject_hash as h from case_subject_hashes where subject_id = ${second.subjectIds[0]!}`.execute(db)).rows.map((r) => Buffer.from(r.h));
  expect(hashes).toHaveLength(2);
  const H = sql.join(hashes);
  const one = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(db)).rows[0]!.n;
  const places = sql`select s.id from case_subjects s join case_subject_hashes h on h.subject_id = s.id where h.subject_hash in (${H})`;
  const cases = sql`select s.case_id from case_subjects s join case_subject_hashes h on h.subject_id = s.id where h.subject_hash in (${H})`;
  const logged = (action: string, outcome?: string) =>
    one(sql<{ n: number }>`select count(distinct e.id)::int as n from logboek_entries e left join logboek_subject_aliases a on a.entry_id = e.id
      where e.action = ${action} ${outcome ? sql`and e.outcome = ${outcome}` : sql``} and e.content is not null and (e.subject_hash in (${H}) or a.subject_hash in (${H}))`);
  return {
    signalen: await one(sql<{ n: number }>`select count(*)::int as n from signals where subject_hash in (${H})`),
    'ingetrokken-signalen': await logged('signal-withdrawal', 'withdrawn'),
    casussen: await one(sql<{ n: number }>`select count(distinct s.id)::int as n from case_subjects s join case_subject_hashes h on h.subject_id = s.id where h.subject_hash in (${H})`),
    statuswijzigingen: await one(sql<{ n: number }>`select count(*)::int as n from case_status_changes where case_id in (${cases})`),
    vervolgacties: await one(sql<{ n: number }>`select count(*)::int as n from case_vervolgacties where case_id in (${cases})`),
    toestemmingen: await one(sql<{ n: number }>`select count(*)::int as n from case_consents where subject_id in (${places})`),
    // Each answer: a disclosure entry is one, a question entry (issue 21 step B) one per answer in its content.
    verstrekkingen: (await logged('disclosure')) + (await one(sql<{ n: number }>`select coalesce(sum(jsonb_array_length(q.content::jsonb -> 'details' -> 'answers')), 0)::int as n
      from (select distinct e.id, e.content from logboek_entries e left join logboek_subject_aliases a on a.entry_id = e.id
             where e.action = 'question' and e.content is not null and (e.subject_hash in (${H}) or a.subject_hash in (${H}))) as q`)),
    notificaties: await logged('casus-notificatie'),
    casusoverleggen: (await logged('casusoverleg', 'agendered')) + (await logged('casusoverleg', 'invited')) + (await logged('casusoverleg', 'not-permitted')),
    bezwaren: await one(sql<{ n: number }>`select count(distinct b.id)::int as n from bezwaren b join bezwaar_subject_hashes h on h.bezwaar_id = b.id where h.subject_hash in (${H})`),
    verzoeken: await one(sql<{ n: number }>`select count(distinct v.id)::int as n from verzoeken v join verzoek_subject_hashes h on h.verzoek_id = v.id where h.subject_hash in (${H})`),
  };
}

describe('complete inzage', () => {
  it('lists every source about the youth under every key epoch, each count equal to an independent count from the database', async () => {
    const expected = await independentCounts();
    const res = await b.call('POST', '/v1/inzage', { token: await b.token('demo-jurist'), body: { subject: curP } });
    expect(res.status, res.text).toBe(200);
    expect(schemas.validate('rights#/$defs/inzageReport', res.body)).toEqual([]);
    const sections = res.body.sections as Array<{ source: string; listed: number; counted: number; items: Array<{ text: string }> }>;
    const got = Object.fromEntries(sections.map((s) => [s.source, s.listed]));
    expect(got).toEqual(expected);
    for (const s of sections) expect(s.counted, s.source).toBe(s.listed);
    const total = Object.values(expected).reduce((a, n) => a + n, 0);
    expect(res.body.completeness).toEqual({ listed: total, counted: total, complete: true });
    // What the seed made, so the counts are not trivially zero.
    expect(expected).toMatchObject({ signalen: 3, 'ingetrokken-signalen': 1, casussen: 2, vervolgacties: 1, toestemmingen: 1, notificaties: 1, bezwaren: 1, verzoeken: 1 });
    expect(expected['casusoverleggen']).toBeGreaterThanOrEqual(2); // on the agenda, and at least one partner decided
    expect(expected['verstrekkingen']).toBe(b.broker.platform.partners.length);
    expect(expected['statuswijzigingen']).toBeGreaterThanOrEqual(2);

    const text = sections.flatMap((s) => s.items.map((i) => i.text)).join('\n');
    for (const name of ['Halt', 'Politie', 'Jongerenwerk', 'Zorg- en Veiligheidshuis']) expect(text).toContain(name);
    expect(text).toContain(first.caseRef);
    expect(text).toContain(second.caseRef);
    expect(text).toMatch(/Regie: Halt sinds \d+ \w+ \d{4}/);
    expect(text).toContain(`casus ${second.caseRef} op de agenda gezet van het casusoverleg van`);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    for (const raw of ['zvh-limburg-noord', 'jpp-screening', 'politie-registratie', '(allow)', 'demo-jurist']) expect(text).not.toContain(raw);
    expect(res.body.generatedByName).toBe('jurist van Zorg- en Veiligheidshuis');
    expect(res.text).not.toContain(curP);
    expect(res.text).not.toContain(oldP);
  });

  it('gives the report as a PDF too, logged with the number of items it lists', async () => {
    const token = await b.token('demo-jurist');
    const before = (await sql<{ n: number }>`select count(*)::int as n from logboek_entries where action = 'inzage-report'`.execute(b.broker.db)).rows[0]!.n;
    const pdf = await b.call('POST', '/v1/inzage', { token, body: { subject: curP }, headers: { accept: 'application/pdf' } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const after = (await sql<{ n: number; items: number }>`select count(*)::int as n, max((content::json->'details'->>'items')::int) as items from logboek_entries where action = 'inzage-report'`.execute(b.broker.db)).rows[0]!;
    expect(after.n).toBe(before + 1);
    const expected = await independentCounts();
    expect(after.items).toBe(Object.values(expected).reduce((a, n) => a + n, 0));
  });
});
