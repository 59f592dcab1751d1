import type { ChannelCapabilities } from '../models/index.js';
import type { WebhookHandler } from '../providers/webhook.js';
import { TransportChannel, type TransportProvider } from './transport.js';

export interface HTTPChannelOptions {
  /** A `WebhookHTTPProvider` (or the mock); absent ⇒ deliveries are no-ops (inbound only). */
  provider?: TransportProvider;
  /** Inbound verification without outbound (`new HttpWebhookHandler({ secret })`), or an override. */
  webhook?: WebhookHandler;
}

/** RoomKit `HTTPChannel`: text and rich, nothing else. */
export const HTTP_CAPABILITIES: ChannelCapabilities = {
  mediaTypes: ['text', 'rich'],
};

/**
 * A generic signed-JSON webhook; the recipient is the binding's `recipientId` metadata.
 *
 * @example
 * kit.registerChannel(new HTTPChannel('crm-hook', { provider: createHttpWebhookProvider({ url, secret }) }));
 * await kit.attachChannel('room-1', 'crm-hook', { metadata: { recipientId: 'crm-42' } });
 */
export class HTTPChannel extends TransportChannel {
  constructor(channelId: string, options: HTTPChannelOptions = {}) {
    super(channelId, {
      channelType: 'webhook',
      provider: options.provider,
      webhook: options.webhook,
      capabilities: HTTP_CAPABILITIES,
      recipientKey: 'recipientId',
    });
  }
}
