/**
 * Every vendor's `webhook.ts` exports a pure `verify…Webhook` and `parse…Webhook`; the handler
 * classes only wrap them. Here they are called directly, one table row per vendor: a request signed
 * the vendor's way passes, the same request with its body tampered with (or, for VoiceMeUp, which
 * signs nothing, a wrong token) is a 403 `WebhookSignatureError`, an unsigned one a 401, and a
 * real fixture parses to the outcome a room would get.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WebhookPayloadError, WebhookSignatureError } from '../../../src/errors.js';
import { DeliveryStatus } from '../../../src/models/index.js';
import { parseEmailWebhook, signEmailWebhook, verifyEmailWebhook } from '../../../src/providers/email/webhook.js';
import { roomKitSignature } from '../../../src/providers/http-webhook/signature.js';
import { parseHttpWebhook, verifyHttpWebhook } from '../../../src/providers/http-webhook/webhook.js';
import { parseMessengerWebhook, verifyMessengerWebhook } from '../../../src/providers/messenger/webhook.js';
import { hubSignature } from '../../../src/providers/meta/signature.js';
import { sinchSignature } from '../../../src/providers/sinch/signature.js';
import { parseSinchWebhook, verifySinchWebhook } from '../../../src/providers/sinch/webhook.js';
import type { Jwk } from '../../../src/providers/teams/config.js';
import { parseTeamsWebhook, verifyTeamsWebhook } from '../../../src/providers/teams/webhook.js';
import { parseTelnyxWebhook, verifyTelnyxWebhook } from '../../../src/providers/telnyx/webhook.js';
import { twilioSignature } from '../../../src/providers/twilio/signature.js';
import { parseTwilioWebhook, verifyTwilioWebhook } from '../../../src/providers/twilio/webhook.js';
import { parseVoiceMeUpWebhook, verifyVoiceMeUpWebhook, type SplitMmsBuffer } from '../../../src/providers/voicemeup/webhook.js';
import type { WebhookOutcome, WebhookRequest } from '../../../src/providers/webhook.js';
import { parseWhatsAppWebhook, verifyWhatsAppWebhook } from '../../../src/providers/whatsapp/webhook.js';

const fixture = (path: string): string => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');
const NOW = Date.parse('2024-05-02T14:05:00Z');
const now = (): number => NOW;
const SECRET = 'unit-test-secret';

const post = (url: string, body: string, headers: Record<string, string>): WebhookRequest => ({
  method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, rawBody: Buffer.from(body),
});

const telnyxKeys = generateKeyPairSync('ed25519');
const TELNYX_PUBLIC_KEY = telnyxKeys.publicKey.export({ format: 'pem', type: 'spki' }).toString();

const teamsKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const TEAMS_JWK = { ...teamsKeys.publicKey.export({ format: 'jwk' }), kid: 'k1', endorsements: ['msteams'] } as Jwk;
const TEAMS_CONFIG = { appId: 'bot-app-id', issuer: 'https://api.botframework.com', clockToleranceSeconds: 300 };
function teamsToken(serviceUrl: string): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${part({
    iss: TEAMS_CONFIG.issuer, aud: TEAMS_CONFIG.appId, exp: NOW / 1000 + 600, serviceUrl,
  })}`;
  return `${input}.${sign('sha256', Buffer.from(input), teamsKeys.privateKey).toString('base64url')}`;
}

const TWILIO_URL = 'https://example.com/webhooks/sms';
const TWILIO_PARAMS = JSON.parse(fixture('twilio/inbound-sms.json')) as Record<string, string>;
const TEAMS_ACTIVITY = JSON.parse(fixture('teams/personal-message.json')) as { serviceUrl: string; from: { id: string } };

interface VendorCase {
  vendor: string;
  /** A request signed the way the vendor signs it. */
  signed: () => WebhookRequest;
  verify: (request: WebhookRequest) => void;
  /** The signed request altered after signing (default: one byte appended to the body). */
  tamper?: (request: WebhookRequest) => WebhookRequest;
  parse: (request: WebhookRequest) => WebhookOutcome | Promise<WebhookOutcome>;
  expected: Record<string, unknown>;
}

const textMessage = (senderId: string, body: string, idempotencyKey?: string): Record<string, unknown> => ({
  kind: 'messages',
  messages: [{ channelId: 'ch', senderId, content: { type: 'text', body }, ...(idempotencyKey && { idempotencyKey }) }],
});

const CASES: VendorCase[] = [
  {
    vendor: 'sinch',
    signed: () => {
      const body = fixture('sinch/mo-text.json');
      const timestamp = String(NOW / 1000);
      return post('https://example.com/webhooks/sinch', body, {
        'x-sinch-webhook-signature': sinchSignature(SECRET, body, 'nonce-1', timestamp),
        'x-sinch-webhook-signature-nonce': 'nonce-1',
        'x-sinch-webhook-signature-timestamp': timestamp,
      });
    },
    verify: (request) => verifySinchWebhook(request, { secret: SECRET, now }),
    parse: (request) => parseSinchWebhook(request, 'ch'),
    expected: textMessage('+11203494390', 'This is a test message.', '01FC66621XXXXX119Z8PMV1QPQ'),
  },
  {
    vendor: 'telnyx',
    signed: () => {
      const body = fixture('telnyx/message-received.json');
      const timestamp = String(NOW / 1000);
      const signature = sign(null, Buffer.from(`${timestamp}|${body}`), telnyxKeys.privateKey).toString('base64');
      return post('https://example.com/webhooks/telnyx', body, { 'telnyx-signature-ed25519': signature, 'telnyx-timestamp': timestamp });
    },
    verify: (request) => verifyTelnyxWebhook(request, { publicKey: TELNYX_PUBLIC_KEY, now }),
    parse: (request) => parseTelnyxWebhook(request, 'ch'),
    expected: textMessage('+18665550001', 'Hello, World!', '7ee4241c-f127-47e5-9c34-3aac291f8058'),
  },
  {
    vendor: 'twilio',
    signed: () => ({
      method: 'POST',
      url: TWILIO_URL,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(SECRET, TWILIO_URL, TWILIO_PARAMS) },
      rawBody: Buffer.from(new URLSearchParams(TWILIO_PARAMS).toString()),
    }),
    verify: (request) => verifyTwilioWebhook(request, { authToken: SECRET }),
    tamper: (request) => ({ ...request, rawBody: Buffer.from(new URLSearchParams({ ...TWILIO_PARAMS, Body: 'tampered' }).toString()) }),
    parse: (request) => parseTwilioWebhook(request, 'ch'),
    expected: textMessage('+14155550100', 'Hello from my phone', 'SM1f0e8ae6ade43cb3c0ce4525424e404f'),
  },
  {
    vendor: 'voicemeup',
    signed: () => post('https://example.com/webhooks/voicemeup', fixture('voicemeup/sms.json'), { 'x-webhook-token': SECRET }),
    verify: (request) => verifyVoiceMeUpWebhook(request, { secret: SECRET }),
    // VoiceMeUp signs nothing: only the shared token can be wrong.
    tamper: (request) => ({ ...request, headers: { ...request.headers, 'x-webhook-token': `${SECRET}x` } }),
    parse: (request) => parseVoiceMeUpWebhook(request, 'ch'),
    expected: textMessage('15145551111', 'Bonjour, is the order ready?', '7f3a9c1e2b4d'),
  },
  {
    vendor: 'whatsapp',
    signed: () => {
      const body = fixture('whatsapp/text.json');
      return post('https://example.com/webhooks/whatsapp', body, { 'x-hub-signature-256': hubSignature(SECRET, body) });
    },
    verify: (request) => verifyWhatsAppWebhook(request, { appSecret: SECRET }),
    parse: (request) => parseWhatsAppWebhook(request, 'ch'),
    expected: textMessage('16315551234', 'Hello this is an answer', 'wamid.ABGGFlCGg0cvAgo-sJQh43L5Pe4W'),
  },
  {
    vendor: 'messenger',
    signed: () => {
      const body = fixture('messenger/text.json');
      return post('https://example.com/webhooks/messenger', body, { 'x-hub-signature-256': hubSignature(SECRET, body) });
    },
    verify: (request) => verifyMessengerWebhook(request, { appSecret: SECRET }),
    parse: (request) => parseMessengerWebhook(request, 'ch'),
    expected: textMessage('1254459154682919', 'hello, world!', 'mid.1457764197618:41d102a3e1ae206a38'),
  },
  {
    vendor: 'teams',
    signed: () => post('https://bot.example.com/api/messages', JSON.stringify(TEAMS_ACTIVITY), {
      authorization: `Bearer ${teamsToken(TEAMS_ACTIVITY.serviceUrl)}`,
    }),
    verify: (request) => verifyTeamsWebhook(request, { config: TEAMS_CONFIG, signingKey: { key: TEAMS_JWK, algorithms: ['RS256'] }, now }),
    // The JWT does not cover the body; it is bound to the activity through the serviceUrl claim.
    tamper: (request) => ({ ...request, rawBody: Buffer.from(JSON.stringify({ ...TEAMS_ACTIVITY, serviceUrl: 'https://evil.example/' })) }),
    parse: (request) => parseTeamsWebhook(request, 'ch'),
    expected: textMessage(TEAMS_ACTIVITY.from.id, 'Hello Teams TestBot.Sending bold-italic rich text', '1485983408511'),
  },
  {
    vendor: 'http-webhook',
    signed: () => {
      const body = fixture('http-webhook/inbound-message.json');
      return post('https://example.com/webhooks/hook', body, { 'x-roomkit-signature': roomKitSignature(SECRET, body) });
    },
    verify: (request) => verifyHttpWebhook(request, { secret: SECRET, now }),
    parse: (request) => parseHttpWebhook(request, 'ch'),
    expected: textMessage('crm-user-42', 'Can someone call me back about order 1042?', 'crm-msg-7f3a9c'),
  },
  {
    vendor: 'email',
    signed: () => {
      const body = fixture('email/rfc5322-reply.eml');
      return post('https://example.com/webhooks/email', body, { 'content-type': 'message/rfc822', 'x-roomkit-signature': signEmailWebhook(SECRET, body) });
    },
    verify: (request) => verifyEmailWebhook(request, { secret: SECRET }),
    parse: (request) => parseEmailWebhook(request, 'ch'),
    expected: { kind: 'messages', messages: [{ channelId: 'ch', senderId: 'jdoe@machine.example' }] },
  },
];

const refusal = (run: () => void): WebhookSignatureError => {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookSignatureError);
    return err as WebhookSignatureError;
  }
  throw new Error('expected a WebhookSignatureError');
};

const appendByte = (request: WebhookRequest): WebhookRequest => ({ ...request, rawBody: Buffer.concat([request.rawBody, Buffer.from(' ')]) });
const SIGNATURE_HEADERS = /signature|token|timestamp|nonce|authorization/;

describe.each(CASES)('$vendor webhook functions', ({ vendor, signed, verify, tamper = appendByte, parse, expected }) => {
  it('accepts a request signed the vendor\'s way', () => {
    expect(() => verify(signed())).not.toThrow();
  });

  it('refuses the request once tampered with: 403 WebhookSignatureError', () => {
    expect(refusal(() => verify(tamper(signed())))).toMatchObject({ status: 403, provider: vendor });
  });

  it('refuses an unsigned request: 401', () => {
    const request = signed();
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !SIGNATURE_HEADERS.test(name)));
    expect(refusal(() => verify({ ...request, headers })).status).toBe(401);
  });

  it('parses a representative payload', async () => {
    expect(await parse(signed())).toMatchObject(expected);
  });
});

describe('parse functions with options', () => {
  it('twilio: rcs drops the rcs: prefix from addresses', () => {
    const params = { MessageSid: 'SM1', From: 'rcs:+15551110000', To: 'rcs:brand_agent', Body: 'hi' };
    const request = { method: 'POST', url: TWILIO_URL, headers: {}, rawBody: Buffer.from(new URLSearchParams(params).toString()) };
    expect(parseTwilioWebhook(request, 'rcs', { rcs: true })).toMatchObject({
      kind: 'messages', messages: [{ senderId: '+15551110000', metadata: { channel: 'rcs', recipient: 'brand_agent' } }],
    });
  });

  it('voicemeup: a split MMS is merged only when a buffer is given', () => {
    const [first, second] = ['voicemeup/mms-part1.json', 'voicemeup/mms-part2.json'].map((name) => post(TWILIO_URL, fixture(name), {}));
    expect(parseVoiceMeUpWebhook(first, 'ch')).toMatchObject({ kind: 'ignored' });
    expect(parseVoiceMeUpWebhook(second, 'ch')).toMatchObject({ kind: 'messages', messages: [{ idempotencyKey: 'e5f6a7b8' }] });

    const held = new Map<string, Record<string, unknown>>();
    const buffer: SplitMmsBuffer = {
      hold: (key, payload) => void held.set(key, payload),
      take: (key) => {
        const payload = held.get(key);
        held.delete(key);
        return payload;
      },
    };
    expect(parseVoiceMeUpWebhook(first, 'ch', buffer)).toMatchObject({ kind: 'ignored' });
    expect(parseVoiceMeUpWebhook(second, 'ch', buffer)).toMatchObject({
      kind: 'messages',
      messages: [{ idempotencyKey: 'a1b2c3d4+e5f6a7b8', content: { type: 'media', caption: 'Here is the photo' } }],
    });
    expect(held.size).toBe(0);
  });

  it('whatsapp and messenger: a timestamp outside the Date range parses (no timestamp) instead of throwing a 500', () => {
    const wa = JSON.parse(fixture('whatsapp/text.json'));
    wa.entry[0].changes[0].value.messages[0].timestamp = '99999999999999999';
    const outcome = parseWhatsAppWebhook(post('https://example.com/webhooks/whatsapp', JSON.stringify(wa), {}), 'ch');
    expect(outcome.kind).toBe('messages');
    const ms = JSON.parse(fixture('messenger/text.json'));
    ms.entry[0].messaging[0].timestamp = 1e300;
    expect(parseMessengerWebhook(post('https://example.com/webhooks/messenger', JSON.stringify(ms), {}), 'ch').kind).toBe('messages');
  });

  it('read receipts parse to read DeliveryStatuses: messenger (watermark), whatsapp (wamid), teams (lastReadMessageId)', () => {
    const statuses = (outcome: WebhookOutcome) => (outcome.kind === 'statuses' ? outcome.statuses.map((s) => DeliveryStatus.parse(s)) : []);
    expect(statuses(parseMessengerWebhook(post('https://example.com/fb', fixture('messenger/read.json'), {}), 'ch'))).toMatchObject([
      { provider: 'messenger', status: 'read', messageId: 'watermark:1458668856253', timestamp: '2016-03-22T17:47:36.253Z', recipient: '1254459154682919' },
    ]);
    expect(statuses(parseWhatsAppWebhook(post('https://example.com/wa', fixture('whatsapp/status-read.json'), {}), 'ch'))).toMatchObject([
      { provider: 'whatsapp', status: 'read', messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDNDEzMDk2QzRFRjA0QzBGNEEA', recipient: '16505551234' },
    ]);
    expect(statuses(parseTeamsWebhook(post('https://example.com/teams', fixture('teams/read-receipt.json'), {}), 'ch'))).toMatchObject([
      { provider: 'teams', status: 'read', messageId: '1692206589131', recipient: TEAMS_ACTIVITY.from.id },
    ]);
  });

  it('a malformed read receipt is a WebhookPayloadError naming the field, never a crash', () => {
    const read = JSON.parse(fixture('messenger/read.json'));
    read.entry[0].messaging[0].read.watermark = 1e300;
    const error = (() => {
      try {
        parseMessengerWebhook(post('https://example.com/fb', JSON.stringify(read), {}), 'ch');
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect(error).toMatchObject({ field: 'entry[0].messaging[0].read.watermark' });
  });

  it('whatsapp: the GET handshake is answered with the challenge', () => {
    const request = { method: 'GET', url: 'https://example.com/wa?hub.mode=subscribe&hub.verify_token=vt&hub.challenge=42', headers: {}, rawBody: Buffer.alloc(0) };
    expect(() => verifyWhatsAppWebhook(request, { appSecret: SECRET, verifyToken: 'vt' })).not.toThrow();
    expect(parseWhatsAppWebhook(request, 'ch')).toEqual({ kind: 'reply', reply: { status: 200, contentType: 'text/plain', body: '42' } });
  });
});
