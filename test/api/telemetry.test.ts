/**
 * Metrics and traces after real questions: /metrics (on its own port) shows the series a platform
 * team needs, counted right; no label of it, and no exported span, holds a pseudonym, a subject
 * hash, a case reference, a signal ref, an id or a BSN that the questions used; the trace id in
 * the logboek is the trace's own, exported over OTLP/HTTP to a collector (here a plain HTTP
 * receiver that decodes the OTLP JSON it is sent).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/test-broker.js';
import { submitSignals } from '../support/signals.js';
import { openCase } from '../support/casus.js';
import { opaqueRef, randomPseudonym, syntheticBsn } from '../support/synthetic.js';
import { createMetrics, type Metrics } from '../../broker/telemetry/metrics.js';
import { listenMetrics } from '../../broker/telemetry/metrics-server.js';
import { startTracing, type Tracing } from '../../broker/telemetry/tracing.js';
import { loadDemoSecrets } from '../../broker/config/demo-secrets.js';
import { createSubjectHasher } from '../../broker/subjects/subject-hash.js';
import { pseudonymise } from '../../protocol/pseudonymisation/custodian-client.js';

let b: TestBroker;
let metrics: Metrics;
let metricsServer: Server;
let metricsUrl: string;
let tracing: Tracing;
let collector: Server;
const exported: unknown[] = [];

beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.headers['content-type']?.startsWith('application/json')) exported.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  tracing = startTracing({ endpoint: `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`, serviceName: 'jpp-broker-test', version: '0' });
  metrics = createMetrics();
  b = await startTestBroker({ metrics, tracer: tracing.tracer, env: { JPP_QUOTA_PERSON_PER_MINUTE: '2' } });
  ({ server: metricsServer, url: metricsUrl } = await listenMetrics(metrics, 0, '127.0.0.1'));
}, 60_000);

afterAll(async () => {
  await b?.close();
  await tracing?.shutdown();
  metricsServer?.close();
  collector?.close();
});

/** Every value the questions below used that identifies someone or something. */
const secrets: string[] = [];
const keep = <T extends string>(v: T): T => {
  secrets.push(v);
  return v;
};

interface Span { traceId: string; name: string; attributes: Array<{ key: string; value: Record<string, unknown> }> }
const spans = (): Span[] =>
  exported.flatMap((e) => (e as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Span[] }> }> }).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
/** OTLP JSON carries ids as hex (the spec) or, from some exporters, base64. */
const hex = (id: string): string => (/^[0-9a-f]{32}$/.test(id) ? id : Buffer.from(id, 'base64').toString('hex'));

describe('metrics and traces', () => {
  let traceOfQuestion = '';
  let callerTrace = '';

  it('counts real questions, signals, evaluations and refusals, by route pattern and outcome', async () => {
    const voorzitter = await b.token('demo-voorzitter');
    const subject = keep(randomPseudonym());
    const other = keep(randomPseudonym());
    const [ref] = await submitSignals(b, 'halt', [{ subject, category: 'halt-afdoening', ref: keep(opaqueRef('halt')) }]);
    const casus = await openCase(b, [subject], { caseRef: keep(opaqueRef('case')) });
    const casus2 = await openCase(b, [other], { caseRef: keep(opaqueRef('case')) });
    keep(casus.caseId);
    keep(casus2.caseId);
    callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const asked = await b.call('POST', '/v1/queries', {
      token: voorzitter,
      body: { subject, doel: 'jpp-screening', caseRef: casus.caseRef },
      headers: { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` },
    });
    expect(asked.status, asked.text).toBe(200);
    keep(asked.body.queryId);
    const second = await b.call('POST', '/v1/queries', { token: voorzitter, body: { subject: other, doel: 'jpp-screening', caseRef: casus2.caseRef } });
    expect(second.status).toBe(200);
    keep(second.body.queryId);
    traceOfQuestion = second.headers.get('traceparent')!.split('-')[1]!;
    // A refused question, a withdrawal by ref, an unknown path holding a pseudonym, a case by id.
    expect((await b.call('POST', '/v1/queries', { token: voorzitter, body: { subject: 'x', doel: 'jpp-screening', caseRef: casus.caseRef } })).status).toBe(422);
    expect((await b.call('DELETE', `/v1/signals/${ref}`, { token: await b.adapterToken('halt') })).status).toBe(204);
    expect((await b.call('GET', `/v1/nothing/${subject}?caseRef=${casus.caseRef}`, { token: voorzitter })).status).toBe(404);
    expect((await b.call('GET', `/v1/cases/${casus.caseId}`, { token: voorzitter })).status).toBe(200);
    // The custodian: an adapter's evaluation, then a person past the quota of 2 per minute.
    const bsn = keep(syntheticBsn());
    await pseudonymise({ baseUrl: `${b.url}/custodian/v1`, token: await b.adapterToken('halt') }, [{ bsn }]);
    await expect(pseudonymise({ baseUrl: `${b.url}/custodian/v1`, token: voorzitter }, [{ bsn }, { bsn: keep(syntheticBsn()) }, { bsn: keep(syntheticBsn()) }], { doel: 'jpp-screening' })).rejects.toThrow(/429/);
    await b.broker.retention.run('cli');
    await b.broker.sequencer.drain({ forceCheckpoint: true });

    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const value = (series: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line ? Number(line.slice(series.length + 1)) : NaN;
    };
    const p = 'platform="jpp-sittard-geleen"';
    expect(value(`jpp_http_requests_total{${p},method="POST",route="/v1/queries",status="200"}`)).toBe(2);
    expect(value(`jpp_http_requests_total{${p},method="POST",route="/v1/queries",status="422"}`)).toBe(1);
    expect(value(`jpp_http_requests_total{${p},method="DELETE",route="/v1/signals/:ref",status="204"}`)).toBe(1);
    expect(value(`jpp_http_requests_total{${p},method="GET",route="/v1/cases/:caseId",status="200"}`)).toBe(1);
    expect(value(`jpp_http_requests_total{${p},method="GET",route="(unmatched)",status="404"}`)).toBe(1);
    expect(value(`jpp_http_request_duration_seconds_count{${p},method="POST",route="/v1/queries"}`)).toBe(3);
    // Two answered questions, one answer per partner: halt's hit, the policy's not-permitted, no-hits.
    expect(value(`jpp_answers_total{${p},outcome="hit"}`)).toBe(1);
    expect(value(`jpp_answers_total{${p},outcome="not-permitted"}`)).toBe(4);
    expect(value(`jpp_answers_total{${p},outcome="no-hit"}`)).toBe(13);
    expect(value(`jpp_problems_total{${p},code="validation"}`)).toBe(1);
    expect(value(`jpp_problems_total{${p},code="not-found"}`)).toBe(1);
    expect(value(`jpp_problems_total{${p},code="too-many-requests"}`)).toBe(1);
    expect(value(`jpp_custodian_evaluations_total{${p},caller="adapter"}`)).toBe(1);
    expect(value(`jpp_custodian_elements_total{${p},caller="adapter"}`)).toBe(1);
    expect(value(`jpp_custodian_quota_refusals_total{${p},caller="person"}`)).toBe(1);
    expect(value(`jpp_retention_runs_total{${p},trigger="cli",outcome="completed"}`)).toBe(1);
    expect(value(`jpp_database_up{${p}}`)).toBe(1);
    expect(value(`jpp_logboek_pending_entries{${p}}`)).toBe(0);
    expect(value(`jpp_logboek_tree_size{${p}}`)).toBeGreaterThan(18);
    expect(value(`jpp_logboek_checkpoint_age_seconds{${p}}`)).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    if (b.broker.engine === 'postgres') expect(value(`jpp_db_pool_connections{${p},state="total"}`)).toBeGreaterThan(0);

    // Entries written and not yet placed show as the sequencer's lag (its kicks stopped meanwhile).
    await b.broker.sequencer.stop();
    const third = await b.call('POST', '/v1/queries', { token: voorzitter, body: { subject, doel: 'jpp-screening', caseRef: casus.caseRef } });
    keep(third.body.queryId);
    await new Promise((r) => setTimeout(r, 1_100)); // past the scrape's one-second cache
    const lag = await (await fetch(metricsUrl)).text();
    // One question, one entry (issue 21 step B: every partner's answer inside).
    expect(lag).toMatch(/^jpp_logboek_pending_entries\{platform="jpp-sittard-geleen"\} 1$/m);
    b.broker.sequencer.start(60_000);
    await b.broker.sequencer.drain();
  });

  it('holds no pseudonym, subject hash, case reference, ref, id or BSN in any label', async () => {
    const hasher = createSubjectHasher(loadDemoSecrets(b.dataDir).subjectKey);
    const hashes = secrets.filter((s) => s.length === 43).flatMap((p) => {
      const h = hasher(p);
      return [h.toString('hex'), h.toString('base64'), h.toString('base64url')];
    });
    const text = await (await fetch(metricsUrl)).text();
    const found = [...secrets, ...hashes, 'demo-voorzitter'].filter((s) => text.includes(s));
    expect(secrets.length).toBeGreaterThan(10);
    expect(found).toEqual([]);
  });

  it('exports one server span per request, whose trace id is the one in the logboek, holding none of those values', async () => {
    await tracing.shutdown();
    const all = spans();
    expect(all.length).toBeGreaterThan(5);
    const logged = await b.broker.db.selectFrom('logboek_entries').select(['trace_id', 'query_id']).where('action', '=', 'question').execute();
    const traceOf = (queryId: string) => new Set(logged.filter((e) => e.query_id === queryId).map((e) => e.trace_id));
    // A caller's traceparent is continued; otherwise the trace id is the span's own.
    const withCaller = all.filter((s) => hex(s.traceId) === callerTrace);
    expect(withCaller.map((s) => s.name)).toEqual(['POST /v1/queries']);
    expect([...traceOf(secrets.find((s) => logged.some((e) => e.query_id === s && e.trace_id === callerTrace))!)]).toEqual([callerTrace]);
    const own = all.filter((s) => hex(s.traceId) === traceOfQuestion);
    expect(own.map((s) => s.name)).toEqual(['POST /v1/queries']);
    expect(logged.some((e) => e.trace_id === traceOfQuestion)).toBe(true);
    expect(all.map((s) => s.name)).toContain('DELETE /v1/signals/:ref');
    const route = (s: Span) => s.attributes.find((a) => a.key === 'http.route')?.value['stringValue'];
    expect(route(own[0]!)).toBe('/v1/queries');

    const text = JSON.stringify(exported);
    const hasher = createSubjectHasher(loadDemoSecrets(b.dataDir).subjectKey);
    const hashes = secrets.filter((s) => s.length === 43).flatMap((p) => [hasher(p).toString('hex'), hasher(p).toString('base64url')]);
    expect([...secrets, ...hashes, 'demo-voorzitter'].filter((s) => text.includes(s))).toEqual([]);
  });
});
