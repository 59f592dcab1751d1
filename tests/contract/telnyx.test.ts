/**
 * Telnyx SMS and RCS against a loopback fake answering in Telnyx's documented shapes (Messaging
 * API v2), plus Telnyx's Ed25519 webhooks signed with a key pair made here.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookSignatureError } from '../../src/errors.js';
import { DeliveryStatus, InboundMessage } from '../../src/models/index.js';
import {
  MockTelnyxSMSProvider, TelnyxRCSProvider, TelnyxSMSProvider, TelnyxWebhookHandler,
} from '../../src/providers/telnyx/index.js';
import type { WebhookRequest } from '../../src/providers/webhook.js';
import { makeEvent } from '../support/factories.js';
import { VendorFake, type FakeResponse, type RecordedRequest } from '../support/vendor-fake.js';
import { textEvent, transportProviderContract, type VendorFailure } from './transport-provider-contract.js';

const API_KEY = 'KEY0123456789ABCDEF';
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/telnyx/${name}`, import.meta.url), 'utf8');

/** A key pair like the one in the Telnyx portal: the public half as base64 of its 32 raw bytes. */
function keyPair(): { privateKey: KeyObject; publicKeyBase64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x as string;
  return { privateKey, publicKeyBase64: Buffer.from(x, 'base64url').toString('base64') };
}

function signedRequest(body: string, privateKey: KeyObject, timestamp = Math.floor(Date.now() / 1000)): WebhookRequest {
  const signature = sign(null, Buffer.from(`${timestamp}|${body}`), privateKey).toString('base64');
  return {
    method: 'POST',
    url: 'https://example.com/webhooks/telnyx',
    headers: {
      'content-type': 'application/json',
      'telnyx-signature-ed25519': signature,
      'telnyx-timestamp': String(timestamp),
    },
    rawBody: Buffer.from(body),
  };
}

function unsignedRequest(body: string): WebhookRequest {
  return { method: 'POST', url: 'https://example.com/webhooks/telnyx', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(body) };
}

const REFUSALS: Record<VendorFailure, { response: FakeResponse; code: string }> = {
  permanent: {
    response: { status: 400, body: { errors: [{ code: '40310', title: "Invalid 'to' address", detail: 'The destination number is invalid.' }] } },
    code: '40310',
  },
  throttled: {
    response: { status: 429, headers: { 'retry-after': '2' }, body: { errors: [{ code: '10011', title: 'Too many requests', detail: 'Rate limit exceeded.' }] } },
    code: '10011',
  },
  unavailable: { response: { status: 503, body: 'Service Unavailable' }, code: 'http_503' },
};

let counter = 0;
/** Telnyx's answer to an accepted message, with `data.id`. */
function accepted(request: RecordedRequest, type: string): FakeResponse {
  if (request.headers.authorization !== `Bearer ${API_KEY}`) {
    return { status: 401, body: { errors: [{ code: '10009', title: 'Authentication failed', detail: 'Could not understand the provided credentials.' }] } };
  }
  counter += 1;
  return {
    status: 200,
    body: { data: { record_type: 'message', direction: 'outbound', id: `40385f64-0000-4562-b3fc-${String(counter).padStart(12, '0')}`, type, parts: 1 } },
  };
}

// --- SMS ---------------------------------------------------------------------------------------

const smsKeys = keyPair();
const received = fixture('message-received.json');

transportProviderContract('telnyx sms', async () => {
  const fake = await VendorFake.start((req) => accepted(req, 'SMS'));
  const provider = new TelnyxSMSProvider({ apiKey: API_KEY, fromNumber: '+13125550001', baseUrl: fake.url, publicKey: smsKeys.publicKeyBase64 });
  return {
    provider,
    sendOptions: { to: '+13125550002', idempotencyKey: 'room-1:0:sms-main' },
    requestCount: () => fake.requests.length,
    failNext(kind) {
      fake.failNext(REFUSALS[kind].response);
      return { code: REFUSALS[kind].code };
    },
    inbound: {
      handler: provider.webhook!,
      signed: () => signedRequest(received, smsKeys.privateKey),
      unsigned: () => unsignedRequest(received),
      expect: { senderId: '+18665550001', text: 'Hello, World!', providerMessageId: '7ee4241c-f127-47e5-9c34-3aac291f8058' },
    },
    close: () => fake.close(),
  };
}, { inbound: true });

describe('telnyx sms', () => {
  let fake: VendorFake;
  let provider: TelnyxSMSProvider;
  beforeAll(async () => {
    fake = await VendorFake.start((req) => accepted(req, req.json && (req.json as { media_urls?: unknown }).media_urls ? 'MMS' : 'SMS'));
    provider = new TelnyxSMSProvider({
      apiKey: API_KEY, fromNumber: '+13125550001', messagingProfileId: 'profile-1', baseUrl: fake.url, publicKey: smsKeys.publicKeyBase64,
    });
  });
  afterAll(() => fake.close());

  it('posts JSON to /v2/messages with Bearer auth and the documented fields', async () => {
    const result = await provider.send(textEvent('Hi there'), { to: '+13125550002', idempotencyKey: 'room-1:4:sms-main' });
    expect(result).toMatchObject({ success: true, providerMessageId: expect.any(String) });
    const request = fake.last!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v2/messages');
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['idempotency-key']).toBe('room-1:4:sms-main');
    expect(request.json).toEqual({ from: '+13125550001', to: '+13125550002', text: 'Hi there', messaging_profile_id: 'profile-1' });
  });

  it('sends media as media_urls (an MMS) and a send option from over the default', async () => {
    const event = makeEvent({ content: { type: 'media', url: 'https://example.com/cat.jpg', mimeType: 'image/jpeg', caption: 'Look' } });
    await provider.send(event, { to: '+13125550002', from: '+13125559999' });
    expect(fake.last!.json).toEqual({
      from: '+13125559999', to: '+13125550002', text: 'Look', media_urls: ['https://example.com/cat.jpg'], messaging_profile_id: 'profile-1',
    });
  });

  it('reports the vendor Retry-After on throttling', async () => {
    fake.failNext(REFUSALS.throttled.response);
    const result = await provider.send(textEvent('later'), { to: '+13125550002' });
    expect(result.metadata).toMatchObject({ code: '10011', retryable: true, httpStatus: 429, retryAfterMs: 2000 });
    expect(result.error).toBe('Too many requests: Rate limit exceeded.');
  });

  it('reports an unreachable vendor as a retryable network_error', async () => {
    const offline = new TelnyxSMSProvider({ apiKey: API_KEY, fromNumber: '+1', baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 });
    const result = await offline.send(textEvent('x'), { to: '+13125550002' });
    expect(result).toMatchObject({ success: false, metadata: { code: 'network_error', retryable: true } });
  });

  it('refuses a config without an API key, naming the field', () => {
    expect(() => new TelnyxSMSProvider({ apiKey: '' })).toThrow(/apiKey/);
    expect(() => new TelnyxSMSProvider({ apiKey: 'k', publicKey: 'not-a-key' })).toThrow(/publicKey/);
  });

  it('exposes no webhook handler without a public key', () => {
    expect(new TelnyxSMSProvider({ apiKey: 'k' }).webhook).toBeUndefined();
  });
});

describe('telnyx webhooks', () => {
  const handler = new TelnyxWebhookHandler({ publicKey: smsKeys.publicKeyBase64 });

  it('refuses a stale timestamp with 403 even when the signature is right', async () => {
    const stale = signedRequest(received, smsKeys.privateKey, Math.floor(Date.now() / 1000) - 301);
    const error = await captured(() => handler.verify(stale));
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect(error).toMatchObject({ status: 403, message: expect.stringMatching(/stale/) });
  });

  it('refuses a timestamp in the future beyond the tolerance too', async () => {
    const future = signedRequest(received, smsKeys.privateKey, Math.floor(Date.now() / 1000) + 400);
    expect(await captured(() => handler.verify(future))).toMatchObject({ status: 403 });
  });

  it('refuses a signature made with another key with 403', async () => {
    const other = keyPair();
    expect(await captured(() => handler.verify(signedRequest(received, other.privateKey)))).toMatchObject({ status: 403 });
  });

  it('accepts a PEM public key as well', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(() => new TelnyxWebhookHandler({ publicKey: pem }).verify(signedRequest(received, privateKey))).not.toThrow();
  });

  it('parses inbound metadata per the field map', () => {
    const outcome = handler.parse(signedRequest(received, smsKeys.privateKey), 'sms-main');
    expect(outcome.kind).toBe('messages');
    if (outcome.kind !== 'messages') return;
    const message = InboundMessage.parse(outcome.messages[0]);
    expect(message.content).toEqual({ type: 'text', body: 'Hello, World!' });
    expect(message.metadata).toEqual({ provider: 'telnyx', recipient: '+18445550001', timestamp: '2019-01-23T18:10:02.574Z', messageType: 'SMS' });
    expect(message.rawPayload).toEqual(JSON.parse(received));
  });

  it('parses MMS media into media content with the text as caption', () => {
    const body = JSON.parse(received);
    body.data.payload.media = [{ url: 'https://media.telnyx.com/abc.jpg', content_type: 'image/jpeg', size: 1024 }];
    const outcome = handler.parse(unsignedRequest(JSON.stringify(body)), 'sms-main');
    expect(outcome.kind === 'messages' && outcome.messages[0].content).toEqual({
      type: 'media', url: 'https://media.telnyx.com/abc.jpg', mimeType: 'image/jpeg', caption: 'Hello, World!',
    });
  });

  it('turns a delivered status webhook into a DeliveryStatus', () => {
    const outcome = handler.parse(unsignedRequest(fixture('message-finalized.json')), 'sms-main');
    expect(outcome.kind).toBe('statuses');
    if (outcome.kind !== 'statuses') return;
    expect(DeliveryStatus.parse(outcome.statuses[0])).toMatchObject({
      channelId: 'sms-main', provider: 'telnyx', messageId: '40385f64-5717-4562-b3fc-2c963f66afa6', status: 'delivered',
      recipient: '+13125550002', sender: '+13125550001', timestamp: '2019-12-09T21:32:14.148Z',
    });
    expect(outcome.statuses[0].errorCode).toBeUndefined();
  });

  it('carries errors[0].code and detail on a failed delivery', () => {
    const outcome = handler.parse(unsignedRequest(fixture('message-failed.json')), 'sms-main');
    expect(outcome.kind === 'statuses' && outcome.statuses[0]).toMatchObject({
      status: 'delivery_failed', errorCode: '40300', errorMessage: 'Message has been blocked as spam.',
    });
  });

  it('falls back to the event name when the recipient has no status', () => {
    const body = JSON.parse(fixture('message-finalized.json'));
    body.data.event_type = 'message.sent';
    delete body.data.payload.to[0].status;
    const outcome = handler.parse(unsignedRequest(JSON.stringify(body)), 'sms-main');
    expect(outcome.kind === 'statuses' && outcome.statuses[0].status).toBe('sent');
  });

  it('ignores events that are neither messages nor statuses', () => {
    const body = { data: { event_type: 'number_order.complete', payload: { id: 'x' } } };
    expect(handler.parse(unsignedRequest(JSON.stringify(body)), 'sms-main').kind).toBe('ignored');
  });

  it('names the missing field of a malformed payload', () => {
    const body = JSON.parse(received);
    delete body.data.payload.from;
    expect(() => handler.parse(unsignedRequest(JSON.stringify(body)), 'sms-main')).toThrow(/data\.payload\.from\.phone_number/);
    expect(() => handler.parse(unsignedRequest('not json'), 'sms-main')).toThrow(/body/);
  });
});

// --- RCS ---------------------------------------------------------------------------------------

const rcsKeys = keyPair();
const rcsReceived = fixture('rcs-message-received.json');
const RCS_CAPABLE = new Set(['+13125551234']);

/** The Telnyx RCS fake: capability checks by number, RCS and SMS sends; failures only hit sends. */
async function rcsFake(): Promise<{ fake: VendorFake; sends: () => RecordedRequest[]; failNextSend: (r: FakeResponse) => void }> {
  const failures: FakeResponse[] = [];
  const fake = await VendorFake.start((req) => {
    if (req.method === 'GET' && req.path.startsWith('/v2/messaging/rcs/capabilities/')) {
      const phone = decodeURIComponent(req.path.split('/').at(-1)!);
      if (!RCS_CAPABLE.has(phone)) {
        return { status: 404, body: { errors: [{ code: '10005', title: 'Resource not found', detail: 'Phone number is not RCS enabled.' }] } };
      }
      return { status: 200, body: { data: { record_type: 'rcs.capabilities', phone_number: phone, agent_id: 'Agent007', features: ['RICHCARD_STANDALONE', 'ACTION_DIAL'] } } };
    }
    const failure = failures.shift();
    if (failure) return failure;
    if (req.path === '/v2/messages/rcs') return accepted(req, 'RCS');
    if (req.path === '/v2/messages') return accepted(req, 'SMS');
    return { status: 404, body: { errors: [{ code: '10005', title: 'Resource not found' }] } };
  });
  return { fake, sends: () => fake.requests.filter((r) => r.method === 'POST'), failNextSend: (r) => failures.push(r) };
}

transportProviderContract('telnyx rcs', async () => {
  const { fake, sends, failNextSend } = await rcsFake();
  const provider = new TelnyxRCSProvider({
    apiKey: API_KEY, agentId: 'Agent007', messagingProfileId: 'profile-1', fallbackFrom: '+13125550001',
    baseUrl: fake.url, publicKey: rcsKeys.publicKeyBase64,
  });
  return {
    provider,
    sendOptions: { to: '+13125551234', fallback: true },
    requestCount: () => sends().length,
    failNext(kind) {
      failNextSend(REFUSALS[kind].response);
      return { code: REFUSALS[kind].code };
    },
    inbound: {
      handler: provider.webhook!,
      signed: () => signedRequest(rcsReceived, rcsKeys.privateKey),
      unsigned: () => unsignedRequest(rcsReceived),
      expect: { senderId: '+13125551234', text: 'Yes, tomorrow works', providerMessageId: '5bd4c0b1-3e32-4f5c-9c38-3a7a4c1f0b6e' },
    },
    close: () => fake.close(),
  };
}, { inbound: true });

describe('telnyx rcs', () => {
  let rcs: Awaited<ReturnType<typeof rcsFake>>;
  let provider: TelnyxRCSProvider;
  beforeAll(async () => {
    rcs = await rcsFake();
    provider = new TelnyxRCSProvider({
      apiKey: API_KEY, agentId: 'Agent007', messagingProfileId: 'profile-1', fallbackFrom: '+13125550001', baseUrl: rcs.fake.url,
    });
  });
  afterAll(() => rcs.fake.close());

  it('sends to an RCS-capable handset over RCS, with Telnyx sms_fallback attached', async () => {
    const result = await provider.send(textEvent('Your table is ready'), { to: '+13125551234', fallback: true });
    expect(result).toMatchObject({ success: true, metadata: { channelUsed: 'rcs', fallback: false } });
    const check = rcs.fake.requests.at(-2)!;
    expect(check).toMatchObject({ method: 'GET', path: '/v2/messaging/rcs/capabilities/Agent007/+13125551234' });
    expect(check.headers.authorization).toBe(`Bearer ${API_KEY}`);
    const send = rcs.fake.last!;
    expect(send.path).toBe('/v2/messages/rcs');
    expect(send.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(send.json).toEqual({
      agent_id: 'Agent007', to: '+13125551234', messaging_profile_id: 'profile-1', type: 'RCS',
      agent_message: { content_message: { text: 'Your table is ready' } },
      sms_fallback: { from: '+13125550001', text: 'Your table is ready' },
    });
  });

  it('falls back to SMS when the handset is not RCS-capable', async () => {
    const result = await provider.send(textEvent('Your table is ready'), { to: '+13125550002', fallback: true });
    expect(result).toMatchObject({ success: true, providerMessageId: expect.any(String), metadata: { channelUsed: 'sms', fallback: true } });
    const send = rcs.fake.last!;
    expect(send.path).toBe('/v2/messages');
    expect(send.json).toEqual({ from: '+13125550001', to: '+13125550002', text: 'Your table is ready', messaging_profile_id: 'profile-1' });
  });

  it('with fallback off, sends RCS without asking and without fallback fields', async () => {
    const before = rcs.fake.requests.length;
    const result = await provider.send(textEvent('RCS only'), { to: '+13125550002', fallback: false });
    expect(result.metadata).toMatchObject({ channelUsed: 'rcs' });
    expect(rcs.fake.requests.length).toBe(before + 1);
    expect(rcs.fake.last!.json).not.toHaveProperty('sms_fallback');
  });

  it('sends RCS (with Telnyx fallback) when the capability check is throttled', async () => {
    rcs.fake.failNext({ status: 429, body: { errors: [{ code: '10011', title: 'Too many requests' }] } });
    const result = await provider.send(textEvent('hello'), { to: '+13125550002', fallback: true });
    expect(result.metadata).toMatchObject({ channelUsed: 'rcs' });
    expect(rcs.fake.last!.json).toMatchObject({ sms_fallback: { from: '+13125550001', text: 'hello' } });
  });

  it('renders rich content: quick replies as suggestions, cards as a rich card', async () => {
    const event = makeEvent({
      content: {
        type: 'rich', body: 'Pick a slot', quickReplies: ['9:00', '10:00'],
        buttons: [{ text: 'Menu', url: 'https://example.com/menu' }],
      },
    });
    await provider.send(event, { to: '+13125551234', fallback: false });
    expect((rcs.fake.last!.json as { agent_message: unknown }).agent_message).toEqual({
      content_message: {
        text: 'Pick a slot',
        suggestions: [
          { action: { text: 'Menu', postback_data: 'Menu', open_url_action: { url: 'https://example.com/menu', application: 'BROWSER', webview_view_mode: 'FULL' } } },
          { reply: { text: '9:00', postback_data: '9:00' } },
          { reply: { text: '10:00', postback_data: '10:00' } },
        ],
      },
    });
    const card = makeEvent({
      content: { type: 'rich', body: 'Our pick', cards: [{ title: 'Elephant', description: 'Big', imageUrl: 'https://example.com/elephant.jpg' }] },
    });
    await provider.send(card, { to: '+13125551234', fallback: false });
    expect((rcs.fake.last!.json as { agent_message: unknown }).agent_message).toEqual({
      content_message: {
        rich_card: {
          standalone_card: {
            card_orientation: 'VERTICAL', thumbnail_image_alignment: 'LEFT',
            card_content: { title: 'Elephant', description: 'Big', media: { height: 'MEDIUM', content_info: { file_url: 'https://example.com/elephant.jpg' } } },
          },
        },
      },
    });
  });

  it('parses a tapped suggestion into text with its postback data', () => {
    const handler = new TelnyxWebhookHandler({ publicKey: rcsKeys.publicKeyBase64 });
    const outcome = handler.parse(unsignedRequest(fixture('rcs-suggestion-response.json')), 'rcs-main');
    expect(outcome.kind).toBe('messages');
    if (outcome.kind !== 'messages') return;
    expect(outcome.messages[0].content).toEqual({ type: 'text', body: 'Confirm' });
    expect(outcome.messages[0].metadata).toMatchObject({ postbackData: 'confirm_booking', recipient: 'e4448a5c0670c2a9', messageType: 'RCS' });
  });
});

describe('MockTelnyxSMSProvider', () => {
  it('records sends and refuses like Telnyx', async () => {
    const mock = new MockTelnyxSMSProvider();
    expect(await mock.send(textEvent('hi'), { to: '+1555', idempotencyKey: 'k' })).toMatchObject({ success: true, providerMessageId: 'telnyx-mock-1' });
    expect(mock.calls[0]).toMatchObject({ to: '+1555', text: 'hi', idempotencyKey: 'k' });
    mock.failWith = { code: '40310', detail: 'Invalid destination' };
    expect(await mock.send(textEvent('hi'), { to: '+1555' })).toMatchObject({ success: false, metadata: { code: '40310', retryable: false } });
    expect(await mock.send(textEvent(''), { to: '+1555' })).toMatchObject({ error: 'empty_message' });
    expect(mock.calls).toHaveLength(2);
  });
});

async function captured(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
