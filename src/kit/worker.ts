/** Building and running the in-process Temporal worker that serves room workflows. */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
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

export async function startWorker(settings: WorkerSettings, deps: ActivityDeps): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: settings.address });
  const worker = await Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    activities: createActivities(deps),
    ...(settings.workflowBundle ? { workflowBundle: settings.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
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
