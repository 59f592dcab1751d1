/**
 * Workflow interceptors for tracing, bundled into the workflow code only when a kit traces (a
 * worker's `interceptors.workflowModules`, or `bundleWorkflowCode({ workflowInterceptorModules })`
 * for a prebuilt bundle). Temporal's OpenTelemetry interceptors give the room's run, its updates
 * and signals, and each activity it schedules a span (exported through the worker's sink, never
 * during replay); the carrier lets the room serve each queued command inside the context it was
 * queued in (`workflows/room/trace-context.ts`). Runs in the sandbox: deterministic, no I/O.
 */
import * as otel from '@opentelemetry/api';
import { TRACE_CARRIER_SLOT } from '../../workflows/room/trace-context.js';

export { interceptors } from '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors.js';

(globalThis as Record<string, unknown>)[TRACE_CARRIER_SLOT] = {
  capture: () => otel.context.active(),
  run: <T>(context: unknown, fn: () => T): T => otel.context.with(context as otel.Context, fn),
};
