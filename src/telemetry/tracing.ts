/**
 * Tracing (README «Traces»): one trace per inbound message, from the HTTP request through the room
 * workflow to its hooks, deliveries, AI turn and tool calls. Temporal's OpenTelemetry interceptors
 * carry the context across the client, the workflow and its activities (in the `_tracer-data`
 * header); `httpTracing` opens the server span a webhook or REST call starts with.
 *
 * `startTracing` registers a Node tracer provider process-wide (AsyncLocalStorage context, W3C
 * trace context); a kit given the result traces its client and worker. `tracingFromEnv` reads the
 * standard `OTEL_*` variables and is off unless an exporter is asked for.
 */
import { fileURLToPath } from 'node:url';
import type * as otel from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';

/** The workflow interceptor module a traced worker bundles (give it to `bundleWorkflowCode` for a prebuilt bundle). */
export const WORKFLOW_TRACING_MODULE = fileURLToPath(new URL('./workflow-tracing.ts', import.meta.url));

/** The instrumentation scope of RoomKit's own spans. */
export const TRACER_NAME = 'roomkit-temporal';

export interface StartTracingOptions {
  /** `service.name` of every span (default `roomkit`; `tracingEnvOf` reads `OTEL_SERVICE_NAME`). */
  serviceName?: string;
  /** Where spans go: an exporter (batched) or a processor of your own (e.g. `SimpleSpanProcessor` in tests). */
  exporter?: SpanExporter;
  spanProcessor?: SpanProcessor;
}

/** What a kit needs to trace: give it as `new RoomKit({ tracing })`. */
export interface Tracing {
  readonly tracer: otel.Tracer;
  readonly provider: NodeTracerProvider;
  readonly resource: Resource;
  readonly spanProcessor: SpanProcessor;
  /** Flushes spans still buffered; call on the way out. */
  shutdown(): Promise<void>;
}

export function startTracing(options: StartTracingOptions): Tracing {
  if (!options.exporter === !options.spanProcessor) throw new TypeError('startTracing needs exactly one of exporter or spanProcessor');
  const resource = new Resource({ 'service.name': options.serviceName ?? 'roomkit' });
  const spanProcessor = options.spanProcessor ?? new BatchSpanProcessor(options.exporter as SpanExporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return {
    tracer: provider.getTracer(TRACER_NAME),
    provider,
    resource,
    spanProcessor,
    shutdown: () => provider.shutdown(),
  };
}

/** The `OTEL_*` settings RoomKit honours; parsed once at the entry point (`workers/config.ts`). */
export interface TracingEnv {
  /** `otlp` (OTLP over HTTP/protobuf-JSON to `OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT`) or `console`. */
  exporter: 'otlp' | 'console';
  serviceName?: string;
}

/**
 * Tracing from the standard variables, off by default: on when `OTEL_TRACES_EXPORTER` is `otlp` or
 * `console`, or an OTLP endpoint is set and `OTEL_TRACES_EXPORTER` is not `none`; always off with
 * `OTEL_SDK_DISABLED=true`. The OTLP exporter reads its endpoint, headers and timeout from the
 * environment itself. Anything else in `OTEL_TRACES_EXPORTER` is an error naming it.
 */
export function tracingEnvOf(env: Record<string, string | undefined>): TracingEnv | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || undefined;
  const asked = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (asked === 'none') return undefined;
  if (asked === 'otlp' || asked === 'console') return { exporter: asked, serviceName };
  if (asked) throw new TypeError(`OTEL_TRACES_EXPORTER: "${asked}" is not supported (otlp, console or none)`);
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return endpoint ? { exporter: 'otlp', serviceName } : undefined;
}

/** Starts tracing as `tracingEnvOf` described it. */
export function startTracingFromEnv(settings: TracingEnv): Tracing {
  const exporter = settings.exporter === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter();
  return startTracing({ serviceName: settings.serviceName, ...(settings.exporter === 'console'
    ? { spanProcessor: new SimpleSpanProcessor(exporter) }
    : { exporter }) });
}

/** The client interceptor that opens a span per start, signal, update and query and passes its context on. */
export function clientTracingInterceptors(tracing: Tracing): WorkflowClientInterceptor[] {
  return [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })];
}

/** A traced worker's interceptors and the sink its workflows export spans through. */
export function workerTracingOptions(tracing: Tracing): { interceptors: WorkerInterceptors; sinks: InjectedSinks<Record<string, never>> } {
  return {
    interceptors: {
      workflowModules: [WORKFLOW_TRACING_MODULE],
      activity: [(ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer: tracing.tracer }),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      })],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) } as never,
  };
}
