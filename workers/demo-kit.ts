/**
 * The kit definition shared by every process of the demo service (all-in-one, worker, HTTP):
 * a browser WebSocket channel, an SMS channel over the mock provider, and the support agent of
 * `examples/support-agent-kit.ts` (Claude when ANTHROPIC_API_KEY is configured, else a scripted mock).
 */
import {
  RoomKitMetrics, createLogger, kitLog, startTracingFromEnv, tracingEnvOf, type RoomKitLogger, type Tracing,
} from '../src/telemetry/index.js';
import {
  HookResult, HookTrigger, MockSMSProvider, RoomKit, SMSChannel, WebSocketChannel, type AIProvider,
  type ConversationStore, type SMSProvider,
} from '../src/index.js';
import { createAnthropicProvider } from '../src/providers/anthropic/index.js';
import { TwilioSMSProvider } from '../src/providers/twilio/index.js';
import { storeFromSpec } from '../src/store/index.js';
import { RealtimeUnavailableError, RedisRealtime, type RealtimeBackend } from '../src/realtime/index.js';
import { buildSupportAgent, mockSupportProvider } from '../examples/support-agent-kit.js';
import type { AppOptions } from '../src/server/app.js';
import { randomBytes } from 'node:crypto';
import { createAuthenticator, signRoomToken, type Authenticator } from '../src/server/auth/index.js';
import { payloadCodecOf, storeSpecOf, type ServiceConfig } from './config.js';

export const WS_CHANNEL = 'ws-user';
export const AI_CHANNEL = 'ai-bot';

/**
 * Claude when a key is configured. Otherwise a deterministic mock: every turn it looks up order
 * A1001 and answers with the result, whatever was asked (a mock cannot read the conversation).
 */
function supportProvider(config: ServiceConfig): AIProvider {
  // The mock streams its answer word by word, so the chat page shows it growing as Claude's would.
  if (!config.ANTHROPIC_API_KEY) return mockSupportProvider('A1001', { streaming: true, chunkDelayMs: 60 });
  return createAnthropicProvider({ apiKey: config.ANTHROPIC_API_KEY, ...(config.ANTHROPIC_MODEL && { model: config.ANTHROPIC_MODEL }) });
}

/** Twilio when its credentials are configured (webhooks verified with its signature), else a mock. */
function smsProvider(config: ServiceConfig): { provider: SMSProvider; fromNumber: string } {
  if (!config.TWILIO_ACCOUNT_SID || !config.TWILIO_AUTH_TOKEN || !config.TWILIO_FROM_NUMBER) {
    return { provider: new MockSMSProvider(), fromNumber: '+15550000000' };
  }
  const provider = new TwilioSMSProvider({
    accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, from: config.TWILIO_FROM_NUMBER,
    ...(config.TWILIO_API_URL && { baseUrl: config.TWILIO_API_URL }),
  });
  return { provider, fromNumber: config.TWILIO_FROM_NUMBER };
}

/** Card-like digit runs (13–19 digits, spaces or dashes allowed) never reach the timeline or a channel. */
const CARD_NUMBER = /\b(?:\d[ -]?){12,18}\d\b/g;

/** The store named by ROOMKIT_STORE, opened (PostgreSQL connects and migrates here). */
export function openStore(config: ServiceConfig): Promise<ConversationStore> {
  return storeFromSpec(storeSpecOf(config), {
    ...(config.ROOMKIT_STORE_SCHEMA && { postgres: { schema: config.ROOMKIT_STORE_SCHEMA } }),
  });
}

/** Redis when ROOMKIT_REDIS_URL is set (connects now: an unreachable Redis stops the start); else in memory. */
export async function openRealtime(config: ServiceConfig): Promise<RealtimeBackend | undefined> {
  if (!config.ROOMKIT_REDIS_URL) return undefined;
  try {
    return await RedisRealtime.connect(config.ROOMKIT_REDIS_URL, { ...(config.ROOMKIT_REDIS_PREFIX && { prefix: config.ROOMKIT_REDIS_PREFIX }) });
  } catch (err) {
    if (!(err instanceof RealtimeUnavailableError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}

/** The process's JSON logger (stdout, at ROOMKIT_LOG_LEVEL). */
export function loggerOf(config: ServiceConfig, base?: Record<string, unknown>): RoomKitLogger {
  return createLogger({ level: config.ROOMKIT_LOG_LEVEL, ...(base && { base }) });
}

/**
 * Tracing for this process when the OTEL_* variables ask for it (README «Traces»), registered
 * process-wide; `service` names it unless OTEL_SERVICE_NAME does. Call `shutdown()` on the way out.
 */
export function tracingOf(config: ServiceConfig, service: string): Tracing | undefined {
  const settings = tracingEnvOf({
    OTEL_SDK_DISABLED: config.OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER: config.OTEL_TRACES_EXPORTER, OTEL_SERVICE_NAME: config.OTEL_SERVICE_NAME,
    OTEL_EXPORTER_OTLP_ENDPOINT: config.OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
  });
  return settings && startTracingFromEnv({ ...settings, serviceName: settings.serviceName ?? `roomkit-${service}` });
}

export function buildKit(
  config: ServiceConfig, store?: ConversationStore, realtime?: RealtimeBackend, logger: RoomKitLogger = loggerOf(config),
  tracing?: Tracing,
): RoomKit {
  const payloadCodec = payloadCodecOf(config);
  const kit = new RoomKit({
    log: kitLog(logger),
    ...(store && { store }),
    ...(realtime && { realtime }),
    ...(payloadCodec && { payloadCodec }),
    ...(tracing && { tracing }),
    temporal: { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE },
    metrics: new RoomKitMetrics({ defaultMetrics: true }),
  });
  kit.registerChannel(new WebSocketChannel(WS_CHANNEL));
  kit.registerChannel(new SMSChannel('sms', smsProvider(config)));
  buildSupportAgent(kit, { provider: supportProvider(config), channelId: AI_CHANNEL });
  kit.hook(HookTrigger.BEFORE_BROADCAST, { name: 'spam_filter' }, (event) =>
    event.content.type === 'text' && event.content.body.toLowerCase().includes('spam')
      ? HookResult.block('spam detected')
      : HookResult.allow(),
  );
  // Runs on the workers for every message, whoever sent it (REST, a webhook, another service).
  kit.hook(HookTrigger.BEFORE_BROADCAST, { name: 'redact_card_numbers', priority: 1 }, (event) => {
    if (event.content.type !== 'text') return HookResult.allow();
    const body = event.content.body.replace(CARD_NUMBER, '[card number removed]');
    return body === event.content.body ? HookResult.allow() : HookResult.modify({ content: { ...event.content, body } });
  });
  return kit;
}

/**
 * The codec server at `/codec` when ROOMKIT_CODEC_TOKEN is set, for the Temporal CLI and Web UI;
 * `uiOrigin` (the embedded dev server's Web UI) is allowed as a browser origin besides the configured ones.
 */
export function codecServerOf(config: ServiceConfig, uiOrigin?: string): Pick<AppOptions, 'codecServer'> {
  const codec = payloadCodecOf(config);
  if (!codec || !config.ROOMKIT_CODEC_TOKEN) return {};
  const corsOrigins = [...(config.ROOMKIT_CODEC_CORS_ORIGINS ?? []), ...(uiOrigin ? [new URL(uiOrigin).origin] : [])];
  return { codecServer: { codec, token: config.ROOMKIT_CODEC_TOKEN, corsOrigins } };
}

/** What authentication the service runs with: off unless API keys or a JWT secret/JWKS are configured. */
export interface ServiceAuth {
  auth?: Authenticator;
  /** A fresh token for each chat page load (read and write, every room, 15 minutes). */
  pageToken?: () => Promise<string>;
}

/**
 * The service's authenticator, and the chat page's token minter. The page's tokens are HS256 JWTs:
 * signed with ROOMKIT_JWT_SECRET when set (they then verify on every process), else with a random
 * secret of this process only (behind a load balancer set ROOMKIT_JWT_SECRET).
 */
export function authOf(config: ServiceConfig): ServiceAuth {
  if (!config.ROOMKIT_API_KEYS && !config.ROOMKIT_JWT_SECRET && !config.ROOMKIT_JWT_JWKS_URL) return {};
  const secret = config.ROOMKIT_JWT_SECRET ?? randomBytes(32);
  const issuer = config.ROOMKIT_JWT_ISSUER;
  const audience = config.ROOMKIT_JWT_AUDIENCE;
  const auth = createAuthenticator({
    ...(config.ROOMKIT_API_KEYS && { apiKeys: config.ROOMKIT_API_KEYS }),
    jwt: { secret, ...(config.ROOMKIT_JWT_JWKS_URL && { jwksUrl: config.ROOMKIT_JWT_JWKS_URL }), ...(issuer && { issuer }), ...(audience && { audience }) },
  });
  const pageToken = () => signRoomToken(secret, {
    subject: 'chat-page', scopes: ['rooms:read', 'rooms:write'], rooms: ['*'], ttlSeconds: 15 * 60,
    ...(issuer && { issuer }), ...(audience && { audience }),
  });
  return { auth, pageToken };
}

/** The demo room exists once per server; a restart against a persistent server finds it. */
export async function ensureDemoRoom(kit: RoomKit, roomId: string): Promise<void> {
  try {
    await kit.createRoom({ roomId, metadata: { demo: true } });
    await kit.attachChannel(roomId, WS_CHANNEL);
    await kit.attachChannel(roomId, 'sms', { metadata: { phoneNumber: '+15551234567' } });
    await kit.attachChannel(roomId, AI_CHANNEL);
  } catch (err) {
    if ((err as Error).name !== 'RoomAlreadyExistsError') throw err;
  }
}

/**
 * What every HTTP process of the service serves (`npm start` and `workers/http.ts`): the chat page
 * (with a page token when authentication is on), `/metrics`, webhooks (public URL, rate limit),
 * the REST API and MCP with `auth`, and the codec server when configured.
 */
export function appOptionsOf(config: ServiceConfig, auth: ServiceAuth, uiOrigin?: string): AppOptions {
  return {
    chatPage: { wsPath: '/ws', roomId: config.DEMO_ROOM_ID, ...(auth.pageToken && { token: auth.pageToken }) },
    metrics: true,
    ...((config.PUBLIC_URL || config.ROOMKIT_WEBHOOK_RATE) && {
      webhooks: {
        ...(config.PUBLIC_URL && { publicUrl: config.PUBLIC_URL }),
        ...(config.ROOMKIT_WEBHOOK_RATE && { rateLimit: { perMinute: config.ROOMKIT_WEBHOOK_RATE } }),
      },
    }),
    ...(auth.auth && { auth: auth.auth }),
    ...codecServerOf(config, uiOrigin),
  };
}
