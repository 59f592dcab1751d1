/** Building and running the in-process Temporal worker that serves room workflows. */
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities/index.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

/** A prebuilt bundle (`bundleWorkflowCode`) skips the 2–5 s webpack step; tests bundle once per run. */
export type WorkflowBundleOption = { code: string } | { codePath: string };

export interface WorkerSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  workflowBundle?: WorkflowBundleOption;
  /** Extra Temporal worker options (concurrency, cache size…). */
  workerOptions?: Partial<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'activities' | 'workflowsPath' | 'workflowBundle'>>;
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
 */
export function installQuietRuntime(level: LogLevel = 'WARN'): void {
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // Already installed by the application (or an earlier kit): keep theirs.
  }
}

/**
 * Rooms a worker keeps in its sticky cache. `npm run bench` measured ~1.6 MB of heap per cached room
 * (each workflow evaluates its own copy of the models' zod schemas), so the SDK's default (2,310 on
 * this machine, derived from total memory) could take ~3.8 GB. 500 rooms ≈ 0.8 GB; a room evicted
 * from the cache is rebuilt by replay on its next message. Override with `workerOptions`.
 */
export const DEFAULT_MAX_CACHED_ROOMS = 500;

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
