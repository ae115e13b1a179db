/**
 * SIGTERM under load, on a broker running as a child process: readiness turns unready, requests
 * keep being answered during the drain delay (new connections included, with
 * `Connection: close`), the requests in flight finish, and the process exits 0. Not one request
 * sent before the signal meets a connection reset or an error.
 *
 * The load is moderate (12 question loops): on a saturated machine a new connection can wait in
 * the kernel's backlog past the drain delay, and closing the listener resets it; that is a
 * request that arrived after readiness turned unready, which a load balancer no longer sends.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { opaqueRef, randomPseudonym } from '../support/synthetic.js';
import { aanmelding } from '../support/casus.js';
import { spawnBroker, type SpawnedBroker } from '../support/spawned-broker.js';
import { platformFileWith, UNLIMITED } from '../support/platform-file.js';

const DRAIN_SECONDS = 3;
let b: SpawnedBroker;

beforeAll(async () => {
  // Load, not a search through youths: the platform's rate limits are set out of reach.
  b = await spawnBroker({ env: { JPP_DRAIN_SECONDS: String(DRAIN_SECONDS), JPP_SHUTDOWN_TIMEOUT_SECONDS: '15', JPP_METRICS_PORT: '0', JPP_PLATFORM_FILE: platformFileWith({ rateLimits: UNLIMITED }) } });
}, 120_000);
afterAll(async () => b?.close());

/** GET over a connection of its own (no keep-alive pool): a new client arriving. */
const freshGet = (url: string): Promise<{ status: number; connection: string | undefined }> =>
  new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
    })
      .on('error', reject)
      .end();
  });

it('drains on SIGTERM without dropping a request', async () => {
  const token = await b.token('demo-voorzitter');
  const cases = await Promise.all(
    Array.from({ length: 20 }, async () => {
      const subject = randomPseudonym();
      const caseRef = opaqueRef('case');
      const res = await b.call('POST', '/v1/cases', { token, body: { caseRef, doel: 'jpp-screening', routeIn: 'politie', kind: 'person', subjects: [subject], ...aanmelding(1) } });
      expect(res.status, res.text).toBe(201);
      return { subject, caseRef };
    }),
  );
  expect((await b.call('GET', '/readyz')).status).toBe(200);
  expect((await b.call('GET', '/livez')).status).toBe(200);
  // JPP_METRICS_PORT: the metrics are on a port of their own, not on the public one.
  const metricsUrl = /Metrics \(Prometheus\): (http:\/\/\S+)/.exec(b.service.banner)?.[1];
  expect(metricsUrl).toBeDefined();
  expect(new URL(metricsUrl!).port).not.toBe(new URL(b.url).port);
  expect(await (await fetch(metricsUrl!)).text()).toMatch(/^jpp_http_requests_total\{platform="jpp-sittard-geleen",method="POST",route="\/v1\/cases",status="201"\} 20$/m);
  expect((await b.call('GET', '/metrics')).status).toBe(404);

  const url = b.url;
  const results: Array<{ sentAt: number; status?: number; connection?: string | null; error?: string }> = [];
  let sending = true;
  const loop = async (w: number): Promise<void> => {
    for (let i = 0; sending; i++) {
      const c = cases[(w + i) % cases.length]!;
      const entry: (typeof results)[number] = { sentAt: Date.now() };
      results.push(entry);
      try {
        const res = await b.call('POST', '/v1/queries', { token, body: { subject: c.subject, doel: 'jpp-screening', caseRef: c.caseRef } });
        entry.status = res.status;
        entry.connection = res.headers.get('connection');
      } catch (err) {
        entry.error = String((err as Error).cause ?? err);
      }
    }
  };
  const loops = Array.from({ length: 12 }, (_, w) => loop(w));
  await new Promise((r) => setTimeout(r, 1_000));

  const exited = new Promise<number | null>((r) => b.service.child.once('exit', (code) => r(code)));
  const signalledAt = Date.now();
  b.service.child.kill('SIGTERM');

  // Readiness turns unready at once, while the process and its connections still serve. Probes
  // are sent every 50 ms without waiting for each other: one sent just before the signal waits
  // for the database behind the questions (the embedded database has one connection).
  let unreadyAt: number | undefined;
  const probes: Array<Promise<unknown>> = [];
  for (let i = 0; i < 20 && unreadyAt === undefined; i++) {
    probes.push(freshGet(`${url}/readyz`).then((r) => {
      if (r.status === 503) unreadyAt ??= Date.now();
    }));
    await new Promise((res) => setTimeout(res, 50));
  }
  await Promise.all(probes);
  expect(unreadyAt).toBeDefined();
  expect(unreadyAt! - signalledAt).toBeLessThan(DRAIN_SECONDS * 1000);
  const live = await freshGet(`${url}/livez`);
  expect(live).toEqual({ status: 200, connection: 'close' });

  // Keep sending for half the drain delay: those requests are served too.
  await new Promise((r) => setTimeout(r, (DRAIN_SECONDS * 1000) / 2 - (Date.now() - signalledAt)));
  sending = false;
  await Promise.all(loops);
  expect(await exited).toBe(0);

  // Sent before the signal: every one answered, none reset.
  const before = results.filter((r) => r.sentAt < signalledAt);
  expect(before.length).toBeGreaterThan(12);
  expect(before.filter((r) => r.status !== 200), JSON.stringify(before.filter((r) => r.status !== 200).slice(0, 3))).toEqual([]);
  // Sent during the drain, after readiness turned unready: still served, closing their connections.
  const during = results.filter((r) => r.sentAt > unreadyAt! && r.status === 200);
  expect(during.length).toBeGreaterThan(0);
  for (const r of during) expect(r.connection).toBe('close');
  expect(b.output()).not.toMatch(/ECONNRESET|uncaught/i);
}, 120_000);
