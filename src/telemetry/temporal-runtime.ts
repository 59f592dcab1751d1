/**
 * The Temporal SDK's process-wide runtime: its logs (to a pino logger, README «Logs») and its own
 * worker metrics (task slots, poll latencies, activity and workflow task counts, sticky cache…),
 * exported by its core runtime on a Prometheus endpoint of their own (`http://<bindAddress>/metrics`,
 * names prefixed `temporal_`). Call once per process, before any worker or native connection is
 * created (`kit.start()`/`kit.runWorker()`): the runtime is a process singleton and cannot be
 * reconfigured afterwards — so logs and metrics are installed together.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { TaskFailureLogger } from '../kit/task-failures.js';
import { temporalLogFunction, temporalLogLevel, type LogLevel } from './logger.js';

export interface TemporalRuntimeOptions {
  /** The SDK's logs (its own, activities' and workflows') go to this pino logger. */
  logger?: Logger;
  /** The SDK logger's threshold (default: the pino logger's level). */
  logLevel?: LogLevel;
  /** Serve the SDK's Prometheus metrics at `host:port`. */
  metricsAddress?: string;
  globalTags?: Record<string, string>;
}

export function installTemporalRuntime(options: TemporalRuntimeOptions): void {
  const level = temporalLogLevel(options.logLevel ?? (options.logger?.level as LogLevel | undefined) ?? 'warn');
  Runtime.install({
    // Wrapped like RoomKit's own runtime logger, so a wedged room is still reported (`room_task_failed`).
    logger: new TaskFailureLogger(level, options.logger ? new DefaultLogger(level, temporalLogFunction(options.logger)) : undefined),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(options.metricsAddress && {
        metrics: {
          prometheus: { bindAddress: options.metricsAddress, countersTotalSuffix: true },
          ...(options.globalTags && { globalTags: options.globalTags }),
        },
      }),
    },
  });
}

/** Metrics only (the SDK's logs stay on stderr, at WARN); see `installTemporalRuntime` for both. */
export function installTemporalMetrics(bindAddress: string, options: { globalTags?: Record<string, string> } = {}): void {
  installTemporalRuntime({ metricsAddress: bindAddress, ...options });
}
