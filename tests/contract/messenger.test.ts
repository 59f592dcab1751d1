/**
 * Facebook Messenger provider against a Graph fake on loopback: the shared transport contract, then
 * the Send API shape, Graph codes, the 24-hour window, sender actions (typing, seen) and the webhook
 * events RoomKit keeps (messages, delivery and read receipts) or skips.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderActionError, RoomKitValidationError, WebhookPayloadError, WebhookSignatureError } from '../../src/errors.js';
import { DeliveryStatus, InboundMessage, type RoomEvent } from '../../src/models/index.js';
import {
  createMessengerProvider, FacebookMessengerProvider, messengerWatermark, MockMessengerProvider,
} from '../../src/providers/messenger/index.js';
import { hubSignature } from '../../src/providers/meta/index.js';
import type { WebhookRequest } from '../../src/providers/webhook.js';
import { makeEvent } from '../support/factories.js';
import { VendorFake, type FakeResponse, type RecordedRequest } from '../support/vendor-fake.js';
import { textEvent, transportProviderContract, type VendorFailure } from './transport-provider-contract.js';

const PAGE_TOKEN = 'EAAPage-token';
const APP_SECRET = 'meta-app-secret';
const VERIFY_TOKEN = 'fb-verify-token';
const PSID = '1254459154682919';
const WEBHOOK_URL = 'https://example.com/webhooks/messenger';
const NOW = Date.parse('2025-06-01T12:00:00Z');

const fixture = (name: string) => readFileSync(new URL(`../fixtures/messenger/${name}`, import.meta.url));

function graphError(status: number, code: number, message: string, subcode?: number): FakeResponse {
  return {
    status,
    body: { error: { message, type: 'OAuthException', code, ...(subcode && { error_subcode: subcode }), fbtrace_id: 'BLBz/WZt8dN' } },
  };
}

/**
 * Answers like the Send API: the page token as `access_token`, then `{ recipient_id, message_id }`
 * for a message, `{ recipient_id }` for a sender action (which must come without a message).
 */
function sendApi(request: RecordedRequest): FakeResponse {
  if (request.query.get('access_token') !== PAGE_TOKEN) return graphError(400, 190, 'Invalid OAuth access token.');
  if (request.method !== 'POST' || !/^\/v23\.0\/(me|\d+)\/messages$/.test(request.path)) {
    return graphError(400, 100, 'Unsupported post request.');
  }
  const body = request.json as { recipient?: { id?: string }; sender_action?: unknown; message?: unknown };
  const recipient = body.recipient?.id;
  if (body.sender_action !== undefined) {
    if (body.message !== undefined) return graphError(400, 100, '(#100) Cannot include message and sender_action in the same request');
    if (!['typing_on', 'typing_off', 'mark_seen'].includes(String(body.sender_action))) {
      return graphError(400, 100, '(#100) Param sender_action must be one of {MARK_SEEN, TYPING_ON, TYPING_OFF, REACT, UNREACT}');
    }
    return { status: 200, body: { recipient_id: recipient } };
  }
  return { status: 200, body: { recipient_id: recipient, message_id: `m_AG5Hz2U${fake.requests.length}` } };
}

const FAILURES: Record<VendorFailure, { response: FakeResponse; code: string }> = {
  permanent: { response: graphError(400, 551, 'This person isn\'t available right now.', 1545041), code: '551' },
  throttled: { response: graphError(400, 613, 'Calls to this api have exceeded the rate limit.'), code: '613' },
  unavailable: { response: graphError(500, 2, 'An unexpected error has occurred. Please retry your request later.'), code: '2' },
};

function signed(body: Buffer, secret = APP_SECRET): WebhookRequest {
  return {
    method: 'POST', url: WEBHOOK_URL, rawBody: body,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature(secret, body) },
  };
}

let fake: VendorFake;
let provider: FacebookMessengerProvider;

transportProviderContract('facebook messenger', async () => {
  const contractFake = await VendorFake.start(sendApi);
  const previous = fake;
  fake = contractFake;
  const put = createMessengerProvider({ pageAccessToken: PAGE_TOKEN, appSecret: APP_SECRET, graphBaseUrl: contractFake.url });
  return {
    provider: put,
    sendOptions: { to: PSID, idempotencyKey: 'room-1:0:fb-main' },
    requestCount: () => contractFake.requests.length,
    failNext(kind) {
      contractFake.failNext(FAILURES[kind].response);
      return { code: FAILURES[kind].code };
    },
    inbound: {
      handler: put.webhook!,
      signed: () => signed(fixture('text.json')),
      unsigned: () => ({ ...signed(fixture('text.json')), headers: { 'content-type': 'application/json' } }),
      expect: { senderId: PSID, text: 'hello, world!', providerMessageId: 'mid.1457764197618:41d102a3e1ae206a38' },
    },
    async close() {
      await contractFake.close();
      fake = previous;
    },
  };
}, { inbound: true });

describe('FacebookMessengerProvider (Send API)', () => {
  beforeAll(async () => {
    fake = await VendorFake.start(sendApi);
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    provider = new FacebookMessengerProvider(
      { pageAccessToken: PAGE_TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, graphBaseUrl: fake.url },
      { now: () => NOW },
    );
  });

  const send = (event: RoomEvent, extra: Record<string, unknown> = {}) => provider.send(event, { to: PSID, ...extra });

  describe('sending', () => {
    it('posts to /{version}/me/messages with the page token as access_token and returns message_id', async () => {
      const result = await send(textEvent('hello, world'));
      expect(result).toEqual({ success: true, providerMessageId: 'm_AG5Hz2U1' });
      const request = fake.last!;
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/v23.0/me/messages');
      expect(request.query.get('access_token')).toBe(PAGE_TOKEN);
      expect(request.headers.authorization).toBeUndefined();
      expect(request.json).toEqual({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'hello, world' } });
    });

    it('uses the configured Page id and adds appsecret_proof when asked', async () => {
      const custom = new FacebookMessengerProvider({
        pageAccessToken: PAGE_TOKEN, pageId: '111111', appSecret: APP_SECRET, appSecretProof: true, graphBaseUrl: fake.url,
      });
      await custom.send(textEvent('hi'), { to: PSID });
      expect(fake.last!.path).toBe('/v23.0/111111/messages');
      expect(fake.last!.query.get('appsecret_proof')).toMatch(/^[0-9a-f]{64}$/);
    });

    it('sends media as an attachment with its url, then the caption as text', async () => {
      const result = await send(makeEvent({ content: { type: 'media', url: 'https://cdn.example.com/cat.jpg', mimeType: 'image/jpeg', caption: 'A cat' } }));
      expect(result).toMatchObject({ success: true, metadata: { messageIds: ['m_AG5Hz2U1', 'm_AG5Hz2U2'] } });
      expect(fake.requests.map((r) => (r.json as { message: unknown }).message)).toEqual([
        { attachment: { type: 'image', payload: { url: 'https://cdn.example.com/cat.jpg', is_reusable: true } } },
        { text: 'A cat' },
      ]);
    });

    it('sends a PDF as a file attachment', async () => {
      await send(makeEvent({ content: { type: 'media', url: 'https://cdn.example.com/a.pdf', mimeType: 'application/pdf' } }));
      expect(fake.last!.json).toMatchObject({ message: { attachment: { type: 'file' } } });
    });

    it('turns rich buttons into a button template and quick replies into quick_replies', async () => {
      await send(makeEvent({
        content: { type: 'rich', body: 'Pick one', buttons: [{ title: 'Docs', url: 'https://example.com' }, { title: 'Agent', payload: 'AGENT' }] },
      }));
      expect(fake.last!.json).toMatchObject({
        message: { attachment: { type: 'template', payload: {
          template_type: 'button', text: 'Pick one',
          buttons: [{ type: 'web_url', url: 'https://example.com', title: 'Docs' }, { type: 'postback', title: 'Agent', payload: 'AGENT' }],
        } } },
      });
      await send(makeEvent({ content: { type: 'rich', body: 'Size?', quickReplies: ['S', 'M'] } }));
      expect(fake.last!.json).toMatchObject({
        message: { text: 'Size?', quick_replies: [{ content_type: 'text', title: 'S', payload: 'S' }, { content_type: 'text', title: 'M', payload: 'M' }] },
      });
    });

    it('sends with a message tag when one is given', async () => {
      await send(textEvent('Your order shipped'), { tag: 'POST_PURCHASE_UPDATE' });
      expect(fake.last!.json).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE' });
    });
  });

  describe('Graph error codes and the 24-hour window', () => {
    it.each([4, 613, 1200])('treats Graph code %i as retryable even with HTTP 400', async (code) => {
      fake.failNext(graphError(400, code, 'slow down'));
      expect((await send(textEvent('hi'))).metadata).toMatchObject({ code: String(code), retryable: true });
    });

    it('maps code 10 / 2018278 to a non-retryable failure that says the window is closed and a tag is needed', async () => {
      fake.failNext(graphError(400, 10, '(#10) This message is sent outside of allowed window.', 2018278));
      const result = await send(textEvent('late'));
      expect(result.metadata).toMatchObject({ code: '10', errorSubcode: '2018278', retryable: false, windowClosed: true });
      expect(result.error).toMatch(/24-hour standard messaging window is closed.*message tag/s);
    });

    it('refuses an untagged send locally when the user last wrote over 24 hours ago; a tagged one goes', async () => {
      const lastInboundAt = new Date(NOW - 48 * 3600_000).toISOString();
      const refused = await send(textEvent('late'), { lastInboundAt });
      expect(refused).toMatchObject({ success: false, metadata: { code: '10', retryable: false, decidedLocally: true } });
      expect(fake.requests).toHaveLength(0);
      expect((await send(textEvent('update'), { lastInboundAt, tag: 'ACCOUNT_UPDATE' })).success).toBe(true);
    });
  });

  describe('sender actions (typing, seen)', () => {
    it('sends typing_on and typing_off as sender_action to the Send API, with no message and no messaging_type', async () => {
      await provider.sendTyping(PSID, { on: true });
      await provider.sendTyping(PSID, { on: false });
      expect(fake.requests.map((r) => [r.method, r.path, r.query.get('access_token'), r.headers.authorization])).toEqual([
        ['POST', '/v23.0/me/messages', PAGE_TOKEN, undefined],
        ['POST', '/v23.0/me/messages', PAGE_TOKEN, undefined],
      ]);
      expect(fake.requests.map((r) => r.json)).toEqual([
        { recipient: { id: PSID }, sender_action: 'typing_on' },
        { recipient: { id: PSID }, sender_action: 'typing_off' },
      ]);
    });

    it('marks read with mark_seen (the Send API takes no message id) on the configured Page, appsecret_proof included', async () => {
      const custom = new FacebookMessengerProvider({
        pageAccessToken: PAGE_TOKEN, pageId: '111111', appSecret: APP_SECRET, appSecretProof: true, graphBaseUrl: fake.url,
      });
      await expect(custom.markRead('mid.1457764197618:41d102a3e1ae206a38', PSID)).resolves.toBeUndefined();
      expect(fake.last!.path).toBe('/v23.0/111111/messages');
      expect(fake.last!.query.get('appsecret_proof')).toMatch(/^[0-9a-f]{64}$/);
      expect(fake.last!.json).toEqual({ recipient: { id: PSID }, sender_action: 'mark_seen' });
    });

    it('throws a Graph refusal as ProviderActionError with the Graph code, subcode and retryability', async () => {
      fake.failNext(graphError(400, 551, 'This person isn\'t available right now.', 1545041));
      const error = await captured(() => provider.sendTyping(PSID, { on: true }));
      expect(error).toBeInstanceOf(ProviderActionError);
      expect(error).toMatchObject({
        name: 'ProviderActionError', provider: 'messenger', action: 'typing', code: '551', retryable: false,
        providerResult: { success: false, metadata: { errorSubcode: '1545041', fbtraceId: 'BLBz/WZt8dN' } },
      });
      expect((error as Error).message).toContain('This person isn\'t available right now.');

      fake.failNext(graphError(400, 613, 'Calls to this api have exceeded the rate limit.'));
      await expect(provider.markRead('mid.1', PSID)).rejects.toMatchObject({ action: 'markRead', code: '613', retryable: true });
    });

    it('explains a closed 24-hour window on a sender action as it does on a message', async () => {
      fake.failNext(graphError(400, 10, '(#10) This message is sent outside of allowed window.', 2018278));
      const error = await captured(() => provider.sendTyping(PSID, { on: true }));
      expect(error).toMatchObject({ code: '10', retryable: false });
      expect((error as Error).message).toMatch(/24-hour standard messaging window is closed/);
    });

    it('reports an unreachable Graph API as a retryable network_error', async () => {
      const offline = new FacebookMessengerProvider({ pageAccessToken: PAGE_TOKEN, graphBaseUrl: 'http://127.0.0.1:9', timeoutMs: 2_000 });
      await expect(offline.sendTyping(PSID, { on: true })).rejects.toMatchObject({ code: 'network_error', retryable: true });
    });

    it('refuses bad arguments before calling Meta', async () => {
      await expect(provider.sendTyping('', { on: true })).rejects.toBeInstanceOf(RoomKitValidationError);
      await expect(provider.sendTyping(PSID, { on: 'yes' as unknown as boolean })).rejects.toMatchObject({ field: 'on' });
      await expect(provider.markRead('', PSID)).rejects.toMatchObject({ field: 'providerMessageId' });
      expect(fake.requests).toHaveLength(0);
    });

    it('the mock records the same sender actions and throws its failure like the real provider', async () => {
      const mock = new MockMessengerProvider();
      await mock.sendTyping(PSID, { on: true });
      await mock.markRead('mid.1', PSID);
      expect(mock.actions).toEqual([{ to: PSID, senderAction: 'typing_on' }, { to: PSID, senderAction: 'mark_seen' }]);
      mock.failWith = { error: 'Calls to this api have exceeded the rate limit.', code: '613', retryable: true };
      await expect(mock.sendTyping(PSID, { on: false })).rejects.toMatchObject({ name: 'ProviderActionError', code: '613', retryable: true });
      await expect(mock.markRead('', PSID)).rejects.toBeInstanceOf(RoomKitValidationError);
    });
  });

  describe('webhooks', () => {
    it('answers the verify-token handshake and refuses a wrong token with 403', async () => {
      const ok: WebhookRequest = { method: 'GET', url: `${WEBHOOK_URL}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=CHALLENGE_ACCEPTED`, headers: {}, rawBody: Buffer.alloc(0) };
      await provider.webhook!.verify(ok);
      expect(await provider.webhook!.parse(ok, 'fb-main')).toEqual({ kind: 'reply', reply: { status: 200, contentType: 'text/plain', body: 'CHALLENGE_ACCEPTED' } });
      const wrong = { ...ok, url: `${WEBHOOK_URL}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1` };
      const error = await captured(() => provider.webhook!.verify(wrong));
      expect(error).toBeInstanceOf(WebhookSignatureError);
      expect((error as WebhookSignatureError).status).toBe(403);
    });

    it('parses a text message: mid is the idempotency key, sender.id the sender, quick reply payload kept', async () => {
      const outcome = await parse('text.json');
      if (outcome.kind !== 'messages') throw new Error(outcome.kind);
      expect(InboundMessage.parse(outcome.messages[0])).toEqual({
        channelId: 'fb-main',
        senderId: PSID,
        content: { type: 'text', body: 'hello, world!' },
        externalId: 'mid.1457764197618:41d102a3e1ae206a38',
        idempotencyKey: 'mid.1457764197618:41d102a3e1ae206a38',
        providerMessageId: 'mid.1457764197618:41d102a3e1ae206a38',
        rawPayload: JSON.parse(fixture('text.json').toString()),
        metadata: { provider: 'messenger', recipient: '111111', timestamp: '2016-03-12T06:29:57.627Z', quickReplyPayload: 'DEVELOPER_DEFINED_PAYLOAD' },
      });
    });

    it.each(['echo.json', 'attachment.json'])('skips %s (nothing for a room)', async (name) => {
      expect((await parse(name)).kind).toBe('ignored');
    });

    it('turns delivery receipts into delivered statuses, one per mid', async () => {
      const outcome = await parse('delivery.json');
      if (outcome.kind !== 'statuses') throw new Error(outcome.kind);
      expect(outcome.statuses.map((s) => DeliveryStatus.parse(s))).toEqual([{
        channelId: 'fb-main', provider: 'messenger', messageId: 'mid.1458668856218:ed81099e15d3f4f233', status: 'delivered',
        recipient: PSID, sender: '111111', timestamp: '2016-03-22T17:47:36.253Z',
        raw: JSON.parse(fixture('delivery.json').toString()).entry[0].messaging[0],
      }]);
    });

    it('turns a read receipt into one read status at its watermark (Meta names no message id)', async () => {
      const outcome = await parse('read.json');
      if (outcome.kind !== 'statuses') throw new Error(outcome.kind);
      const statuses = outcome.statuses.map((s) => DeliveryStatus.parse(s));
      expect(statuses).toEqual([{
        channelId: 'fb-main', provider: 'messenger', messageId: 'watermark:1458668856253', status: 'read',
        recipient: PSID, sender: '111111', timestamp: '2016-03-22T17:47:36.253Z',
        raw: JSON.parse(fixture('read.json').toString()).entry[0].messaging[0],
      }]);
      expect(messengerWatermark(statuses[0])).toBe(1458668856253);
      expect(messengerWatermark({ messageId: 'mid.1458668856218:ed81099e15d3f4f233' })).toBeUndefined();
    });

    it('turns a delivery receipt without mids into one delivered status at its watermark', async () => {
      const outcome = await parse('delivery-watermark.json');
      if (outcome.kind !== 'statuses') throw new Error(outcome.kind);
      expect(outcome.statuses.map((s) => DeliveryStatus.parse(s))).toEqual([expect.objectContaining({
        messageId: 'watermark:1458668856253', status: 'delivered', recipient: PSID, sender: '111111', timestamp: '2016-03-22T17:47:36.253Z',
      })]);
    });

    it('keeps receipts batched with a message', async () => {
      const text = JSON.parse(fixture('text.json').toString());
      const read = JSON.parse(fixture('read.json').toString()).entry[0].messaging[0];
      text.entry[0].messaging.push(read);
      const outcome = await provider.webhook!.parse(signed(Buffer.from(JSON.stringify(text))), 'fb-main');
      if (outcome.kind !== 'messages') throw new Error(outcome.kind);
      expect(outcome.messages).toHaveLength(1);
      expect(outcome.statuses).toMatchObject([{ status: 'read', messageId: 'watermark:1458668856253' }]);
    });

    it.each([
      ['a read without a watermark', { read: {} }, 'entry[0].messaging[0].read.watermark'],
      ['a read whose watermark is not a time', { read: { watermark: 'yesterday' } }, 'entry[0].messaging[0].read.watermark'],
      ['a read that is not an object', { read: 1458668856253 }, 'entry[0].messaging[0].read'],
      ['a read without a sender', { read: { watermark: 1458668856253 }, sender: undefined }, 'entry[0].messaging[0].sender'],
      ['a delivery with a non-string mid', { delivery: { mids: [42], watermark: 1458668856253 } }, 'entry[0].messaging[0].delivery.mids[0]'],
      ['a delivery with neither mids nor watermark', { delivery: {} }, 'entry[0].messaging[0].delivery'],
    ])('refuses %s with a WebhookPayloadError naming the field', async (_what, patch, field) => {
      const event = { sender: { id: PSID }, recipient: { id: '111111' }, timestamp: 1458668856463, ...patch };
      const body = Buffer.from(JSON.stringify({ object: 'page', entry: [{ id: '111111', time: 1458668856463, messaging: [event] }] }));
      const error = await captured(() => provider.webhook!.parse(signed(body), 'fb-main'));
      expect(error).toBeInstanceOf(WebhookPayloadError);
      expect((error as WebhookPayloadError).field).toBe(field);
    });

    it('refuses a tampered body with 403 and a payload of another object with a named field', async () => {
      const request = signed(fixture('text.json'));
      const tampered = { ...request, rawBody: Buffer.from(request.rawBody.toString().replace('hello', 'HELLO')) };
      expect(((await captured(() => provider.webhook!.verify(tampered))) as WebhookSignatureError).status).toBe(403);
      const error = await captured(() => provider.webhook!.parse(signed(Buffer.from('{"object":"instagram","entry":[]}')), 'fb-main'));
      expect(error).toBeInstanceOf(WebhookPayloadError);
      expect((error as WebhookPayloadError).field).toBe('object');
    });
  });
});

async function parse(name: string) {
  const request = signed(fixture(name));
  await provider.webhook!.verify(request);
  return provider.webhook!.parse(request, 'fb-main');
}

async function captured(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
