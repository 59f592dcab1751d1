/**
 * The Temporal SDK's own worker metrics (task slots, poll latencies, activity and workflow task
 * counts, sticky cache…), exported by its core runtime on a Prometheus endpoint of their own
 * (`http://<bindAddress>/metrics`, names prefixed `temporal_`). Call once per process, before any
 * worker or native connection is created (`kit.start()`/`kit.runWorker()`): the runtime is a
 * process singleton and cannot be reconfigured afterwards.
 */
import { Runtime } from '@temporalio/worker';

export function installTemporalMetrics(bindAddress: string, options: { globalTags?: Record<string, string> } = {}): void {
  Runtime.install({
    telemetryOptions: {
      metrics: {
        prometheus: { bindAddress, countersTotalSuffix: true },
        ...(options.globalTags && { globalTags: options.globalTags }),
      },
    },
  });
}
