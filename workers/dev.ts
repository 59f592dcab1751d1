/**
 * `npm start`: everything in one process — the Temporal dev server (unless TEMPORAL_ADDRESS is set),
 * an in-process worker and the HTTP server — until Ctrl-C.
 */
import { createServer } from 'node:http';
import { attachWebSocketEndpoint, createApp } from '../src/index.js';
import { loadConfig } from './config.js';
import { installTemporalRuntime } from '../src/telemetry/index.js';
import { requireFreePorts } from './ports.js';
import {
  appOptionsOf, authOf, buildKit, ensureDemoRoom, loggerOf, openRealtime, openStore, tracingOf, WS_CHANNEL,
} from './demo-kit.js';

const config = loadConfig();
await requireFreePorts([
  { variable: 'PORT', host: config.HOST, port: config.PORT },
  // The embedded server's UI; ignored when TEMPORAL_ADDRESS names a server of its own.
  ...(config.TEMPORAL_ADDRESS ? [] : [{ variable: 'TEMPORAL_UI_PORT', host: '127.0.0.1', port: config.TEMPORAL_UI_PORT }]),
]);
// Before the in-process worker exists: the SDK's runtime is installed once per process.
// Logs and metrics together: Runtime.install can be called only once.
const logger = loggerOf(config, { service: 'all-in-one' });
installTemporalRuntime({
  logger,
  ...(config.ROOMKIT_TEMPORAL_METRICS_ADDRESS && { metricsAddress: config.ROOMKIT_TEMPORAL_METRICS_ADDRESS }),
});
const serviceAuth = authOf(config);
const { auth } = serviceAuth;
const tracing = tracingOf(config, 'all-in-one');
const kit = buildKit(config, await openStore(config), await openRealtime(config), logger, tracing);
await kit.start({ devServer: { uiPort: config.TEMPORAL_UI_PORT, dbFilename: config.TEMPORAL_DB_FILE } });
await ensureDemoRoom(kit, config.DEMO_ROOM_ID);

const app = createApp(kit, appOptionsOf(config, serviceAuth, kit.temporalUiUrl));
const server = createServer(app);
const wss = attachWebSocketEndpoint(server, kit, { path: '/ws', channelId: WS_CHANNEL, ...(auth && { auth }) });
await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
const address = server.address();
const port = typeof address === 'object' && address ? address.port : config.PORT;

console.log(`RoomKit is running.
  chat page:   http://${config.HOST}:${port}/?room=${config.DEMO_ROOM_ID}
  health:      http://${config.HOST}:${port}/health
  webhooks:    http://${config.HOST}:${port}/webhooks/<channelId>
  metrics:     http://${config.HOST}:${port}/metrics${config.ROOMKIT_TEMPORAL_METRICS_ADDRESS ? ` (Temporal SDK: http://${config.ROOMKIT_TEMPORAL_METRICS_ADDRESS}/metrics)` : ''}
  REST API:    http://${config.HOST}:${port}/api/rooms${auth ? ' (authenticated: Authorization: Bearer <API key or JWT>)' : ''}${config.ROOMKIT_ENCRYPTION_KEYS ? `
  encryption:  payloads encrypted with key ${config.ROOMKIT_ENCRYPTION_KEY_ID ?? config.ROOMKIT_ENCRYPTION_KEYS.currentKeyId}` : ''}${config.ROOMKIT_CODEC_TOKEN ? `
  codec:       http://${config.HOST}:${port}/codec (temporal … --codec-endpoint <it> --codec-auth 'Bearer <ROOMKIT_CODEC_TOKEN>')` : ''}
  temporal:    ${kit.temporalAddress} (task queue ${kit.taskQueue})${kit.temporalUiUrl ? `
  temporal UI: ${kit.temporalUiUrl}` : ''}
Press Ctrl-C to stop.`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal} received, shutting down…`);
  for (const client of wss.clients) client.terminate();
  wss.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await kit.close();
  await tracing?.shutdown();
  console.log('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
