/**
 * `roomkit-temporal/telemetry`: Prometheus metrics of a kit (README «Metrics»), and the Temporal
 * SDK's own worker metrics on a port of their own.
 */
export { RoomKitMetrics, metricsHandler, serveMetrics } from './metrics.js';
export type { DeliveryOutcome, HookOutcome, InboundOutcome, RoomKitMetricsOptions } from './metrics.js';
export { installTemporalMetrics } from './temporal-runtime.js';
