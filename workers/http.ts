/** HTTP-only process: health, chat page and WebSocket endpoint, talking to rooms served by workers. */
import { createServer } from 'node:http';
import { attachWebSocketEndpoint, createApp } from '../src/index.js';
import { loadConfig, requireSharedStore } from './config.js';
import { requireFreePorts } from './ports.js';
import {
  appOptionsOf, authOf, buildKit, ensureDemoRoom, loggerOf, openRealtime, openStore, tracingOf, WS_CHANNEL,
} from './demo-kit.js';

const config = loadConfig();
if (!config.TEMPORAL_ADDRESS) {
  console.error('TEMPORAL_ADDRESS is required for the HTTP server process.');
  process.exit(2);
}
requireSharedStore(config, 'HTTP server');
await requireFreePorts([{ variable: 'PORT', host: config.HOST, port: config.PORT }]);
const serviceAuth = authOf(config);
const { auth } = serviceAuth;
const tracing = tracingOf(config, 'http');
const kit = buildKit(config, await openStore(config), await openRealtime(config), loggerOf(config, { service: 'http' }), tracing);
await kit.connect();
await ensureDemoRoom(kit, config.DEMO_ROOM_ID);
const server = createServer(createApp(kit, appOptionsOf(config, serviceAuth)));
const wss = attachWebSocketEndpoint(server, kit, { path: '/ws', channelId: WS_CHANNEL, ...(auth && { auth }) });
server.listen(config.PORT, config.HOST, () => {
  const a = server.address();
  console.log(`HTTP server on http://${config.HOST}:${typeof a === 'object' && a ? a.port : config.PORT}`);
});
// Open sockets would keep server.close() waiting for ever: end them (clients reconnect elsewhere, resuming).
const stop = () => {
  for (const client of wss.clients) client.terminate();
  wss.close();
  server.close(() => void kit.close().then(() => tracing?.shutdown()).then(() => process.exit(0)));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
