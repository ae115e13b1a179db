/**
 * OpenTelemetry tracing, on when JPP_OTLP_ENDPOINT is set: a tracer provider for the process
 * that exports spans over OTLP/HTTP (https://opentelemetry.io/docs/specs/otlp/) to a collector
 * (Jaeger, Tempo, an OpenTelemetry Collector), with W3C Trace Context propagation. The spans are
 * made in http-telemetry.ts.
 *
 * Invariants:
 * - Off unless configured: without it no span is made and nothing is sent.
 * - Spans carry no identity, pseudonym, subject hash, case reference or token (see
 *   http-telemetry.ts for what they hold).
 * - One provider per process; `shutdown` sends what is still buffered, at the end of a stop.
 */
import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface Tracing {
  readonly tracer: Tracer;
  /** Exports the buffered spans and stops. */
  shutdown(): Promise<void>;
}

export function startTracing(o: { readonly endpoint: string; readonly serviceName: string; readonly version: string }): Tracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': o.serviceName, 'service.version': o.version }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: o.endpoint }))],
  });
  // The async-hooks context manager (a request's span follows its awaits) and the W3C propagator.
  provider.register();
  return { tracer: provider.getTracer('jpp-broker', o.version), shutdown: () => provider.shutdown() };
}
