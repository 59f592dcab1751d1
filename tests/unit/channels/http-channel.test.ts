import { describe, expect, it } from 'vitest';
import { HTTPChannel } from '../../../src/channels/http.js';
import { HttpWebhookHandler, MockWebhookHTTPProvider } from '../../../src/providers/http-webhook/index.js';
import { makeBinding, makeContext, makeEvent } from '../../support/factories.js';

const ctx = makeContext();

describe('HTTPChannel', () => {
  it('declares RoomKit\'s webhook type, recipient key and capabilities', () => {
    const channel = new HTTPChannel('hook', { provider: new MockWebhookHTTPProvider() });
    expect(channel.channelType).toBe('webhook');
    expect(channel.recipientKey).toBe('recipientId');
    expect(channel.capabilities()).toEqual({ mediaTypes: ['text', 'rich'] });
  });

  it('sends to the binding\'s recipientId with a retry-stable idempotency key', async () => {
    const hook = new MockWebhookHTTPProvider();
    const channel = new HTTPChannel('hook', { provider: hook });
    const b = makeBinding({ channelId: 'hook', channelType: 'webhook', metadata: { recipientId: 'crm-42' } });
    await channel.deliver(makeEvent({ index: 3 }), b, ctx);
    await channel.deliver(makeEvent({ index: 3 }), b, ctx);
    expect(hook.calls.map((c) => [c.to, c.idempotencyKey])).toEqual([['crm-42', 'room-1:3:hook'], ['crm-42', 'room-1:3:hook']]);
  });

  it('can be inbound only, with a webhook handler and no provider', async () => {
    const webhook = new HttpWebhookHandler({ secret: 's3cret' });
    const channel = new HTTPChannel('hook', { webhook });
    expect(channel.webhook).toBe(webhook);
    expect(await channel.deliver(makeEvent(), makeBinding({ metadata: { recipientId: 'x' } }), ctx)).toEqual({});
  });
});
