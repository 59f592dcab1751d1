/** Process configuration, parsed once at the entry point with a readable error. */
import { z } from 'zod';
import { StoreSpecSchema, type StoreSpec } from '../src/store/index.js';
import { AesGcmPayloadCodec, parseEncryptionKeys } from '../src/temporal/codec.js';
import { parseApiKeys } from '../src/server/auth/api-keys.js';
import { LOG_LEVELS } from '../src/telemetry/logger.js';

const port = z.coerce.number().int().min(0).max(65_535);
/** An optional setting where an empty value (`FOO=`) means unset. */
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());

export const ServiceConfig = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(3000),
  /** An existing Temporal server; unset ⇒ the all-in-one process starts the embedded dev server. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('roomkit'),
  /** Web UI port of the embedded dev server (0 = any free port). */
  TEMPORAL_UI_PORT: port.default(8233),
  /** Persist the embedded dev server's state in this SQLite file (unset = in memory). */
  TEMPORAL_DB_FILE: z.string().min(1).optional(),
  /** The demo room created at start-up. */
  DEMO_ROOM_ID: z.string().min(1).default('demo'),
  /** Set ⇒ the demo room's support agent is Claude; unset ⇒ a scripted mock model. Never logged. */
  ANTHROPIC_API_KEY: optionalString,
  /** The Claude model (default: the provider's). */
  ANTHROPIC_MODEL: optionalString,
  /**
   * Where rooms' timelines live: `memory` (default; this process only), `sqlite:<path>` (one machine)
   * or `postgres://user:password@host:5432/db` (every multi-process deployment).
   */
  ROOMKIT_STORE: z.string().optional().transform((raw, ctx): StoreSpec | undefined => {
    if (raw === undefined) return undefined; // unset: see storeSpecOf
    const parsed = StoreSpecSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
    return z.NEVER;
  }),
  /** PostgreSQL schema for the store's tables (default `public`): several deployments in one database. */
  ROOMKIT_STORE_SCHEMA: optionalString,
  /**
   * Redis for the realtime plane (`redis://host:6379`): WebSocket deliveries, typing, presence and
   * read receipts reach sockets on every process. Unset ⇒ in memory (one process only).
   */
  ROOMKIT_REDIS_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^rediss?:\/\/\S+$/, 'expected redis://host:port (or rediss://)').optional()),
  /** Prefix of the Redis channels (default `roomkit:`): several deployments on one Redis. */
  ROOMKIT_REDIS_PREFIX: optionalString,
  /**
   * Set all three ⇒ the demo's `sms` channel sends through Twilio and verifies Twilio's webhook
   * signatures at `/webhooks/sms`; unset ⇒ a mock SMS provider. The token is never logged.
   */
  TWILIO_ACCOUNT_SID: optionalString,
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_FROM_NUMBER: optionalString,
  /** Twilio's API origin (default https://api.twilio.com); a loopback fake in tests. */
  TWILIO_API_URL: optionalString,
  /**
   * Encrypt every Temporal payload (README «Encrypted history»): `keyid:base64key[,keyid:base64key…]`,
   * 32-byte AES-256 keys; the first is current unless ROOMKIT_ENCRYPTION_KEY_ID names another. Keep
   * retired keys listed: histories written with them stay readable. Unset ⇒ no encryption. Never logged.
   */
  ROOMKIT_ENCRYPTION_KEYS: optionalString.transform((raw, ctx) => {
    if (raw === undefined) return undefined;
    try {
      return parseEncryptionKeys(raw);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }),
  /** The key new payloads are encrypted with (default: the first of ROOMKIT_ENCRYPTION_KEYS). */
  ROOMKIT_ENCRYPTION_KEY_ID: optionalString,
  /**
   * Serve the codec server at `/codec` for the Temporal CLI and Web UI, for callers sending
   * `Authorization: Bearer <this token>` (at least 16 characters). Needs ROOMKIT_ENCRYPTION_KEYS.
   */
  ROOMKIT_CODEC_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** Browser origins allowed to call the codec server (the Web UI's), comma-separated: `http://localhost:8233`. */
  ROOMKIT_CODEC_CORS_ORIGINS: optionalString.transform((raw, ctx) => {
    if (raw === undefined) return undefined;
    const origins = raw.split(',').map((o) => o.trim()).filter(Boolean);
    for (const o of origins) {
      let origin: string | undefined;
      try {
        const url = new URL(o);
        origin = ['http:', 'https:'].includes(url.protocol) ? url.origin : undefined;
      } catch {
        origin = undefined;
      }
      if (origin !== o) ctx.addIssue({ code: 'custom', message: `"${o}" is not an origin like http://localhost:8233 (scheme, host, port; no path)` });
    }
    return origins;
  }),
  /**
   * A worker-only process (`npm run worker`) serves its Prometheus metrics at
   * `http://HOST:<this port>/metrics` (deliveries, hooks, AI and tools are counted where activities
   * run). Unset ⇒ none. The HTTP processes serve `/metrics` on PORT.
   */
  ROOMKIT_METRICS_PORT: z.preprocess((v) => (v === '' ? undefined : v), port.optional()),
  /**
   * The Temporal SDK's own worker metrics (`temporal_…`) on their own Prometheus endpoint,
   * `host:port` (e.g. `127.0.0.1:9464`, scraped at `/metrics`), in processes that run a worker.
   * Unset ⇒ not exported.
   */
  ROOMKIT_TEMPORAL_METRICS_ADDRESS: optionalString.pipe(z.string().regex(/^\S+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:9464').optional()),
  /**
   * Authenticated clients (README «Authentication»): setting ROOMKIT_API_KEYS or ROOMKIT_JWT_SECRET /
   * ROOMKIT_JWT_JWKS_URL turns authentication on for the REST API, MCP and the WebSocket endpoint.
   * API keys: `key:read+write:room-a|support-*,key2:read` (rooms default `*`) or a JSON list. Never logged.
   */
  ROOMKIT_API_KEYS: optionalString.transform((raw, ctx) => {
    if (raw === undefined) return undefined;
    try {
      return parseApiKeys(raw);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }),
  /** HS256 secret of bearer JWTs (at least 32 characters). Never logged. */
  ROOMKIT_JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters (HS256)').optional()),
  /** A JWKS URL for RS256/ES256/EdDSA bearer JWTs (an identity provider's `…/.well-known/jwks.json`). */
  ROOMKIT_JWT_JWKS_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional()),
  /** Expected `iss` of bearer JWTs (unset ⇒ not checked). */
  ROOMKIT_JWT_ISSUER: optionalString,
  /** Expected `aud` of bearer JWTs (unset ⇒ not checked). */
  ROOMKIT_JWT_AUDIENCE: optionalString,
  /** Webhook messages per sender (channel + sender id) per minute, per process; over it ⇒ 429. Unset ⇒ no limit. */
  ROOMKIT_WEBHOOK_RATE: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number({ error: 'expected a whole number of messages per minute' }).int('expected a whole number of messages per minute').positive('must be > 0').optional()),
  /**
   * The level of the JSON log lines on stdout (README «Logs»): trace, debug, info (default), warn,
   * error, fatal or silent. Also the Temporal SDK's logs in processes that run a worker.
   */
  ROOMKIT_LOG_LEVEL: z.preprocess((v) => (v === '' ? undefined : v), z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info')),
  /**
   * Tracing (README «Traces») by OpenTelemetry's own variables, off by default: on with
   * OTEL_TRACES_EXPORTER=otlp|console or an OTLP endpoint; OTEL_SDK_DISABLED=true turns it off.
   * The OTLP exporter also reads OTEL_EXPORTER_OTLP_HEADERS / _TIMEOUT itself.
   */
  OTEL_SDK_DISABLED: optionalString.pipe(z.enum(['true', 'false'], { error: 'expected true or false' }).optional()),
  OTEL_TRACES_EXPORTER: optionalString.pipe(z.enum(['otlp', 'console', 'none'], { error: 'expected otlp, console or none' }).optional()),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional()),
  OTEL_SERVICE_NAME: optionalString,
  /** The URL Twilio calls for `/webhooks/sms` when a proxy rewrites it (signatures cover the URL). */
  PUBLIC_URL: optionalString,
}).superRefine((c, ctx) => {
  if (c.ROOMKIT_ENCRYPTION_KEY_ID !== undefined) {
    if (!c.ROOMKIT_ENCRYPTION_KEYS) {
      ctx.addIssue({ code: 'custom', path: ['ROOMKIT_ENCRYPTION_KEY_ID'], message: 'set ROOMKIT_ENCRYPTION_KEYS too' });
    } else if (!(c.ROOMKIT_ENCRYPTION_KEY_ID in c.ROOMKIT_ENCRYPTION_KEYS.keys)) {
      const known = Object.keys(c.ROOMKIT_ENCRYPTION_KEYS.keys).join(', ');
      ctx.addIssue({ code: 'custom', path: ['ROOMKIT_ENCRYPTION_KEY_ID'], message: `"${c.ROOMKIT_ENCRYPTION_KEY_ID}" is not a key id of ROOMKIT_ENCRYPTION_KEYS (${known})` });
    }
  }
  if (c.ROOMKIT_CODEC_TOKEN && !c.ROOMKIT_ENCRYPTION_KEYS) {
    ctx.addIssue({ code: 'custom', path: ['ROOMKIT_CODEC_TOKEN'], message: 'the codec server needs ROOMKIT_ENCRYPTION_KEYS (nothing is encrypted without them)' });
  }
  if (c.ROOMKIT_CODEC_CORS_ORIGINS && !c.ROOMKIT_CODEC_TOKEN) {
    ctx.addIssue({ code: 'custom', path: ['ROOMKIT_CODEC_CORS_ORIGINS'], message: 'set ROOMKIT_CODEC_TOKEN too (the codec server is off without it)' });
  }
  for (const v of ['ROOMKIT_JWT_ISSUER', 'ROOMKIT_JWT_AUDIENCE'] as const) {
    if (c[v] && !c.ROOMKIT_JWT_SECRET && !c.ROOMKIT_JWT_JWKS_URL) {
      ctx.addIssue({ code: 'custom', path: [v], message: 'set ROOMKIT_JWT_SECRET or ROOMKIT_JWT_JWKS_URL too (no JWT is accepted without them)' });
    }
  }
  const twilio = [c.TWILIO_ACCOUNT_SID, c.TWILIO_AUTH_TOKEN, c.TWILIO_FROM_NUMBER].filter(Boolean).length;
  if (twilio > 0 && twilio < 3) {
    ctx.addIssue({ code: 'custom', path: ['TWILIO_ACCOUNT_SID'], message: 'set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER together' });
  }
});
export type ServiceConfig = z.infer<typeof ServiceConfig>;

/**
 * The store to open: `ROOMKIT_STORE`, else (unset) a SQLite file beside a persistent embedded
 * Temporal server (`TEMPORAL_DB_FILE`), so that rooms that survive a restart keep their timeline
 * too; else memory.
 */
export function storeSpecOf(config: ServiceConfig): StoreSpec {
  if (config.ROOMKIT_STORE) return config.ROOMKIT_STORE;
  if (config.TEMPORAL_DB_FILE) return { kind: 'sqlite', path: `${config.TEMPORAL_DB_FILE}.roomkit.db` };
  return { kind: 'memory' };
}

/** The codec of every process of the service (client and worker alike), when encryption is configured. */
export function payloadCodecOf(config: ServiceConfig): AesGcmPayloadCodec | undefined {
  const keys = config.ROOMKIT_ENCRYPTION_KEYS;
  if (!keys) return undefined;
  return new AesGcmPayloadCodec({ keys: keys.keys, currentKeyId: config.ROOMKIT_ENCRYPTION_KEY_ID ?? keys.currentKeyId });
}

/**
 * A worker or HTTP process started on its own shares rooms with other processes: a store that lives
 * in one process would make each see a different timeline (and hooks could not read the room).
 */
export function requireSharedStore(config: ServiceConfig, role: 'worker' | 'HTTP server'): void {
  if ((config.ROOMKIT_STORE?.kind ?? 'memory') === 'memory') {
    console.error(`The ${role} process runs apart from the others, so they must share a store, but ROOMKIT_STORE is memory (this process only).
Set ROOMKIT_STORE=postgres://user:password@host:5432/roomkit (or sqlite:<path> when every process runs on this machine).`);
    process.exit(2);
  }
  // Workers deliver to WebSocket clients held by HTTP processes: only a shared realtime plane connects them.
  if (!config.ROOMKIT_REDIS_URL) {
    console.error(`The ${role} process runs apart from the others, so WebSocket deliveries, typing and presence must cross processes, but ROOMKIT_REDIS_URL is unset (in memory, this process only).
Set ROOMKIT_REDIS_URL=redis://host:6379.`);
    process.exit(2);
  }
}

/** Our own variables are known by name: a misspelt `ROOMKIT_…` is an error, not a silent default. */
const KNOWN_ROOMKIT_VARIABLES = Object.keys(ServiceConfig.shape).filter((k) => k.startsWith('ROOMKIT_'));

function unknownRoomKitVariables(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env).filter((k) => k.startsWith('ROOMKIT_') && !KNOWN_ROOMKIT_VARIABLES.includes(k));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const parsed = ServiceConfig.safeParse(env);
  const unknown = unknownRoomKitVariables(env).map((k) => `  ${k}: not a setting of this service (known: ${KNOWN_ROOMKIT_VARIABLES.join(', ')})`);
  if (!parsed.success || unknown.length) {
    const lines = [...(parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)), ...unknown].join('\n');
    console.error(`Invalid configuration:\n${lines}`);
    process.exit(2);
  }
  return parsed.data!;
}
