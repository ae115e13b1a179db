/**
 * The privacy officer's journey through /v1/policies, as docs/policies.md tells it:
 * copy the active version into a draft, edit a rule, see lint findings and failing tests,
 * fix them, submit, see the diff and the impact preview, have a second officer approve,
 * activate, and see the next query decided (and logged) by the new version.
 * Runs on PGlite, and on PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { withCase } from '../support/casus.js';
import { createSchemaRegistry, type SchemaName } from '../../protocol/schemas/schema-registry.js';

const schemas = createSchemaRegistry();
let b: TestBroker;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  b = await startTestBroker();
  for (const u of ['demo-fg', 'demo-fg-2', 'demo-jurist', 'demo-voorzitter', 'demo-halt']) tokens[u] = await b.token(u);
});
afterAll(async () => b?.close());

const call = (user: string, method: string, path: string, body?: unknown) =>
  b.call(method, path, { token: tokens[user]!, ...(body !== undefined ? { body } : {}) });
const valid = (name: SchemaName, body: unknown) => expect(schemas.validate(name, body)).toEqual([]);
const ask = async (user: string, doel: string) =>
  call(user, 'POST', '/v1/queries', await withCase(b.call, tokens['demo-voorzitter']!, { subject: randomPseudonym(), doel, caseRef: opaqueRef('case') }));
const policyLog = async () =>
  (
    await sql<{ content: string }>`select content from logboek_entries where action = 'policy-change' order by id`.execute(b.broker.db)
  ).rows.map((r) => JSON.parse(r.content) as { outcome: string; actor: { id: string }; policy: { version: number; hash: string }; details: Record<string, unknown> });

describe('the journey of a policy change', () => {
  let seedId: number;
  let draft: any;

  it('starts with the seed set active, authored by the system', async () => {
    const res = await call('demo-fg', 'GET', '/v1/policies');
    expect(res.status).toBe(200);
    valid('policy-views#/$defs/list', res.body);
    const active = res.body.items.find((v: any) => v.status === 'active');
    expect(active).toMatchObject({ author: { id: 'system:seed' }, reviewer: { id: 'system:platform-file' }, ruleCount: 31, testCount: 37 });
    expect(res.body.active).toBe(active.id);
    seedId = active.id;
    expect((await policyLog()).find((e) => e.policy.version === seedId)).toMatchObject({ outcome: 'activated', details: { step: 'seed' } });
  });

  it('lets a jurist read but not change, and refuses other roles', async () => {
    expect((await call('demo-jurist', 'GET', `/v1/policies/${seedId}`)).status).toBe(200);
    const create = await call('demo-jurist', 'POST', '/v1/policies', { copyOf: seedId, note: 'poging' });
    expect(create.status).toBe(403);
    expect((await call('demo-voorzitter', 'GET', '/v1/policies')).status).toBe(403);
    expect((await b.call('GET', '/v1/policies', { token: await b.adapterToken('halt') })).status).toBe(403);
    expect((await call('demo-fg', 'GET', '/v1/policies/999999')).status).toBe(404);
    expect((await call('demo-fg', 'GET', '/v1/policies/abc')).status).toBe(404);
  });

  it('copies the active version into a draft, with a toelichting (required)', async () => {
    const count = async () => Number((await sql<{ n: number }>`select count(*)::int as n from policy_versions`.execute(b.broker.db)).rows[0]!.n);
    const before = await count();
    for (const body of [{ copyOf: seedId }, { copyOf: seedId, note: '' }, { copyOf: seedId, note: ' \n ' }, { seed: true }, { rulesText: 'p, X, a, b, c, d, e, allow, g' }]) {
      const refused = await call('demo-fg', 'POST', '/v1/policies', body);
      expect(refused.status, JSON.stringify(body)).toBe(422);
      expect(refused.body.errors.map((e: any) => e.pointer)).toContain('/note');
    }
    expect(await count()).toBe(before);
    const res = await call('demo-fg', 'POST', '/v1/policies', { copyOf: seedId, note: 'Jeugdreclassering aan tafel' });
    expect(res.status, res.text).toBe(201);
    valid('policy-views#/$defs/version', res.body);
    expect(res.headers.get('location')).toBe(`/v1/policies/${res.body.id}`);
    expect(res.body).toMatchObject({ status: 'draft', basedOn: seedId, source: `copy:${seedId}`, author: { id: 'demo-fg', role: 'privacy-officer' } });
    expect(res.body.rules).toHaveLength(31);
    expect(res.body.rules[0]).toEqual(expect.objectContaining({ id: 'S01', effect: 'allow', grondslag: expect.stringContaining('Wpg art. 20') }));
    draft = res.body;
  });

  it('saves an edited rule without a grondslag, and lint names it', async () => {
    const rules = draft.rules.filter((r: any) => r.id !== 'C05');
    rules.push({ id: 'C08', role: 'ketenprofessional', doel: 'jpp-casusoverleg', partner: 'jeugdreclassering', category: 'justitieel', action: 'bevragen', effect: 'allow', grondslag: '' });
    const res = await call('demo-fg', 'PUT', `/v1/policies/${draft.id}/rules`, { rules, groupings: draft.groupings, expectedHash: draft.contentHash });
    expect(res.status).toBe(200);
    expect(res.body.contentHash).not.toBe(draft.contentHash);
    draft = res.body;
    const lint = await call('demo-fg', 'GET', `/v1/policies/${draft.id}/lint`);
    expect(lint.status).toBe(200);
    valid('policy-views#/$defs/lint', lint.body);
    const index = draft.rules.findIndex((r: any) => r.id === 'C08');
    expect(lint.body.findings).toContainEqual(
      expect.objectContaining({ severity: 'error', code: 'missing-grondslag', rule: 'C08', pointer: `/rules/${index}/grondslag` }),
    );
    // The seed's test that expects C05 to decide now names a rule the draft lacks.
    expect(lint.body.findings).toContainEqual(expect.objectContaining({ severity: 'error', code: 'test-unknown-rule', rule: null, value: 'C05' }));
    expect(lint.body.errors).toBe(2);
  });

  it('refuses a stale save, and an edit by another officer', async () => {
    const stale = await call('demo-fg', 'PUT', `/v1/policies/${draft.id}/rules`, { rules: draft.rules, groupings: draft.groupings, expectedHash: `sha256:${'0'.repeat(64)}` });
    expect(stale.status).toBe(409);
    expect(stale.body.errors).toEqual([{ pointer: '/expectedHash', code: 'outdated', detail: expect.any(String) }]);
    const other = await call('demo-fg-2', 'PUT', `/v1/policies/${draft.id}/rules`, { rules: draft.rules, groupings: draft.groupings });
    expect(other.status).toBe(403);
    const bad = await call('demo-fg', 'PUT', `/v1/policies/${draft.id}/rules`, { rules: [{ ...draft.rules[0], effect: 3 }], groupings: [] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].pointer).toMatch(/^\/rules\/0\/effect/);
    const dup = await call('demo-fg', 'PUT', `/v1/policies/${draft.id}/rules`, { rules: [draft.rules[0], draft.rules[0]], groupings: [] });
    expect(dup.status).toBe(422);
    expect(dup.body.errors).toEqual([{ pointer: '/rules/1/id', code: 'duplicate', detail: expect.stringContaining('twice') }]);
    // Nothing was half-written.
    expect((await call('demo-fg', 'GET', `/v1/policies/${draft.id}`)).body.contentHash).toBe(draft.contentHash);
  });

  it('refuses submission while lint errors or failing tests remain, naming each', async () => {
    const res = await call('demo-fg', 'POST', `/v1/policies/${draft.id}/submit`);
    expect(res.status).toBe(422);
    const pointers = res.body.errors.map((e: any) => e.pointer);
    expect(pointers).toContain(`/rules/${draft.rules.findIndex((r: any) => r.id === 'C08')}/grondslag`);
    // The seed's tests expect jeugdboa → jeugdreclassering denied, and leerplicht allowed by C05.
    const failing = pointers.filter((p: string) => /^\/tests\/\d+$/.test(p));
    expect(failing).toHaveLength(2);
    expect(pointers.filter((p: string) => /^\/tests\/\d+\/rule$/.test(p))).toHaveLength(1);
    expect(res.body.detail).toContain('2 lint error(s), 2 failing test(s)');
    const tests = await call('demo-fg', 'POST', `/v1/policies/${draft.id}/test`);
    valid('policy-views#/$defs/testReport', tests.body);
    expect(tests.body).toMatchObject({ passed: 35, failed: 2 });
    expect((await call('demo-fg', 'GET', `/v1/policies/${draft.id}`)).body.status).toBe('draft');
  });

  it('submits once the rule has a grondslag and the tests say what the change means', async () => {
    const rules = draft.rules.map((r: any) => (r.id === 'C08' ? { ...r, grondslag: 'AVG art. 6(1)(e) jo. Jeugdwet art. 7.3.11; convenant ZVH' } : r));
    draft = (await call('demo-fg', 'PUT', `/v1/policies/${draft.id}/rules`, { rules, groupings: draft.groupings })).body;
    const tests = draft.tests.map((t: any) =>
      t.role === 'jeugdboa' && t.partner === 'jeugdreclassering' ? { ...t, expect: 'allow', rule: 'C08' }
      : t.role === 'jeugdboa' && t.partner === 'gemeente-leerplicht' ? { ...t, expect: 'deny', rule: '' }
      : t,
    );
    const put = await call('demo-fg', 'PUT', `/v1/policies/${draft.id}/tests`, { tests });
    expect(put.status).toBe(200);
    expect(put.body.contentHash).toBe(draft.contentHash);
    const res = await call('demo-fg', 'POST', `/v1/policies/${draft.id}/submit`, { note: 'C08 toegevoegd, C05 vervalt' });
    expect(res.status).toBe(200);
    valid('policy-views#/$defs/summary', res.body);
    expect(res.body).toMatchObject({ status: 'submitted', note: 'C08 toegevoegd, C05 vervalt' });
    expect((await call('demo-fg', 'PUT', `/v1/policies/${draft.id}/rules`, { rules, groupings: draft.groupings })).status).toBe(409);
  });

  it('shows the diff rule by rule', async () => {
    const res = await call('demo-fg-2', 'GET', `/v1/policies/${draft.id}/diff?against=${seedId}`);
    expect(res.status).toBe(200);
    valid('policy-views#/$defs/diff', res.body);
    expect(res.body.added.map((r: any) => r.id)).toEqual(['C08']);
    expect(res.body.removed.map((r: any) => r.id)).toEqual(['C05']);
    expect(res.body.changed).toEqual([]);
    expect(res.body.unchanged).toBe(30);
    expect(res.body.tests).toEqual({ added: 2, removed: 2 });
    expect((await call('demo-fg-2', 'GET', `/v1/policies/${draft.id}/diff?against=0`)).status).toBe(422);
  });

  it('previews the impact on logged requests, and approval requires the preview and a confirmation', async () => {
    // Requests logged under the active version: a Halt-medewerker at the casusoverleg.
    for (let i = 0; i < 3; i++) expect((await ask('demo-halt', 'jpp-casusoverleg')).status).toBe(200);

    const noPreview = await call('demo-fg-2', 'POST', `/v1/policies/${draft.id}/approve`, { previewId: '00000000-0000-4000-8000-000000000000' });
    expect(noPreview.status).toBe(422);
    expect(noPreview.body.errors[0].pointer).toBe('/previewId');

    const authorPreview = await call('demo-fg', 'GET', `/v1/policies/${draft.id}/impact?days=7`);
    expect(authorPreview.status).toBe(200);
    const selfApproval = await call('demo-fg', 'POST', `/v1/policies/${draft.id}/approve`, { previewId: authorPreview.body.previewId, confirmNewAccess: authorPreview.body.exact.newAccessDigest });
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.body.detail).toContain('four eyes');
    const someoneElses = await call('demo-fg-2', 'POST', `/v1/policies/${draft.id}/approve`, { previewId: authorPreview.body.previewId, confirmNewAccess: authorPreview.body.exact.newAccessDigest });
    expect(someoneElses.status).toBe(422);

    const preview = await call('demo-fg-2', 'GET', `/v1/policies/${draft.id}/impact?days=7`);
    valid('policy-views#/$defs/impact', preview.body);
    // Second view: the questions logged in the last 7 days, replayed.
    expect(preview.body.replayed).toBeGreaterThanOrEqual(3 * b.broker.platform.partners.length);
    expect(preview.body.newlyAllowed).toMatchObject({ total: 3, byRole: { 'halt-medewerker': 3 }, byDoel: { 'jpp-casusoverleg': 3 }, byPartner: { jeugdreclassering: 3 } });
    expect(preview.body.newlyDenied).toMatchObject({ total: 3, byPartner: { 'gemeente-leerplicht': 3 } });
    expect(preview.body.changes).toContainEqual(
      expect.objectContaining({ role: 'halt-medewerker', partner: 'jeugdreclassering', before: 'not-permitted', after: 'permitted', afterRules: ['C08'], count: 3 }),
    );
    // The exact impact: C08 opens jeugdreclassering's toezicht to all nine ketenprofessionals, with and without
    // consent, whether or not anyone asked; dropping C05 closes leerplicht's verzuim to them.
    const exact = preview.body.exact;
    expect(exact.against).toEqual({ version: seedId, contentHash: (await call('demo-fg', 'GET', `/v1/policies/${seedId}`)).body.contentHash });
    expect(exact.newlyAllowed).toHaveLength(18);
    expect(new Set(exact.newlyAllowed.map((t: any) => `${t.doel} ${t.partner} ${t.category}`))).toEqual(new Set(['jpp-casusoverleg jeugdreclassering jeugdreclassering-toezicht']));
    expect(exact.newlyAllowed).toContainEqual({
      role: 'jongerenwerker', doel: 'jpp-casusoverleg', partner: 'jeugdreclassering', category: 'jeugdreclassering-toezicht', action: 'bevragen-met-toestemming',
      before: null, after: { rule: 'C08', effect: 'allow', grondslag: expect.stringContaining('7.3.11') },
    });
    expect(exact.newlyDenied).toHaveLength(18);
    expect(exact.newlyDenied[0]).toMatchObject({ partner: 'gemeente-leerplicht', category: 'leerplicht-verzuim', before: { rule: 'C05' }, after: null });
    expect(exact.newAccessDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await call('demo-fg-2', 'GET', `/v1/policies/${draft.id}/impact?days=0`)).status).toBe(422);

    const unconfirmed = await call('demo-fg-2', 'POST', `/v1/policies/${draft.id}/approve`, { previewId: preview.body.previewId });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.body.errors).toEqual([{ pointer: '/confirmNewAccess', code: 'not-confirmed', detail: expect.stringContaining('18 newly allowed') }]);
    // A yes without the digest confirms nothing in particular.
    const vague = await call('demo-fg-2', 'POST', `/v1/policies/${draft.id}/approve`, { previewId: preview.body.previewId, confirmNewAccess: true });
    expect(vague.status).toBe(422);
    expect(vague.body.errors[0].pointer).toBe('/confirmNewAccess');
    const otherSet = await call('demo-fg-2', 'POST', `/v1/policies/${draft.id}/approve`, { previewId: preview.body.previewId, confirmNewAccess: `sha256:${'a'.repeat(64)}` });
    expect(otherSet.status).toBe(422);
    expect((await call('demo-fg', 'GET', `/v1/policies/${draft.id}`)).body.status).toBe('submitted');

    const approved = await call('demo-fg-2', 'POST', `/v1/policies/${draft.id}/approve`, { previewId: preview.body.previewId, confirmNewAccess: exact.newAccessDigest });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', reviewer: { id: 'demo-fg-2' } });
    expect((await call('demo-fg-2', 'POST', `/v1/policies/${draft.id}/approve`, { previewId: preview.body.previewId, confirmNewAccess: exact.newAccessDigest })).status).toBe(409);
    const row = await sql<{ approval_preview_id: string; confirmed_new_access: string }>`select approval_preview_id, confirmed_new_access from policy_versions where id = ${draft.id}`.execute(b.broker.db);
    expect(row.rows[0]).toEqual({ approval_preview_id: preview.body.previewId, confirmed_new_access: exact.newAccessDigest });
  });

  it('activates: the next query is decided by the new version, whose hash is in the log', async () => {
    const before = await ask('demo-halt', 'jpp-casusoverleg');
    expect(before.body.policyVersion).toBe(seedId);
    expect(before.body.answers.find((a: any) => a.partner === 'jeugdreclassering').answer).toBe('not-permitted');

    const res = await call('demo-fg', 'POST', `/v1/policies/${draft.id}/activate`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('active');
    expect(b.broker.policy.active().versionId).toBe(draft.id);
    const list = (await call('demo-fg', 'GET', '/v1/policies')).body;
    expect(list.active).toBe(draft.id);
    expect(list.items.find((v: any) => v.id === seedId).status).toBe('superseded');
    expect((await call('demo-fg', 'POST', `/v1/policies/${draft.id}/activate`)).status).toBe(409);

    const after = await ask('demo-halt', 'jpp-casusoverleg');
    expect(after.body.policyVersion).toBe(draft.id);
    const answer = after.body.answers.find((a: any) => a.partner === 'jeugdreclassering');
    expect(answer.answer).toBe('no-hit');
    expect(answer.basis).toEqual([expect.objectContaining({ rule: 'C08', grondslag: expect.stringContaining('7.3.11') })]);
    const log = await b.call('GET', `/v1/disclosures?partner=jeugdreclassering&limit=1`, { token: tokens['demo-jurist']! });
    expect(log.body.items[0]).toMatchObject({ queryId: after.body.queryId, policyVersion: draft.id, policyHash: draft.contentHash });
    const row = await sql<{ policy_version_id: number }>`select policy_version_id from queries where id = ${after.body.queryId}`.execute(b.broker.db);
    expect(row.rows[0]!.policy_version_id).toBe(draft.id);
  });

  it('logs every step as a policy-change with the version and its hash', async () => {
    const steps = (await policyLog()).filter((e) => e.policy.version === draft.id);
    expect(steps.map((e) => e.outcome)).toEqual(['created', 'rules-edited', 'rules-edited', 'tests-edited', 'submitted', 'approved', 'activated']);
    expect(steps.find((e) => e.outcome === 'approved')).toMatchObject({
      actor: { id: 'demo-fg-2' }, policy: { hash: draft.contentHash }, details: { against: seedId, newAccess: 18, newlyAllowed: 3, confirmNewAccess: true },
    });
    expect(steps.find((e) => e.outcome === 'activated')).toMatchObject({ actor: { id: 'demo-fg' }, details: { previous: seedId, status: 'active' } });
  });

  it('rolls back by copying a superseded version into a new draft; history stays', async () => {
    expect((await call('demo-fg', 'POST', `/v1/policies/${draft.id}/rollback`, { note: 'terug' })).status).toBe(409);
    const noNote = await call('demo-fg-2', 'POST', `/v1/policies/${seedId}/rollback`);
    expect(noNote.status).toBe(422);
    expect(noNote.body.errors).toEqual([{ pointer: '/note', code: 'required', detail: expect.any(String) }]);
    const res = await call('demo-fg-2', 'POST', `/v1/policies/${seedId}/rollback`, { note: 'C08 terugdraaien' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'draft', source: `rollback:${seedId}`, basedOn: seedId, author: { id: 'demo-fg-2' } });
    const seed = (await call('demo-fg', 'GET', `/v1/policies/${seedId}`)).body;
    expect(res.body.contentHash).toBe(seed.contentHash);
    expect(res.body.rules).toEqual(seed.rules);
    expect(seed.status).toBe('superseded');
  });
});

describe('the database guards the lifecycle too', () => {
  it('refuses self-approval, content changes after submission, going back, and deletion', async () => {
    const draft = (await call('demo-fg', 'POST', '/v1/policies', { seed: true, note: 'zaad opnieuw' })).body;
    expect((await call('demo-fg', 'POST', `/v1/policies/${draft.id}/submit`)).status).toBe(200);
    const db = b.broker.db;
    // Even with the author's own preview, confirmed, the author cannot approve.
    const own = (await call('demo-fg', 'GET', `/v1/policies/${draft.id}/impact`)).body;
    await expect(
      sql`update policy_versions set state = 'approved', reviewer_id = author_id, reviewed_at = now(), approval_preview_id = ${own.previewId},
          confirmed_new_access = ${own.exact.newAccessDigest} where id = ${draft.id}`.execute(db),
    ).rejects.toThrow(/policy_versions_four_eyes/);
    await expect(sql`update policy_versions set content_hash = 'sha256:x' where id = ${draft.id}`.execute(db)).rejects.toThrow(/immutable/);
    await expect(sql`delete from policy_rules where version_id = ${draft.id}`.execute(db)).rejects.toThrow(/immutable/);
    await expect(sql`update policy_versions set state = 'draft' where id = ${draft.id}`.execute(db)).rejects.toThrow(/not a lifecycle step/);
    await expect(sql`delete from policy_versions where id = ${draft.id}`.execute(db)).rejects.toThrow(/never deleted/);
    await expect(sql`update policy_versions set activated_at = now() where id = ${draft.id}`.execute(db)).rejects.toThrow(/policy_versions_active_approved/);
    await expect(
      sql`insert into policy_versions (content_hash, model_text, source, created_at, updated_at, state, author_id, reviewer_id, note, tests)
          values ('sha256:x', 'm', 'sql', now(), now(), 'approved', 'demo-fg', 'demo-fg-2', 'n', '[]')`.execute(db),
    ).rejects.toThrow(/starts as a draft/);
  });

  it('refuses, in the database, an approval that does not confirm the new access its preview shows', async () => {
    const db = b.broker.db;
    // The seed set again: against the active version it newly allows what that one closed.
    const draft = (await call('demo-fg', 'POST', '/v1/policies', { seed: true, note: 'zaad opnieuw' })).body;
    expect((await call('demo-fg', 'POST', `/v1/policies/${draft.id}/submit`)).status).toBe(200);
    const approve = (set: string) => sql.raw(`update policy_versions set state = 'approved', reviewer_id = 'demo-fg-2', reviewed_at = now()${set} where id = ${draft.id}`).execute(db);
    await expect(approve('')).rejects.toThrow(/names no impact preview/);
    const authorPreview = (await call('demo-fg', 'GET', `/v1/policies/${draft.id}/impact`)).body;
    await expect(approve(`, approval_preview_id = '${authorPreview.previewId}'`)).rejects.toThrow(/did not fetch the preview/);
    const preview = (await call('demo-fg-2', 'GET', `/v1/policies/${draft.id}/impact`)).body;
    const n = preview.exact.newlyAllowed.length;
    expect(n).toBeGreaterThan(0);
    await expect(approve(`, approval_preview_id = '${preview.previewId}'`)).rejects.toThrow(new RegExp(`newly allows ${n} decision`));
    await expect(approve(`, approval_preview_id = '${preview.previewId}', confirmed_new_access = 'sha256:${'b'.repeat(64)}'`)).rejects.toThrow(/confirm them/);
    // The preview itself cannot be made to show less.
    await expect(sql`update policy_previews set new_access_count = 0 where id = ${preview.previewId}`.execute(db)).rejects.toThrow(/never changed/);
    await expect(sql`delete from policy_previews where id = ${preview.previewId}`.execute(db)).rejects.toThrow(/never changed/);
    expect((await call('demo-fg', 'GET', `/v1/policies/${draft.id}`)).body.status).toBe('submitted');
    // With the preview's digest a second officer may approve it in the database too: the guard is about what was confirmed, not about the service.
    await approve(`, approval_preview_id = '${preview.previewId}', confirmed_new_access = '${preview.exact.newAccessDigest}'`);
    await expect(sql`update policy_versions set confirmed_new_access = null where id = ${draft.id}`.execute(db)).rejects.toThrow(/not rewritten/);
  });

  it('lets the author withdraw a submitted version; it is then frozen as rejected', async () => {
    const draft = (await call('demo-fg', 'POST', '/v1/policies', { seed: true, note: 'zaad opnieuw' })).body;
    await call('demo-fg', 'POST', `/v1/policies/${draft.id}/submit`);
    expect((await call('demo-fg', 'POST', `/v1/policies/${draft.id}/reject`, { note: '' })).status).toBe(422);
    const res = await call('demo-fg', 'POST', `/v1/policies/${draft.id}/reject`, { note: 'nog niet klaar' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'rejected', reviewer: { id: 'demo-fg' } });
    expect(res.body.note).toContain('nog niet klaar');
    expect((await call('demo-fg', 'POST', `/v1/policies/${draft.id}/submit`)).status).toBe(409);
  });
});

describe('four eyes see every new access, asked about or not', () => {
  /** A submitted draft: the active version with `change` applied to its rules. */
  const submitted = async (note: string, change: (rules: any[]) => any[]) => {
    const base = (await call('demo-fg', 'GET', `/v1/policies/${b.broker.policy.active().versionId}`)).body;
    const draft = (await call('demo-fg', 'POST', '/v1/policies', { copyOf: base.id, note })).body;
    const rules = change(draft.rules);
    const edited = await call('demo-fg', 'PUT', `/v1/policies/${draft.id}/rules`, { rules, groupings: draft.groupings });
    expect(edited.status, edited.text).toBe(200);
    // Tests of rules that are gone go with them.
    const ids = new Set(rules.map((r: any) => r.id));
    const tests = draft.tests.filter((t: any) => t.rule === '' || ids.has(t.rule));
    if (tests.length < draft.tests.length) expect((await call('demo-fg', 'PUT', `/v1/policies/${draft.id}/tests`, { tests })).status).toBe(200);
    const res = await call('demo-fg', 'POST', `/v1/policies/${draft.id}/submit`);
    expect(res.status, res.text).toBe(200);
    return draft.id as number;
  };
  const W01 = { id: 'W01', role: 'jeugdboa', doel: 'jpp-screening', partner: 'rvdk', category: 'rvdk-onderzoek', action: 'bevragen', effect: 'allow', grondslag: 'AVG art. 10 jo. Wjsg art. 8a (voorbeeld)' };

  it('needs the confirmation for one allow rule that no logged question touches', async () => {
    const id = await submitted('jeugdBOA mag RvdK bevragen bij screening', (rules) => [...rules, W01]);
    const preview = (await call('demo-fg-2', 'GET', `/v1/policies/${id}/impact?days=366`)).body;
    // Nobody in the logboek ever asked this: the replay sees no change for it …
    expect(preview.newlyAllowed.byRole['jeugdboa']).toBeUndefined();
    expect(preview.changes.filter((c: any) => c.partner === 'rvdk')).toEqual([]);
    // … the exact impact sees both decisions (with and without consent) that W01 opens.
    expect(preview.exact.newlyAllowed.map((t: any) => `${t.role} ${t.doel} ${t.partner} ${t.category} ${t.action} ${t.after.rule}`)).toEqual([
      'jeugdboa jpp-screening rvdk rvdk-onderzoek bevragen W01',
      'jeugdboa jpp-screening rvdk rvdk-onderzoek bevragen-met-toestemming W01',
    ]);
    expect(preview.exact.newlyDenied).toEqual([]);
    const refused = await call('demo-fg-2', 'POST', `/v1/policies/${id}/approve`, { previewId: preview.previewId });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ pointer: '/confirmNewAccess', code: 'not-confirmed', detail: expect.stringContaining('2 newly allowed') }]);
    expect((await call('demo-fg', 'GET', `/v1/policies/${id}`)).body.status).toBe('submitted');
    const ok = await call('demo-fg-2', 'POST', `/v1/policies/${id}/approve`, { previewId: preview.previewId, confirmNewAccess: preview.exact.newAccessDigest });
    expect(ok.status, ok.text).toBe(200);
    // Withdrawn again by rejecting a fresh copy is not possible for an approved version; it simply stays approved, never activated.
  });

  it('refuses a preview against a version no longer active, and an activation whose new access nobody confirmed', async () => {
    // Three drafts of the same active version X: A closes S08; B and C only reword a grondslag (nothing new over X).
    const x = b.broker.policy.active().versionId;
    const a = await submitted('S08 vervalt', (rules) => rules.filter((r: any) => r.id !== 'S08'));
    const reword = (id: string) => (rules: any[]) => rules.map((r: any) => (r.id === id ? { ...r, grondslag: `${r.grondslag} (herzien)` } : r));
    const bId = await submitted('S01 anders verwoord', reword('S01'));
    const c = await submitted('S02 anders verwoord', reword('S02'));
    const [pa, pb, pc] = await Promise.all([a, bId, c].map(async (id) => (await call('demo-fg-2', 'GET', `/v1/policies/${id}/impact`)).body));
    for (const p of [pa, pb, pc]) expect(p.exact).toMatchObject({ against: { version: x }, newlyAllowed: [] });
    expect((await call('demo-fg-2', 'POST', `/v1/policies/${a}/approve`, { previewId: pa.previewId })).status).toBe(200);
    expect((await call('demo-fg-2', 'POST', `/v1/policies/${bId}/approve`, { previewId: pb.previewId })).status).toBe(200);
    expect((await call('demo-fg', 'POST', `/v1/policies/${a}/activate`)).status).toBe(200);

    // C's preview compared with X, which is no longer active: fetch it again, and it shows S08 coming back.
    const stale = await call('demo-fg-2', 'POST', `/v1/policies/${c}/approve`, { previewId: pc.previewId });
    expect(stale.status).toBe(422);
    expect(stale.body.errors).toEqual([{ pointer: '/previewId', code: 'outdated', detail: expect.stringContaining('fetch the preview again') }]);
    const again = (await call('demo-fg-2', 'GET', `/v1/policies/${c}/impact`)).body;
    expect(again.exact.against.version).toBe(a);
    expect(again.exact.newlyAllowed.map((t: any) => `${t.partner} ${t.after.rule}`)).toEqual(['halt S08', 'halt S08']);

    // B was approved against X with nothing new; over A, now active, it would reopen S08 unconfirmed.
    const logged = (await policyLog()).length;
    const refused = await call('demo-fg', 'POST', `/v1/policies/${bId}/activate`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain(`newly allow 2 decision(s) over version ${a}`);
    expect(b.broker.policy.active().versionId).toBe(a);
    expect((await call('demo-fg', 'GET', `/v1/policies/${bId}`)).body).toMatchObject({ status: 'approved', activeFrom: null });
    expect((await policyLog()).length).toBe(logged);
  });
});

describe('activation from a set time', () => {
  it('keeps the current version until activeFrom, then switches without a reload', async () => {
    const activeBefore = b.broker.policy.active().versionId;
    const draft = (await call('demo-fg', 'POST', '/v1/policies', { copyOf: activeBefore, note: 'ongewijzigd, later actief' })).body;
    await call('demo-fg', 'POST', `/v1/policies/${draft.id}/submit`);
    const preview = (await call('demo-fg-2', 'GET', `/v1/policies/${draft.id}/impact`)).body;
    // "Before" in the replay is what was decided then: the requests logged under the seed version still differ.
    expect(preview.newlyAllowed.total).toBeGreaterThan(0);
    // Exactly, a copy of the active version changes nothing, so there is nothing to confirm.
    expect(preview.exact).toMatchObject({ against: { version: activeBefore }, newlyAllowed: [], newlyDenied: [] });
    expect((await call('demo-fg-2', 'POST', `/v1/policies/${draft.id}/approve`, { previewId: preview.previewId })).status).toBe(200);
    expect((await call('demo-fg', 'POST', `/v1/policies/${draft.id}/activate`, { activeFrom: '2001-01-01T00:00:00Z' })).status).toBe(422);
    const at = new Date(b.clock.now.getTime() + 3600_000);
    const res = await call('demo-fg-2', 'POST', `/v1/policies/${draft.id}/activate`, { activeFrom: at.toISOString() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'scheduled', activeFrom: at.toISOString() });
    expect(b.broker.policy.active().versionId).toBe(activeBefore);
    b.clock.now = new Date(at.getTime() + 1000);
    expect(b.broker.policy.active().versionId).toBe(draft.id);
    expect((await call('demo-fg', 'GET', `/v1/policies/${draft.id}`)).body.status).toBe('active');
    expect((await call('demo-fg', 'GET', `/v1/policies/${activeBefore}`)).body.status).toBe('superseded');
  });
});

describe('simulate', () => {
  const seedVersion = async (): Promise<number> =>
    (await call('demo-fg', 'GET', '/v1/policies')).body.items.find((v: any) => v.source.startsWith('seed:')).id;

  it('explains an allow with its rule and grondslag', async () => {
    const id = await seedVersion();
    const res = await call('demo-jurist', 'POST', `/v1/policies/${id}/simulate`, { role: 'voorzitter', doel: 'jpp-screening', partner: 'halt', category: 'halt-afdoening' });
    expect(res.status).toBe(200);
    valid('policy-views#/$defs/simulation', res.body);
    expect(res.body).toMatchObject({ decision: 'allow', rule: { rule: 'S08', effect: 'allow', grondslag: expect.stringContaining('77e') }, nearest: null });
  });

  it('explains a denial by the nearest rule and the field that differed', async () => {
    const id = await seedVersion();
    const res = await call('demo-fg', 'POST', `/v1/policies/${id}/simulate`, {
      role: 'voorzitter', doel: 'jpp-screening', partner: 'jongerenwerk', category: 'jongerenwerk-contact', action: 'bevragen',
    });
    expect(res.body).toMatchObject({ decision: 'deny', rule: null, nearest: { rule: { id: 'S09' }, score: 4, mismatched: [{ field: 'action', expected: 'bevragen-met-toestemming', actual: 'bevragen' }] } });
  });

  it('names the deny rule that overrode a matching allow', async () => {
    const id = await seedVersion();
    const res = await call('demo-fg', 'POST', `/v1/policies/${id}/simulate`, { role: 'halt-medewerker', doel: 'jpp-casusoverleg', partner: 'politie', category: 'zorgsignaal' });
    expect(res.body).toMatchObject({ decision: 'deny', rule: { rule: 'C07', effect: 'deny' } });
    expect(res.body.nearest.score).toBe(4);
    expect(res.body.nearest.mismatched[0]).toMatchObject({ field: 'category', actual: 'zorgsignaal' });
  });

  it('refuses a request without a partner, naming the field', async () => {
    const id = await seedVersion();
    const res = await call('demo-fg', 'POST', `/v1/policies/${id}/simulate`, { role: 'voorzitter', doel: 'jpp-screening', category: 'zorgsignaal' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ pointer: '/partner', code: 'required', detail: 'is required' }]);
  });
});
