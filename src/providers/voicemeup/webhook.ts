/**
 * VoiceMeUp inbound SMS/MMS webhooks. VoiceMeUp documents no signature: `verify` checks a shared
 * secret carried in the callback URL's query (`?token=`) or a header (401 missing, 403 wrong). It
 * authenticates the caller but does not protect the body, and it cannot refuse a replay.
 *
 * Split MMS (RoomKit `parse_inbound`): VoiceMeUp delivers a picture message as two webhooks, first
 * the text with a `.mms.html` wrapper as attachment, then the real media. The first is buffered
 * under `source:destination:datetime_transmission` and answered `ignored`; the second merges with
 * it (idempotency key `hash1+hash2`). If no second part arrives within `mmsTimeoutMs`, the text
 * alone goes to `onTimeout`, or is dropped when none is configured. The buffer is in memory, per
 * handler: behind several web processes both parts must reach the same one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { WebhookPayloadError, WebhookSignatureError } from '../../errors.js';
import type { InboundMessage } from '../../models/index.js';
import type { WebhookHandler, WebhookOutcome, WebhookRequest } from '../webhook.js';
import { inboundContent, isoOrNull } from '../sms/content.js';

type Json = Record<string, unknown>;

export interface VoiceMeUpWebhookOptions {
  secret: string;
  tokenParam?: string;
  tokenHeader?: string;
  mmsTimeoutMs?: number;
  /** Receives the text of a split MMS whose media never came. */
  onTimeout?: (message: InboundMessage) => void | Promise<void>;
}

interface PendingPart {
  payload: Json;
  channelId: string;
  timer: NodeJS.Timeout;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

const ATTACHMENT_KEYS = ['attachment', 'attachment_url', 'attachment_mime_type', 'attachment_type'];

function attachmentOf(payload: Json): { url: string; mimeType: string } {
  return {
    url: str(payload.attachment) || str(payload.attachment_url),
    mimeType: str(payload.attachment_mime_type) || str(payload.attachment_type),
  };
}

/** The first half of a split MMS carries a metadata page, not media. */
function isMmsWrapper({ url, mimeType }: { url: string; mimeType: string }): boolean {
  if (!url) return false;
  return url.endsWith('.mms.html') || (mimeType === 'text/html' && url.includes('.mms.'));
}

const correlationKey = (p: Json): string => `${str(p.source_number)}:${str(p.destination_number)}:${str(p.datetime_transmission)}`;

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Checks the shared token from the `tokenHeader` header or the `tokenParam` query parameter.
 * Throws `WebhookSignatureError`: 401 when absent, 403 when wrong.
 *
 * @example
 * verifyVoiceMeUpWebhook(request, { secret: config.webhookSecret });
 */
export function verifyVoiceMeUpWebhook(
  request: WebhookRequest,
  options: Pick<VoiceMeUpWebhookOptions, 'secret' | 'tokenParam' | 'tokenHeader'>,
): void {
  const tokenParam = options.tokenParam ?? 'token';
  const tokenHeader = (options.tokenHeader ?? 'x-webhook-token').toLowerCase();
  let token = request.headers[tokenHeader];
  if (!token) {
    try {
      token = new URL(request.url).searchParams.get(tokenParam) ?? undefined;
    } catch {
      token = undefined;
    }
  }
  if (!token) throw new WebhookSignatureError('voicemeup', `missing ${tokenParam} query parameter or ${tokenHeader} header`, 401);
  // Digests first, so the comparison neither fails on length nor leaks it.
  if (!timingSafeEqual(sha256(token), sha256(options.secret))) {
    throw new WebhookSignatureError('voicemeup', 'webhook token does not match', 403);
  }
}

/** Where the first half of a split MMS waits for its media; the handler keeps one in memory. */
export interface SplitMmsBuffer {
  /** Keeps a first half under `key` (a later one with the same key replaces it). */
  hold(key: string, payload: Json, channelId: string): void;
  /** Removes and returns the first half waiting under `key`. */
  take(key: string): Json | undefined;
}

/**
 * A verified webhook as data: an inbound SMS/MMS ⇒ `messages`, another direction ⇒ `ignored`.
 * The first half of a split MMS is `ignored` too; with a `splitMms` buffer it is held there and
 * merged into the second half, without one its text is dropped (the function keeps no state).
 * Throws `WebhookPayloadError` naming the field.
 *
 * @example
 * const outcome = parseVoiceMeUpWebhook(request, 'sms-main');
 */
export function parseVoiceMeUpWebhook(request: WebhookRequest, channelId: string, splitMms?: SplitMmsBuffer): WebhookOutcome {
  const payload = parseBody(request);
  if (!str(payload.source_number)) throw new WebhookPayloadError('voicemeup', 'source_number', 'must be a non-empty string');
  if (!str(payload.sms_hash)) throw new WebhookPayloadError('voicemeup', 'sms_hash', 'must be a non-empty string');
  if (payload.direction !== undefined && payload.direction !== 'inbound') {
    return { kind: 'ignored', reason: `voicemeup message with direction ${str(payload.direction)}` };
  }
  const key = correlationKey(payload);
  if (isMmsWrapper(attachmentOf(payload))) {
    splitMms?.hold(key, payload, channelId);
    return { kind: 'ignored', reason: 'first part of a split MMS, waiting for its media' };
  }
  const first = splitMms?.take(key);
  if (first) {
    const merged = { ...payload, message: first.message ?? '', sms_hash: `${str(first.sms_hash)}+${str(payload.sms_hash)}` };
    return { kind: 'messages', messages: [toInbound(merged, { parts: [first, payload] }, channelId)] };
  }
  return { kind: 'messages', messages: [toInbound(payload, payload, channelId)] };
}

/**
 * @example
 * const handler = new VoiceMeUpWebhookHandler({ secret, onTimeout: (m) => kit.processInbound(m) });
 */
export class VoiceMeUpWebhookHandler implements WebhookHandler {
  readonly provider = 'voicemeup';
  private mmsTimeoutMs: number;
  private onTimeout: VoiceMeUpWebhookOptions['onTimeout'];
  private readonly pending = new Map<string, PendingPart>();
  private readonly splitMms: SplitMmsBuffer = {
    hold: (key, payload, channelId) => this.buffer(key, payload, channelId),
    take: (key) => {
      const part = this.pending.get(key);
      if (!part) return undefined;
      clearTimeout(part.timer);
      this.pending.delete(key);
      return part.payload;
    },
  };

  constructor(private readonly options: VoiceMeUpWebhookOptions) {
    this.mmsTimeoutMs = options.mmsTimeoutMs ?? 5_000;
    this.onTimeout = options.onTimeout;
  }

  /** RoomKit `configure_mms`: how long to wait for the media half, and who gets orphaned text. */
  configureMms(options: { timeoutMs?: number; onTimeout?: VoiceMeUpWebhookOptions['onTimeout'] }): void {
    if (options.timeoutMs !== undefined) this.mmsTimeoutMs = options.timeoutMs;
    if (options.onTimeout !== undefined) this.onTimeout = options.onTimeout;
  }

  /** Split-MMS first halves still waiting. */
  get pendingCount(): number {
    return this.pending.size;
  }

  verify(request: WebhookRequest): void {
    verifyVoiceMeUpWebhook(request, this.options);
  }

  parse(request: WebhookRequest, channelId: string): WebhookOutcome {
    return parseVoiceMeUpWebhook(request, channelId, this.splitMms);
  }

  /** Drops buffered halves and their timers (provider `close`). */
  close(): void {
    for (const part of this.pending.values()) clearTimeout(part.timer);
    this.pending.clear();
  }

  private buffer(key: string, payload: Json, channelId: string): void {
    const previous = this.pending.get(key);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => void this.expire(key), this.mmsTimeoutMs);
    // A waiting half must not keep the process alive.
    timer.unref();
    this.pending.set(key, { payload, channelId, timer });
  }

  private async expire(key: string): Promise<void> {
    const part = this.pending.get(key);
    if (!part) return;
    this.pending.delete(key);
    if (!this.onTimeout) return;
    const textOnly = Object.fromEntries(Object.entries(part.payload).filter(([k]) => !ATTACHMENT_KEYS.includes(k)));
    await this.onTimeout(toInbound(textOnly, part.payload, part.channelId));
  }
}

/** VoiceMeUp posts a form; JSON is accepted too. */
function parseBody(request: WebhookRequest): Json {
  const raw = request.rawBody.toString('utf8');
  const type = request.headers['content-type'] ?? '';
  if (type.includes('json') || raw.trimStart().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new WebhookPayloadError('voicemeup', 'body', 'is not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new WebhookPayloadError('voicemeup', 'body', 'must be a JSON object');
    }
    return parsed as Json;
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function toInbound(payload: Json, rawPayload: Json, channelId: string): InboundMessage {
  const id = str(payload.sms_hash);
  const { url, mimeType } = attachmentOf(payload);
  const media = url ? [{ url, mimeType: mimeType || undefined }] : [];
  return {
    channelId,
    senderId: str(payload.source_number),
    content: inboundContent(str(payload.message), media),
    externalId: id,
    providerMessageId: id,
    idempotencyKey: id,
    rawPayload,
    metadata: {
      provider: 'voicemeup',
      recipient: str(payload.destination_number),
      timestamp: isoOrNull(payload.datetime_transmission),
      datetimeTransmission: str(payload.datetime_transmission),
      hasAttachment: media.length > 0,
    },
  };
}
