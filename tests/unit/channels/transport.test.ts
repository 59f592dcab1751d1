import { beforeEach, describe, expect, it } from 'vitest';
import { SMSChannel, TransportChannel } from '../../../src/channels/index.js';
import { ProviderDeliveryError } from '../../../src/errors.js';
import { MockSMSProvider } from '../../../src/providers/sms/index.js';
import { makeBinding, makeContext, makeEvent } from '../../support/factories.js';

const ctx = makeContext();

describe('SMSChannel over an SMS provider', () => {
  let sms: MockSMSProvider;
  let channel: SMSChannel;
  beforeEach(() => {
    sms = new MockSMSProvider();
    channel = new SMSChannel('sms-main', { provider: sms, fromNumber: '+15550000000' });
  });

  it('declares SMS capabilities', () => {
    expect(channel.channelType).toBe('sms');
    expect(channel.capabilities()).toEqual({
      mediaTypes: ['text', 'media'], maxLength: 1600, supportsReadReceipts: true, supportsMedia: true,
    });
    expect(channel.providerName).toBe('mock');
  });

  it('sends to the phone number in the binding metadata, from the configured number', async () => {
    const event = makeEvent({ index: 4 });
    const out = await channel.deliver(event, makeBinding({ metadata: { phoneNumber: '+15551112222' } }), ctx);

    expect(out.providerResult).toEqual({ success: true, providerMessageId: 'mock-sms-1', metadata: { segments: 1, encoding: 'GSM-7' } });
    expect(sms.calls).toHaveLength(1);
    expect(sms.sent[0]).toMatchObject({ to: '+15551112222', from: '+15550000000', event });
  });

  it('sends an idempotency key that is the same on every retry of one delivery', async () => {
    const binding = makeBinding({ metadata: { phoneNumber: '+15551112222' } });
    await channel.deliver(makeEvent({ index: 4 }), binding, ctx);
    await channel.deliver(makeEvent({ index: 4 }), binding, ctx);
    await channel.deliver(makeEvent({ index: 5 }), binding, ctx);
    expect(sms.calls.map((c) => c.idempotencyKey)).toEqual(['room-1:4:sms-main', 'room-1:4:sms-main', 'room-1:5:sms-main']);
  });

  it('takes the sender from the binding when no from number is configured', async () => {
    const perRoom = new SMSChannel('sms-main', { provider: sms });
    await perRoom.deliver(makeEvent(), makeBinding({ metadata: { phoneNumber: '+1555', from: '+1666' } }), ctx);
    await perRoom.deliver(makeEvent(), makeBinding({ metadata: { phoneNumber: '+1555' } }), ctx);
    expect(sms.calls.map((c) => c.from)).toEqual(['+1666', undefined]);
  });

  it('throws a permanent missing_recipient error without calling the provider when the binding has no phone number', async () => {
    const failure = channel.deliver(makeEvent(), makeBinding({ metadata: { recipientId: '+1555' } }), ctx);
    await expect(failure).rejects.toBeInstanceOf(ProviderDeliveryError);
    await expect(failure).rejects.toMatchObject({
      code: 'missing_recipient', message: 'binding metadata has no phoneNumber', retryable: false,
    });
    expect(sms.calls).toHaveLength(0);
  });

  it('turns a permanent refusal into a non-retryable ProviderDeliveryError with the provider code', async () => {
    sms.failWith = { error: "The 'To' number is not a valid phone number", code: '21211', retryable: false };
    const failure = channel.deliver(makeEvent(), makeBinding({ metadata: { phoneNumber: 'bogus' } }), ctx);
    await expect(failure).rejects.toBeInstanceOf(ProviderDeliveryError);
    await expect(failure).rejects.toMatchObject({
      name: 'ProviderDeliveryError', code: '21211', message: "The 'To' number is not a valid phone number", retryable: false,
    });
    expect(sms.calls).toHaveLength(1);
  });

  it('treats a refusal as retryable unless the provider says otherwise', async () => {
    sms.failWith = { error: 'rate_limited' };
    await expect(channel.deliver(makeEvent(), makeBinding({ metadata: { phoneNumber: '+1555' } }), ctx))
      .rejects.toMatchObject({ code: 'rate_limited', retryable: true });
  });

  it('lets an unclassified provider exception through unchanged', async () => {
    const boom = new Error('ECONNRESET');
    sms.throwError = boom;
    await expect(channel.deliver(makeEvent(), makeBinding({ metadata: { phoneNumber: '+1555' } }), ctx)).rejects.toBe(boom);
  });

  it('does nothing without a provider', async () => {
    const inboundOnly = new SMSChannel('sms-in');
    expect(await inboundOnly.deliver(makeEvent(), makeBinding(), ctx)).toEqual({});
  });

  it('forgets recorded calls on reset', async () => {
    await channel.deliver(makeEvent(), makeBinding({ metadata: { phoneNumber: '+1555' } }), ctx);
    sms.reset();
    expect(sms.calls).toHaveLength(0);
    const out = await channel.deliver(makeEvent(), makeBinding({ metadata: { phoneNumber: '+1555' } }), ctx);
    expect(out.providerResult?.providerMessageId).toBe('mock-sms-1');
  });
});

describe('TransportChannel', () => {
  it('falls back to DeliveryFailed when a refusal carries neither code nor error', async () => {
    const channel = new TransportChannel('push-main', {
      channelType: 'push',
      provider: { send: async () => ({ success: false }) },
    });
    await expect(channel.deliver(makeEvent(), makeBinding({ metadata: { recipientId: 'device-1' } }), ctx))
      .rejects.toMatchObject({ code: 'DeliveryFailed', retryable: true });
  });

  it('passes defaults, reading undefined ones from the binding metadata, and never lets them replace the recipient', async () => {
    const seen: Record<string, unknown>[] = [];
    const channel = new TransportChannel('email-main', {
      channelType: 'email',
      recipientKey: 'emailAddress',
      defaults: { from: 'desk@example.com', subject: undefined, to: 'hijack@example.com' },
      provider: { send: async (_event, options) => { seen.push(options); return { success: true }; } },
    });
    await channel.deliver(makeEvent(), makeBinding({ metadata: { emailAddress: 'ann@example.com', subject: 'Your order' } }), ctx);
    expect(seen[0]).toEqual({
      to: 'ann@example.com', from: 'desk@example.com', subject: 'Your order', idempotencyKey: 'room-1:0:email-main',
    });
  });

  it('closes its provider', async () => {
    let closed = false;
    const channel = new TransportChannel('push-main', {
      channelType: 'push',
      provider: { send: async () => ({ success: true }), close: async () => { closed = true; } },
    });
    await channel.close();
    expect(closed).toBe(true);
  });
});
