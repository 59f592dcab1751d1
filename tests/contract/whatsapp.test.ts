/**
 * WhatsApp Cloud API provider against a Graph fake on loopback: the shared transport contract, then
 * what only WhatsApp does (templates, reactions, the 24-hour window, Graph codes, read receipts and
 * typing indicators, handshake, statuses).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderActionError, RoomKitValidationError, WebhookPayloadError, WebhookSignatureError } from '../../src/errors.js';
import { DeliveryStatus, InboundMessage, type RoomEvent } from '../../src/models/index.js';
import { hubSignature } from '../../src/providers/meta/index.js';
import type { WebhookRequest } from '../../src/providers/webhook.js';
import { createWhatsAppProvider, MockWhatsAppProvider, WhatsAppProvider } from '../../src/providers/whatsapp/index.js';
import { makeEvent } from '../support/factories.js';
import { VendorFake, type FakeResponse, type RecordedRequest } from '../support/vendor-fake.js';
import { textEvent, transportProviderContract, type VendorFailure } from './transport-provider-contract.js';

const TOKEN = 'EAAG-test-token';
const PHONE_ID = '106540352242922';
const APP_SECRET = 'meta-app-secret';
const VERIFY_TOKEN = 'my-verify-token';
const TO = '+16505551234';
const WEBHOOK_URL = 'https://example.com/webhooks/whatsapp';
const NOW = Date.parse('2025-06-01T12:00:00Z');

const fixture = (name: string) => readFileSync(new URL(`../fixtures/whatsapp/${name}`, import.meta.url));

function graphError(status: number, code: number, message: string, details?: string): FakeResponse {
  return {
    status,
    body: {
      error: {
        message, type: 'OAuthException', code,
        ...(details && { error_data: { messaging_product: 'whatsapp', details } }),
        fbtrace_id: 'AazXkK3mGfA1Y5zG8',
      },
    },
  };
}

/**
 * Answers like the Cloud API: a bearer token, then `{ messaging_product, contacts, messages[0].id }`
 * for a message, `{ success: true }` for a read receipt (`status: read` on a wamid, optionally with a
 * text typing indicator).
 */
function graph(request: RecordedRequest): FakeResponse {
  if (request.headers.authorization !== `Bearer ${TOKEN}`) {
    return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
  }
  if (request.method === 'GET' && request.path === '/v23.0/2754859441498128') {
    return { status: 200, body: { messaging_product: 'whatsapp', url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=2754859441498128', mime_type: 'image/jpeg', sha256: 'abc', file_size: 303833, id: '2754859441498128' } };
  }
  if (request.method !== 'POST' || request.path !== `/v23.0/${PHONE_ID}/messages`) {
    return graphError(400, 100, 'Unsupported post request.');
  }
  const body = request.json as { to?: string; status?: unknown; message_id?: unknown; messaging_product?: unknown; typing_indicator?: { type?: unknown } };
  if (body.status !== undefined) {
    if (body.messaging_product !== 'whatsapp') return graphError(400, 100, '(#100) The parameter messaging_product is required.');
    if (body.status !== 'read' || typeof body.message_id !== 'string' || !body.message_id.startsWith('wamid.')) {
      return graphError(400, 100, '(#100) Invalid parameter');
    }
    if (body.typing_indicator !== undefined && body.typing_indicator?.type !== 'text') return graphError(400, 100, '(#100) Invalid parameter');
    return { status: 200, body: { success: true } };
  }
  const to = body.to ?? '';
  return {
    status: 200,
    body: {
      messaging_product: 'whatsapp',
      contacts: [{ input: to, wa_id: to.replace('+', '') }],
      messages: [{ id: `wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI${fake.requests.length}` }],
    },
  };
}

const FAILURES: Record<VendorFailure, { response: FakeResponse; code: string }> = {
  permanent: { response: graphError(400, 100, '(#100) Invalid parameter'), code: '100' },
  // Meta throttles with HTTP 400; the Graph code is what says "retry".
  throttled: {
    response: graphError(400, 130429, '(#130429) Rate limit hit', 'Cloud API message throughput has been reached.'),
    code: '130429',
  },
  unavailable: { response: graphError(503, 131016, '(#131016) Service unavailable'), code: '131016' },
};

function signed(body: Buffer, secret = APP_SECRET): WebhookRequest {
  return {
    method: 'POST', url: WEBHOOK_URL, rawBody: body,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature(secret, body) },
  };
}

function handshake(query: string): WebhookRequest {
  return { method: 'GET', url: `${WEBHOOK_URL}?${query}`, headers: {}, rawBody: Buffer.alloc(0) };
}

let fake: VendorFake;
let provider: WhatsAppProvider;

function makeProvider(now = () => NOW): WhatsAppProvider {
  return new WhatsAppProvider(
    { accessToken: TOKEN, phoneNumberId: PHONE_ID, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, graphBaseUrl: fake.url },
    { now },
  );
}

transportProviderContract('whatsapp cloud api', async () => {
  const contractFake = await VendorFake.start(graph);
  const previous = fake;
  fake = contractFake;
  const put = createWhatsAppProvider({ accessToken: TOKEN, phoneNumberId: PHONE_ID, appSecret: APP_SECRET, graphBaseUrl: contractFake.url });
  return {
    provider: put,
    sendOptions: { to: TO, idempotencyKey: 'room-1:0:wa-main' },
    requestCount: () => contractFake.requests.length,
    failNext(kind) {
      contractFake.failNext(FAILURES[kind].response);
      return { code: FAILURES[kind].code };
    },
    inbound: {
      handler: put.webhook!,
      signed: () => signed(fixture('text.json')),
      unsigned: () => ({ ...signed(fixture('text.json')), headers: { 'content-type': 'application/json' } }),
      expect: { senderId: '16315551234', text: 'Hello this is an answer', providerMessageId: 'wamid.ABGGFlCGg0cvAgo-sJQh43L5Pe4W' },
    },
    async close() {
      await contractFake.close();
      fake = previous;
    },
  };
}, { inbound: true });

describe('WhatsAppProvider (Cloud API)', () => {
  beforeAll(async () => {
    fake = await VendorFake.start(graph);
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    provider = makeProvider();
  });

  const send = (event: RoomEvent, extra: Record<string, unknown> = {}) =>
    provider.send(event, { to: TO, idempotencyKey: 'room-1:7:wa-main', ...extra });

  describe('sending', () => {
    it('posts a text to /{version}/{phoneNumberId}/messages with the bearer token and returns messages[0].id', async () => {
      const result = await send(textEvent('Hello there'));
      expect(result).toEqual({ success: true, providerMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI1' });
      const request = fake.last!;
      expect(request.method).toBe('POST');
      expect(request.path).toBe(`/v23.0/${PHONE_ID}/messages`);
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.json).toEqual({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: TO,
        type: 'text',
        text: { preview_url: false, body: 'Hello there' },
        biz_opaque_callback_data: 'room-1:7:wa-main',
      });
    });

    it('honours apiVersion and previewUrl from the config', async () => {
      const custom = new WhatsAppProvider({ accessToken: TOKEN, phoneNumberId: PHONE_ID, graphBaseUrl: fake.url, apiVersion: 'v21.0', previewUrl: true });
      await custom.send(textEvent('see https://example.com'), { to: TO });
      expect(fake.last!.path).toBe(`/v21.0/${PHONE_ID}/messages`);
      expect(fake.last!.json).toMatchObject({ text: { preview_url: true, body: 'see https://example.com' } });
    });

    it.each([
      ['image/jpeg', { type: 'image', image: { link: 'https://cdn.example.com/a.jpg', caption: 'A cat' } }],
      ['video/mp4', { type: 'video', video: { link: 'https://cdn.example.com/a.jpg', caption: 'A cat' } }],
      ['audio/ogg', { type: 'audio', audio: { link: 'https://cdn.example.com/a.jpg' } }],
      ['application/pdf', { type: 'document', document: { link: 'https://cdn.example.com/a.jpg', caption: 'A cat', filename: 'cat.pdf' } }],
    ])('sends %s media as the matching WhatsApp media type with a link', async (mimeType, expected) => {
      const event = makeEvent({ content: { type: 'media', url: 'https://cdn.example.com/a.jpg', mimeType, caption: 'A cat', filename: 'cat.pdf' } });
      expect((await send(event)).success).toBe(true);
      expect(fake.last!.json).toMatchObject(expected);
      const kind = (expected as { type: string }).type;
      expect((fake.last!.json as Record<string, unknown>)[kind]).toEqual((expected as Record<string, unknown>)[kind]);
    });

    it('sends a location with its name and address', async () => {
      await send(makeEvent({ content: { type: 'location', latitude: 45.5, longitude: -73.6, label: 'Montreal', address: '1 Rue X' } }));
      expect(fake.last!.json).toMatchObject({
        type: 'location', location: { latitude: 45.5, longitude: -73.6, name: 'Montreal', address: '1 Rue X' },
      });
    });

    it('turns rich content with up to three buttons into interactive reply buttons', async () => {
      await send(makeEvent({
        content: { type: 'rich', body: 'Confirm?', buttons: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }] },
      }));
      expect(fake.last!.json).toMatchObject({
        type: 'interactive',
        interactive: {
          type: 'button', body: { text: 'Confirm?' },
          action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }, { type: 'reply', reply: { id: 'no', title: 'No' } }] },
        },
      });
    });

    it('sends template content as a template with name, language and components from the parameters', async () => {
      const event = makeEvent({
        content: {
          type: 'template', templateId: 'order_update', language: 'fr',
          parameters: { 2: 'shipped', 1: 'Jessica', 'header.1': 'Order #123', 'button.0': 'track/123' },
        },
      });
      expect((await send(event)).success).toBe(true);
      expect(fake.last!.json).toEqual({
        messaging_product: 'whatsapp', recipient_type: 'individual', to: TO,
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'fr' },
          components: [
            { type: 'header', parameters: [{ type: 'text', text: 'Order #123' }] },
            { type: 'body', parameters: [{ type: 'text', text: 'Jessica' }, { type: 'text', text: 'shipped' }] },
            { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'track/123' }] },
          ],
        },
        biz_opaque_callback_data: 'room-1:7:wa-main',
      });
    });

    it('sendTemplate posts explicit components and the default language; named parameters keep their names', async () => {
      await provider.sendTemplate(TO, { name: 'hello_world' });
      expect(fake.last!.json).toEqual({
        messaging_product: 'whatsapp', recipient_type: 'individual', to: TO,
        type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } },
      });
      await provider.sendTemplate(TO, { type: 'template', templateId: 'greeting', parameters: { first_name: 'Ana' } });
      expect(fake.last!.json).toMatchObject({
        template: { name: 'greeting', components: [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Ana' }] }] },
      });
    });

    it('sendReaction posts reaction.message_id and emoji; a reaction event goes the same way', async () => {
      const result = await provider.sendReaction(TO, 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0', '\u{1F44D}');
      expect(result.success).toBe(true);
      expect(fake.last!.json).toEqual({
        messaging_product: 'whatsapp', recipient_type: 'individual', to: TO,
        type: 'reaction', reaction: { message_id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0', emoji: '\u{1F44D}' },
      });
      await send(makeEvent({ type: 'reaction', content: { type: 'text', body: '\u2764' }, metadata: { reactionTo: 'wamid.X' } }));
      expect(fake.last!.json).toMatchObject({ type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '\u2764' } });
    });

    it('sends a composite as one message per part and reports every id', async () => {
      const result = await send(makeEvent({
        content: { type: 'composite', parts: [{ type: 'text', body: 'Here it is' }, { type: 'media', url: 'https://cdn.example.com/x.png', mimeType: 'image/png' }] },
      }));
      expect(result.success).toBe(true);
      expect(fake.requests.map((r) => (r.json as { type: string }).type)).toEqual(['text', 'image']);
      expect(result.metadata?.messageIds).toHaveLength(2);
    });

    it('quotes a message when replyTo is given', async () => {
      await send(textEvent('Answering'), { replyTo: 'wamid.PREVIOUS' });
      expect(fake.last!.json).toMatchObject({ context: { message_id: 'wamid.PREVIOUS' } });
    });

    it('reports an unreachable Graph API as a retryable network_error', async () => {
      const offline = new WhatsAppProvider({ accessToken: TOKEN, phoneNumberId: PHONE_ID, graphBaseUrl: 'http://127.0.0.1:1' });
      const result = await offline.send(textEvent('hello'), { to: TO });
      expect(result).toMatchObject({ success: false, metadata: { code: 'network_error', retryable: true } });
    });

    it('resolves an inbound media id to its download URL', async () => {
      expect(await provider.getMedia('2754859441498128')).toEqual({
        url: 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=2754859441498128',
        mimeType: 'image/jpeg', sha256: 'abc', fileSize: 303833,
      });
    });
  });

  describe('Graph error codes', () => {
    it.each([4, 80007, 130429, 131048, 131056])('treats Graph code %i as a retryable rate limit even with HTTP 400', async (code) => {
      fake.failNext(graphError(400, code, `(#${code}) rate limited`));
      const result = await send(textEvent('hi'));
      expect(result).toMatchObject({ success: false, metadata: { code: String(code), retryable: true, httpStatus: 400 } });
    });

    it('keeps the Graph details, subcode and trace id of a permanent refusal', async () => {
      fake.failNext({
        status: 400,
        body: { error: { message: '(#131009) Parameter value is not valid', type: 'OAuthException', code: 131009, error_subcode: 2494010, error_data: { messaging_product: 'whatsapp', details: 'Recipient phone number not valid' }, fbtrace_id: 'TRACE1' } },
      });
      const result = await send(textEvent('hi'));
      expect(result).toEqual({
        success: false,
        error: '(#131009) Parameter value is not valid: Recipient phone number not valid',
        metadata: { code: '131009', retryable: false, httpStatus: 400, errorSubcode: '2494010', errorType: 'OAuthException', fbtraceId: 'TRACE1' },
      });
    });

    it('passes the Retry-After delay of a throttled answer on', async () => {
      fake.failNext({ ...graphError(429, 130429, 'Rate limit hit'), headers: { 'retry-after': '7' } });
      const result = await send(textEvent('hi'));
      expect(result.metadata).toMatchObject({ code: '130429', retryable: true, retryAfterMs: 7000 });
    });
  });

  describe('read receipts and typing indicators', () => {
    const WAMID = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=';

    it('marks an inbound message read with status read on the messages endpoint, bearer token, nothing else', async () => {
      await expect(provider.markRead(WAMID, TO)).resolves.toBeUndefined();
      const request = fake.last!;
      expect([request.method, request.path, request.headers.authorization]).toEqual(['POST', `/v23.0/${PHONE_ID}/messages`, `Bearer ${TOKEN}`]);
      expect(request.json).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: WAMID });
    });

    it('shows typing as a read receipt with typing_indicator text on the message being answered', async () => {
      await provider.sendTyping(TO, { on: true, replyToMessageId: WAMID });
      expect(fake.last!.path).toBe(`/v23.0/${PHONE_ID}/messages`);
      expect(fake.last!.json).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: WAMID, typing_indicator: { type: 'text' } });
    });

    it('sends nothing for typing off (Meta clears it on our answer or after 25 s)', async () => {
      await provider.sendTyping(TO, { on: false, replyToMessageId: WAMID });
      await provider.sendTyping(TO, { on: false });
      expect(fake.requests).toHaveLength(0);
    });

    it('refuses typing without the inbound message id, permanently and before calling Meta', async () => {
      const error = await captured(() => provider.sendTyping(TO, { on: true }));
      expect(error).toBeInstanceOf(ProviderActionError);
      expect(error).toMatchObject({ provider: 'whatsapp', action: 'typing', code: 'missing_reply_to', retryable: false });
      expect((error as Error).message).toMatch(/replyToMessageId/);
      expect(fake.requests).toHaveLength(0);
    });

    it('throws a Graph refusal as ProviderActionError with the Graph code, details and retryability', async () => {
      fake.failNext(graphError(400, 100, '(#100) Invalid parameter', 'Message id not found'));
      const error = await captured(() => provider.markRead(WAMID, TO));
      expect(error).toBeInstanceOf(ProviderActionError);
      expect(error).toMatchObject({ action: 'markRead', code: '100', retryable: false, providerResult: { metadata: { fbtraceId: 'AazXkK3mGfA1Y5zG8' } } });
      expect((error as Error).message).toContain('Message id not found');

      fake.failNext({ ...graphError(400, 130429, '(#130429) Rate limit hit'), headers: { 'retry-after': '4' } });
      await expect(provider.sendTyping(TO, { on: true, replyToMessageId: WAMID }))
        .rejects.toMatchObject({ action: 'typing', code: '130429', retryable: true, retryAfterMs: 4000 });
    });

    it('treats a 2xx without success: true as an invalid answer, and an unreachable Graph as retryable', async () => {
      fake.failNext({ status: 200, body: { messaging_product: 'whatsapp' } });
      await expect(provider.markRead(WAMID, TO)).rejects.toMatchObject({ code: 'invalid_response', retryable: false });
      const offline = new WhatsAppProvider({ accessToken: TOKEN, phoneNumberId: PHONE_ID, graphBaseUrl: 'http://127.0.0.1:9', timeoutMs: 2_000 });
      await expect(offline.markRead(WAMID, TO)).rejects.toMatchObject({ code: 'network_error', retryable: true });
    });

    it('refuses bad arguments with a validation error', async () => {
      await expect(provider.markRead('', TO)).rejects.toBeInstanceOf(RoomKitValidationError);
      await expect(provider.sendTyping(TO, { on: true, replyToMessageId: '' })).rejects.toMatchObject({ field: 'replyToMessageId' });
      expect(fake.requests).toHaveLength(0);
    });

    it('the mock records reads and typing and refuses like Meta', async () => {
      const mock = new MockWhatsAppProvider();
      await mock.markRead(WAMID, TO);
      await mock.sendTyping(TO, { on: true, replyToMessageId: WAMID });
      await mock.sendTyping(TO, { on: false });
      expect(mock.reads).toEqual([{ to: TO, messageId: WAMID, typing: false }, { to: TO, messageId: WAMID, typing: true }]);
      await expect(mock.sendTyping(TO, { on: true })).rejects.toMatchObject({ code: 'missing_reply_to', retryable: false });
      mock.failWith = { error: '(#100) Invalid parameter', code: '100', retryable: false };
      await expect(mock.markRead(WAMID, TO)).rejects.toMatchObject({ name: 'ProviderActionError', code: '100', retryable: false });
    });
  });

  describe('24-hour customer-service window', () => {
    it('maps Meta error 131047 to a non-retryable failure that says the window is closed and a template is needed', async () => {
      fake.failNext(graphError(400, 131047, '(#131047) Re-engagement message', 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.'));
      const result = await send(textEvent('Are you still there?'));
      expect(result.success).toBe(false);
      expect(result.metadata).toMatchObject({ code: '131047', retryable: false, windowClosed: true });
      expect(result.error).toMatch(/24-hour customer-service window is closed/);
      expect(result.error).toMatch(/template/);
      expect(result.error).toMatch(/sendTemplate/);
    });

    it('refuses free text locally, without calling Meta, when the last inbound message is older than 24 hours', async () => {
      const lastInboundAt = new Date(NOW - 25 * 3600_000).toISOString();
      const result = await send(textEvent('Following up'), { lastInboundAt });
      expect(result).toMatchObject({ success: false, metadata: { code: '131047', retryable: false, decidedLocally: true } });
      expect(result.error).toMatch(/24-hour customer-service window is closed.*template/s);
      expect(fake.requests).toHaveLength(0);
    });

    it('lets templates through a closed window and free text through an open one', async () => {
      const stale = NOW - 30 * 3600_000;
      const template = makeEvent({ content: { type: 'template', templateId: 'follow_up' } });
      expect((await send(template, { lastInboundAt: stale })).success).toBe(true);
      expect((await send(textEvent('Thanks!'), { lastInboundAt: new Date(NOW - 3600_000).toISOString() })).success).toBe(true);
      expect(fake.requests).toHaveLength(2);
    });

    it('leaves the decision to Meta when the last inbound time is unknown or unreadable', async () => {
      expect((await send(textEvent('hi'), { lastInboundAt: 'not a date' })).success).toBe(true);
      expect((await send(textEvent('hi'))).success).toBe(true);
    });
  });

  describe('webhooks', () => {
    it('answers the verify-token handshake with the challenge as text/plain', async () => {
      const request = handshake('hub.mode=subscribe&hub.verify_token=my-verify-token&hub.challenge=1158201444');
      await provider.webhook!.verify(request);
      expect(await provider.webhook!.parse(request, 'wa-main')).toEqual({
        kind: 'reply', reply: { status: 200, contentType: 'text/plain', body: '1158201444' },
      });
    });

    it.each([
      ['a wrong verify token', 'hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1', 403],
      ['a mode other than subscribe', 'hub.mode=unsubscribe&hub.verify_token=my-verify-token&hub.challenge=1', 403],
      ['no verify token', 'hub.mode=subscribe&hub.challenge=1', 401],
    ])('refuses a handshake with %s', async (_what, query, status) => {
      const error = await captured(() => provider.webhook!.verify(handshake(query)));
      expect(error).toBeInstanceOf(WebhookSignatureError);
      expect((error as WebhookSignatureError).status).toBe(status);
    });

    it('refuses a handshake when no verify token is configured', async () => {
      const noToken = new WhatsAppProvider({ accessToken: TOKEN, phoneNumberId: PHONE_ID, appSecret: APP_SECRET });
      const error = await captured(() => noToken.webhook!.verify(handshake('hub.mode=subscribe&hub.verify_token=x&hub.challenge=1')));
      expect((error as WebhookSignatureError).status).toBe(403);
    });

    it('refuses a POST signed with another secret, or a malformed signature, with 403', async () => {
      const body = fixture('text.json');
      for (const request of [signed(body, 'other-secret'), { ...signed(body), headers: { 'x-hub-signature-256': 'sha1=abc' } }]) {
        const error = await captured(() => provider.webhook!.verify(request));
        expect(error).toBeInstanceOf(WebhookSignatureError);
        expect((error as WebhookSignatureError).status).toBe(403);
      }
    });

    it('has no webhook handler without an app secret', () => {
      expect(new WhatsAppProvider({ accessToken: TOKEN, phoneNumberId: PHONE_ID }).webhook).toBeUndefined();
    });

    it('parses a text message with its contact name, timestamp and verbatim payload', async () => {
      const outcome = await parseFixture('text.json');
      expect(outcome.kind).toBe('messages');
      if (outcome.kind !== 'messages') return;
      const message = InboundMessage.parse(outcome.messages[0]);
      expect(message).toEqual({
        channelId: 'wa-main',
        senderId: '16315551234',
        content: { type: 'text', body: 'Hello this is an answer' },
        externalId: 'wamid.ABGGFlCGg0cvAgo-sJQh43L5Pe4W',
        idempotencyKey: 'wamid.ABGGFlCGg0cvAgo-sJQh43L5Pe4W',
        providerMessageId: 'wamid.ABGGFlCGg0cvAgo-sJQh43L5Pe4W',
        rawPayload: JSON.parse(fixture('text.json').toString()),
        metadata: {
          provider: 'whatsapp', recipient: '16505553333', phoneNumberId: '27681414235104944',
          timestamp: '2020-10-18T22:13:21.000Z', messageType: 'text', contactName: 'Kerry Fisher', waId: '16315551234',
        },
      });
    });

    it('parses an image as media content pointing at the Graph media id', async () => {
      const outcome = await parseFixture('image.json');
      if (outcome.kind !== 'messages') throw new Error(outcome.kind);
      const message = InboundMessage.parse(outcome.messages[0]);
      expect(message.content).toEqual({
        type: 'media', url: `${fake.url}/v23.0/2754859441498128`, mimeType: 'image/jpeg', caption: 'This is a caption',
      });
      expect(message.metadata?.whatsappMedia).toEqual({
        id: '2754859441498128', mimeType: 'image/jpeg', sha256: '81d3bd8a8db4868c9520ed47186e8b7c5789e61ff79f7f834be6950b808a90d3',
      });
    });

    it('parses a media id holding a lone surrogate (found by the fuzz suite) into a URL with U+FFFD, not a URIError', async () => {
      const body = Buffer.from(fixture('image.json').toString('utf8').replace('"2754859441498128"', '"\\ud800x"'));
      const request = signed(body);
      await provider.webhook!.verify(request);
      const outcome = await provider.webhook!.parse(request, 'wa-main');
      if (outcome.kind !== 'messages') throw new Error(outcome.kind);
      expect(InboundMessage.parse(outcome.messages[0]).content).toMatchObject({ type: 'media', url: `${fake.url}/v23.0/%EF%BF%BDx` });
    });

    it('parses a location, a reaction and a reply-button tap', async () => {
      const location = await parseFixture('location.json');
      const reaction = await parseFixture('reaction.json');
      const button = await parseFixture('button-reply.json');
      if (location.kind !== 'messages' || reaction.kind !== 'messages' || button.kind !== 'messages') throw new Error('not messages');
      expect(InboundMessage.parse(location.messages[0]).content).toEqual({
        type: 'location', latitude: 37.483307, longitude: -122.148981, label: 'Philz Coffee', address: '1 Hacker Way, Menlo Park, CA 94025',
      });
      const r = InboundMessage.parse(reaction.messages[0]);
      expect(r).toMatchObject({
        eventType: 'reaction', content: { type: 'text', body: '\u{1F600}' },
        metadata: { reactedMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA', contactName: 'Sheena Nelson' },
      });
      expect(InboundMessage.parse(button.messages[0])).toMatchObject({
        content: { type: 'text', body: 'Cancel' },
        metadata: { replyId: 'cancel-button', interactiveType: 'button_reply', replyTo: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=' },
      });
    });

    it('parses statuses into delivery statuses', async () => {
      const outcome = await parseFixture('status-delivered.json');
      expect(outcome.kind).toBe('statuses');
      if (outcome.kind !== 'statuses') return;
      const status = DeliveryStatus.parse(outcome.statuses[0]);
      expect(status).toMatchObject({
        channelId: 'wa-main', provider: 'whatsapp', messageId: 'wamid.HBgLNjAxNzM1MjYyMzMVAgARGBJCNkY5NTBENEU3ODYxQTM3RUQA',
        status: 'delivered', recipient: '60173526233', sender: '15550984277', timestamp: '2023-09-12T04:21:24.000Z',
      });
      expect(status.errorCode).toBeUndefined();
    });

    it.each([
      ['status-sent.json', 'sent', '2025-06-18T16:22:51.000Z'],
      ['status-read.json', 'read', '2025-06-18T16:22:53.000Z'],
    ])('parses %s into a %s delivery status', async (name, status, timestamp) => {
      const outcome = await parseFixture(name);
      if (outcome.kind !== 'statuses') throw new Error(outcome.kind);
      const raw = JSON.parse(fixture(name).toString()).entry[0].changes[0].value.statuses[0];
      expect(outcome.statuses.map((s) => DeliveryStatus.parse(s))).toEqual([{
        channelId: 'wa-main', provider: 'whatsapp', messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDNDEzMDk2QzRFRjA0QzBGNEEA',
        status, recipient: '16505551234', sender: '15550783881', timestamp, raw,
      }]);
    });

    it('parses a failed status with its error code and, for 131047, the window explanation', async () => {
      const outcome = await parseFixture('status-failed-131047.json');
      if (outcome.kind !== 'statuses') throw new Error(outcome.kind);
      expect(DeliveryStatus.parse(outcome.statuses[0])).toMatchObject({ status: 'failed', errorCode: '131047', recipient: '16505551234' });
      expect(outcome.statuses[0].errorMessage).toMatch(/24-hour customer-service window is closed/);
    });

    it('gives each message of a large batched payload only its own slice as rawPayload', async () => {
      const message = (id: string) => ({ from: '16505551234', id, timestamp: '1739321024', type: 'text', text: { body: 'x'.repeat(40_000) } });
      const body = Buffer.from(JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: '1', changes: [{ field: 'messages', value: { metadata: { phone_number_id: '1' }, messages: [message('wamid.A'), message('wamid.B')] } }] }],
      }));
      const outcome = await provider.webhook!.parse(signed(body), 'wa-main');
      if (outcome.kind !== 'messages') throw new Error(outcome.kind);
      expect(outcome.messages.map((m) => m.idempotencyKey)).toEqual(['wamid.A', 'wamid.B']);
      for (const m of outcome.messages) {
        const parsed = InboundMessage.parse(m);
        const value = (parsed.rawPayload as { entry: { changes: { value: { messages: { id: string }[] } }[] }[] }).entry[0].changes[0].value;
        expect(value.messages.map((x) => x.id)).toEqual([m.idempotencyKey]);
      }
    });

    it('ignores changes that are not messages and payloads with nothing for a room', async () => {
      const body = Buffer.from(JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: '1', changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED' } }] }],
      }));
      expect((await provider.webhook!.parse(signed(body), 'wa-main')).kind).toBe('ignored');
    });

    it.each([
      ['not JSON', Buffer.from('{'), 'body'],
      ['another object', Buffer.from('{"object":"page","entry":[]}'), 'object'],
      ['a message without a sender', Buffer.from(JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ changes: [{ field: 'messages', value: { messages: [{ id: 'wamid.1', type: 'text', text: { body: 'x' } }] } }] }],
      })), 'entry[0].changes[0].value.messages[0].from'],
    ])('refuses %s with a WebhookPayloadError naming the field', async (_what, body, field) => {
      const error = await captured(() => provider.webhook!.parse(signed(body), 'wa-main'));
      expect(error).toBeInstanceOf(WebhookPayloadError);
      expect((error as WebhookPayloadError).field).toBe(field);
    });
  });
});

describe('WhatsApp status webhooks that are malformed', () => {
  beforeAll(async () => {
    fake = await VendorFake.start(graph);
    provider = makeProvider();
  });
  afterAll(async () => {
    await fake.close();
  });

  const payload = (statuses: unknown): Buffer => Buffer.from(JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ changes: [{ field: 'messages', value: { metadata: { phone_number_id: PHONE_ID }, statuses } }] }],
  }));

  it.each([
    ['a status without an id', [{ status: 'read', timestamp: '1750263773' }], 'statuses[0].id'],
    ['a status without a status', [{ id: 'wamid.1', timestamp: '1750263773' }], 'statuses[0].status'],
    ['a timestamp that is not unix seconds', [{ id: 'wamid.1', status: 'read', timestamp: 'yesterday' }], 'statuses[0].timestamp'],
    ['errors that are not a list', [{ id: 'wamid.1', status: 'failed', errors: { code: 131047 } }], 'statuses[0].errors'],
    ['a status that is not an object', ['read'], 'statuses[0]'],
    ['statuses that are not a list', { id: 'wamid.1', status: 'read' }, 'statuses'],
  ])('refuses %s with a WebhookPayloadError naming the field', async (_what, statuses, field) => {
    const error = await captured(() => provider.webhook!.parse(signed(payload(statuses)), 'wa-main'));
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as WebhookPayloadError).field).toBe(`entry[0].changes[0].value.${field}`);
  });
});

async function parseFixture(name: string) {
  const request = signed(fixture(name));
  await provider.webhook!.verify(request);
  return provider.webhook!.parse(request, 'wa-main');
}

async function captured(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
