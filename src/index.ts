/**
 * RoomKit for TypeScript on Temporal — public API. Names follow the Python library in camelCase.
 *
 * The root exports concepts, each by name: the kit, channels, models, errors, stores, the provider
 * contracts with their mocks, the server and Temporal helpers. Every vendor lives on its own subpath
 * (`roomkit-temporal/providers/twilio`, `…/providers/anthropic`, …; see `exports` in package.json), so
 * importing the root never names a vendor. `tests/unit/architecture/root-exports.test.ts` pins this
 * list: adding a name here is a deliberate change to the public API.
 * Workflow code must import `./workflow.js` instead (deterministic exports only).
 */

// The kit
export { RoomKit } from './kit/room-kit.js';
export type { ProcessInboundOptions, RoomKitOptions, StartOptions } from './kit/options.js';
export { DefaultInboundRoomRouter } from './kit/router.js';
export type { InboundRoomRouter, RouteRequest } from './kit/router.js';
export { WORKFLOWS_PATH } from './kit/worker.js';
export { TaskFailureLogger } from './kit/task-failures.js';
export type { WorkflowTaskFailure } from './kit/task-failures.js';
export { HookAlreadyRegisteredError } from './hooks/registry.js';
export type { HookFn } from './hooks/registry.js';
export type { FrameworkEventHandler } from './hooks/framework-events.js';
export type { ToolDefinition } from './tools/registry.js';
// MCP servers' tools (`kit.mcpServer`): McpToolServer, its options and errors are on `roomkit-temporal/mcp`

// The room workflow from the outside, and the worker's activities
export { RoomClient } from './client/room-client.js';
export { roomWorkflowId } from '../workflows/room/definitions.js';
export { createActivities } from '../activities/index.js';
export type { ActivityDeps, RoomActivities } from '../activities/index.js';

// Channels and the contracts they implement
export { Channel } from './channels/channel.js';
export type { DeliverOutput } from './channels/channel.js';
export type { RoomContext } from './channels/room-context.js';
export { TransportChannel } from './channels/transport.js';
export type {
  TransportChannelOptions, TransportMarkReadOptions, TransportProvider, TransportSendOptions, TransportTypingOptions,
} from './channels/transport.js';
export { SMSChannel } from './channels/sms.js';
export type { SMSChannelOptions } from './channels/sms.js';
export { RCSChannel } from './channels/rcs.js';
export type { RCSChannelOptions } from './channels/rcs.js';
export { EmailChannel } from './channels/email.js';
export type { EmailChannelOptions } from './channels/email.js';
export { WhatsAppChannel } from './channels/whatsapp.js';
export type { WhatsAppChannelOptions } from './channels/whatsapp.js';
export { MessengerChannel } from './channels/messenger.js';
export type { MessengerChannelOptions } from './channels/messenger.js';
export { TeamsChannel } from './channels/teams.js';
export type { TeamsChannelOptions } from './channels/teams.js';
export { HTTPChannel } from './channels/http.js';
export type { HTTPChannelOptions } from './channels/http.js';
export { WebSocketChannel } from './channels/websocket.js';
export type { WebSocketChannelOptions, WebSocketFrame } from './channels/websocket.js';
export { attachWebSocket } from './channels/websocket-connection.js';
export { AIChannel } from './channels/ai.js';
export type { AIChannelOptions } from './channels/ai.js';

// Provider contracts (by kind) and their mocks; vendors are on their own subpaths
export { AIProviderError } from './providers/ai/base.js';
export type {
  AIContext, AIGenerateOptions, AIProvider, AIResponse, AIStreamEvent, AITool,
} from './providers/ai/base.js';
export { MockAIProvider } from './providers/ai/mock.js';
export type { SMSProvider, SMSSendOptions } from './providers/sms/base.js';
export { MockSMSProvider } from './providers/sms/mock.js';
export type { EmailProvider, EmailSendOptions } from './providers/email/base.js';
export { MockEmailProvider } from './providers/email/mock.js';

// Models: zod schemas (values) and their types under the same name, enum-like consts
export {
  Access, ChannelCategory, ChannelDirection, ChannelMediaType, ChannelType, EventStatus, EventType, HookExecution,
  HookTrigger, RoomStatus, TaskStatus, Visibility,
} from './models/enums.js';
export { EventContent } from './models/content.js';
export { RoomEvent } from './models/event.js';
export { AIConfig, CreateRoomOptions, Room, RoomTimers } from './models/room.js';
export { BindingOptions, ChannelBinding, ChannelCapabilities, RateLimit, RetryPolicy } from './models/channel.js';
export { Participant } from './models/participant.js';
export { Observation, Task } from './models/task.js';
export { InboundMessage, InboundResult, SendEventOptions } from './models/inbound.js';
export type { ParsedInboundMessage } from './models/inbound.js';
export { HookResult, HookSpec } from './models/hook.js';
export type { HookOptions } from './models/hook.js';
export { FrameworkEvent } from './models/framework-event.js';
export { ChannelOutput } from './models/channel-output.js';
export { ProviderResult } from './models/delivery-result.js';
export { DeliveryStatus } from './models/delivery-status.js';
export type { ParsedDeliveryStatus } from './models/delivery-status.js';
export { RoomCommand } from './models/commands.js';
export type { CommandResults } from './models/commands.js';
export type { RoomSnapshot } from './models/snapshot.js';
export type { AIContentPart, AIMessage, AIToolCall, AIUsage } from './models/ai.js';
export { EphemeralEvent, EphemeralEventType } from './models/ephemeral.js';

// Errors
export {
  ChannelAlreadyRegisteredError, ChannelNotFoundError, ChannelNotRegisteredError, EventNotFoundError, KitNotStartedError,
  ProviderActionError, ProviderDeliveryError, RoomAlreadyExistsError, RoomClosedError, RoomKitError,
  RoomKitValidationError, RoomNotFoundError, StoreUnavailableError, WebhookPayloadError, WebhookSignatureError,
} from './errors.js';

// Stores
export type { ConversationStore, ListEventsOptions, ProviderMessageRef } from './store/conversation-store.js';
export { InMemoryStore } from './store/in-memory.js';
export { SQLiteStore } from './store/sqlite.js';
export type { SQLiteStoreOptions } from './store/sqlite.js';
export { PostgresStore } from './store/postgres.js';
export type { PostgresStoreOptions } from './store/postgres.js';

// Realtime: RealtimeBackend, InMemoryRealtime and RedisRealtime are on `roomkit-temporal/realtime`

// HTTP: the Express app, its routers, the webhook pipeline without Express, the WebSocket endpoint
export { createApp } from './server/app.js';
export type { AppOptions } from './server/app.js';
export { createWebhookRouter } from './server/webhook-router.js';
export type { WebhookRouterOptions } from './server/webhook-router.js';
export { createRestApi } from './server/rest-api.js';
export type { RestApiOptions } from './server/rest-api.js';
export { processWebhook, WebhookNotSupportedError } from './server/process-webhook.js';
export type { ProcessWebhookOptions } from './server/process-webhook.js';
export { attachWebSocketEndpoint } from './server/websocket-endpoint.js';
export type { WebSocketEndpointOptions } from './server/websocket-endpoint.js';

// Temporal: configuration, the embedded dev server, the CLI
export { ensureTemporalServer, temporalConfigFromEnv } from './temporal/config.js';
export type { TemporalConfig, TemporalServerHandle } from './temporal/config.js';
export { startDevServer } from './temporal/dev-server.js';
export { locateTemporalCli } from './temporal/cli.js';
// Encrypted history: AesGcmPayloadCodec and the codec server are on `roomkit-temporal/encryption`
