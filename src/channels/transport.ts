/**
 * A channel that hands events to a vendor provider (SMS, email, WhatsApp…): RoomKit's
 * `TransportChannel`. The binding says who receives (`binding.metadata[recipientKey]`); the provider
 * says whether the vendor accepted. A refusal is thrown as `ProviderDeliveryError` so the delivery
 * activity's retry policy decides what happens next.
 */
import { outboundIdempotencyKey } from '../core/events.js';
import { ProviderActionError, ProviderDeliveryError } from '../errors.js';
import type { ChannelBinding, ChannelCapabilities, ChannelType, ProviderResult, RoomEvent } from '../models/index.js';
import type { TransportProvider } from '../providers/transport.js';
import type { WebhookHandler } from '../providers/webhook.js';
import { Channel, type DeliverOutput } from './channel.js';
import type { RoomContext } from './room-context.js';

// The provider contract lives one layer down; re-exported so existing imports of this module keep working.
export type {
  TransportMarkReadOptions, TransportProvider, TransportSendOptions, TransportTypingOptions,
} from '../providers/transport.js';

export interface TransportChannelOptions {
  channelType: ChannelType;
  /** Absent ⇒ `deliver` is a no-op (a channel registered for inbound only). */
  provider?: TransportProvider;
  capabilities?: ChannelCapabilities;
  /** The binding metadata key holding the recipient address. Default `recipientId`. */
  recipientKey?: string;
  /**
   * Extra send options. A key whose value is `undefined` is read from the binding's metadata instead
   * (e.g. an email `subject` set per room).
   */
  defaults?: Record<string, unknown>;
  /** Overrides the provider's webhook handler (or gives one to an inbound-only channel). */
  webhook?: WebhookHandler;
}

/**
 * @example
 * const push = new TransportChannel('push-main', {
 *   channelType: 'push', provider: pushProvider, recipientKey: 'deviceToken',
 * });
 */
export class TransportChannel extends Channel {
  readonly channelType: ChannelType;
  readonly recipientKey: string;
  protected readonly provider: TransportProvider | undefined;
  private readonly caps: ChannelCapabilities;
  private readonly defaults: Record<string, unknown>;
  private readonly webhookHandler: WebhookHandler | undefined;

  constructor(channelId: string, options: TransportChannelOptions) {
    super(channelId);
    this.channelType = options.channelType;
    this.provider = options.provider;
    this.caps = structuredClone(options.capabilities ?? { mediaTypes: ['text'] });
    this.recipientKey = options.recipientKey ?? 'recipientId';
    this.defaults = { ...options.defaults };
    this.webhookHandler = options.webhook;
  }

  override get webhook(): WebhookHandler | undefined {
    return this.webhookHandler ?? this.provider?.webhook;
  }

  /** The provider's name, if it has one. */
  get providerName(): string | undefined {
    return this.provider?.name;
  }

  override capabilities(): ChannelCapabilities {
    return structuredClone(this.caps);
  }

  override async deliver(event: RoomEvent, binding: ChannelBinding, _ctx?: RoomContext): Promise<DeliverOutput> {
    if (!this.provider) return {};
    const to = binding.metadata[this.recipientKey];
    if (typeof to !== 'string' || to === '') {
      throw new ProviderDeliveryError('missing_recipient', `binding metadata has no ${this.recipientKey}`, false);
    }
    const result = await this.provider.send(event, {
      ...this.resolveDefaults(binding),
      to,
      // Same room, index and channel on every retry, so the vendor can drop a double send.
      idempotencyKey: outboundIdempotencyKey(binding.roomId, event.index, this.channelId),
    });
    if (!result.success) throw refusal(result);
    return { providerResult: result };
  }

  /**
   * Shows (`on`) or clears the vendor's typing indicator for this binding's recipient, with the
   * same binding defaults a delivery gets (Teams `serviceUrl`…). Resolves `false` when there is
   * nothing to ask (no provider, or one whose vendor has no typing indicator), `true` once the
   * vendor accepted; a refusal throws `ProviderActionError`. Best effort by nature: callers usually
   * log a failure rather than retry it.
   */
  async sendTyping(binding: ChannelBinding, on: boolean, options: { replyToMessageId?: string } = {}): Promise<boolean> {
    if (!this.provider?.sendTyping) return false;
    const to = this.recipientOf(binding, 'typing');
    await this.provider.sendTyping(to, { ...this.resolveDefaults(binding), ...options, on });
    return true;
  }

  /**
   * Tells the vendor we read `providerMessageId` (an inbound message of this binding's recipient).
   * `false` when there is nothing to ask (no provider, or no read receipts at this vendor, e.g.
   * Teams); a refusal throws `ProviderActionError`.
   */
  async markRead(binding: ChannelBinding, providerMessageId: string): Promise<boolean> {
    if (!this.provider?.markRead) return false;
    const to = this.recipientOf(binding, 'markRead');
    await this.provider.markRead(providerMessageId, to, this.resolveDefaults(binding));
    return true;
  }

  override async close(): Promise<void> {
    await this.provider?.close?.();
  }

  private recipientOf(binding: ChannelBinding, action: ProviderActionError['action']): string {
    const to = binding.metadata[this.recipientKey];
    if (typeof to !== 'string' || to === '') {
      throw new ProviderActionError(this.provider?.name ?? this.channelId, action, 'missing_recipient', `binding metadata has no ${this.recipientKey}`, false);
    }
    return to;
  }

  private resolveDefaults(binding: ChannelBinding): Record<string, unknown> {
    const resolved: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this.defaults)) {
      const actual = value === undefined ? binding.metadata[key] : value;
      if (actual !== undefined) resolved[key] = actual;
    }
    return resolved;
  }
}

/** `success: false` ⇒ the error the retry policy judges: code and retryability from the provider. */
function refusal(result: ProviderResult): ProviderDeliveryError {
  const meta = result.metadata ?? {};
  const code = typeof meta.code === 'string' || typeof meta.code === 'number' ? String(meta.code) : undefined;
  const retryable = typeof meta.retryable === 'boolean' ? meta.retryable : true;
  const error = new ProviderDeliveryError(
    code ?? result.error ?? 'DeliveryFailed',
    result.error ?? 'provider refused the delivery',
    retryable,
  );
  // A vendor's Retry-After becomes Temporal's next retry delay (activities/failures.ts).
  if (typeof meta.retryAfterMs === 'number' && meta.retryAfterMs > 0) error.retryAfterMs = meta.retryAfterMs;
  error.providerResult = result;
  return error;
}
