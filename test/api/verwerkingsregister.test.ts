/**
 * The register of verwerkingsactiviteiten (issue 19 item 5): served as JSON (public: no personal
 * data) with the art. 30 contents and the joint-controller arrangement; every logged action has an
 * activity there, and a logboek entry's activity resolves to it by a stable URI.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { createSchemaRegistry } from '../../protocol/schemas/schema-registry.js';
import { loadPlatform } from '../../broker/platform/platform.js';
import { activityUri } from '../../broker/platform/activity-uri.js';
import { LOG_ACTIONS } from '../../broker/logboek/log-actions.js';

const schemas = createSchemaRegistry();
let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
}, 180_000);
afterAll(async () => b?.close());

describe('the register of verwerkingsactiviteiten', () => {
  it('is served as JSON without a token, with every art. 30 field and the art. 26 arrangement', async () => {
    const res = await b.call('GET', '/v1/verwerkingsactiviteiten');
    expect(res.status, res.text).toBe(200);
    expect(schemas.validate('verwerkingsregister#/$defs/register' as never, res.body)).toEqual([]);
    expect(res.body.jointControllers.contactPoint).toEqual({ id: 'zvh-limburg-noord', name: 'Zorg- en Veiligheidshuis' });
    expect(res.body.jointControllers.controllers.map((c: { id: string }) => c.id)).toEqual(b.broker.platform.organisations.map((o) => o.id));
    for (const a of res.body.activities) {
      expect(a.uri).toBe(activityUri(b.broker.platform, a.id));
      for (const f of ['purpose', 'retention', 'grondslag']) expect(a[f], `${a.id} ${f}`).toEqual(expect.any(String));
      for (const f of ['categoriesOfSubjects', 'categoriesOfData', 'recipients']) expect(a[f].length, `${a.id} ${f}`).toBeGreaterThan(0);
    }
    expect(res.body.activities.flatMap((a: { actions: string[] }) => a.actions).sort()).toEqual([...LOG_ACTIONS].sort());
  });

  it("resolves a logboek entry's activity", async () => {
    await b.call('GET', '/v1/verzoeken', { token: await b.token('demo-jurist') });
    const entry = (await sql<{ content: string }>`select content from logboek_entries where content is not null order by id desc limit 1`.execute(b.broker.db)).rows[0]!;
    const activity = JSON.parse(entry.content).activity as string;
    const res = await b.call('GET', `/v1/verwerkingsactiviteiten/${activity}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(activity);
    expect(res.body.uri).toBe(`urn:jpp-broker:${b.broker.platform.id}:verwerkingsactiviteit:${activity}`);
    expect((await b.call('GET', '/v1/verwerkingsactiviteiten/bestaat-niet')).status).toBe(404);
  });

  it('fills the art. 30 contents in every shipped platform', () => {
    for (const file of ['jpp-sittard-geleen', 'jpt-hollands-midden']) {
      const p = loadPlatform(join(import.meta.dirname, '../../policies', `${file}.platform.json`), schemas);
      expect(p.jointControllers, file).toBeDefined();
      for (const a of p.verwerkingsactiviteiten) expect([a.purpose, a.retention, a.grondslag].every(Boolean), `${file} ${a.id}`).toBe(true);
    }
  });

  it('builds a URI on the published register when the platform names one', () => {
    expect(activityUri({ id: 'x', verwerkingsregisterUri: 'https://zvh.example/register/' }, 'jpp-bevraging')).toBe('https://zvh.example/register/jpp-bevraging');
    expect(activityUri({ id: 'x' }, 'jpp-bevraging')).toBe('urn:jpp-broker:x:verwerkingsactiviteit:jpp-bevraging');
  });
});
