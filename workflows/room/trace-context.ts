/**
 * Which trace a room's work belongs to. Handlers only enqueue, and the command loop and the delivery
 * lane serve the queue later, so without help every activity a room schedules would hang under the
 * span of the run that started it (the first message's trace). With tracing on, the workflow tracing
 * module (`src/telemetry/workflow-tracing.ts`, bundled only then) installs a carrier; each queued
 * command, plan and AI answer remembers the OpenTelemetry context it was queued in and is served
 * inside it, so one message's hooks, deliveries, AI turn and tools form one trace.
 *
 * Without the carrier (the default bundle) both functions do nothing else than run `fn`, and with it
 * they add no command and no await: replay and golden histories are unaffected either way.
 */
interface TraceCarrier {
  capture(): unknown;
  run<T>(context: unknown, fn: () => T): T;
}

/** The global slot the workflow tracing module fills. */
export const TRACE_CARRIER_SLOT = '__roomkitTraceCarrier';

// Keyed by the queued object itself (unique per workflow), so nothing is serialised or carried over.
const contexts = new WeakMap<object, unknown>();

function carrier(): TraceCarrier | undefined {
  return (globalThis as Record<string, unknown>)[TRACE_CARRIER_SLOT] as TraceCarrier | undefined;
}

/** Remember the current trace context for `item` (a queued command, a plan, an AI answer). */
export function remember<T extends object>(item: T): T {
  const c = carrier();
  if (c) contexts.set(item, c.capture());
  return item;
}

/** Run `fn` in the trace context `item` was queued in (or as is, when there is none). */
export function within<T>(item: object | undefined, fn: () => T): T {
  const c = carrier();
  const context = c && item ? contexts.get(item) : undefined;
  return c && context !== undefined ? c.run(context, fn) : fn();
}
