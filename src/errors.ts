/**
 * Library errors: one base, one small class per condition, each with an explicit `name` (Temporal's
 * `nonRetryableErrorTypes` and our result mapping match on it) and readonly context.
 */
import type { z } from 'zod';

export class RoomKitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RoomKitError';
  }
}

/**
 * Input refused at a boundary; `issues` are zod's, `field` is the first offending path (for an
 * unknown key, the key itself; for a bare argument, the argument's name).
 */
export class RoomKitValidationError extends RoomKitError {
  readonly field: string;
  constructor(readonly what: string, readonly issues: z.core.$ZodIssue[], prefix: string[] = []) {
    const pathOf = (i: z.core.$ZodIssue): string => {
      const path = [...prefix, ...i.path.map(String)];
      if (i.code === 'unrecognized_keys' && i.keys.length) path.push(i.keys[0]);
      return path.join('.') || '(root)';
    };
    const detail = issues.map((i) => `${pathOf(i)}: ${i.message}`).join('; ');
    super(`invalid ${what}: ${detail}`);
    this.name = 'RoomKitValidationError';
    this.field = issues[0] ? pathOf(issues[0]) : prefix.join('.') || '(root)';
  }
}

export class RoomNotFoundError extends RoomKitError {
  constructor(readonly roomId: string) {
    super(`room not found: ${roomId}`);
    this.name = 'RoomNotFoundError';
  }
}

export class RoomAlreadyExistsError extends RoomKitError {
  constructor(readonly roomId: string) {
    super(`room already exists: ${roomId}`);
    this.name = 'RoomAlreadyExistsError';
  }
}

/**
 * The room refuses writes: it is closed, or archived (RoomKit refuses both identically; `status`
 * says which, and so does the message).
 */
export class RoomClosedError extends RoomKitError {
  constructor(readonly roomId: string, readonly status: 'closed' | 'archived' = 'closed') {
    super(`room is ${status}: ${roomId}`);
    this.name = 'RoomClosedError';
  }
}

/** The channel is registered on the kit but not bound to the room. */
export class ChannelNotFoundError extends RoomKitError {
  constructor(readonly roomId: string, readonly channelId: string) {
    super(`channel ${channelId} is not attached to room ${roomId}`);
    this.name = 'ChannelNotFoundError';
  }
}

export class ParticipantNotFoundError extends RoomKitError {
  constructor(readonly roomId: string, readonly participantId: string) {
    super(`participant ${participantId} not found in room ${roomId}`);
    this.name = 'ParticipantNotFoundError';
  }
}

export class IdentityNotFoundError extends RoomKitError {
  constructor(readonly identityId: string) {
    super(`identity not found: ${identityId}`);
    this.name = 'IdentityNotFoundError';
  }
}

export class ChannelNotRegisteredError extends RoomKitError {
  constructor(readonly channelId: string) {
    super(`channel not registered: ${channelId}`);
    this.name = 'ChannelNotRegisteredError';
  }
}

export class ChannelAlreadyRegisteredError extends RoomKitError {
  constructor(readonly channelId: string) {
    super(`channel already registered: ${channelId}`);
    this.name = 'ChannelAlreadyRegisteredError';
  }
}

/** A provider refused a send (`ProviderResult.success === false`); enters retry and breaker logic. */
/** A provider's answer (`ProviderResult` in the models; structural here so errors import no models). */
export interface ProviderResultLike {
  success: boolean;
  providerMessageId?: string;
  error?: string;
  metadata?: Record<string, unknown>;
}

export class ProviderDeliveryError extends RoomKitError {
  /** How long the vendor asked us to wait (`Retry-After`), if it said. */
  retryAfterMs?: number;
  /** What the provider answered, when it answered (kept on the failed delivery's result, as RoomKit does). */
  providerResult?: ProviderResultLike;
  constructor(readonly code: string, message: string, readonly retryable = true) {
    super(message);
    this.name = 'ProviderDeliveryError';
  }
}

/**
 * A vendor refused a typing indicator or a read receipt (or it could not be asked). Carries what
 * `ProviderDeliveryError` carries (the vendor's own `code`, `retryable`, `retryAfterMs`, the answer)
 * but is its own class: these are best-effort hints about a conversation, not deliveries of room
 * events, so callers usually log them rather than retry a room's delivery lane.
 */
export class ProviderActionError extends RoomKitError {
  retryAfterMs?: number;
  providerResult?: ProviderResultLike;
  constructor(
    readonly provider: string,
    readonly action: 'typing' | 'markRead',
    readonly code: string,
    message: string,
    readonly retryable = true,
  ) {
    super(`${provider} ${action}: ${message}`);
    this.name = 'ProviderActionError';
  }
}

/**
 * A store's database could not be reached when it was opened (refused, unknown host, timed out,
 * refused our login, no such database). Names where it looked, never the credentials.
 */
export class StoreUnavailableError extends RoomKitError {
  constructor(
    readonly store: string,
    readonly host: string,
    readonly port: number,
    readonly database: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${store} unavailable at ${host}:${port}/${database}: ${reason}`, options);
    this.name = 'StoreUnavailableError';
  }
}

/** The kit was used before `start()`/`connect()` or after `close()`. */
export class KitNotStartedError extends RoomKitError {
  constructor(what: string) {
    super(`${what}: call kit.start(), kit.connect() or kit.runWorker() first`);
    this.name = 'KitNotStartedError';
  }
}

/** Maps an error name carried as data (from the room workflow) back to its class. */
export function errorFromInfo(
  info: { type: string; message: string }, ctx: { roomId?: string; channelId?: string; participantId?: string },
): Error {
  const roomId = ctx.roomId ?? '';
  switch (info.type) {
    case 'RoomNotFoundError': return new RoomNotFoundError(roomId);
    // The room words its refusal `room is <status>: <id>` (workflows/room/admin.ts `closedMessage`).
    case 'RoomClosedError': return new RoomClosedError(roomId, info.message.startsWith('room is archived') ? 'archived' : 'closed');
    case 'ChannelNotFoundError': return new ChannelNotFoundError(roomId, ctx.channelId ?? '');
    case 'ChannelNotRegisteredError': return new ChannelNotRegisteredError(ctx.channelId ?? '');
    case 'ParticipantNotFoundError': return new ParticipantNotFoundError(roomId, ctx.participantId ?? '');
    default: {
      const err = new RoomKitError(info.message);
      err.name = info.type;
      return err;
    }
  }
}

/**
 * A webhook whose signature is missing (401) or wrong/stale (403). Nothing was parsed or signalled.
 */
export class WebhookSignatureError extends RoomKitError {
  constructor(readonly provider: string, message: string, readonly status: 401 | 403 = 403) {
    super(`${provider} webhook: ${message}`);
    this.name = 'WebhookSignatureError';
  }
}

/** A webhook body that does not have the vendor's shape; `field` names what is wrong (HTTP 400). */
export class WebhookPayloadError extends RoomKitError {
  constructor(readonly provider: string, readonly field: string, message: string) {
    super(`${provider} webhook: ${field}: ${message}`);
    this.name = 'WebhookPayloadError';
  }
}

/**
 * No webhook is served for this channel id: no channel is registered under it, or the channel
 * receives no webhooks. `processWebhook` answers both with the same 404.
 */
export class WebhookNotSupportedError extends Error {
  constructor(readonly channelId: string) {
    super(`channel ${channelId} does not receive webhooks`);
    this.name = 'WebhookNotSupportedError';
  }
}

/** No stored event of the room has this id (read markers point at stored events). */
export class EventNotFoundError extends RoomKitError {
  constructor(readonly roomId: string, readonly eventId: string) {
    super(`event ${eventId} not found in room ${roomId}`);
    this.name = 'EventNotFoundError';
  }
}

/** An encryption key or key set that cannot be used (wrong length, duplicate or malformed id, no current key). */
export class EncryptionKeyError extends RoomKitError {
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}

/** A payload that cannot be decrypted: its key id is not configured (`keyId`), or it was altered. */
export class PayloadDecryptionError extends RoomKitError {
  constructor(message: string, readonly keyId?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PayloadDecryptionError';
  }
}

/** The codec server refused a caller: no bearer token, or the wrong one (HTTP 401). */
export class CodecUnauthorizedError extends RoomKitError {
  constructor() {
    super('unauthorized');
    this.name = 'CodecUnauthorizedError';
  }
}

/** The codec server was asked to decode a payload it cannot (unknown key id, altered): HTTP 400 with the reason. */
export class CodecPayloadError extends RoomKitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CodecPayloadError';
  }
}

/**
 * A client of the REST API, the MCP server or the WebSocket endpoint without a valid credential:
 * none, an unknown API key, a bad signature, an expired or not-yet-valid token (HTTP 401 with
 * `WWW-Authenticate: Bearer`). `reason` says which, never the credential itself.
 */
export class UnauthenticatedError extends RoomKitError {
  constructor(readonly reason: string) {
    super(`unauthenticated: ${reason}`);
    this.name = 'UnauthenticatedError';
  }
}

/** A valid credential without the scope (`rooms:read`/`rooms:write`) or the room the request needs (HTTP 403). */
export class ForbiddenError extends RoomKitError {
  constructor(readonly reason: string, readonly scope?: string) {
    super(`forbidden: ${reason}`);
    this.name = 'ForbiddenError';
  }
}

/**
 * A request to a path or method the REST API does not serve (HTTP 404, JSON like every other
 * refusal rather than Express's HTML page).
 */
export class RouteNotFoundError extends RoomKitError {
  constructor(readonly method: string, readonly path: string) {
    super(`no route ${method} ${path}`);
    this.name = 'RouteNotFoundError';
  }
}

/**
 * A REST API request with a body that is not JSON (another or no `Content-Type`): HTTP 415, rather
 * than a body left unread and the request served as if it had none.
 */
export class UnsupportedMediaTypeError extends RoomKitError {
  constructor(readonly contentType: string | undefined) {
    super(`request body must be JSON (Content-Type: application/json), got ${contentType === undefined ? 'no Content-Type' : JSON.stringify(contentType)}`);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** Too many requests from one sender (per process): HTTP 429 with `Retry-After` (whole seconds). */
export class RateLimitedError extends RoomKitError {
  constructor(readonly key: string, readonly retryAfterSeconds: number) {
    super(`rate limited: too many messages from ${key}; retry after ${retryAfterSeconds}s`);
    this.name = 'RateLimitedError';
  }
}
