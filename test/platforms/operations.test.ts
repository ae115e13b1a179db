/**
 * Several platforms in one process share one lifecycle and one metrics registry: the front's
 * /livez and /readyz cover the process and every platform, a drain turns every readiness off
 * while questions are still answered, and every series names its platform.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatforms, type TestPlatforms } from '../support/test-platforms.js';
import { createLifecycle } from '../../broker/http/lifecycle.js';
import { createMetrics } from '../../broker/telemetry/metrics.js';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { aanmelding } from '../support/casus.js';

let tp: TestPlatforms;
const lifecycle = createLifecycle();
const metrics = createMetrics();

beforeAll(async () => {
  tp = await startTestPlatforms({ lifecycle, metrics });
}, 120_000);
afterAll(async () => tp?.close());

it('probes every platform, drains them together, and labels each series with its platform', async () => {
  const A = tp.at('jpp-sittard-geleen');
  const B = tp.at('jpt-hollands-midden');
  expect((await tp.call('GET', '/livez')).body).toEqual({ status: 'ok' });
  expect((await tp.call('GET', '/readyz')).body).toEqual({ status: 'ok', platforms: { 'jpp-sittard-geleen': 'ok', 'jpt-hollands-midden': 'ok' } });
  expect((await A.call('GET', '/readyz')).status).toBe(200);
  expect((await B.call('GET', '/livez')).status).toBe(200);

  lifecycle.drain();
  for (const r of [await tp.call('GET', '/readyz'), await A.call('GET', '/readyz'), await B.call('GET', '/readyz')]) {
    expect(r.status).toBe(503);
    expect(r.body.type).toBe('tag:jpp-broker,2026:problem:unavailable');
    expect(r.headers.get('connection')).toBe('close');
  }
  expect((await tp.call('GET', '/healthz')).status).toBe(200);
  expect((await tp.call('GET', '/livez')).status).toBe(200);
  // Still serving while draining.
  const token = await A.token('demo-voorzitter');
  const subject = randomPseudonym();
  const caseRef = opaqueRef('case');
  expect((await A.call('POST', '/v1/cases', { token, body: { caseRef, doel: 'jpp-screening', routeIn: 'politie', kind: 'person', subjects: [subject], ...aanmelding(1) } })).status).toBe(201);
  const asked = await A.call('POST', '/v1/queries', { token, body: { subject, doel: 'jpp-screening', caseRef } });
  expect(asked.status).toBe(200);
  expect(asked.headers.get('connection')).toBe('close');

  const text = await metrics.scrape();
  expect(text).toMatch(/^jpp_http_requests_total\{platform="jpp-sittard-geleen",method="POST",route="\/v1\/queries",status="200"\} 1$/m);
  expect(text).toMatch(/^jpp_http_requests_total\{platform="jpt-hollands-midden",method="GET",route="\/readyz",status="503"\} 1$/m);
  expect(text).toMatch(/^jpp_http_requests_total\{platform="\(process\)",method="GET",route="\/readyz",status="200"\} 1$/m);
  expect(text).toMatch(/^jpp_answers_total\{platform="jpp-sittard-geleen",outcome="no-hit"\} \d+$/m);
  expect(text).toMatch(/^jpp_database_up\{platform="jpt-hollands-midden"\} 1$/m);
  expect(text).not.toMatch(/jpt-hollands-midden",outcome=/);
  expect(text.includes(subject) || text.includes(caseRef)).toBe(false);
});
