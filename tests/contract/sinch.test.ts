/**
 * Sinch SMS REST API against a loopback fake answering in Sinch's documented shapes, plus signed
 * callbacks (`x-sinch-webhook-signature`, HMAC-SHA256 of `body.nonce.timestamp`).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookSignatureError } from '../../src/errors.js';
import { DeliveryStatus, InboundMessage } from '../../src/models/index.js';
import {
  MockSinchSMSProvider, SinchSMSProvider, SinchWebhookHandler, sinchLegacySignature, sinchSignature,
} from '../../src/providers/sinch/index.js';
import type { WebhookRequest } from '../../src/providers/webhook.js';
import { makeEvent } from '../support/factories.js';
import { VendorFake, type FakeResponse, type RecordedRequest } from '../support/vendor-fake.js';
import { textEvent, transportProviderContract, type VendorFailure } from './transport-provider-contract.js';

const PLAN = 'b4ebd7a2a8bd4bbd9a3c7ff0f2e4b0c1';
const TOKEN = 'sinch-api-token';
const SECRET = 'sinch-callback-secret';
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/sinch/${name}`, import.meta.url), 'utf8');

function signed(body: string, { secret = SECRET, timestamp = Math.floor(Date.now() / 1000), nonce = '01FJA8B4A7BM43YGWSG9GBV067' } = {}): WebhookRequest {
  return {
    method: 'POST',
    url: 'https://example.com/webhooks/sinch',
    headers: {
      'content-type': 'application/json',
      'x-sinch-webhook-signature': sinchSignature(secret, body, nonce, String(timestamp)),
      'x-sinch-webhook-signature-nonce': nonce,
      'x-sinch-webhook-signature-timestamp': String(timestamp),
      'x-sinch-webhook-signature-algorithm': 'HmacSHA256',
    },
    rawBody: Buffer.from(body),
  };
}

const unsigned = (body: string): WebhookRequest => ({
  method: 'POST', url: 'https://example.com/webhooks/sinch', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(body),
});

const REFUSALS: Record<VendorFailure, { response: FakeResponse; code: string }> = {
  permanent: {
    response: { status: 400, body: { code: 'syntax_invalid_parameter_format', text: 'Invalid phone number: +1' } },
    code: 'syntax_invalid_parameter_format',
  },
  throttled: { response: { status: 429, body: { code: 'too_many_requests', text: 'Too many requests' } }, code: 'too_many_requests' },
  unavailable: { response: { status: 503, body: 'Service Unavailable' }, code: 'http_503' },
};

let counter = 0;
function batchAccepted(request: RecordedRequest): FakeResponse {
  if (request.headers.authorization !== `Bearer ${TOKEN}`) {
    return { status: 401, body: { code: 'unauthorized', text: 'Invalid credentials' } };
  }
  const body = request.json as { from?: string; to: string[]; body: unknown };
  counter += 1;
  return {
    status: 201,
    body: {
      id: `01FC66621XXXXX119Z8PMV${String(counter).padStart(4, '0')}`, to: body.to, from: body.from, canceled: false, body: body.body,
      type: 'mt_text', created_at: '2022-08-24T14:15:22Z', modified_at: '2022-08-24T14:15:22Z', delivery_report: 'none',
    },
  };
}

const received = fixture('mo-text.json');

transportProviderContract('sinch sms', async () => {
  const fake = await VendorFake.start(batchAccepted);
  const provider = new SinchSMSProvider({ servicePlanId: PLAN, apiToken: TOKEN, fromNumber: '+12345550000', baseUrl: fake.url, webhookSecret: SECRET });
  return {
    provider,
    sendOptions: { to: '+15551231234', idempotencyKey: 'room-1:0:sms-main' },
    requestCount: () => fake.requests.length,
    failNext(kind) {
      fake.failNext(REFUSALS[kind].response);
      return { code: REFUSALS[kind].code };
    },
    inbound: {
      handler: provider.webhook!,
      signed: () => signed(received),
      unsigned: () => unsigned(received),
      expect: { senderId: '+11203494390', text: 'This is a test message.', providerMessageId: '01FC66621XXXXX119Z8PMV1QPQ' },
    },
    close: () => fake.close(),
  };
}, { inbound: true });

describe('sinch sms', () => {
  let fake: VendorFake;
  let provider: SinchSMSProvider;
  beforeAll(async () => {
    fake = await VendorFake.start(batchAccepted);
    provider = new SinchSMSProvider({ servicePlanId: PLAN, apiToken: TOKEN, fromNumber: '+12345550000', baseUrl: fake.url });
  });
  afterAll(() => fake.close());

  it('posts a batch to /xms/v1/{servicePlanId}/batches with Bearer auth', async () => {
    const result = await provider.send(textEvent('Hi there'), { to: '+15551231234', idempotencyKey: 'room-1:3:sms-main' });
    expect(result).toMatchObject({ success: true, providerMessageId: expect.stringMatching(/^01FC/) });
    const request = fake.last!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/xms/v1/${PLAN}/batches`);
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.json).toEqual({ from: '+12345550000', to: ['+15551231234'], body: 'Hi there', client_reference: 'room-1:3:sms-main' });
  });

  it('sends media as an mt_media batch', async () => {
    const event = makeEvent({ content: { type: 'media', url: 'https://example.com/cat.jpg', mimeType: 'image/jpeg', caption: 'Look' } });
    await provider.send(event, { to: '+15551231234' });
    expect(fake.last!.json).toEqual({
      from: '+12345550000', to: ['+15551231234'], type: 'mt_media', body: { url: 'https://example.com/cat.jpg', message: 'Look' },
    });
  });

  it('defaults to the US region endpoint', () => {
    const real = new SinchSMSProvider({ servicePlanId: PLAN, apiToken: TOKEN });
    expect(real.config.region).toBe('us');
    expect(real.webhook).toBeUndefined();
  });
});

describe('sinch callbacks', () => {
  const handler = new SinchWebhookHandler({ secret: SECRET });

  it('refuses a stale signature timestamp with 403', async () => {
    const error = await captured(() => handler.verify(signed(received, { timestamp: Math.floor(Date.now() / 1000) - 600 })));
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect(error).toMatchObject({ status: 403 });
  });

  it('refuses a signature made with another secret with 403', async () => {
    expect(await captured(() => handler.verify(signed(received, { secret: 'other' })))).toMatchObject({ status: 403 });
  });

  it('checks RoomKit\'s X-Sinch-Signature (hex HMAC-SHA1) when configured for it', async () => {
    const legacy = new SinchWebhookHandler({ secret: SECRET, scheme: 'legacy-sha1' });
    const request = { ...unsigned(received), headers: { 'x-sinch-signature': sinchLegacySignature(SECRET, received) } };
    expect(() => legacy.verify(request)).not.toThrow();
    expect(await captured(() => legacy.verify(unsigned(received)))).toMatchObject({ status: 401 });
    const tampered = { ...request, rawBody: Buffer.from(`${received} `) };
    expect(await captured(() => legacy.verify(tampered))).toMatchObject({ status: 403 });
  });

  it('parses an inbound text with the field map metadata', () => {
    const outcome = handler.parse(signed(received), 'sms-main');
    expect(outcome.kind).toBe('messages');
    if (outcome.kind !== 'messages') return;
    const message = InboundMessage.parse(outcome.messages[0]);
    expect(message.metadata).toEqual({ provider: 'sinch', recipient: '12345', timestamp: '2022-08-24T14:15:22.000Z', operatorId: '35000' });
    expect(message.rawPayload).toEqual(JSON.parse(received));
  });

  it('parses an inbound MMS into media with its message as caption', () => {
    const outcome = handler.parse(unsigned(fixture('mo-media.json')), 'sms-main');
    expect(outcome.kind === 'messages' && outcome.messages[0].content).toEqual({
      type: 'media', url: 'https://mms.sinch.com/mo/01FC66621XXXXX/0.jpg', mimeType: 'image/jpeg', caption: 'Here it is',
    });
  });

  it('turns a recipient delivery report into a DeliveryStatus', () => {
    const outcome = handler.parse(unsigned(fixture('recipient-delivery-report.json')), 'sms-main');
    expect(outcome.kind).toBe('statuses');
    if (outcome.kind !== 'statuses') return;
    expect(DeliveryStatus.parse(outcome.statuses[0])).toMatchObject({
      provider: 'sinch', messageId: '01FC66621XXXXX119Z8PMV1QPQ', status: 'delivered', recipient: '+15551231234',
      timestamp: '2022-08-30T08:16:00.000Z',
    });
    expect(outcome.statuses[0].errorCode).toBeUndefined();
  });

  it('turns a full batch report into one status per recipient, with the code of failures', () => {
    const outcome = handler.parse(unsigned(fixture('delivery-report.json')), 'sms-main');
    expect(outcome.kind === 'statuses' && outcome.statuses.map((s) => [s.recipient, s.status, s.errorCode])).toEqual([
      ['+15551231234', 'delivered', undefined],
      ['+15551231235', 'delivered', undefined],
      ['+15551231236', 'failed', '402'],
    ]);
  });

  it('names the missing field of a malformed callback', () => {
    const body = JSON.parse(received);
    delete body.from;
    expect(() => handler.parse(unsigned(JSON.stringify(body)), 'sms-main')).toThrow(/from/);
    expect(() => handler.parse(unsigned('{}'), 'sms-main')).toThrow(/type/);
  });
});

describe('MockSinchSMSProvider', () => {
  it('records batches and refuses like Sinch', async () => {
    const mock = new MockSinchSMSProvider();
    expect(await mock.send(textEvent('hi'), { to: '+1555' })).toMatchObject({ success: true, providerMessageId: 'sinch-mock-1' });
    mock.failWith = { code: 'syntax_invalid_parameter_format', text: 'Invalid number' };
    expect(await mock.send(textEvent('hi'), { to: '+1' })).toMatchObject({
      success: false, error: 'Invalid number', metadata: { code: 'syntax_invalid_parameter_format', retryable: false },
    });
    expect(mock.calls.map((c) => c.to)).toEqual(['+1555', '+1']);
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
