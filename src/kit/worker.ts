/** Building and running the in-process Temporal worker that serves room workflows. */
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Runtime, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities/index.js';
import { ROOM_WORKFLOW_ID_PREFIX } from '../../workflows/room/definitions.js';
import type { FrameworkEventBus } from '../hooks/framework-events.js';
import { workerTracingOptions, type Tracing } from '../telemetry/tracing.js';
import { TaskFailureLogger, type TaskFailureWatch } from './task-failures.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

/** A prebuilt bundle (`bundleWorkflowCode`) skips the 2–5 s webpack step; tests bundle once per run. */
export type WorkflowBundleOption = { code: string } | { codePath: string };

export interface WorkerSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  workflowBundle?: WorkflowBundleOption;
  /** Codecs (encryption) for every payload the worker reads and writes; must match the clients'. */
  dataConverter?: DataConverter;
  /** Traces workflows and activities (client spans are the kit's). */
  tracing?: Tracing;
  /** Extra Temporal worker options (concurrency, cache size…). */
  workerOptions?: Partial<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'activities' | 'workflowsPath' | 'workflowBundle' | 'dataConverter'>>;
}

export interface RunningWorker {
  worker: Worker;
  connection: NativeConnection;
  /** Resolves when the worker stopped (rejects if it crashed). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The SDK logs every worker state change at INFO; default the process-wide runtime to WARN unless
 * the application installed its own runtime first (it can only be installed once per process).
 * Core's warnings are forwarded to a `TaskFailureLogger`, so a room whose workflow task fails is
 * reported (`room_task_failed`). An application installing its own runtime keeps that report by
 * wrapping its logger the same way: `new TaskFailureLogger('INFO', myLogger)` with
 * `telemetryOptions.logging.forward`.
 */
export function installQuietRuntime(level: LogLevel = 'WARN'): void {
  try {
    Runtime.install({
      logger: new TaskFailureLogger(level),
      telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
    });
  } catch {
    // Already installed by the application (or an earlier kit): keep theirs.
  }
}

/**
 * Rooms a worker keeps in its sticky cache. `npm run bench:heap` measures ~240 KB of heap per cached
 * room at 1 message and ~310 KB at 200 (bench/README.md «Heap at 1 and at 200 messages»; it was
 * ~1.7–3.6 MB while each room evaluated its own zod and kept every operation's closure), so 2,500
 * rooms take ≈ 0.6–0.8 GB, the budget the former default of 500 had. A room evicted from the cache
 * is rebuilt by replay on its next message. Override with `workerOptions`.
 */
export const DEFAULT_MAX_CACHED_ROOMS = 2_500;

export async function startWorker(settings: WorkerSettings, deps: ActivityDeps): Promise<RunningWorker> {
  installQuietRuntime();
  const connection = await NativeConnection.connect({ address: settings.address });
  const worker = await Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    activities: createActivities(deps),
    ...(settings.workflowBundle ? { workflowBundle: settings.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    maxCachedWorkflows: DEFAULT_MAX_CACHED_ROOMS,
    ...(settings.dataConverter && { dataConverter: settings.dataConverter }),
    ...(settings.tracing && workerTracingOptions(settings.tracing)),
    ...settings.workerOptions,
  });
  const done = worker.run();
  let stopped = false;
  return {
    worker,
    connection,
    done,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done.catch(() => undefined);
      await connection.close();
    },
  };
}

/**
 * How a kit reports its worker's failing workflow tasks: the run is looked up on the worker's own
 * task queue (visibility can lag the first failure by a moment), and a room's failure becomes the
 * framework event `room_task_failed` for the kit's listeners.
 */
export function taskFailureWatch(
  connection: NativeConnection, temporal: { namespace: string; taskQueue: string }, events: FrameworkEventBus, log: (m: string) => void,
): TaskFailureWatch {
  return {
    async lookup(runId) {
      const query = `RunId = '${runId.replace(/'/g, '')}' AND TaskQueue = '${temporal.taskQueue.replace(/'/g, '')}'`;
      for (let attempt = 0; attempt < 10; attempt++) {
        const res = await connection.workflowService.listWorkflowExecutions({ namespace: temporal.namespace, query, pageSize: 1 });
        const id = res.executions?.[0]?.execution?.workflowId;
        if (id) return id;
        await new Promise((r) => setTimeout(r, 300));
      }
      return undefined;
    },
    roomOf: (workflowId) => (workflowId.startsWith(ROOM_WORKFLOW_ID_PREFIX) ? workflowId.slice(ROOM_WORKFLOW_ID_PREFIX.length) : undefined),
    report: (roomId, failure) => events.emit({
      type: 'room_task_failed', roomId, timestamp: new Date().toISOString(),
      data: { run_id: failure.runId, reason: failure.reason, nondeterminism: failure.nondeterminism },
    }),
    log,
  };
}
