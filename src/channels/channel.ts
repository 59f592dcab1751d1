/**
 * The Channel contract: one object per channel id, registered once on the kit and bound to many
 * rooms. Channels run node-side only (inside activities); the room workflow sees them as bindings.
 */
import type {
  ChannelBinding, ChannelCapabilities, ChannelCategory, ChannelDirection, ChannelOutput, ChannelType,
  ParsedInboundMessage, ProviderResult, RoomEvent,
} from '../models/index.js';
import { extractText } from '../models/index.js';
import type { WebhookHandler } from '../providers/webhook.js';
import type { RoomContext } from './room-context.js';

/** What `deliver` reports; throwing means the delivery failed. */
export interface DeliverOutput {
  providerResult?: ProviderResult;
}

export abstract class Channel {
  abstract readonly channelType: ChannelType;
  /** Default category when attached; `attachChannel(..., { category })` may override it per room. */
  readonly category: ChannelCategory = 'transport';
  readonly direction: ChannelDirection = 'bidirectional';

  constructor(readonly channelId: string) {
    if (!channelId || typeof channelId !== 'string') throw new TypeError('channelId must be a non-empty string');
  }

  /** How many recent messages this channel wants in its context (the room loads at least 50). */
  get recentEventsWindow(): number {
    return 0;
  }

  /** What this channel can show; snapshotted into each binding at attach time. */
  capabilities(): ChannelCapabilities {
    return { mediaTypes: ['text'] };
  }

  /** Push an event to the outside (transports). The content is already transcoded for this channel. */
  async deliver(_event: RoomEvent, _binding: ChannelBinding, _ctx: RoomContext): Promise<DeliverOutput> {
    return {};
  }

  /** React to an event of the room (intelligence channels answer here). Default: no reaction. */
  async onEvent(_event: RoomEvent, _binding: ChannelBinding, _ctx: RoomContext): Promise<ChannelOutput | undefined> {
    return undefined;
  }

  /**
   * Binding metadata that lets a reply reach this sender in context (the email thread, the time the
   * user last wrote). Merged into the sender's own binding on each inbound message.
   */
  replyContext(_message: ParsedInboundMessage): Record<string, unknown> | undefined {
    return undefined;
  }

  /** How this channel's vendor webhooks are verified and parsed; `createWebhookRouter` serves it. */
  get webhook(): WebhookHandler | undefined {
    return undefined;
  }

  /** Release provider resources; called by `kit.close()`. */
  async close(): Promise<void> {}

  /** Plain text of an event's content, for providers that only send text. Kept as public API. */
  static extractText(event: Pick<RoomEvent, 'content'>): string {
    return extractText(event);
  }
}
