import { simpleParser } from 'mailparser';
import { beforeEach, describe, expect, it } from 'vitest';
import { EmailChannel } from '../../../src/channels/email.js';
import { ProviderDeliveryError } from '../../../src/errors.js';
import { EmailWebhook, MockEmailProvider, SMTPEmailProvider } from '../../../src/providers/email/index.js';
import { makeBinding, makeContext, makeEvent } from '../../support/factories.js';
import { LoopbackSMTPServer } from '../../support/smtp-server.js';

const ctx = makeContext();
const emailBinding = (metadata: Record<string, unknown>) =>
  makeBinding({ channelId: 'email-main', channelType: 'email', metadata });

describe('EmailChannel over an email provider', () => {
  let email: MockEmailProvider;
  let channel: EmailChannel;
  beforeEach(() => {
    email = new MockEmailProvider();
    channel = new EmailChannel('email-main', { provider: email, fromAddress: 'help@acme.test' });
  });

  it('declares email capabilities: text, rich and media, with threading', () => {
    expect(channel.channelType).toBe('email');
    expect(channel.recipientKey).toBe('emailAddress');
    expect(channel.capabilities()).toEqual({
      mediaTypes: ['text', 'rich', 'media'], supportsThreading: true, supportsRichText: true, supportsMedia: true,
    });
    expect(channel.providerName).toBe('mock');
  });

  it('sends to the binding emailAddress, with subject and thread headers from the binding metadata', async () => {
    const out = await channel.deliver(makeEvent({ index: 4 }), emailBinding({
      emailAddress: 'ana@example.com', subject: 'Your order #4211',
      inReplyTo: '<CAH3xq9@mail.gmail.com>', references: ['<root@acme.test>'],
    }), ctx);
    expect(out.providerResult?.success).toBe(true);
    expect(email.calls[0].options).toEqual({
      to: 'ana@example.com', from: 'help@acme.test', subject: 'Your order #4211',
      inReplyTo: '<CAH3xq9@mail.gmail.com>', references: ['<root@acme.test>'], idempotencyKey: 'room-1:4:email-main',
    });
    expect(email.calls[0]).toMatchObject({
      subject: 'Re: Your order #4211', references: ['<root@acme.test>', '<CAH3xq9@mail.gmail.com>'],
    });
    expect(out.providerResult?.providerMessageId).toBe(email.calls[0].messageId);
  });

  it('derives the same Message-ID on every retry of one delivery', async () => {
    const binding = emailBinding({ emailAddress: 'ana@example.com' });
    await channel.deliver(makeEvent({ index: 4 }), binding, ctx);
    await channel.deliver(makeEvent({ index: 4 }), binding, ctx);
    await channel.deliver(makeEvent({ index: 5 }), binding, ctx);
    const ids = email.calls.map((c) => c.messageId);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('uses a fixed subject and sender when configured, else the binding, else the provider default', async () => {
    const fixed = new EmailChannel('email-main', { provider: email, subject: 'Support', fromName: 'Acme' });
    await fixed.deliver(makeEvent(), emailBinding({ emailAddress: 'a@x.test', subject: 'ignored', from: 'room@acme.test' }), ctx);
    await fixed.deliver(makeEvent(), emailBinding({ emailAddress: 'a@x.test' }), ctx);
    expect(email.calls.map((c) => [c.options.subject, c.options.from, c.options.fromName])).toEqual([
      ['Support', 'room@acme.test', 'Acme'],
      ['Support', undefined, 'Acme'],
    ]);
  });

  it('throws a permanent missing_recipient error without calling the provider when the binding has no emailAddress', async () => {
    const failure = channel.deliver(makeEvent(), emailBinding({ phoneNumber: '+1555' }), ctx);
    await expect(failure).rejects.toBeInstanceOf(ProviderDeliveryError);
    await expect(failure).rejects.toMatchObject({ code: 'missing_recipient', retryable: false });
    expect(email.calls).toHaveLength(0);
  });

  it('turns an SMTP 5xx into a non-retryable error and a 4xx into a retryable one', async () => {
    email.failWith = { error: '550 5.1.1 mailbox unavailable', code: 'smtp_550' };
    await expect(channel.deliver(makeEvent(), emailBinding({ emailAddress: 'gone@x.test' }), ctx))
      .rejects.toMatchObject({ name: 'ProviderDeliveryError', code: 'smtp_550', retryable: false });
    email.failWith = { error: '451 4.7.1 greylisted', code: 'smtp_451' };
    await expect(channel.deliver(makeEvent(), emailBinding({ emailAddress: 'grey@x.test' }), ctx))
      .rejects.toMatchObject({ code: 'smtp_451', retryable: true });
  });

  it("exposes the provider's inbound webhook, or the one it is given", () => {
    const smtp = new SMTPEmailProvider({ host: '127.0.0.1', from: 'help@acme.test', inbound: { secret: 'a-long-enough-secret-123' } });
    expect(new EmailChannel('e', { provider: smtp }).webhook).toBe(smtp.webhook);
    const own = new EmailWebhook({ secret: 'another-long-secret-456' });
    expect(new EmailChannel('e', { provider: email, webhook: own }).webhook).toBe(own);
    expect(new EmailChannel('e', { provider: email }).webhook).toBeUndefined();
  });

  it('delivers through a real SMTP provider: headers from the binding reach the wire', async () => {
    const server = await LoopbackSMTPServer.start();
    const smtp = new SMTPEmailProvider({ host: server.host, port: server.port, from: 'help@acme.test' });
    const real = new EmailChannel('email-main', { provider: smtp });
    try {
      const binding = emailBinding({ emailAddress: 'ana@example.com', subject: 'Order', inReplyTo: '<p@x.test>', references: '<r@x.test> <p@x.test>' });
      const first = await real.deliver(makeEvent({ index: 2, content: { type: 'text', body: 'On its way.' } }), binding, ctx);
      const retry = await real.deliver(makeEvent({ index: 2, content: { type: 'text', body: 'On its way.' } }), binding, ctx);
      expect(retry.providerResult?.providerMessageId).toBe(first.providerResult?.providerMessageId);
      const mail = await simpleParser(server.last!.raw);
      expect(mail).toMatchObject({
        subject: 'Re: Order', inReplyTo: '<p@x.test>', references: ['<r@x.test>', '<p@x.test>'],
        messageId: first.providerResult?.providerMessageId,
      });
      expect(mail.text?.trim()).toBe('On its way.');
    } finally {
      await real.close();
      await server.close();
    }
  });
});
