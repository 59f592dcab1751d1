import { beforeEach, describe, expect, it } from 'vitest';
import { MessengerChannel } from '../../../src/channels/messenger.js';
import { ProviderActionError, ProviderDeliveryError } from '../../../src/errors.js';
import { ChannelCapabilities } from '../../../src/models/index.js';
import { MockMessengerProvider } from '../../../src/providers/messenger/index.js';
import { makeBinding, makeContext, makeEvent } from '../../support/factories.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const ctx = makeContext();
const binding = (metadata: Record<string, unknown>) => makeBinding({ channelId: 'fb-main', channelType: 'messenger', metadata });

describe('MessengerChannel', () => {
  let fb: MockMessengerProvider;
  let channel: MessengerChannel;
  beforeEach(() => {
    fb = new MockMessengerProvider({ now: () => NOW });
    channel = new MessengerChannel('fb-main', { provider: fb });
  });

  it('declares RoomKit Messenger capabilities', () => {
    expect(channel.channelType).toBe('messenger');
    expect(channel.recipientKey).toBe('facebookUserId');
    expect(ChannelCapabilities.parse(channel.capabilities())).toEqual({
      mediaTypes: ['text', 'rich', 'media', 'template'],
      maxLength: 2000,
      supportsReadReceipts: true, supportsTyping: true, supportsDelete: true, supportsButtons: true, maxButtons: 3,
      supportsQuickReplies: true, supportsMedia: true,
    });
  });

  it('sends to the binding facebookUserId', async () => {
    const out = await channel.deliver(makeEvent({ index: 2 }), binding({ facebookUserId: '1254459154682919' }), ctx);
    expect(out.providerResult).toEqual({ success: true, providerMessageId: 'm_mock-1' });
    expect(fb.calls[0]).toMatchObject({ to: '1254459154682919', idempotencyKey: 'room-1:2:fb-main', messages: [{ text: 'message 2' }] });
  });

  it('passes the binding message tag, which lets a message out after the 24-hour window', async () => {
    const lastInboundAt = new Date(NOW - 30 * 3600_000).toISOString();
    const refused = channel.deliver(makeEvent(), binding({ facebookUserId: '1', lastInboundAt }), ctx);
    await expect(refused).rejects.toBeInstanceOf(ProviderDeliveryError);
    await expect(refused).rejects.toMatchObject({ code: '10', retryable: false });
    await channel.deliver(makeEvent(), binding({ facebookUserId: '1', lastInboundAt, tag: 'HUMAN_AGENT' }), ctx);
    expect(fb.calls).toHaveLength(1);
    expect(fb.calls[0].tag).toBe('HUMAN_AGENT');
  });

  it('turns a provider refusal into a ProviderDeliveryError with its retryability', async () => {
    fb.failWith = { error: 'Calls to this api have exceeded the rate limit.', code: '613', retryable: true };
    await expect(channel.deliver(makeEvent(), binding({ facebookUserId: '1' }), ctx)).rejects.toMatchObject({ code: '613', retryable: true });
  });

  it('passes typing and read receipts to the provider for the binding facebookUserId', async () => {
    const user = binding({ facebookUserId: '1254459154682919' });
    expect(await channel.sendTyping(user, true)).toBe(true);
    expect(await channel.sendTyping(user, false)).toBe(true);
    expect(await channel.markRead(user, 'mid.1457764197618:41d102a3e1ae206a38')).toBe(true);
    expect(fb.actions).toEqual([
      { to: '1254459154682919', senderAction: 'typing_on' },
      { to: '1254459154682919', senderAction: 'typing_off' },
      { to: '1254459154682919', senderAction: 'mark_seen' },
    ]);
  });

  it('throws a refused typing indicator as ProviderActionError, and a binding without a recipient before the provider', async () => {
    fb.failWith = { error: 'Calls to this api have exceeded the rate limit.', code: '613', retryable: true };
    const refused = channel.sendTyping(binding({ facebookUserId: '1' }), true);
    await expect(refused).rejects.toBeInstanceOf(ProviderActionError);
    await expect(refused).rejects.toMatchObject({ code: '613', retryable: true });
    await expect(channel.markRead(binding({}), 'mid.1')).rejects.toMatchObject({ code: 'missing_recipient', retryable: false });
    expect(fb.actions).toHaveLength(1);
  });

  it('answers false without a provider', async () => {
    const inboundOnly = new MessengerChannel('fb-in');
    expect(await inboundOnly.sendTyping(binding({ facebookUserId: '1' }), true)).toBe(false);
    expect(await inboundOnly.markRead(binding({ facebookUserId: '1' }), 'mid.1')).toBe(false);
  });
});
