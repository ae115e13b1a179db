/**
 * Verzoeken forwarded to partners (issue 19 items 3 and 4): a rectificatie or wissing becomes a
 * task for each partner holding signals about the youth; the partner's adapter sees its own refs
 * only and answers (corrected, withdrawn, refused); a withdrawal erases the signals and intake
 * refuses them afterwards; a legal hold blocks it; bad input stores and logs nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { day, opaqueRef, randomPseudonym, syntheticBsn } from '../support/synthetic.js';
import { submitSignals } from '../support/signals.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { amsterdamDay } from '../../broker/rights/verzoek-fns.js';

const schemas = createSchemaRegistry();
let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.close());

const jurist = () => b.token('demo-jurist');
const register = async (subject: string, type: string) => {
  const res = await b.call('POST', '/v1/verzoeken', {
    token: await jurist(),
    body: { subject, type, receivedOn: amsterdamDay(b.clock.now), requester: 'betrokkene', identityCheck: 'digid' },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.verzoekId as string;
};
const count = async (table: string, where = sql`true`) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${where}`.execute(b.broker.db)).rows[0]!.n;
const counts = async () => ({
  taken: await count('verzoek_taken'),
  erasures: await count('signal_erasures'),
  signals: await count('signals'),
  log: await count('logboek_entries'),
});
const logOf = async (verzoekId: string) =>
  (await sql<{ action: string; outcome: string; partner: string | null; content: string }>`select action, outcome, content::json->>'partner' as partner, content from logboek_entries where content like ${`%${verzoekId}%`} order by id`.execute(b.broker.db)).rows;

/** A youth with signals at halt (two), politie and jongerenwerk. */
async function youth() {
  const subject = randomPseudonym();
  const halt = await submitSignals(b, 'halt', [{ subject, category: 'halt-afdoening' }, { subject, category: 'halt-afdoening', registeredDaysAgo: 20 }]);
  const politie = await submitSignals(b, 'politie', [{ subject, category: 'politie-registratie' }]);
  const jongerenwerk = await submitSignals(b, 'jongerenwerk', [{ subject, category: 'jongerenwerk-contact' }]);
  // Another youth's signal at halt: never part of the task.
  const other = await submitSignals(b, 'halt', [{ subject: randomPseudonym(), category: 'halt-afdoening' }]);
  return { subject, halt, politie, jongerenwerk, other };
}

describe('forwarding a verzoek to the partners', () => {
  it('makes one task per partner holding signals, with that partner\'s own refs; each adapter sees only its own', async () => {
    const y = await youth();
    const verzoekId = await register(y.subject, 'wissing');
    const fwd = await b.call('POST', `/v1/verzoeken/${verzoekId}/taken`, { token: await jurist(), body: {} });
    expect(fwd.status, fwd.text).toBe(201);
    expect(schemas.validate('rights#/$defs/taakList', fwd.body)).toEqual([]);
    expect(fwd.body.items.map((t: { partner: string }) => t.partner)).toEqual(['halt', 'jongerenwerk', 'politie']);
    const haltTask = fwd.body.items.find((t: { partner: string }) => t.partner === 'halt');
    expect(haltTask).toMatchObject({ partnerName: 'Halt', refs: [...y.halt].sort(), status: 'open', type: 'wissing', forwardedBy: 'demo-jurist' });
    expect(fwd.text).not.toContain(y.subject);

    const seen = await b.call('GET', '/v1/verzoektaken', { token: await b.adapterToken('halt') });
    expect(seen.status, seen.text).toBe(200);
    expect(schemas.validate('rights#/$defs/partnerTaakList', seen.body)).toEqual([]);
    const mine = seen.body.items.filter((t: { taakId: string }) => t.taakId === haltTask.taakId);
    expect(mine).toHaveLength(1);
    expect(mine[0].refs).toEqual([...y.halt].sort());
    for (const foreign of [...y.politie, ...y.jongerenwerk, ...y.other, y.subject]) expect(seen.text).not.toContain(foreign);
    const politie = await b.call('GET', '/v1/verzoektaken', { token: await b.adapterToken('politie') });
    expect(politie.body.items.map((t: { taakId: string }) => t.taakId)).not.toContain(haltTask.taakId);
    for (const foreign of y.halt) expect(politie.text).not.toContain(foreign);

    // Another partner's task is "not found", as one that does not exist; nothing changes.
    const foreignAnswer = await b.call('POST', `/v1/verzoektaken/${haltTask.taakId}/answer`, { token: await b.adapterToken('politie'), body: { outcome: 'withdrawn' } });
    expect(foreignAnswer.status).toBe(404);

    const entries = await logOf(verzoekId);
    expect(entries.filter((e) => e.outcome === 'forwarded').map((e) => e.partner)).toEqual(['halt', 'jongerenwerk', 'politie']);
    for (const e of entries) expect(e.content).not.toContain(y.subject);
    // Forwarded once per partner.
    expect((await b.call('POST', `/v1/verzoeken/${verzoekId}/taken`, { token: await jurist(), body: {} })).status).toBe(409);
  });

  it('a wissing: Halt withdraws, the signals are erased and logged, intake refuses them again, the jurist sees the answer', async () => {
    const y = await youth();
    const verzoekId = await register(y.subject, 'wissing');
    await b.call('POST', `/v1/verzoeken/${verzoekId}/taken`, { token: await jurist(), body: { partners: ['halt'] } });
    const halt = await b.adapterToken('halt');
    const [task] = (await b.call('GET', '/v1/verzoektaken', { token: halt })).body.items.filter((t: { refs: string[] }) => t.refs.includes(y.halt[0]!));
    const answered = await b.call('POST', `/v1/verzoektaken/${task.taakId}/answer`, { token: halt, body: { outcome: 'withdrawn' } });
    expect(answered.status, answered.text).toBe(200);
    expect(answered.body).toMatchObject({ status: 'withdrawn', answeredAt: b.clock.now.toISOString() });
    expect(await count('signals', sql`partner_id = 'halt' and ref in (${sql.join(y.halt)})`)).toBe(0);
    expect(await count('signals', sql`ref = ${y.other[0]!}`)).toBe(1);
    expect(await count('signal_erasures', sql`partner_id = 'halt' and ref in (${sql.join(y.halt)})`)).toBe(2);
    const entries = await logOf(verzoekId);
    expect(entries.filter((e) => e.action === 'signal-withdrawal').map((e) => e.outcome)).toEqual(['withdrawn', 'withdrawn']);
    expect(entries.at(-1)).toMatchObject({ action: 'verzoek', outcome: 'partner-answered' });

    // The next batch brings them back: refused one by one with code `erased`, the rest stored.
    const fresh = opaqueRef('halt');
    const resend = await b.call('POST', '/v1/signals', {
      token: halt,
      body: {
        batchId: opaqueRef('batch'),
        signals: [...y.halt, fresh].map((ref) => ({ subject: y.subject, category: 'halt-afdoening', registeredAt: day(b.clock.now, -1), expiresAt: day(b.clock.now, 200), ref })),
      },
    });
    expect(resend.status, resend.text).toBe(201);
    expect(schemas.validate('signal-batch-result', resend.body)).toEqual([]);
    expect(resend.body).toMatchObject({ accepted: 1, rejected: 2 });
    expect(resend.body.rejections.map((r: { code?: string; pointer: string }) => [r.code, r.pointer])).toEqual([['erased', '/signals/0/ref'], ['erased', '/signals/1/ref']]);
    expect(await count('signals', sql`partner_id = 'halt' and ref in (${sql.join(y.halt)})`)).toBe(0);

    const taken = await b.call('GET', `/v1/verzoeken/${verzoekId}/taken`, { token: await jurist() });
    expect(taken.body.items).toEqual([expect.objectContaining({ partner: 'halt', status: 'withdrawn', answeredBy: expect.any(String) })]);
    expect((await b.call('POST', `/v1/verzoektaken/${task.taakId}/answer`, { token: halt, body: { outcome: 'refused', reason: 'Nog in behandeling.' } })).status).toBe(409);
  });

  it('a legal hold on the youth blocks the wissing, with a Dutch explanation; nothing is erased or logged', async () => {
    const y = await youth();
    const verzoekId = await register(y.subject, 'wissing');
    await b.call('POST', `/v1/verzoeken/${verzoekId}/taken`, { token: await jurist(), body: { partners: ['politie'] } });
    const hold = await b.call('POST', '/v1/legal-holds', { token: await jurist(), body: { subject: y.subject, reason: 'rechtszaak' } });
    expect(hold.status, hold.text).toBe(201);
    const politie = await b.adapterToken('politie');
    const [task] = (await b.call('GET', '/v1/verzoektaken', { token: politie })).body.items.filter((t: { refs: string[] }) => t.refs.includes(y.politie[0]!));
    const before = await counts();
    const blocked = await b.call('POST', `/v1/verzoektaken/${task.taakId}/answer`, { token: politie, body: { outcome: 'withdrawn' } });
    expect(blocked.status).toBe(409);
    expect(blocked.body.detail).toMatch(/bewaarplicht/);
    expect(await counts()).toEqual(before);
    await b.call('POST', `/v1/legal-holds/${hold.body.holdId}/release`, { token: await jurist() });
    expect((await b.call('POST', `/v1/verzoektaken/${task.taakId}/answer`, { token: politie, body: { outcome: 'withdrawn' } })).status).toBe(200);
  });

  it('a rectificatie: the partner corrects category and dates; the signal keeps its ref and the step is logged', async () => {
    const y = await youth();
    const verzoekId = await register(y.subject, 'rectificatie');
    await b.call('POST', `/v1/verzoeken/${verzoekId}/taken`, { token: await jurist(), body: { partners: ['politie'] } });
    const politie = await b.adapterToken('politie');
    const [task] = (await b.call('GET', '/v1/verzoektaken', { token: politie })).body.items.filter((t: { refs: string[] }) => t.refs.includes(y.politie[0]!));
    const ref = y.politie[0]!;
    const expiresAt = day(b.clock.now, 30);
    const res = await b.call('POST', `/v1/verzoektaken/${task.taakId}/answer`, { token: politie, body: { outcome: 'corrected', corrections: [{ ref, category: 'zorgsignaal', expiresAt }] } });
    expect(res.status, res.text).toBe(200);
    const row = (await sql<{ category: string; expires: string }>`select category, to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD') as expires from signals where partner_id = 'politie' and ref = ${ref}`.execute(b.broker.db)).rows;
    expect(row).toEqual([{ category: 'zorgsignaal', expires: expiresAt }]);
    const entries = await logOf(verzoekId);
    expect(entries.filter((e) => e.outcome === 'signal-corrected').map((e) => JSON.parse(e.content).details)).toEqual([expect.objectContaining({ ref, category: 'zorgsignaal', taakPartner: 'politie' })]);
    const view = await b.call('GET', `/v1/verzoeken/${verzoekId}/taken`, { token: await jurist() });
    expect(view.body.items[0]).toMatchObject({ status: 'corrected' });
  });

  it('a refusal is recorded with its reason, logged without it', async () => {
    const y = await youth();
    const verzoekId = await register(y.subject, 'wissing');
    await b.call('POST', `/v1/verzoeken/${verzoekId}/taken`, { token: await jurist(), body: { partners: ['jongerenwerk'] } });
    const jw = await b.adapterToken('jongerenwerk');
    const [task] = (await b.call('GET', '/v1/verzoektaken', { token: jw })).body.items.filter((t: { refs: string[] }) => t.refs.includes(y.jongerenwerk[0]!));
    const reason = 'Wettelijke bewaarplicht van het dossier loopt nog.';
    const res = await b.call('POST', `/v1/verzoektaken/${task.taakId}/answer`, { token: jw, body: { outcome: 'refused', reason } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'refused', reason });
    expect(await count('signals', sql`partner_id = 'jongerenwerk' and ref = ${y.jongerenwerk[0]!}`)).toBe(1);
    const entries = await logOf(verzoekId);
    expect(JSON.parse(entries.at(-1)!.content).details).toMatchObject({ taakOutcome: 'refused' });
    for (const e of entries) expect(e.content).not.toContain('bewaarplicht van het dossier');
    const view = await b.call('GET', `/v1/verzoeken/${verzoekId}/taken`, { token: await jurist() });
    expect(view.body.items[0]).toMatchObject({ status: 'refused', reason });
  });

  it('refuses bad input naming the field, storing and logging nothing', async () => {
    const y = await youth();
    const wissing = await register(y.subject, 'wissing');
    const inzage = await register(y.subject, 'inzage');
    const nobody = await register(randomPseudonym(), 'wissing');
    const token = await jurist();
    const before = await counts();
    const forward = (id: string, body: unknown) => b.call('POST', `/v1/verzoeken/${id}/taken`, { token, body });
    const bad: Array<[string, unknown, number, string?]> = [
      [wissing, { partners: ['bestaat-niet'] }, 422, '/partners/0'],
      [wissing, { partners: ['rvdk'] }, 422, '/partners/0'],
      [wissing, { partners: [] }, 422, '/partners'],
      [wissing, { extra: true }, 422],
      [inzage, {}, 409],
      [nobody, {}, 409],
      ['bestaat-niet', {}, 404],
    ];
    for (const [id, body, status, pointer] of bad) {
      const res = await forward(id, body);
      expect(res.status, `${JSON.stringify(body)} ${res.text}`).toBe(status);
      if (pointer) expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    }
    expect(await counts()).toEqual(before);
    expect((await b.call('POST', `/v1/verzoeken/${wissing}/taken`, { token: await b.token('demo-voorzitter'), body: {} })).status).toBe(403);

    await forward(wissing, { partners: ['halt', 'politie'] });
    const halt = await b.adapterToken('halt');
    const [task] = (await b.call('GET', '/v1/verzoektaken', { token: halt })).body.items.filter((t: { refs: string[] }) => t.refs.includes(y.halt[0]!));
    const mid = await counts();
    const bsn = syntheticBsn();
    const answers: Array<[unknown, number, string?]> = [
      [{ outcome: 'vergeten' }, 422, '/outcome'],
      [{ outcome: 'refused' }, 422],
      [{ outcome: 'refused', reason: `BSN ${bsn} is onbekend` }, 422, '/reason'],
      [{ outcome: 'corrected', corrections: [{ ref: y.halt[0], category: 'halt-afdoening' }] }, 422, '/outcome'],
      [{ outcome: 'withdrawn', corrections: [{ ref: y.halt[0], category: 'halt-afdoening' }] }, 422],
    ];
    for (const [body, status, pointer] of answers) {
      const res = await b.call('POST', `/v1/verzoektaken/${task.taakId}/answer`, { token: halt, body });
      expect(res.status, `${JSON.stringify(body)} ${res.text}`).toBe(status);
      if (pointer) expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      expect(res.text).not.toContain(bsn);
    }
    expect((await b.call('GET', '/v1/verzoektaken?status=vandaag', { token: halt })).status).toBe(422);
    expect((await b.call('POST', `/v1/verzoektaken/${task.taakId}/answer`, { token: await jurist(), body: { outcome: 'withdrawn' } })).status).toBe(403);
    expect(await counts()).toEqual(mid);
  });

  it('a rectificatie with a wrong correction is refused field by field, nothing changed', async () => {
    const y = await youth();
    const verzoekId = await register(y.subject, 'rectificatie');
    await b.call('POST', `/v1/verzoeken/${verzoekId}/taken`, { token: await jurist(), body: { partners: ['halt'] } });
    const halt = await b.adapterToken('halt');
    const [task] = (await b.call('GET', '/v1/verzoektaken', { token: halt })).body.items.filter((t: { refs: string[] }) => t.refs.includes(y.halt[0]!));
    const before = await counts();
    const res = await b.call('POST', `/v1/verzoektaken/${task.taakId}/answer`, {
      token: halt,
      body: { outcome: 'corrected', corrections: [{ ref: y.other[0], category: 'halt-afdoening' }, { ref: y.halt[0], category: 'politie-registratie' }, { ref: y.halt[1], expiresAt: day(b.clock.now, -2) }] },
    });
    expect(res.status, res.text).toBe(422);
    expect(res.body.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code])).toEqual([
      ['/corrections/0/ref', 'not-found'],
      ['/corrections/1/category', 'not-in-list'],
      ['/corrections/2/expiresAt', 'in-past'],
    ]);
    expect(await counts()).toEqual(before);
  });
});
