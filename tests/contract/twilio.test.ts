/**
 * Twilio SMS and RCS providers: the shared transport contract against a loopback fake speaking
 * Twilio's Message resource JSON, plus the wire details Twilio documents (path, Basic auth, form
 * fields), webhook verification with signatures computed by the `twilio` SDK itself, and parsing.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomKitValidationError, WebhookPayloadError, WebhookSignatureError } from '../../src/errors.js';
import { InboundMessage } from '../../src/models/index.js';
import {
  EMPTY_TWIML, MockTwilioSMSProvider, TwilioRCSProvider, TwilioSMSProvider, TwilioWebhookHandler,
} from '../../src/providers/twilio/index.js';
import type { WebhookRequest } from '../../src/providers/webhook.js';
import { RCSChannel } from '../../src/channels/rcs.js';
import { makeBinding, makeContext, makeEvent } from '../support/factories.js';
import { VendorFake, type FakeResponse, type RecordedRequest } from '../support/vendor-fake.js';
import { textEvent, transportProviderContract, type VendorFailure } from './transport-provider-contract.js';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio-test-auth-token';
const SERVICE_SID = `MG${'fedcba9876543210'.repeat(2)}`;
const WEBHOOK_URL = 'https://hooks.example.com/webhooks/sms-twilio';
const MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;

const fixture = (name: string): Record<string, string> =>
  JSON.parse(readFileSync(new URL(`../fixtures/twilio/${name}`, import.meta.url), 'utf8'));

/** A webhook request as Twilio sends it, signed with the SDK's own signature function. */
function signed(params: Record<string, string>, url = WEBHOOK_URL, token = AUTH_TOKEN): WebhookRequest {
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(token, url, params) },
    rawBody: Buffer.from(new URLSearchParams(params).toString()),
  };
}

function unsigned(params: Record<string, string>): WebhookRequest {
  const request = signed(params);
  const { 'x-twilio-signature': _dropped, ...headers } = request.headers;
  return { ...request, headers };
}

/** Twilio's Message resource answer for a create (201), echoing the request's fields. */
function messageResource(req: RecordedRequest): FakeResponse {
  const form = req.form ?? new URLSearchParams();
  const sid = `SM${randomBytes(16).toString('hex')}`;
  return {
    status: 201,
    body: {
      ...fixture('message-created.json'),
      account_sid: ACCOUNT_SID,
      sid,
      body: form.get('Body') ?? '',
      to: form.get('To'),
      from: form.get('From'),
      messaging_service_sid: form.get('MessagingServiceSid'),
      num_media: String(form.getAll('MediaUrl').length),
      uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}.json`,
    },
  };
}

/** How Twilio refuses: its error JSON with the matching HTTP status. */
const REFUSALS: Record<VendorFailure, { code: number; status: number; message: string }> = {
  permanent: { code: 21211, status: 400, message: "The 'To' number +1555 is not a valid phone number." },
  throttled: { code: 20429, status: 429, message: 'Too Many Requests' },
  unavailable: { code: 20503, status: 503, message: 'Service Unavailable' },
};

function refusal(kind: VendorFailure): FakeResponse {
  const { code, status, message } = REFUSALS[kind];
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

async function fakeTwilio(): Promise<VendorFake> {
  return VendorFake.start((req) =>
    req.method === 'POST' && req.path === MESSAGES_PATH ? messageResource(req) : { status: 404, body: { code: 20404, message: 'not found', status: 404 } });
}

const sends = (fake: VendorFake) => fake.requests.filter((r) => r.path === MESSAGES_PATH).length;

transportProviderContract('twilio sms', async () => {
  const fake = await fakeTwilio();
  const provider = new TwilioSMSProvider({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: '+14155552671', baseUrl: fake.url });
  const inbound = fixture('inbound-sms.json');
  return {
    provider,
    sendOptions: { to: '+14155550100', idempotencyKey: 'room-1:1:sms' },
    requestCount: () => sends(fake),
    failNext: (kind) => {
      fake.failNext(refusal(kind));
      return { code: String(REFUSALS[kind].code) };
    },
    inbound: {
      handler: provider.webhook,
      signed: () => signed(inbound),
      unsigned: () => unsigned(inbound),
      expect: { senderId: '+14155550100', text: 'Hello from my phone', providerMessageId: inbound.MessageSid },
    },
    close: () => fake.close(),
  };
}, { inbound: true });

transportProviderContract('twilio rcs', async () => {
  const fake = await fakeTwilio();
  const provider = new TwilioRCSProvider({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, messagingServiceSid: SERVICE_SID, baseUrl: fake.url });
  const inbound = fixture('inbound-rcs.json');
  return {
    provider,
    sendOptions: { to: '+14155550100', idempotencyKey: 'room-1:1:rcs' },
    requestCount: () => sends(fake),
    failNext: (kind) => {
      fake.failNext(refusal(kind));
      return { code: String(REFUSALS[kind].code) };
    },
    inbound: {
      handler: provider.webhook,
      signed: () => signed(inbound),
      unsigned: () => unsigned(inbound),
      expect: { senderId: '+14155550100', text: 'Yes, that time works', providerMessageId: inbound.MessageSid },
    },
    close: () => fake.close(),
  };
}, { inbound: true });

describe('TwilioSMSProvider on the wire', () => {
  let fake: VendorFake;
  beforeAll(async () => {
    fake = await fakeTwilio();
  });
  afterAll(async () => {
    await fake?.close();
  });

  const provider = (extra: Partial<ConstructorParameters<typeof TwilioSMSProvider>[0]> = {}) =>
    new TwilioSMSProvider({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: '+14155552671', baseUrl: fake.url, ...extra });

  it('posts the form Twilio documents to the account Messages resource with Basic auth', async () => {
    const result = await provider({ statusCallback: 'https://hooks.example.com/webhooks/sms-twilio' })
      .send(textEvent('Hello there'), { to: '+14155550100', idempotencyKey: 'room-1:4:sms' });
    const req = fake.last!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(MESSAGES_PATH);
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(req.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(req.headers['i-twilio-idempotency-token']).toBe('room-1:4:sms');
    expect(Object.fromEntries(req.form!)).toEqual({
      To: '+14155550100', From: '+14155552671', Body: 'Hello there', StatusCallback: 'https://hooks.example.com/webhooks/sms-twilio',
    });
    expect(result).toMatchObject({ success: true, metadata: { status: 'queued', to: '+14155550100', numSegments: 1 } });
    expect(result.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('sends MMS: one MediaUrl per media part, the caption as Body', async () => {
    const event = makeEvent({
      content: {
        type: 'composite',
        parts: [
          { type: 'media', url: 'https://cdn.example.com/a.jpg', mimeType: 'image/jpeg', caption: 'Look' },
          { type: 'media', url: 'https://cdn.example.com/b.png', mimeType: 'image/png' },
        ],
      },
    });
    const result = await provider().send(event, { to: '+14155550100' });
    expect(result.success).toBe(true);
    expect(fake.last!.form!.getAll('MediaUrl')).toEqual(['https://cdn.example.com/a.jpg', 'https://cdn.example.com/b.png']);
    expect(fake.last!.form!.get('Body')).toBe('Look');
  });

  it('sends a media-only message without a Body', async () => {
    const event = makeEvent({ content: { type: 'media', url: 'https://cdn.example.com/a.jpg', mimeType: 'image/jpeg' } });
    expect((await provider().send(event, { to: '+14155550100' })).success).toBe(true);
    expect(fake.last!.form!.has('Body')).toBe(false);
    expect(fake.last!.form!.getAll('MediaUrl')).toEqual(['https://cdn.example.com/a.jpg']);
  });

  it('sends through a Messaging Service instead of a From number when one is configured', async () => {
    await provider({ messagingServiceSid: SERVICE_SID }).send(textEvent('via service'), { to: '+14155550100', from: '+14155552671' });
    const form = fake.last!.form!;
    expect(form.get('MessagingServiceSid')).toBe(SERVICE_SID);
    expect(form.has('From')).toBe(false);
  });

  it('refuses without calling Twilio when no sender is known', async () => {
    const before = sends(fake);
    const p = new TwilioSMSProvider({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: fake.url });
    const result = await p.send(textEvent('hi'), { to: '+14155550100' });
    expect(result).toMatchObject({ success: false, metadata: { code: 'missing_sender', retryable: false } });
    expect(sends(fake)).toBe(before);
  });

  it("maps Twilio's error answer: code, message, HTTP status, Retry-After", async () => {
    fake.failNext({ ...refusal('throttled'), headers: { 'retry-after': '7' } });
    const throttled = await provider().send(textEvent('slow down'), { to: '+14155550100' });
    expect(throttled).toEqual({
      success: false, error: 'Too Many Requests',
      metadata: { code: '20429', retryable: true, httpStatus: 429, retryAfterMs: 7000 },
    });
    fake.failNext(refusal('permanent'));
    const invalid = await provider().send(textEvent('nope'), { to: '+1555' });
    expect(invalid).toEqual({
      success: false, error: REFUSALS.permanent.message, metadata: { code: '21211', retryable: false, httpStatus: 400 },
    });
  });

  it('reports an unreachable Twilio as a retryable network_error', async () => {
    const gone = await VendorFake.start(() => ({ status: 200 }));
    await gone.close();
    const result = await provider({ baseUrl: gone.url, timeoutMs: 2000 }).send(textEvent('anyone?'), { to: '+14155550100' });
    expect(result).toMatchObject({ success: false, metadata: { code: 'network_error', retryable: true } });
  });

  it('refuses a config with a malformed Account SID, naming the field', () => {
    expect(() => new TwilioSMSProvider({ accountSid: 'nope', authToken: AUTH_TOKEN })).toThrow(RoomKitValidationError);
    try {
      new TwilioSMSProvider({ accountSid: 'nope', authToken: AUTH_TOKEN });
    } catch (err) {
      expect((err as RoomKitValidationError).field).toBe('accountSid');
    }
  });
});

describe('TwilioRCSProvider on the wire', () => {
  let fake: VendorFake;
  beforeAll(async () => {
    fake = await fakeTwilio();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('with SMS fallback: plain To through the Messaging Service; the channel is decided later', async () => {
    const rcs = new TwilioRCSProvider({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, messagingServiceSid: SERVICE_SID, baseUrl: fake.url });
    const result = await rcs.send(textEvent('Your order shipped'), { to: '+14155550100' });
    expect(Object.fromEntries(fake.last!.form!)).toEqual({ To: '+14155550100', MessagingServiceSid: SERVICE_SID, Body: 'Your order shipped' });
    expect(result.metadata).toMatchObject({ channelUsed: 'pending', fallback: true });
  });

  it('without fallback: To is rcs:<number> and the channel used is RCS', async () => {
    const rcs = new TwilioRCSProvider({
      accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, messagingServiceSid: SERVICE_SID, baseUrl: fake.url, fallback: false,
    });
    const result = await rcs.send(textEvent('RCS only'), { to: '+14155550100' });
    expect(fake.last!.form!.get('To')).toBe('rcs:+14155550100');
    expect(result).toMatchObject({ success: true, metadata: { channelUsed: 'rcs', fallback: false } });
  });

  it("RCSChannel's fallback option reaches the provider as a send option", async () => {
    const rcs = new TwilioRCSProvider({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, messagingServiceSid: SERVICE_SID, baseUrl: fake.url });
    const channel = new RCSChannel('rcs-main', { provider: rcs, fallback: false });
    const out = await channel.deliver(textEvent('via channel'), makeBinding({ channelId: 'rcs-main', channelType: 'rcs', metadata: { phoneNumber: '+14155550100' } }), makeContext());
    expect(fake.last!.form!.get('To')).toBe('rcs:+14155550100');
    expect(out.providerResult?.metadata).toMatchObject({ channelUsed: 'rcs' });
  });

  it('requires a Messaging Service', () => {
    expect(() => new TwilioRCSProvider({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN } as never)).toThrow(/messagingServiceSid/);
  });
});

describe('Twilio webhooks', () => {
  const handler = new TwilioWebhookHandler({ authToken: AUTH_TOKEN });

  it('parses an inbound SMS: sender, text, vendor id as idempotency key, geography in metadata, verbatim payload', async () => {
    const params = fixture('inbound-sms.json');
    const request = signed(params);
    await handler.verify(request);
    const outcome = handler.parse(request, 'sms-twilio');
    expect(outcome.kind).toBe('messages');
    if (outcome.kind !== 'messages') return;
    const message = InboundMessage.parse(outcome.messages[0]);
    expect(message).toEqual({
      channelId: 'sms-twilio',
      senderId: '+14155550100',
      content: { type: 'text', body: 'Hello from my phone' },
      externalId: params.MessageSid,
      providerMessageId: params.MessageSid,
      idempotencyKey: params.MessageSid,
      rawPayload: params,
      metadata: { provider: 'twilio', recipient: '+14155552671', fromCity: 'SAN FRANCISCO', fromState: 'CA', fromCountry: 'US' },
    });
    expect(handler.ack).toEqual(EMPTY_TWIML);
  });

  it('parses an MMS with two media and text into a composite', async () => {
    const params = fixture('inbound-mms.json');
    const outcome = handler.parse(signed(params), 'sms-twilio');
    if (outcome.kind !== 'messages') throw new Error(outcome.kind);
    expect(outcome.messages[0].content).toEqual({
      type: 'composite',
      parts: [
        { type: 'text', body: 'Two pictures' },
        { type: 'media', url: params.MediaUrl0, mimeType: 'image/jpeg' },
        { type: 'media', url: params.MediaUrl1, mimeType: 'image/png' },
      ],
    });
    expect(outcome.messages[0].metadata).toMatchObject({ numMedia: 2 });
  });

  it('one media with text becomes captioned media; a missing content type defaults to octet-stream', () => {
    const { MediaContentType0: _t, MediaUrl1: _u, MediaContentType1: _t1, ...rest } = fixture('inbound-mms.json');
    const outcome = handler.parse(signed({ ...rest, NumMedia: '1' }), 'sms-twilio');
    if (outcome.kind !== 'messages') throw new Error(outcome.kind);
    expect(outcome.messages[0].content).toEqual({
      type: 'media', url: rest.MediaUrl0, mimeType: 'application/octet-stream', caption: 'Two pictures',
    });
  });

  it('parses a status callback into a DeliveryStatus for the route channel', () => {
    const params = fixture('status-callback-undelivered.json');
    const outcome = handler.parse(signed(params), 'sms-twilio');
    expect(outcome).toEqual({
      kind: 'statuses',
      statuses: [{
        channelId: 'sms-twilio', provider: 'twilio', messageId: params.MessageSid, status: 'undelivered',
        recipient: '+14155550100', sender: '+14155552671', errorCode: '30003', raw: params,
      }],
    });
  });

  it.each([
    ['MessageSid', (p: Record<string, string>) => { delete p.MessageSid; }],
    ['From', (p: Record<string, string>) => { delete p.From; }],
    ['NumMedia', (p: Record<string, string>) => { p.NumMedia = '21'; }],
    ['MediaUrl1', (p: Record<string, string>) => { delete p.MediaUrl1; }],
    ['MediaUrl0', (p: Record<string, string>) => { p.MediaUrl0 = 'ftp://example.com/x'; }],
  ])('a malformed payload names the field: %s', (field, mutate) => {
    const params = fixture('inbound-mms.json');
    mutate(params);
    let error: unknown;
    try {
      handler.parse(signed(params), 'sms-twilio');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as WebhookPayloadError).field).toBe(field);
  });

  it('refuses a signature made with another token, or for another URL, with 403', async () => {
    const params = fixture('inbound-sms.json');
    for (const request of [signed(params, WEBHOOK_URL, 'other-token'), { ...signed(params, 'https://evil.example.com/webhooks/sms-twilio'), url: WEBHOOK_URL }]) {
      const error = await handler.verify(request).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(WebhookSignatureError);
      expect((error as WebhookSignatureError).status).toBe(403);
    }
  });

  it('accepts the signature whether or not the URL names the default port (as the SDK does)', async () => {
    const params = fixture('inbound-sms.json');
    const request = signed(params, 'https://hooks.example.com:443/webhooks/sms-twilio');
    await expect(handler.verify({ ...request, url: WEBHOOK_URL })).resolves.toBeUndefined();
  });

  it('RCS: drops the rcs: prefix from addresses and marks the channel', () => {
    const rcs = new TwilioWebhookHandler({ authToken: AUTH_TOKEN, rcs: true });
    const outcome = rcs.parse(signed(fixture('inbound-rcs.json')), 'rcs');
    if (outcome.kind !== 'messages') throw new Error(outcome.kind);
    expect(outcome.messages[0]).toMatchObject({ senderId: '+14155550100', metadata: { channel: 'rcs', recipient: 'acme_support_agent' } });
  });
});

describe('MockTwilioSMSProvider', () => {
  it('records sends and refuses a non-E.164 number with 21211 like Twilio', async () => {
    const mock = new MockTwilioSMSProvider();
    expect((await mock.send(textEvent('hi'), { to: '+14155550100' })).success).toBe(true);
    expect(await mock.send(textEvent('hi'), { to: '555-0100' })).toMatchObject({
      success: false, metadata: { code: '21211', retryable: false, httpStatus: 400 },
    });
    expect(await mock.send(textEvent(''), { to: '+14155550100' })).toMatchObject({ success: false, error: 'empty_message' });
    expect(mock.calls.map((c) => c.to)).toEqual(['+14155550100', '555-0100']);
  });
});
