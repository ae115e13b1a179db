/**
 * Issue 17: a grondslag is typed text, and the logboek's CSV export carries it to a
 * spreadsheet. A cell starting with = + - @ (or a tab) is neutralised with a leading ', so
 * Excel or LibreOffice shows it instead of running it. The policy goes the whole way here:
 * a second privacy officer approves grondslagen that start with such characters, a question
 * is decided by them, and the jurist exports the logboek.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { withCase } from '../support/casus.js';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.close());

const PREFIXES = ['=', '+', '-', '@', '\t'];

it('neutralises grondslagen that start with = + - @ or a tab in the CSV export', async () => {
  const fg = await b.token('demo-fg');
  const fg2 = await b.token('demo-fg-2');
  const seedId = (await b.call('GET', '/v1/policies', { token: fg })).body.active;
  const draft = (await b.call('POST', '/v1/policies', { token: fg, body: { copyOf: seedId, note: 'Kopie voor de test' } })).body;
  const rules = draft.rules.map((r: any, i: number) => ({ ...r, grondslag: `${PREFIXES[i % PREFIXES.length]}HYPERLINK("https://evil.example";"${r.grondslag}")` }));
  const edited = await b.call('PUT', `/v1/policies/${draft.id}/rules`, { token: fg, body: { rules, groupings: draft.groupings } });
  expect(edited.status, edited.text).toBe(200);
  expect((await b.call('POST', `/v1/policies/${draft.id}/submit`, { token: fg })).status).toBe(200);
  const preview = await b.call('GET', `/v1/policies/${draft.id}/impact?days=7`, { token: fg2 });
  const approve = await b.call('POST', `/v1/policies/${draft.id}/approve`, { token: fg2, body: { previewId: preview.body.previewId, confirmNewAccess: preview.body.exact.newAccessDigest } });
  expect(approve.status, approve.text).toBe(200);
  expect((await b.call('POST', `/v1/policies/${draft.id}/activate`, { token: fg2 })).status).toBe(200);

  const voorzitter = await b.token('demo-voorzitter');
  for (const doel of ['jpp-screening', 'jpp-casusoverleg']) {
    const body = await withCase(b.call, voorzitter, { subject: randomPseudonym(), doel, caseRef: opaqueRef('case') });
    expect((await b.call('POST', '/v1/queries', { token: voorzitter, body })).status).toBe(200);
  }

  // The jurist exports, logged in through the web form.
  const login = await fetch(`${b.url}/inloggen`);
  const nonce = login.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
  const session = await fetch(`${b.url}/inloggen`, {
    method: 'POST', redirect: 'manual',
    headers: { cookie: nonce, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, user: 'demo-jurist' }).toString(),
  });
  const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
  const res = await fetch(`${b.url}/logboek/export/bevragingen.csv`, { headers: { cookie } });
  expect(res.status).toBe(200);
  const rows = parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
  const cells = rows.map((r) => r['grondslagen']!).filter((g) => g.includes('HYPERLINK'));
  expect(cells.length).toBeGreaterThan(0);
  for (const cell of cells) {
    expect(cell.startsWith("'"), cell).toBe(true);
    expect(PREFIXES).toContain(cell[1]);
  }
  // Cells that start harmlessly are left as they are.
  expect(rows.every((r) => !r['doel']!.startsWith("'"))).toBe(true);
});
