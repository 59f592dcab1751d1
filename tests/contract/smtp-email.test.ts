import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomKitValidationError, WebhookPayloadError, WebhookSignatureError } from '../../src/errors.js';
import { InboundMessage } from '../../src/models/index.js';
import {
  EmailWebhook, SMTPEmailProvider, parseInboundEmail, signEmailWebhook, stripQuotedReply,
} from '../../src/providers/email/index.js';
import type { WebhookRequest } from '../../src/providers/webhook.js';
import { makeEvent } from '../support/factories.js';
import { LoopbackSMTPServer } from '../support/smtp-server.js';
import { VendorFake } from '../support/vendor-fake.js';
import { textEvent, transportProviderContract, type VendorFailure } from './transport-provider-contract.js';

const SECRET = 'email-webhook-secret-0123456789';
const fixture = (name: string): Promise<Buffer> => readFile(new URL(`../fixtures/email/${name}`, import.meta.url));

function mimeRequest(rawBody: Buffer, headers: Record<string, string> = {}): WebhookRequest {
  return {
    method: 'POST', url: 'https://rooms.acme.test/webhooks/email',
    headers: { 'content-type': 'message/rfc822', ...headers }, rawBody,
  };
}
const signed = (raw: Buffer, secret = SECRET): WebhookRequest => mimeRequest(raw, { 'x-roomkit-signature': signEmailWebhook(secret, raw) });

async function captured(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

transportProviderContract('smtp email', async () => {
  const server = await LoopbackSMTPServer.start();
  const provider = new SMTPEmailProvider({
    host: server.host, port: server.port, from: 'help@acme.test', inbound: { secret: SECRET },
  });
  const replies: Record<VendorFailure, number> = { permanent: 550, throttled: 451, unavailable: 421 };
  const raw = await fixture('rfc5322-reply.eml');
  return {
    provider,
    sendOptions: { to: 'ana@example.com', subject: 'Contract', idempotencyKey: 'room-1:1:email-main' },
    requestCount: () => server.attempts,
    failNext(kind) {
      server.refuseNext(replies[kind]);
      return { code: `smtp_${replies[kind]}` };
    },
    inbound: {
      handler: provider.webhook!,
      signed: () => signed(raw),
      unsigned: () => mimeRequest(raw),
      expect: { senderId: 'jdoe@machine.example', text: 'This is a reply to your reply.', providerMessageId: '<abcd.1234@local.machine.test>' },
    },
    close: async () => {
      await provider.close();
      await server.close();
    },
  };
}, { inbound: true });

describe('SMTPEmailProvider against a loopback SMTP server', () => {
  let server: LoopbackSMTPServer;
  let smtp: SMTPEmailProvider;
  const received = async (): Promise<ParsedMail> => simpleParser(server.last!.raw);

  beforeAll(async () => {
    server = await LoopbackSMTPServer.start();
    smtp = new SMTPEmailProvider({
      host: server.host, port: server.port, from: 'help@acme.test', fromName: 'Acme Support', domain: 'mail.acme.test',
    });
  });
  afterAll(async () => {
    await smtp.close();
    await server.close();
  });

  it('sends From, To, Subject, a Message-ID and the text part; the result id is that Message-ID', async () => {
    const result = await smtp.send(textEvent('Your order #4211 is ready.'), {
      to: 'ana@example.com', subject: 'Your order #4211', idempotencyKey: 'room-1:3:email-main',
    });
    expect(result.success, JSON.stringify(result)).toBe(true);
    expect(server.last).toMatchObject({ from: 'help@acme.test', to: ['ana@example.com'] });
    const mail = await received();
    expect(mail.from?.value).toEqual([{ name: 'Acme Support', address: 'help@acme.test' }]);
    expect(mail.to).toMatchObject({ value: [{ address: 'ana@example.com' }] });
    expect(mail.subject).toBe('Your order #4211');
    expect(mail.messageId).toMatch(/^<rk\.[0-9a-f]{32}@mail\.acme\.test>$/);
    expect(result.providerMessageId).toBe(mail.messageId);
    expect(mail.text?.trim()).toBe('Your order #4211 is ready.');
    expect(mail.html).toBe(false);
    expect(mail.inReplyTo).toBeUndefined();
    expect(mail.references).toBeUndefined();
  });

  it('re-sends the same Message-ID for the same idempotency key (a retried activity) and a new one otherwise', async () => {
    const ids: string[] = [];
    for (const key of ['room-9:7:email-main', 'room-9:7:email-main', 'room-9:8:email-main']) {
      await smtp.send(textEvent('retry me'), { to: 'ana@example.com', subject: 'Retry', idempotencyKey: key });
      ids.push((await received()).messageId!);
    }
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('threads a reply: In-Reply-To the parent, References root … parent, subject prefixed Re: once', async () => {
    await smtp.send(textEvent('Shipping to the office.'), {
      to: 'ana@example.com', subject: 'Your order #4211', idempotencyKey: 'k-reply-1',
      inReplyTo: '<CAH3xq9Vn2k=w7Xb5Zc4pQ@mail.gmail.com>', references: '<root@acme.test>',
    });
    const mail = await received();
    expect(mail.subject).toBe('Re: Your order #4211');
    expect(mail.inReplyTo).toBe('<CAH3xq9Vn2k=w7Xb5Zc4pQ@mail.gmail.com>');
    expect(mail.references).toEqual(['<root@acme.test>', '<CAH3xq9Vn2k=w7Xb5Zc4pQ@mail.gmail.com>']);

    await smtp.send(textEvent('Again.'), {
      to: 'ana@example.com', subject: 'RE: Your order #4211', idempotencyKey: 'k-reply-2',
      inReplyTo: 'parent@example.net', references: ['<root@acme.test>', '<parent@example.net>'],
    });
    const again = await received();
    expect(again.subject).toBe('RE: Your order #4211');
    expect(again.inReplyTo).toBe('<parent@example.net>');
    expect(again.references).toEqual(['<root@acme.test>', '<parent@example.net>']);
  });

  it('sends rich HTML content as text + html alternatives', async () => {
    const event = makeEvent({ content: { type: 'rich', format: 'html', body: '<p>Hello <b>Ana</b> &amp; team</p>' } });
    await smtp.send(event, { to: 'ana@example.com', subject: 'Rich', idempotencyKey: 'k-rich' });
    const mail = await received();
    expect(mail.html).toContain('<p>Hello <b>Ana</b> &amp; team</p>');
    expect(mail.text?.trim()).toBe('Hello Ana & team');
  });

  it('attaches data: media and lists http media as links (no download at send time by default)', async () => {
    const event = makeEvent({
      content: {
        type: 'composite',
        parts: [
          { type: 'text', body: 'Here are the files.' },
          { type: 'media', url: 'data:text/plain;base64,aGVsbG8gZmlsZQ==', mimeType: 'text/plain', filename: 'note.txt' },
          { type: 'media', url: 'https://cdn.acme.test/photos/label.png', mimeType: 'image/png', caption: 'Shipping label' },
        ],
      },
    });
    const result = await smtp.send(event, { to: 'ana@example.com', subject: 'Files', idempotencyKey: 'k-media' });
    expect(result.success, JSON.stringify(result)).toBe(true);
    const mail = await received();
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([['note.txt', 'text/plain', 'hello file']]);
    expect(mail.text).toContain('Here are the files.');
    expect(mail.text).toContain('Shipping label: https://cdn.acme.test/photos/label.png');
  });

  it('downloads http media as attachments in remoteMedia: attach mode', async () => {
    const media = await VendorFake.start(() => ({ status: 200, headers: { 'content-type': 'image/png' }, body: 'PNGBYTES' }));
    const attaching = new SMTPEmailProvider({ host: server.host, port: server.port, from: 'help@acme.test', remoteMedia: 'attach' });
    try {
      const event = makeEvent({ content: { type: 'media', url: `${media.url}/photos/label.png`, mimeType: 'image/png' } });
      const result = await attaching.send(event, { to: 'ana@example.com', subject: 'Label', idempotencyKey: 'k-attach' });
      expect(result.success, JSON.stringify(result)).toBe(true);
      const mail = await received();
      expect(mail.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([['label.png', 'image/png', 'PNGBYTES']]);
      expect(media.last?.path).toBe('/photos/label.png');
    } finally {
      await attaching.close();
      await media.close();
    }
  });

  it('reports a 550 after DATA as non-retryable smtp_550 and a 451 as retryable smtp_451', async () => {
    server.refuseNext(550, '5.7.1 Message rejected as spam', 'data');
    const refused = await smtp.send(textEvent('spam?'), { to: 'ana@example.com', subject: 'x', idempotencyKey: 'k-550' });
    expect(refused).toMatchObject({ success: false, metadata: { code: 'smtp_550', retryable: false, smtpCode: 550 } });
    expect(refused.error).toContain('Message rejected as spam');

    server.refuseNext(451, '4.7.1 Try again later', 'data');
    const deferred = await smtp.send(textEvent('later'), { to: 'ana@example.com', subject: 'x', idempotencyKey: 'k-451' });
    expect(deferred).toMatchObject({ success: false, metadata: { code: 'smtp_451', retryable: true } });
  });

  it('keeps the configured sender unless the send names one', async () => {
    await smtp.send(textEvent('from the room'), { to: 'ana@example.com', from: 'orders@acme.test', fromName: 'Orders', idempotencyKey: 'k-from' });
    expect((await received()).from?.value).toEqual([{ name: 'Orders', address: 'orders@acme.test' }]);
  });
});

describe('SMTPEmailProvider when the server is not there or not talking', () => {
  it('reports a refused connection as retryable network_error', async () => {
    const probe = await LoopbackSMTPServer.start();
    const port = probe.port;
    await probe.close();
    const smtp = new SMTPEmailProvider({ host: '127.0.0.1', port, from: 'help@acme.test', connectionTimeoutMs: 2_000 });
    const result = await smtp.send(textEvent('hello'), { to: 'ana@example.com', idempotencyKey: 'k-down' });
    expect(result).toMatchObject({ success: false, metadata: { code: 'network_error', retryable: true } });
    await smtp.close();
  });

  it('reports a server that never greets as retryable network_error within the greeting timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => { sockets.push(socket); /* accept and say nothing */ });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const smtp = new SMTPEmailProvider({ host: '127.0.0.1', port, from: 'help@acme.test', greetingTimeoutMs: 300 });
    const started = Date.now();
    const result = await smtp.send(textEvent('hello'), { to: 'ana@example.com', idempotencyKey: 'k-silent' });
    expect(result).toMatchObject({ success: false, metadata: { code: 'network_error', retryable: true } });
    expect(Date.now() - started).toBeLessThan(5_000);
    await smtp.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('authenticates, and reports bad credentials as non-retryable smtp_535', async () => {
    const server = await LoopbackSMTPServer.start({ auth: { user: 'rooms', pass: 'right' } });
    const good = new SMTPEmailProvider({ host: server.host, port: server.port, from: 'help@acme.test', auth: { user: 'rooms', pass: 'right' }, pool: true });
    const bad = new SMTPEmailProvider({ host: server.host, port: server.port, from: 'help@acme.test', auth: { user: 'rooms', pass: 'wrong' } });
    try {
      expect((await good.send(textEvent('pooled one'), { to: 'a@example.com', idempotencyKey: 'p1' })).success).toBe(true);
      expect((await good.send(textEvent('pooled two'), { to: 'a@example.com', idempotencyKey: 'p2' })).success).toBe(true);
      expect(server.messages).toHaveLength(2);
      const refused = await bad.send(textEvent('nope'), { to: 'a@example.com', idempotencyKey: 'p3' });
      expect(refused).toMatchObject({ success: false, metadata: { code: 'smtp_535', retryable: false } });
    } finally {
      await good.close();
      await bad.close();
      await server.close();
    }
  });

  it('refuses a config without host or from, naming the field', () => {
    const error = (() => {
      try {
        new SMTPEmailProvider({ host: '', from: 'help@acme.test' });
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(RoomKitValidationError);
    expect((error as RoomKitValidationError).field).toBe('host');
  });
});

describe('inbound raw MIME webhook', () => {
  const webhook = new EmailWebhook({ secret: SECRET });

  it('parses a Gmail multipart/alternative reply: text part without the quoted history, thread root, metadata', async () => {
    const request = signed(await fixture('multipart-alternative.eml'));
    webhook.verify(request);
    const outcome = await webhook.parse(request, 'email-main');
    expect(outcome.kind).toBe('messages');
    if (outcome.kind !== 'messages') return;
    const message = InboundMessage.parse(outcome.messages[0]);
    expect(message).toMatchObject({
      channelId: 'email-main',
      senderId: 'ana.lima@gmail.com',
      content: { type: 'text', body: 'Thanks! Could you ship it to the office instead? Rua Augusta 12, Lisboa.\n\nAna' },
      providerMessageId: '<CAH3xq9Vn2k=w7Xb5Zc4pQ@mail.gmail.com>',
      idempotencyKey: '<CAH3xq9Vn2k=w7Xb5Zc4pQ@mail.gmail.com>',
      threadId: '<rk.5a1c0e0f2b7d4c8e9f00112233445566@acme.test>',
      metadata: {
        provider: 'email', subject: 'Re: Your order #4211', fromName: 'Ana Lima',
        to: ['help@acme.test'], cc: ['ops@acme.test'],
        inReplyTo: '<rk.5a1c0e0f2b7d4c8e9f00112233445566@acme.test>',
        references: ['<rk.5a1c0e0f2b7d4c8e9f00112233445566@acme.test>'],
        date: '2025-01-14T08:12:44.000Z', hasHtml: true, quotedReplyStripped: true, attachments: [],
      },
    });
    expect(message.rawPayload?.headers).toContain('Subject: Re: Your order #4211');
  });

  it('threads by the first References id, else In-Reply-To, else the message itself', async () => {
    const reply = await parseInboundEmail(await fixture('rfc5322-reply.eml'), 'email-main');
    expect(reply.threadId).toBe('<1234@local.machine.example>');
    expect(reply.metadata).toMatchObject({ references: ['<1234@local.machine.example>', '<3456@example.net>'], inReplyTo: '<3456@example.net>' });

    const onlyParent = await parseInboundEmail('From: a@x.test\r\nMessage-ID: <2@x.test>\r\nIn-Reply-To: <1@x.test>\r\n\r\nhi\r\n', 'email-main');
    expect(onlyParent.threadId).toBe('<1@x.test>');
    const fresh = await parseInboundEmail('From: a@x.test\r\nMessage-ID: <9@x.test>\r\nSubject: New\r\n\r\nhello\r\n', 'email-main');
    expect(fresh.threadId).toBe('<9@x.test>');
  });

  it('describes attachments (name, type, size, checksum) without carrying their bytes', async () => {
    const message = await parseInboundEmail(await fixture('with-attachment.eml'), 'email-main');
    expect(message.content).toEqual({ type: 'text', body: 'Hello, the attached invoice charges us twice for January. Please check.\n\nBen' });
    expect(message.senderId).toBe('ben@contoso.example');
    expect(message.metadata?.attachments).toEqual([
      expect.objectContaining({ filename: 'invoice-0117.pdf', contentType: 'application/pdf', sizeBytes: 58, checksum: expect.stringMatching(/^[0-9a-f]{32}$/) }),
    ]);
    expect(JSON.stringify(message)).not.toContain('JVBERi0');
  });

  it('gives a message without Message-ID a key stable across redeliveries', async () => {
    const raw = 'From: a@x.test\r\nSubject: no id\r\n\r\nhello\r\n';
    const first = await parseInboundEmail(raw, 'email-main');
    const second = await parseInboundEmail(Buffer.from(raw), 'email-main');
    expect(first.idempotencyKey).toMatch(/^<sha256\.[0-9a-f]{64}@roomkit\.invalid>$/);
    expect(second.idempotencyKey).toBe(first.idempotencyKey);
  });

  it('refuses a missing signature with 401, a tampered body or another secret with 403, accepts a sha256= prefix', async () => {
    const raw = await fixture('multipart-alternative.eml');
    const missing = await captured(() => webhook.verify(mimeRequest(raw)));
    expect(missing).toBeInstanceOf(WebhookSignatureError);
    expect(missing).toMatchObject({ status: 401 });

    const tampered = { ...signed(raw), rawBody: Buffer.from(raw.toString().replace('Rua Augusta 12', 'Rua Augusta 99')) };
    expect(await captured(() => webhook.verify(tampered))).toMatchObject({ name: 'WebhookSignatureError', status: 403 });
    expect(await captured(() => webhook.verify(signed(raw, 'another-secret-0123456789')))).toMatchObject({ status: 403 });
    expect(await captured(() => webhook.verify(mimeRequest(raw, { 'x-roomkit-signature': 'not-hex' })))).toMatchObject({ status: 403 });

    expect(() => webhook.verify(mimeRequest(raw, { 'x-roomkit-signature': `sha256=${signEmailWebhook(SECRET, raw)}` }))).not.toThrow();
    const custom = new EmailWebhook({ secret: SECRET, signatureHeader: 'X-Relay-Signature' });
    expect(() => custom.verify(mimeRequest(raw, { 'x-relay-signature': signEmailWebhook(SECRET, raw) }))).not.toThrow();
  });

  it('refuses malformed input with a WebhookPayloadError naming the field', async () => {
    const noFrom = await captured(() => webhook.parse(signed(Buffer.from('To: help@acme.test\r\nSubject: who?\r\n\r\nhi\r\n')), 'email-main'));
    expect(noFrom).toBeInstanceOf(WebhookPayloadError);
    expect(noFrom).toMatchObject({ provider: 'email', field: 'from' });

    const notMime = await captured(() => webhook.parse(signed(Buffer.from('just some bytes, no headers')), 'email-main'));
    expect(notMime).toMatchObject({ name: 'WebhookPayloadError', field: 'from' });

    expect(await captured(() => parseInboundEmail('', 'email-main'))).toMatchObject({ field: 'body' });

    const json = { ...signed(Buffer.from('{"from":"a@x.test"}')), headers: { 'content-type': 'application/json' } };
    expect(await captured(() => webhook.parse(json, 'email-main'))).toMatchObject({ field: 'content-type' });
  });

  it('keeps the quoted history when asked to', async () => {
    const full = await parseInboundEmail(await fixture('multipart-alternative.eml'), 'email-main', { stripQuotedReply: false });
    expect((full.content as { body: string }).body).toContain('> Your order #4211 is ready to ship.');
    expect(stripQuotedReply('Only a quote follows\n-----Original Message-----\nFrom: x')).toBe('Only a quote follows');
    expect(stripQuotedReply('On Mon, Jan 13, 2025 at 6:02 PM Bob <b@x.test> wrote:\n> all quote')).toContain('wrote:');
  });

  it('round-trips: a mail our provider sent parses back into its own thread', async () => {
    const server = await LoopbackSMTPServer.start();
    const smtp = new SMTPEmailProvider({ host: server.host, port: server.port, from: 'help@acme.test' });
    try {
      const sent = await smtp.send(textEvent('Round trip'), {
        to: 'ana@example.com', subject: 'Loop', idempotencyKey: 'k-loop', inReplyTo: '<root@x.test>',
      });
      const parsed = await parseInboundEmail(server.last!.raw, 'email-main');
      expect(parsed).toMatchObject({
        senderId: 'help@acme.test', providerMessageId: sent.providerMessageId, threadId: '<root@x.test>',
        content: { type: 'text', body: 'Round trip' }, metadata: { subject: 'Re: Loop' },
      });
    } finally {
      await smtp.close();
      await server.close();
    }
  });
});
