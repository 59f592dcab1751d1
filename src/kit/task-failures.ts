/**
 * A room whose workflow task fails is wedged: queries fail, updates hang, signals pile up unread.
 * Temporal retries the task forever and says so only in the worker's core log ("Failing workflow
 * task", with the run id). This module turns that log line into a report a kit can act on: the
 * process-wide runtime logger forwards core's warnings here, and each kit resolves the run to its
 * room and emits `room_task_failed`.
 */
import { DefaultLogger, type LogLevel, type LogMetadata, type Logger } from '@temporalio/worker';

export interface WorkflowTaskFailure {
  runId: string;
  /** The failure's message, e.g. `[TMPRL1100] Nondeterminism error: …`. */
  reason: string;
  /** True for TMPRL1100: the history cannot be replayed by this code (see README «A room that cannot replay»). */
  nondeterminism: boolean;
}

const FAILING_TASK = 'Failing workflow task';

/** Core formats the failure with Rust's Debug; the first `message: "…"` is the reason. */
export function parseTaskFailure(message: string, meta: LogMetadata | undefined): WorkflowTaskFailure | undefined {
  if (message !== FAILING_TASK || !meta) return undefined;
  const runId = typeof meta.runId === 'string' ? meta.runId : typeof meta.run_id === 'string' ? meta.run_id : undefined;
  if (!runId) return undefined;
  const raw = typeof meta.failure === 'string' ? meta.failure : JSON.stringify(meta.failure ?? '');
  const quoted = /message: "((?:[^"\\]|\\.)*)"/.exec(raw);
  const reason = quoted ? quoted[1].replace(/\\(.)/g, '$1') : raw;
  return { runId, reason, nondeterminism: /TMPRL1100|NonDeterministicError|Nondeterminism/i.test(raw) };
}

type Listener = (failure: WorkflowTaskFailure) => void;
const listeners = new Set<Listener>();

/** Subscribe to workflow task failures of every worker in this process. Returns the unsubscribe. */
export function onWorkflowTaskFailure(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The runtime logger RoomKit installs: the application's level for everything, plus the failure
 * watch. Core's warnings must be forwarded to it (`telemetryOptions.logging.forward`), which is what
 * `installQuietRuntime` does.
 */
export class TaskFailureLogger implements Logger {
  private readonly inner: Logger;

  constructor(level: LogLevel, inner?: Logger) {
    this.inner = inner ?? new DefaultLogger(level);
  }

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const failure = parseTaskFailure(message, meta);
    if (failure) for (const l of listeners) l(failure);
    this.inner.log(level, message, meta);
  }
  trace(message: string, meta?: LogMetadata): void { this.log('TRACE', message, meta); }
  debug(message: string, meta?: LogMetadata): void { this.log('DEBUG', message, meta); }
  info(message: string, meta?: LogMetadata): void { this.log('INFO', message, meta); }
  warn(message: string, meta?: LogMetadata): void { this.log('WARN', message, meta); }
  error(message: string, meta?: LogMetadata): void { this.log('ERROR', message, meta); }
}

export interface TaskFailureWatch {
  /** Resolves a run id to its workflow id, if the run is served by this worker's task queue. */
  lookup(runId: string): Promise<string | undefined>;
  /** Workflow id → room id, or undefined for workflows that are not rooms. */
  roomOf(workflowId: string): string | undefined;
  report(roomId: string, failure: WorkflowTaskFailure): void | Promise<void>;
  log(message: string): void;
}

/**
 * Watch this process's workflow task failures for one worker: each failing run is reported once
 * (Temporal retries the task, and core logs every attempt). Returns the unsubscribe.
 */
export function watchTaskFailures(watch: TaskFailureWatch): () => void {
  const seen = new Set<string>();
  return onWorkflowTaskFailure((failure) => {
    if (seen.has(failure.runId)) return;
    seen.add(failure.runId);
    void (async () => {
      const workflowId = await watch.lookup(failure.runId).catch(() => undefined);
      const roomId = workflowId ? watch.roomOf(workflowId) : undefined;
      // Not on this worker's task queue (another worker in this process), or not a room.
      if (!workflowId || roomId === undefined) return;
      watch.log(`room ${roomId} is wedged: its workflow task fails (run ${failure.runId}): ${failure.reason}`);
      await watch.report(roomId, failure);
    })().catch((err: unknown) => watch.log(`reporting a failed workflow task failed: ${String(err)}`));
  });
}
