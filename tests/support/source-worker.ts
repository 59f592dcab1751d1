/**
 * A worker process for the event-source crash test (killed with SIGKILL by the test): it serves the
 * queue with the `feed` source registered (a WebSocket source on SOURCE_URL) but attaches nothing.
 * Env: TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, ROOMKIT_DB, SOURCE_URL, WORKFLOW_BUNDLE.
 */
import { HTTPChannel, RoomKit, SQLiteStore } from '../../src/index.js';
import { WebSocketSource } from '../../src/sources/index.js';

export const FEED = 'feed';

export function defineSourceKit(kit: RoomKit): void {
  kit.registerChannel(new HTTPChannel(FEED));
}

if (process.argv[1]?.endsWith('source-worker.ts')) {
  const env = process.env as Record<string, string>;
  const kit = new RoomKit({ store: new SQLiteStore(env.ROOMKIT_DB), temporal: { address: env.TEMPORAL_ADDRESS, taskQueue: env.TEMPORAL_TASK_QUEUE }, log: () => {} });
  defineSourceKit(kit);
  kit.registerSource(FEED, new WebSocketSource({ url: env.SOURCE_URL }));
  console.log('worker ready');
  await kit.runWorker({ workflowBundle: { codePath: env.WORKFLOW_BUNDLE } });
}
