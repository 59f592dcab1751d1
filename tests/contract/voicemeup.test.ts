/**
 * VoiceMeUp against a loopback fake answering like its API (`queue_sms`, form-encoded, HTTP 200
 * with `response_status`), plus the shared-secret webhook and split-MMS aggregation.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookSignatureError } from '../../src/errors.js';
import { InboundMessage } from '../../src/models/index.js';
import type { WebhookRequest } from '../../src/providers/webhook.js';
import {
  MockVoiceMeUpSMSProvider, splitMessage, VoiceMeUpSMSProvider, VoiceMeUpWebhookHandler,
} from '../../src/providers/voicemeup/index.js';
import { makeEvent } from '../support/factories.js';
import { VendorFake, type FakeResponse, type RecordedRequest } from '../support/vendor-fake.js';
import { textEvent, transportProviderContract, type VendorFailure } from './transport-provider-contract.js';

const SECRET = 'voicemeup-webhook-secret-0123456789';
const API = '/api/v1.1/json/';
const payload = (name: string): Record<string, string> =>
  JSON.parse(readFileSync(new URL(`../fixtures/voicemeup/${name}`, import.meta.url), 'utf8'));

function webhook(fields: Record<string, string>, { token = SECRET as string | null, json = false } = {}): WebhookRequest {
  const url = `https://example.com/webhooks/voicemeup${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  return {
    method: 'POST',
    url,
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    rawBody: Buffer.from(json ? JSON.stringify(fields) : new URLSearchParams(fields).toString()),
  };
}

const vmuError = (code: string, text: string): FakeResponse => ({
  status: 200,
  body: { response_details: { response_status: 'error', response_messages: { message: { code, _content: text } } } },
});

const REFUSALS: Record<VendorFailure, { response: FakeResponse; code: string }> = {
  permanent: { response: vmuError('invalid_destination_number', 'The destination number is invalid'), code: 'invalid_destination_number' },
  throttled: { response: { status: 429, body: 'Too Many Requests' }, code: 'http_429' },
  unavailable: { response: { status: 503, body: 'Service Unavailable' }, code: 'http_503' },
};

let counter = 0;
function queued(request: RecordedRequest): FakeResponse {
  if (request.form?.get('username') !== 'acme' || request.form?.get('auth_token') !== 'tok-123') {
    return vmuError('authentication_failed', 'Invalid username or auth_token');
  }
  counter += 1;
  return {
    status: 200,
    body: {
      response_details: {
        response_status: 'success',
        response_messages: { message: [{ code: 'queued_sms_hash', _content: `hash${counter}` }] },
      },
    },
  };
}

const config = (baseUrl: string) => ({
  username: 'acme', authToken: 'tok-123', fromNumber: '+15145550000', baseUrl: `${baseUrl}${API}`, webhookSecret: SECRET,
});

transportProviderContract('voicemeup sms', async () => {
  const fake = await VendorFake.start(queued);
  const provider = new VoiceMeUpSMSProvider(config(fake.url));
  return {
    provider,
    sendOptions: { to: '+15145551111' },
    requestCount: () => fake.requests.length,
    failNext(kind) {
      fake.failNext(REFUSALS[kind].response);
      return { code: REFUSALS[kind].code };
    },
    inbound: {
      handler: provider.webhook!,
      signed: () => webhook(payload('sms.json')),
      unsigned: () => webhook(payload('sms.json'), { token: null }),
      expect: { senderId: '15145551111', text: 'Bonjour, is the order ready?', providerMessageId: '7f3a9c1e2b4d' },
    },
    close: async () => {
      await provider.close();
      await fake.close();
    },
  };
}, { inbound: true, bodySigned: false });

describe('voicemeup sms', () => {
  let fake: VendorFake;
  let provider: VoiceMeUpSMSProvider;
  beforeAll(async () => {
    fake = await VendorFake.start(queued);
    provider = new VoiceMeUpSMSProvider(config(fake.url));
  });
  afterAll(async () => {
    await provider.close();
    await fake.close();
  });

  it('form-posts queue_sms with numbers without the +', async () => {
    const result = await provider.send(textEvent('Votre commande est prête'), { to: '+15145551111' });
    expect(result).toMatchObject({ success: true, providerMessageId: expect.stringMatching(/^hash/) });
    const request = fake.last!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`${API}queue_sms`);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(request.form!)).toEqual({
      username: 'acme', auth_token: 'tok-123', source_number: '15145550000', destination_number: '15145551111',
      message: 'Votre commande est prête',
    });
  });

  it('splits text over 1000 characters at word boundaries and sends the parts in order', async () => {
    const words = Array.from({ length: 500 }, (_, i) => `word${i}`);
    const text = words.join(' ');
    const before = fake.requests.length;
    const result = await provider.send(textEvent(text), { to: '+15145551111' });
    const sent = fake.requests.slice(before).map((r) => r.form!.get('message')!);
    expect(sent.length).toBe(4);
    expect(sent.every((part) => part.length <= 1000)).toBe(true);
    expect(sent.join(' ')).toBe(text);
    expect(result).toMatchObject({ success: true, metadata: { parts: sent.length } });
    expect(result.providerMessageId).toBe((result.metadata!.messageIds as string[]).at(-1));
  });

  it('stops at the first refused part and returns that refusal', async () => {
    const text = `${'a'.repeat(900)} ${'b'.repeat(900)} ${'c'.repeat(900)}`;
    fake.failNext(queued({ form: new URLSearchParams({ username: 'acme', auth_token: 'tok-123' }) } as RecordedRequest));
    fake.failNext(vmuError('insufficient_funds', 'Not enough credit'));
    const before = fake.requests.length;
    const result = await provider.send(textEvent(text), { to: '+15145551111' });
    expect(fake.requests.length - before).toBe(2);
    expect(result).toMatchObject({ success: false, metadata: { code: 'insufficient_funds', retryable: false, partsSent: 1 } });
  });

  it('sends one message with the first media URL as attachment', async () => {
    const event = makeEvent({
      content: {
        type: 'composite',
        parts: [
          { type: 'text', body: 'Photos' },
          { type: 'media', url: 'https://example.com/1.jpg', mimeType: 'image/jpeg' },
          { type: 'media', url: 'https://example.com/2.jpg', mimeType: 'image/jpeg' },
        ],
      },
    });
    const before = fake.requests.length;
    await provider.send(event, { to: '+15145551111' });
    expect(fake.requests.length - before).toBe(1);
    expect(fake.last!.form!.get('attachment')).toBe('https://example.com/1.jpg');
    expect(fake.last!.form!.get('message')).toBe('Photos');
  });
});

describe('splitMessage', () => {
  it('keeps text of 1000 characters whole and cuts a single overlong word', () => {
    expect(splitMessage('x'.repeat(1000))).toEqual(['x'.repeat(1000)]);
    expect(splitMessage('y'.repeat(2500)).map((p) => p.length)).toEqual([1000, 1000, 500]);
  });
});

describe('voicemeup webhook', () => {
  it('answers 403 to a wrong token and accepts the token as a header', async () => {
    const handler = new VoiceMeUpWebhookHandler({ secret: SECRET });
    const wrong = await captured(() => handler.verify(webhook(payload('sms.json'), { token: 'guess' })));
    expect(wrong).toBeInstanceOf(WebhookSignatureError);
    expect(wrong).toMatchObject({ status: 403 });
    const viaHeader = webhook(payload('sms.json'), { token: null });
    viaHeader.headers['x-webhook-token'] = SECRET;
    expect(() => handler.verify(viaHeader)).not.toThrow();
  });

  it('parses a JSON body as well as a form, with the field map metadata', () => {
    const handler = new VoiceMeUpWebhookHandler({ secret: SECRET });
    const outcome = handler.parse(webhook(payload('sms.json'), { json: true }), 'sms-main');
    expect(outcome.kind).toBe('messages');
    if (outcome.kind !== 'messages') return;
    expect(InboundMessage.parse(outcome.messages[0]).metadata).toMatchObject({
      provider: 'voicemeup', recipient: '15145550000', timestamp: null, datetimeTransmission: '2024-05-02 14:03:11', hasAttachment: false,
    });
  });

  it('merges the two halves of a split MMS into one message keyed hash1+hash2', () => {
    const handler = new VoiceMeUpWebhookHandler({ secret: SECRET, mmsTimeoutMs: 10_000 });
    const first = handler.parse(webhook(payload('mms-part1.json')), 'sms-main');
    expect(first.kind).toBe('ignored');
    expect(handler.pendingCount).toBe(1);
    const second = handler.parse(webhook(payload('mms-part2.json')), 'sms-main');
    expect(handler.pendingCount).toBe(0);
    expect(second.kind).toBe('messages');
    if (second.kind !== 'messages') return;
    const message = InboundMessage.parse(second.messages[0]);
    expect(message).toMatchObject({
      senderId: '15145551111', idempotencyKey: 'a1b2c3d4+e5f6a7b8', providerMessageId: 'a1b2c3d4+e5f6a7b8',
      content: { type: 'media', url: 'https://clients.voicemeup.com/mms/e5f6a7b8.jpg', mimeType: 'image/jpeg', caption: 'Here is the photo' },
    });
    expect(message.rawPayload).toEqual({ parts: [payload('mms-part1.json'), payload('mms-part2.json')] });
    handler.close();
  });

  it('hands the text alone to onTimeout when the media half never comes', async () => {
    const timedOut: InboundMessage[] = [];
    const handler = new VoiceMeUpWebhookHandler({ secret: SECRET, mmsTimeoutMs: 30 });
    handler.configureMms({ onTimeout: (m) => void timedOut.push(m) });
    handler.parse(webhook(payload('mms-part1.json')), 'sms-main');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(handler.pendingCount).toBe(0);
    expect(timedOut).toHaveLength(1);
    expect(InboundMessage.parse(timedOut[0])).toMatchObject({
      channelId: 'sms-main', idempotencyKey: 'a1b2c3d4', content: { type: 'text', body: 'Here is the photo' },
      metadata: { hasAttachment: false },
    });
  });

  it('drops the orphaned text without onTimeout', async () => {
    const handler = new VoiceMeUpWebhookHandler({ secret: SECRET, mmsTimeoutMs: 20 });
    handler.parse(webhook(payload('mms-part1.json')), 'sms-main');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(handler.pendingCount).toBe(0);
    // A late media half is then a message of its own.
    const late = handler.parse(webhook(payload('mms-part2.json')), 'sms-main');
    expect(late.kind === 'messages' && late.messages[0].idempotencyKey).toBe('e5f6a7b8');
  });

  it('names the missing field', () => {
    const handler = new VoiceMeUpWebhookHandler({ secret: SECRET });
    const { sms_hash: _, ...rest } = payload('sms.json');
    expect(() => handler.parse(webhook(rest), 'sms-main')).toThrow(/sms_hash/);
  });
});

describe('MockVoiceMeUpSMSProvider', () => {
  it('records queue_sms calls like the real provider splits them', async () => {
    const mock = new MockVoiceMeUpSMSProvider({ fromNumber: '+15145550000' });
    await mock.send(textEvent('z'.repeat(1500)), { to: '+15145551111' });
    expect(mock.calls.map((c) => [c.destination_number, c.message.length])).toEqual([['15145551111', 1000], ['15145551111', 500]]);
    mock.failWith = { code: 'invalid_destination_number' };
    expect(await mock.send(textEvent('x'), { to: '+1' })).toMatchObject({ success: false, metadata: { code: 'invalid_destination_number', retryable: false } });
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
