/**
 * An email conversation end to end: a signed raw MIME webhook opens a room for its sender; an agent
 * answers from the room; the reply goes out over real SMTP (loopback) to that sender, in the same
 * thread (In-Reply-To / References) and under the same subject. A second mail moves the thread on.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, EmailChannel, WebSocketChannel, type RoomKit } from '../../src/index.js';
import { SMTPEmailProvider, signEmailWebhook } from '../../src/providers/email/index.js';
import { LoopbackSMTPServer } from '../support/smtp-server.js';
import { eventually, startTestKit } from '../support/kit.js';

const SECRET = 'email-webhook-secret';

function mime(messageId: string, subject: string, body: string, references: string[] = []): Buffer {
  return Buffer.from([
    'From: Ana Customer <Ana@Example.com>',
    'To: support@acme.test',
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    ...(references.length ? [`In-Reply-To: ${references.at(-1)}`, `References: ${references.join(' ')}`] : []),
    'Date: Mon, 23 Nov 2026 10:00:00 +0000',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n'));
}

describe('email conversation through the webhook edge and SMTP', () => {
  let kit: RoomKit;
  let smtp: LoopbackSMTPServer;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    smtp = await LoopbackSMTPServer.start();
    const provider = new SMTPEmailProvider({ host: smtp.host, port: smtp.port, from: 'support@acme.test', inbound: { secret: SECRET } });
    kit = await startTestKit((k) => {
      k.registerChannel(new EmailChannel('email', { provider, fromAddress: 'support@acme.test' }));
      k.registerChannel(new WebSocketChannel('agent'));
    });
    server = createServer(createApp(kit));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await kit?.close();
    await smtp?.close();
  });

  const post = (raw: Buffer) => fetch(`${base}/webhooks/email`, {
    method: 'POST', headers: { 'content-type': 'message/rfc822', 'x-roomkit-signature': signEmailWebhook(SECRET, raw) }, body: raw,
  });

  it('opens a room for the sender; replies thread under the latest mail', async () => {
    expect((await post(mime('<m1@example.com>', 'Order 42 is late', 'Where is my order?'))).status).toBe(200);
    const roomId = await eventually(() => kit.store.findLatestRoom('ana@example.com', 'email', 'active'));
    await eventually(async () => (await kit.store.listEvents(roomId)).some((e) => e.type === 'message'));

    await kit.attachChannel(roomId, 'agent');
    await kit.sendEvent(roomId, 'agent', { type: 'text', body: 'It ships today.' });
    const first = await simpleParser((await eventually(async () => smtp.messages[0])).raw);
    expect(first.to && 'text' in first.to ? first.to.text : '').toContain('ana@example.com');
    expect(first.subject).toBe('Re: Order 42 is late');
    expect(first.inReplyTo).toBe('<m1@example.com>');
    expect(first.text?.trim()).toBe('It ships today.');

    // The customer answers in the thread; the next reply follows the newest mail.
    expect((await post(mime('<m2@example.com>', 'Re: Order 42 is late', 'Thanks!', ['<m1@example.com>', `${first.messageId}`]))).status).toBe(200);
    await eventually(async () => (await kit.store.listEvents(roomId)).filter((e) => e.type === 'message').length === 3);
    await kit.sendEvent(roomId, 'agent', { type: 'text', body: 'You are welcome.' });
    const second = await simpleParser((await eventually(async () => smtp.messages[1])).raw);
    expect(second.inReplyTo).toBe('<m2@example.com>');
    expect(second.references).toEqual(['<m1@example.com>', first.messageId, '<m2@example.com>']);
    expect(second.subject).toBe('Re: Order 42 is late');
  });
});
