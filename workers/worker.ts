/** Worker-only process: serves room workflows and activities on TEMPORAL_ADDRESS until SIGINT/SIGTERM. */
import { loadConfig, requireSharedStore } from './config.js';
import { buildKit, loggerOf, openRealtime, openStore, tracingOf } from './demo-kit.js';
import { installTemporalRuntime, serveMetrics } from '../src/telemetry/index.js';

const config = loadConfig();
if (!config.TEMPORAL_ADDRESS) {
  console.error('TEMPORAL_ADDRESS is required for a standalone worker (use `npm start` for the all-in-one dev service).');
  process.exit(2);
}
requireSharedStore(config, 'worker');
// Before the worker exists: the SDK's runtime is installed once per process.
// Logs and metrics together: Runtime.install can be called only once.
const logger = loggerOf(config, { service: 'worker' });
installTemporalRuntime({
  logger,
  ...(config.ROOMKIT_TEMPORAL_METRICS_ADDRESS && { metricsAddress: config.ROOMKIT_TEMPORAL_METRICS_ADDRESS }),
});
const tracing = tracingOf(config, 'worker');
const kit = buildKit(config, await openStore(config), await openRealtime(config), logger, tracing);
const metricsServer = config.ROOMKIT_METRICS_PORT === undefined ? undefined : await serveMetrics(kit.metrics, { port: config.ROOMKIT_METRICS_PORT, host: config.HOST });
if (metricsServer) {
  const a = metricsServer.address();
  console.log(`metrics on http://${config.HOST}:${typeof a === 'object' && a ? a.port : config.ROOMKIT_METRICS_PORT}/metrics`);
}
console.log(`worker serving task queue ${kit.taskQueue} on ${config.TEMPORAL_ADDRESS}`);
await kit.runWorker();
metricsServer?.close();
await kit.close();
await tracing?.shutdown();
