/** Worker-only process: serves room workflows and activities on TEMPORAL_ADDRESS until SIGINT/SIGTERM. */
import { loadConfig, requireSharedStore } from './config.js';
import { buildKit, openRealtime, openStore } from './demo-kit.js';

const config = loadConfig();
if (!config.TEMPORAL_ADDRESS) {
  console.error('TEMPORAL_ADDRESS is required for a standalone worker (use `npm start` for the all-in-one dev service).');
  process.exit(2);
}
requireSharedStore(config, 'worker');
const kit = buildKit(config, await openStore(config), await openRealtime(config));
console.log(`worker serving task queue ${kit.taskQueue} on ${config.TEMPORAL_ADDRESS}`);
await kit.runWorker();
await kit.close();
