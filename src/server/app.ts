/**
 * The HTTP edge of a kit: health, vendor webhooks (`/webhooks/:channelId`), the REST API (`/api`),
 * the codec server for encrypted history (`/codec`, when configured) and the demo chat page. Thin by design: validate, call the kit, answer; error middleware maps
 * library errors to statuses without leaking internals.
 */
import express, { type Express } from 'express';
import type { RoomIngress } from './ingress.js';
import { chatPageRouter, type ChatPageOptions } from './chat-page.js';
import { createCodecServer, type CodecServerOptions } from './codec-server.js';
import { errorHandler } from './error-handler.js';
import { httpTracing } from './http-tracing.js';
import { createMcpRouter } from './mcp.js';
import { createRestApi, type RestApiOptions } from './rest-api.js';
import { createWebhookRouter, type WebhookRouterOptions } from './webhook-router.js';
import { metricsHandler, type RoomKitMetrics } from '../telemetry/metrics.js';
import type { Authenticator } from './auth/authenticator.js';

export interface AppOptions {
  /** Serve the chat page at `/` (talks to the WebSocket endpoint and the REST API). */
  chatPage?: ChatPageOptions;
  /** Options of the webhook router mounted at `/webhooks`, or `false` to leave it off. */
  webhooks?: WebhookRouterOptions | false;
  /**
   * Options of the REST API mounted at `/api`, or `false` to leave it off; the MCP server for rooms
   * at `/mcp` follows it, authentication included.
   */
  restApi?: RestApiOptions | false;
  /**
   * Authenticate the REST API and the MCP server (API keys and/or JWTs, README «Authentication»).
   * Unset ⇒ they have no authentication of their own: put yours in front. Webhooks keep their
   * vendors' signatures; the WebSocket endpoint takes its own `auth`.
   */
  auth?: Authenticator;
  /**
   * Serve the Temporal codec server at `/codec` (`/codec/decode`, `/codec/encode`) so the Web UI and
   * `temporal … --codec-endpoint <origin>/codec` can read encrypted history. Off unless given.
   */
  codecServer?: CodecServerOptions;
  /**
   * Serve the kit's Prometheus metrics at `GET /metrics` (`kit.metrics`, or the `RoomKitMetrics`
   * given). Off unless given; no authentication of its own (keep it on a private network).
   */
  metrics?: boolean | RoomKitMetrics;
}

export function createApp(kit: RoomIngress, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', temporal: { address: kit.temporalAddress, taskQueue: kit.taskQueue } });
  });
  const metrics = options.metrics === true ? kit.metrics : options.metrics || undefined;
  if (options.metrics && !metrics) throw new TypeError('createApp: metrics: true needs a kit with metrics (RoomKit has them)');
  if (metrics) app.get('/metrics', metricsHandler(metrics));
  // Health and metrics scrapes are not traced; everything after this is.
  app.use(httpTracing());
  if (options.codecServer) app.use('/codec', createCodecServer(options.codecServer));
  if (options.webhooks !== false) app.use('/webhooks', createWebhookRouter(kit, options.webhooks ?? {}));
  if (options.restApi !== false) {
    const auth = options.restApi?.auth ?? options.auth;
    app.use('/api', createRestApi(kit, { ...options.restApi, ...(auth && { auth }) }));
    // The same rooms for agents (Model Context Protocol), with the same authentication.
    app.use('/mcp', createMcpRouter(kit, { ...(auth && { auth }) }));
  }
  if (options.chatPage) app.use(chatPageRouter(options.chatPage));
  app.use(errorHandler);
  return app;
}

export { errorHandler };
