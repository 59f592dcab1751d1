/**
 * Structured logs (README «Logs»): one JSON object a line on stdout, through pino. Context fields
 * are bound where they are known — `roomId`, `workflowId`, `runId`, the event `index`, and in
 * activities `activityType` and `attempt` — and known secret paths and message bodies are always
 * redacted (`[redacted]`), whatever the level.
 */
import { Context } from '@temporalio/activity';
import type { LogLevel as TemporalLogLevel, LogMetadata } from '@temporalio/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger as RoomKitLogger } from 'pino';

/** The levels `ROOMKIT_LOG_LEVEL` accepts (pino's). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Written as `[redacted]` wherever they appear (top level, or one object down). */
const SECRET_KEYS = [
  'authorization', 'Authorization', 'cookie', 'Cookie', 'token', 'accessToken', 'refreshToken', 'idToken',
  'apiKey', 'api_key', 'password', 'secret', 'authToken', 'taskToken', 'x-api-key',
  // Message bodies: what people wrote is never a log line's business.
  'body', 'text',
];

/** The redacted paths (pino `redact` syntax), exported for tests and for loggers of one's own. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS.map((k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`)),
  ...SECRET_KEYS.map((k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `*.${k}` : `*["${k}"]`)),
  'headers.authorization', 'headers.cookie', 'headers["x-api-key"]',
  'req.headers.authorization', 'req.headers.cookie', 'request.headers.authorization',
  'content.body', 'content.text', '*.content.body', '*.content.text', 'event.content.body', 'event.content.text',
];

export interface CreateLoggerOptions {
  /** Default `info`. */
  level?: LogLevel;
  /** Where the JSON lines go (default stdout). */
  destination?: DestinationStream;
  /** Fields on every line (e.g. `{ service: 'worker' }`). */
  base?: Record<string, unknown>;
}

/** A pino logger writing JSON lines, with RoomKit's redaction. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? {},
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      mixin: traceFields,
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/**
 * `traceId` and `spanId` of the active span (README «Traces»), so a log line can be found from its
 * trace and the other way round; nothing when tracing is off.
 */
function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {};
}

/** `room:<id>` is a room's workflow id. */
export function roomIdOfWorkflowId(workflowId: unknown): string | undefined {
  return typeof workflowId === 'string' && workflowId.startsWith('room:') ? workflowId.slice('room:'.length) : undefined;
}

/**
 * A child logger for the current activity: `workflowId`, `runId`, `roomId` (from the room's
 * workflow id unless given), `activityType` and `attempt` from `Context.current().info`, plus
 * `fields` (e.g. the event `index`). Outside an activity, only `fields`.
 */
export function activityLogger(logger: Logger, fields: { roomId?: string; index?: number; [k: string]: unknown } = {}): Logger {
  let bound: Record<string, unknown> = {};
  try {
    const info = Context.current().info;
    const workflowId = info.workflowExecution?.workflowId;
    bound = {
      roomId: roomIdOfWorkflowId(workflowId),
      workflowId,
      runId: info.workflowExecution?.runId,
      activityType: info.activityType,
      attempt: info.attempt,
    };
  } catch {
    // not in an activity
  }
  return logger.child(withoutUndefined({ ...bound, ...fields }));
}

/**
 * The Temporal SDK's log entries (its own, activities' `Context.current().log` and workflows' `log`)
 * as pino lines: `runId` for workflows and activities alike, `roomId` from a room's workflow id,
 * activity task tokens dropped.
 */
export function temporalLogFunction(logger: Logger): (entry: { level: TemporalLogLevel; message: string; meta?: LogMetadata }) => void {
  return ({ level, message, meta }) => {
    // The SDK's OpenTelemetry interceptors add trace_id/span_id/trace_flags; named as pino's mixin names them.
    const { workflowRunId, taskToken: _taskToken, trace_id, span_id, trace_flags: _flags, ...rest } = (meta ?? {}) as Record<string, unknown>;
    const fields: Record<string, unknown> = { ...rest, traceId: trace_id, spanId: span_id };
    if (fields.runId === undefined && workflowRunId !== undefined) fields.runId = workflowRunId;
    if (fields.roomId === undefined) fields.roomId = roomIdOfWorkflowId(fields.workflowId);
    const method = PINO_METHOD[level] ?? 'info';
    logger[method](withoutUndefined(fields), message);
  };
}

/** The SDK logger's threshold for a pino level. */
export function temporalLogLevel(level: LogLevel): TemporalLogLevel {
  switch (level) {
    case 'trace': return 'TRACE';
    case 'debug': return 'DEBUG';
    case 'info': return 'INFO';
    case 'warn': return 'WARN';
    default: return 'ERROR';
  }
}

/** A `RoomKit` `log` option writing pino warnings: `new RoomKit({ log: kitLog(logger) })`. */
export function kitLog(logger: Logger): (message: string) => void {
  const kit = logger.child({ component: 'roomkit' });
  return (message) => kit.warn(message);
}

const PINO_METHOD: Record<TemporalLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error',
};

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
