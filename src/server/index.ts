export { createApp, errorHandler } from './app.js';
export type { AppOptions } from './app.js';
export { attachWebSocketEndpoint } from './websocket-endpoint.js';
export type { WebSocketEndpointOptions } from './websocket-endpoint.js';
