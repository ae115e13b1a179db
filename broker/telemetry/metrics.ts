/**
 * The broker's Prometheus metrics (prom-client), for the platform team that runs it: requests
 * and latency per route, answers per outcome, problems per code, custodian evaluations and
 * quota refusals, retention runs, and, read from the database at each scrape, the sequencer's
 * lag, the tree's size, the age of the latest checkpoint and the connection pool's use.
 * Served on a port of its own (metrics-server.ts, JPP_METRICS_PORT), never on the public one.
 *
 * Invariants:
 * - A label value is one of a closed set: a platform id, an HTTP method, a route *pattern* (never
 *   the raw path, which can hold a signal ref or an id), a status code, a problem code, an
 *   answer outcome, a caller kind (adapter, person), a retention trigger. No label ever carries
 *   a subject, pseudonym, subject hash, case reference, person id or token; a test scans the
 *   output for those.
 * - One registry per process, built here (no global registry): a process of several platforms
 *   labels each series with its platform.
 * - A scrape reads the database at most once per platform and second, and a database that does
 *   not answer makes `jpp_database_up` 0 instead of failing the scrape.
 *
 * Exposition format: https://prometheus.io/docs/instrumenting/exposition_formats/
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the gauges of one platform read at a scrape. */
export interface PlatformSources {
  /** The logboek's state (telemetry.repository.ts). */
  readonly logboek: () => Promise<{ readonly pending: number; readonly treeSize: number; readonly latestCheckpointAt: Date | undefined }>;
  /** PostgreSQL's pool; absent on the embedded database (one connection). */
  readonly pool?: () => { readonly total: number; readonly idle: number; readonly waiting: number };
  /** How far witnessing is behind (witness-pusher.ts); absent when no witness is configured. */
  readonly witnessLag?: () => Promise<{ readonly entriesBehind: number; readonly secondsBehind: number; readonly behind: boolean }>;
  readonly now: () => Date;
}

export type CallerKind = 'adapter' | 'person';

/** The counters of one platform's broker; services get a Pick<> of it. */
export interface BrokerMetrics {
  /** One HTTP request: its route pattern (see http-telemetry.ts), not its path. */
  request(method: string, route: string, status: number, seconds: number): void;
  problem(code: string): void;
  /** The answers of one question, one outcome per partner. */
  answers(outcomes: readonly string[]): void;
  custodianEvaluation(caller: CallerKind, elements: number): void;
  quotaRefusal(caller: CallerKind): void;
  retentionRun(trigger: string, outcome: 'completed' | 'failed'): void;
}

export interface Metrics {
  readonly registry: Registry;
  /** The counters of platform `id` (the label), and the gauges read from its sources at a scrape. */
  forPlatform(id: string, sources?: PlatformSources): BrokerMetrics;
  /** The exposition text of a scrape. */
  scrape(): Promise<string>;
}

/** Latency buckets in seconds: a question takes a few milliseconds, an export or a PDF seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const sources = new Map<string, PlatformSources>();

  const requests = new Counter({ name: 'jpp_http_requests_total', help: 'HTTP requests by route pattern and status', labelNames: ['platform', 'method', 'route', 'status'] as const, registers });
  const latency = new Histogram({ name: 'jpp_http_request_duration_seconds', help: 'HTTP request latency by route pattern', labelNames: ['platform', 'method', 'route'] as const, buckets: LATENCY_BUCKETS, registers });
  const problems = new Counter({ name: 'jpp_problems_total', help: 'problem+json responses by problem code', labelNames: ['platform', 'code'] as const, registers });
  const answers = new Counter({ name: 'jpp_answers_total', help: 'answers given to questions, one per partner, by outcome', labelNames: ['platform', 'outcome'] as const, registers });
  const evaluations = new Counter({ name: 'jpp_custodian_evaluations_total', help: 'custodian evaluation requests served, by caller kind', labelNames: ['platform', 'caller'] as const, registers });
  const elements = new Counter({ name: 'jpp_custodian_elements_total', help: 'blinded elements evaluated by the custodian, by caller kind', labelNames: ['platform', 'caller'] as const, registers });
  const refusals = new Counter({ name: 'jpp_custodian_quota_refusals_total', help: 'custodian requests refused because the caller\'s quota was used up', labelNames: ['platform', 'caller'] as const, registers });
  const retention = new Counter({ name: 'jpp_retention_runs_total', help: 'retention runs by trigger and outcome', labelNames: ['platform', 'trigger', 'outcome'] as const, registers });

  // The gauges read the database once per platform per scrape (all gauges of a scrape share it).
  const snapshots = new Map<string, { at: number; value: Promise<Awaited<ReturnType<PlatformSources['logboek']>> | undefined> }>();
  const snapshot = (id: string, s: PlatformSources) => {
    const cached = snapshots.get(id);
    if (cached && Date.now() - cached.at < 1000) return cached.value;
    const value = s.logboek().catch(() => undefined);
    snapshots.set(id, { at: Date.now(), value });
    return value;
  };
  const eachPlatform = async (f: (id: string, state: Awaited<ReturnType<PlatformSources['logboek']>> | undefined, s: PlatformSources) => void): Promise<void> => {
    await Promise.all([...sources].map(async ([id, s]) => f(id, await snapshot(id, s), s)));
  };
  new Gauge({
    name: 'jpp_database_up', help: '1 when the platform\'s database answered the last scrape, else 0', labelNames: ['platform'] as const, registers,
    async collect() {
      await eachPlatform((platform, state) => this.set({ platform }, state ? 1 : 0));
    },
  });
  new Gauge({
    name: 'jpp_logboek_pending_entries', help: 'logboek entries written but not yet placed in the Merkle tree (the sequencer\'s lag)', labelNames: ['platform'] as const, registers,
    async collect() {
      this.reset();
      await eachPlatform((platform, state) => state && this.set({ platform }, state.pending));
    },
  });
  new Gauge({
    name: 'jpp_logboek_tree_size', help: 'entries in the logboek\'s Merkle tree', labelNames: ['platform'] as const, registers,
    async collect() {
      this.reset();
      await eachPlatform((platform, state) => state && this.set({ platform }, state.treeSize));
    },
  });
  new Gauge({
    name: 'jpp_logboek_checkpoint_age_seconds', help: 'seconds since the latest signed checkpoint', labelNames: ['platform'] as const, registers,
    async collect() {
      this.reset();
      await eachPlatform((platform, state, s) => {
        if (state?.latestCheckpointAt) this.set({ platform }, (s.now().getTime() - state.latestCheckpointAt.getTime()) / 1000);
      });
    },
  });
  // C2SP tlog-witness: how far the witnesses' cosignatures are behind the newest checkpoint.
  const lagOf = async (s: PlatformSources) => (s.witnessLag ? s.witnessLag().catch(() => undefined) : undefined);
  new Gauge({
    name: 'jpp_logboek_witness_entries_behind', help: 'entries in the newest checkpoint that no checkpoint cosigned by the witness quorum covers yet', labelNames: ['platform'] as const, registers,
    async collect() {
      this.reset();
      await Promise.all([...sources].map(async ([platform, s]) => {
        const lag = await lagOf(s);
        if (lag) this.set({ platform }, lag.entriesBehind);
      }));
    },
  });
  new Gauge({
    name: 'jpp_logboek_witness_behind', help: '1 when the oldest checkpoint waiting for the witness quorum has waited longer than JPP_WITNESS_MAX_LAG_SECONDS allows, else 0', labelNames: ['platform'] as const, registers,
    async collect() {
      this.reset();
      await Promise.all([...sources].map(async ([platform, s]) => {
        const lag = await lagOf(s);
        if (lag) this.set({ platform }, lag.behind ? 1 : 0);
      }));
    },
  });
  new Gauge({
    name: 'jpp_db_pool_connections', help: 'PostgreSQL pool connections: total, idle, and requests waiting for one', labelNames: ['platform', 'state'] as const, registers,
    collect() {
      for (const [platform, s] of sources) {
        const p = s.pool?.();
        if (!p) continue;
        this.set({ platform, state: 'total' }, p.total);
        this.set({ platform, state: 'idle' }, p.idle);
        this.set({ platform, state: 'waiting' }, p.waiting);
      }
    },
  });

  return {
    registry,
    forPlatform(platform, s) {
      if (s) sources.set(platform, s);
      return {
        request(method, route, status, seconds) {
          requests.inc({ platform, method, route, status: String(status) });
          latency.observe({ platform, method, route }, seconds);
        },
        problem: (code) => problems.inc({ platform, code }),
        answers(outcomes) {
          for (const outcome of outcomes) answers.inc({ platform, outcome });
        },
        custodianEvaluation(caller, n) {
          evaluations.inc({ platform, caller });
          elements.inc({ platform, caller }, n);
        },
        quotaRefusal: (caller) => refusals.inc({ platform, caller }),
        retentionRun: (trigger, outcome) => retention.inc({ platform, trigger, outcome }),
      };
    },
    scrape: () => registry.metrics(),
  };
}
