import { beforeEach, describe, expect, it } from 'vitest';
import { WhatsAppChannel } from '../../../src/channels/whatsapp.js';
import { ProviderActionError, ProviderDeliveryError } from '../../../src/errors.js';
import { ChannelCapabilities, InboundMessage } from '../../../src/models/index.js';
import { MockWhatsAppProvider } from '../../../src/providers/whatsapp/index.js';
import { makeBinding, makeContext, makeEvent } from '../../support/factories.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const ctx = makeContext();
const binding = (metadata: Record<string, unknown>) => makeBinding({ channelId: 'wa-main', channelType: 'whatsapp', metadata });

describe('WhatsAppChannel', () => {
  let wa: MockWhatsAppProvider;
  let channel: WhatsAppChannel;
  beforeEach(() => {
    wa = new MockWhatsAppProvider({ now: () => NOW });
    channel = new WhatsAppChannel('wa-main', { provider: wa });
  });

  it('declares RoomKit WhatsApp capabilities', () => {
    expect(channel.channelType).toBe('whatsapp');
    expect(channel.recipientKey).toBe('phoneNumber');
    const caps = ChannelCapabilities.parse(channel.capabilities());
    expect(caps).toEqual({
      mediaTypes: ['text', 'rich', 'media', 'location', 'template'],
      maxLength: 4096,
      supportsReadReceipts: true, supportsTyping: true, supportsReactions: true, supportsEdit: true, supportsDelete: true,
      supportsTemplates: true, supportsRichText: true, supportsButtons: true, maxButtons: 3,
      supportsQuickReplies: true, supportsMedia: true,
    });
  });

  it('sends to the binding phone number with a retry-stable idempotency key', async () => {
    const out = await channel.deliver(makeEvent({ index: 3 }), binding({ phoneNumber: '+16505551234' }), ctx);
    expect(out.providerResult).toEqual({ success: true, providerMessageId: 'wamid.mock-1' });
    expect(wa.calls[0]).toMatchObject({
      kind: 'send', to: '+16505551234', idempotencyKey: 'room-1:3:wa-main',
      bodies: [{ type: 'text', text: { preview_url: false, body: 'message 3' } }],
    });
  });

  it('refuses free text outside the 24-hour window from the binding lastInboundAt, permanently and clearly', async () => {
    const stale = binding({ phoneNumber: '+16505551234', lastInboundAt: new Date(NOW - 25 * 3600_000).toISOString() });
    const failure = channel.deliver(makeEvent(), stale, ctx);
    await expect(failure).rejects.toBeInstanceOf(ProviderDeliveryError);
    await expect(failure).rejects.toMatchObject({ code: '131047', retryable: false });
    await expect(failure).rejects.toThrow(/24-hour customer-service window is closed.*template/s);
    expect(wa.calls).toHaveLength(0);
  });

  it('still delivers a template outside the window', async () => {
    const stale = binding({ phoneNumber: '+16505551234', lastInboundAt: NOW - 72 * 3600_000 });
    const event = makeEvent({ content: { type: 'template', templateId: 'reengage', parameters: { 1: 'Ana' } } });
    await channel.deliver(event, stale, ctx);
    expect(wa.calls[0].bodies[0]).toEqual({
      type: 'template',
      template: { name: 'reengage', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }] },
    });
  });

  it('throws missing_recipient when the binding has no phone number', async () => {
    await expect(channel.deliver(makeEvent(), binding({}), ctx)).rejects.toMatchObject({ code: 'missing_recipient', retryable: false });
  });

  it('is a no-op without a provider', async () => {
    expect(await new WhatsAppChannel('wa-in').deliver(makeEvent(), binding({ phoneNumber: '+1' }), ctx)).toEqual({});
  });

  it('remembers the wamid of the user\'s latest message in its reply context', () => {
    const message = InboundMessage.parse({ channelId: 'wa-main', senderId: '16505551234', content: { type: 'text', body: 'hi' }, providerMessageId: 'wamid.IN1' });
    const context = channel.replyContext(message);
    expect(context).toEqual({ lastInboundAt: expect.any(String), lastInboundMessageId: 'wamid.IN1' });
  });

  it('marks a message read and shows typing on the binding\'s latest inbound message unless told which', async () => {
    const user = binding({ phoneNumber: '+16505551234', lastInboundMessageId: 'wamid.IN1' });
    expect(await channel.markRead(user, 'wamid.IN0')).toBe(true);
    expect(await channel.sendTyping(user, true)).toBe(true);
    expect(await channel.sendTyping(user, true, { replyToMessageId: 'wamid.IN2' })).toBe(true);
    expect(await channel.sendTyping(user, false)).toBe(true);
    expect(wa.reads).toEqual([
      { to: '+16505551234', messageId: 'wamid.IN0', typing: false },
      { to: '+16505551234', messageId: 'wamid.IN1', typing: true },
      { to: '+16505551234', messageId: 'wamid.IN2', typing: true },
    ]);
  });

  it('refuses typing when no inbound message is known, as a permanent ProviderActionError', async () => {
    const failure = channel.sendTyping(binding({ phoneNumber: '+16505551234' }), true);
    await expect(failure).rejects.toBeInstanceOf(ProviderActionError);
    await expect(failure).rejects.toMatchObject({ code: 'missing_reply_to', retryable: false });
  });
});
