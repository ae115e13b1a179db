/**
 * Per request: the Prometheus request counter and latency by route pattern, the problem
 * counter, and, when tracing is on, an OpenTelemetry server span. The span continues the
 * caller's W3C `traceparent` (https://www.w3.org/TR/trace-context/) or starts a new trace; its
 * trace id is the one trace-context.ts hands to the logboek, so a trace id in the logboek leads
 * to the trace.
 *
 * Invariants:
 * - The route label and the span's `http.route` are Express's route pattern
 *   (`/v1/signals/:ref`), captured when the route matches, with the mount path it matched under
 *   (less a platform's `/p/<id>`, which is the `platform` label);
 *   a request that matched no route is `(unmatched)`. The raw path and the query string, which
 *   can hold a signal ref, a case reference or an id, are never recorded.
 * - Span attributes: method, route pattern, status code. No header, body or parameter.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { Request, RequestHandler } from 'express';
import type { BrokerMetrics } from './metrics.js';

export const UNMATCHED_ROUTE = '(unmatched)';

export interface HttpTelemetryDeps {
  readonly metrics?: Pick<BrokerMetrics, 'request' | 'problem'>;
  /** Set when tracing is on (tracing.ts). */
  readonly tracer?: Tracer;
  /** A platform's mount path (`/p/<id>`), left out of the route: the platform is a label of its own. */
  readonly basePath?: string;
}

/**
 * Express sets `req.route` when a route matches, while `req.baseUrl` is the mount path of the
 * router it matched in; both are read at that moment, since the base URL is restored on the
 * way out.
 */
function captureRoute(req: Request, basePath: string): () => string {
  let pattern: string | undefined;
  let route: unknown;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path?: unknown } | undefined) {
      route = value;
      if (value && typeof value.path === 'string') {
        const base = basePath && req.baseUrl.startsWith(basePath) ? req.baseUrl.slice(basePath.length) : req.baseUrl;
        pattern = `${base}${value.path}`;
      }
    },
  });
  return () => pattern ?? UNMATCHED_ROUTE;
}

export function httpTelemetry(deps: HttpTelemetryDeps): RequestHandler {
  return (req, res, next) => {
    if (!deps.metrics && !deps.tracer) return next();
    const started = process.hrtime.bigint();
    const route = captureRoute(req, deps.basePath ?? '');
    const span = deps.tracer?.startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
      propagation.extract(ROOT_CONTEXT, req.headers),
    );
    res.once('finish', () => {
      const pattern = route();
      deps.metrics?.request(req.method, pattern, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
      const problem = res.locals['problem'];
      if (typeof problem === 'string') deps.metrics?.problem(problem);
      if (span) {
        span.updateName(`${req.method} ${pattern}`);
        span.setAttribute('http.route', pattern);
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
    if (!span) return next();
    // The rest of the request runs inside the span, so trace-context.ts and any child span see it.
    context.with(trace.setSpan(context.active(), span), next);
  };
}
