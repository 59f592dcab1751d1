/**
 * `roomkit-temporal/telemetry`: Prometheus metrics of a kit (README «Metrics»), structured logs
 * (README «Logs»), and the Temporal SDK's runtime (its logs and its own worker metrics).
 */
export { RoomKitMetrics, metricsHandler, serveMetrics } from './metrics.js';
export type { DeliveryOutcome, HookOutcome, InboundOutcome, RoomKitMetricsOptions } from './metrics.js';
export { installTemporalMetrics, installTemporalRuntime } from './temporal-runtime.js';
export type { TemporalRuntimeOptions } from './temporal-runtime.js';
export {
  LOG_LEVELS, REDACT_PATHS, activityLogger, createLogger, kitLog, roomIdOfWorkflowId, temporalLogFunction, temporalLogLevel,
} from './logger.js';
export type { CreateLoggerOptions, LogLevel, RoomKitLogger } from './logger.js';
export {
  clientTracingInterceptors, startTracing, startTracingFromEnv, TRACER_NAME, tracingEnvOf, WORKFLOW_TRACING_MODULE, workerTracingOptions,
} from './tracing.js';
export type { StartTracingOptions, Tracing, TracingEnv } from './tracing.js';
