/**
 * Fuzzing every vendor's pure webhook functions (`src/providers/<vendor>/webhook.ts`). A parser
 * given any body — arbitrary bytes, text with lone surrogates, any JSON, JSON nested thousands of
 * levels, number literals past the double range, real fixtures mutated — either returns messages and
 * statuses the models accept, or throws one of the library's typed errors; a verifier only ever
 * throws `WebhookSignatureError`, and refuses a signed fixture with one byte changed.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebhookSignatureError } from '../../../src/errors.js';
import { DeliveryStatus, InboundMessage } from '../../../src/models/index.js';
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
import { parseVoiceMeUpWebhook, verifyVoiceMeUpWebhook } from '../../../src/providers/voicemeup/webhook.js';
import type { WebhookOutcome, WebhookRequest } from '../../../src/providers/webhook.js';
import { parseWhatsAppWebhook, verifyWhatsAppWebhook } from '../../../src/providers/whatsapp/webhook.js';
import {
  arbitraryBody, describeError, fixture, hostileString, isTypedRefusal, mutatedJson, RUNS, SLOW_RUNS,
} from './arbitraries.js';

const NOW = Date.parse('2024-05-02T14:05:00Z');
const now = (): number => NOW;
const SECRET = 'fuzz-secret';
const json = (path: string): unknown => JSON.parse(fixture(path));

const post = (url: string, body: Buffer | string, headers: Record<string, string | undefined> = {}): WebhookRequest => ({
  method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
});

const telnyxKeys = generateKeyPairSync('ed25519');
const TELNYX_PUBLIC_KEY = telnyxKeys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const teamsKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const TEAMS_JWK = { ...teamsKeys.publicKey.export({ format: 'jwk' }), kid: 'k1', endorsements: ['msteams'] } as Jwk;
const TEAMS_CONFIG = { appId: 'bot-app-id', issuer: 'https://api.botframework.com', clockToleranceSeconds: 300 };
const b64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');
function teamsToken(serviceUrl: string): string {
  const input = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' }))}.${b64url(JSON.stringify({
    iss: TEAMS_CONFIG.issuer, aud: TEAMS_CONFIG.appId, exp: NOW / 1000 + 600, serviceUrl,
  }))}`;
  return `${input}.${sign('sha256', Buffer.from(input), teamsKeys.privateKey).toString('base64url')}`;
}
const TEAMS_ACTIVITY = json('teams/personal-message.json') as { serviceUrl: string };
const TWILIO_URL = 'https://example.com/webhooks/sms';

interface Vendor {
  vendor: string;
  /** Bodies to throw at the parser (besides arbitrary bytes). */
  bodies: fc.Arbitrary<Buffer>;
  contentType?: string;
  parse: (request: WebhookRequest) => WebhookOutcome | Promise<WebhookOutcome>;
  verify: (request: WebhookRequest) => void;
  /** Header names the verifier reads. */
  headers: string[];
  /** A correctly signed request, and which byte-flip of it must be refused. */
  signed: () => WebhookRequest;
  tamper: fc.Arbitrary<(request: WebhookRequest) => WebhookRequest | undefined>;
  runs?: number;
}

const jsonBodies = (paths: string[]): fc.Arbitrary<Buffer> =>
  fc.oneof({ weight: 4, arbitrary: mutatedJson(paths.map(json)).map((s) => Buffer.from(s)) }, { weight: 1, arbitrary: arbitraryBody });

/** Flip one byte of the body: XOR with a non-zero mask at any position. */
const flipBodyByte = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, mask]) => (request: WebhookRequest) => {
  const rawBody = Buffer.from(request.rawBody);
  rawBody[at % rawBody.length] ^= mask;
  return { ...request, rawBody };
});

const twilioParams = (path: string): Record<string, string> => json(path) as Record<string, string>;
const TWILIO_FIXTURES = ['twilio/inbound-sms.json', 'twilio/inbound-mms.json', 'twilio/inbound-rcs.json', 'twilio/status-callback-undelivered.json'];
const formBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc.tuple(fc.constantFrom(...TWILIO_FIXTURES), fc.dictionary(fc.oneof(fc.constantFrom('From', 'To', 'Body', 'MessageSid', 'NumMedia', 'MediaUrl0', 'MediaContentType0', 'MessageStatus', 'ErrorCode', 'SmsSid'), hostileString), hostileString, { maxKeys: 4 }), fc.array(fc.string(), { maxLength: 2 }))
    .map(([path, changes, drop]) => {
      const params: Record<string, string> = { ...twilioParams(path), ...changes };
      for (const key of drop) delete params[key];
      return Buffer.from(new URLSearchParams(params).toString());
    }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 6 }).map((p) => Buffer.from(new URLSearchParams(p).toString())),
  arbitraryBody,
);

const emlBody: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('email/rfc5322-reply.eml', 'email/multipart-alternative.eml', 'email/with-attachment.eml'), fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'replace', 'duplicate', 'truncate'), hostileString), { minLength: 1, maxLength: 3 }))
    .map(([path, edits]) => {
      let lines = fixture(path).split('\n');
      for (const [at, op, text] of edits) {
        const i = at % lines.length;
        if (op === 'delete') lines.splice(i, 1);
        else if (op === 'replace') lines[i] = text;
        else if (op === 'duplicate') lines.splice(i, 0, lines[i]);
        else lines = lines.slice(0, i);
        if (lines.length === 0) lines = [''];
      }
      return Buffer.from(lines.join('\n'));
    }) },
  { weight: 1, arbitrary: arbitraryBody },
);

const VENDORS: Vendor[] = [
  {
    vendor: 'sinch',
    bodies: jsonBodies(['sinch/mo-text.json', 'sinch/mo-media.json', 'sinch/delivery-report.json', 'sinch/recipient-delivery-report.json']),
    parse: (r) => parseSinchWebhook(r, 'ch'),
    verify: (r) => verifySinchWebhook(r, { secret: SECRET, now }),
    headers: ['x-sinch-webhook-signature', 'x-sinch-webhook-signature-nonce', 'x-sinch-webhook-signature-timestamp', 'x-sinch-signature'],
    signed: () => {
      const body = fixture('sinch/mo-text.json');
      const timestamp = String(NOW / 1000);
      return post('https://example.com/webhooks/sinch', body, {
        'x-sinch-webhook-signature': sinchSignature(SECRET, body, 'nonce-1', timestamp),
        'x-sinch-webhook-signature-nonce': 'nonce-1',
        'x-sinch-webhook-signature-timestamp': timestamp,
      });
    },
    tamper: flipBodyByte,
  },
  {
    vendor: 'telnyx (SMS and RCS)',
    bodies: jsonBodies(['telnyx/message-received.json', 'telnyx/message-failed.json', 'telnyx/message-finalized.json', 'telnyx/rcs-message-received.json', 'telnyx/rcs-suggestion-response.json']),
    parse: (r) => parseTelnyxWebhook(r, 'ch'),
    verify: (r) => verifyTelnyxWebhook(r, { publicKey: TELNYX_PUBLIC_KEY, now }),
    headers: ['telnyx-signature-ed25519', 'telnyx-timestamp'],
    signed: () => {
      const body = fixture('telnyx/rcs-message-received.json');
      const timestamp = String(NOW / 1000);
      const signature = sign(null, Buffer.from(`${timestamp}|${body}`), telnyxKeys.privateKey).toString('base64');
      return post('https://example.com/webhooks/telnyx', body, { 'telnyx-signature-ed25519': signature, 'telnyx-timestamp': timestamp });
    },
    tamper: flipBodyByte,
  },
  {
    vendor: 'twilio (SMS)',
    bodies: formBody,
    contentType: 'application/x-www-form-urlencoded',
    parse: (r) => parseTwilioWebhook(r, 'ch'),
    verify: (r) => verifyTwilioWebhook(r, { authToken: SECRET }),
    headers: ['x-twilio-signature'],
    signed: () => {
      const params = twilioParams('twilio/inbound-sms.json');
      return {
        method: 'POST', url: TWILIO_URL,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(SECRET, TWILIO_URL, params) },
        rawBody: Buffer.from(new URLSearchParams(params).toString()),
      };
    },
    // Twilio signs the decoded parameters: a flip that decodes to the same parameters ('+' → ' ') is no tampering.
    tamper: flipBodyByte.map((flip) => (request) => {
      const flipped = flip(request);
      const same = (r: WebhookRequest) => JSON.stringify([...new URLSearchParams(r.rawBody.toString('utf8'))].sort());
      return same(flipped) === same(request) ? undefined : flipped;
    }),
  },
  {
    vendor: 'twilio (RCS)',
    bodies: formBody,
    contentType: 'application/x-www-form-urlencoded',
    parse: (r) => parseTwilioWebhook(r, 'ch', { rcs: true }),
    verify: (r) => verifyTwilioWebhook(r, { authToken: SECRET }),
    headers: ['x-twilio-signature'],
    signed: () => {
      const params = twilioParams('twilio/inbound-rcs.json');
      return {
        method: 'POST', url: TWILIO_URL,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(SECRET, TWILIO_URL, params) },
        rawBody: Buffer.from(new URLSearchParams(params).toString()),
      };
    },
    tamper: flipBodyByte.map((flip) => (request) => {
      const flipped = flip(request);
      const same = (r: WebhookRequest) => JSON.stringify([...new URLSearchParams(r.rawBody.toString('utf8'))].sort());
      return same(flipped) === same(request) ? undefined : flipped;
    }),
  },
  {
    vendor: 'voicemeup',
    bodies: jsonBodies(['voicemeup/sms.json', 'voicemeup/mms-part1.json', 'voicemeup/mms-part2.json']),
    parse: (r) => parseVoiceMeUpWebhook(r, 'ch'),
    verify: (r) => verifyVoiceMeUpWebhook(r, { secret: SECRET }),
    headers: ['x-webhook-token', 'authorization'],
    signed: () => post('https://example.com/webhooks/voicemeup', fixture('voicemeup/sms.json'), { 'x-webhook-token': SECRET }),
    // VoiceMeUp signs nothing: the shared token is what a byte flip can break.
    tamper: fc.tuple(fc.nat(), fc.integer({ min: 1, max: 127 })).map(([at, mask]) => (request) => {
      const token = [...(request.headers['x-webhook-token'] ?? '')];
      const i = at % token.length;
      token[i] = String.fromCharCode(token[i].charCodeAt(0) ^ mask);
      return { ...request, headers: { ...request.headers, 'x-webhook-token': token.join('') } };
    }),
  },
  {
    vendor: 'whatsapp',
    bodies: jsonBodies(['whatsapp/text.json', 'whatsapp/image.json', 'whatsapp/location.json', 'whatsapp/reaction.json', 'whatsapp/button-reply.json', 'whatsapp/status-delivered.json', 'whatsapp/status-failed-131047.json', 'whatsapp/status-read.json', 'whatsapp/status-sent.json']),
    parse: (r) => parseWhatsAppWebhook(r, 'ch'),
    verify: (r) => verifyWhatsAppWebhook(r, { appSecret: SECRET, verifyToken: 'vt' }),
    headers: ['x-hub-signature-256'],
    signed: () => {
      const body = fixture('whatsapp/text.json');
      return post('https://example.com/webhooks/whatsapp', body, { 'x-hub-signature-256': hubSignature(SECRET, body) });
    },
    tamper: flipBodyByte,
  },
  {
    vendor: 'messenger',
    bodies: jsonBodies(['messenger/text.json', 'messenger/attachment.json', 'messenger/delivery.json', 'messenger/delivery-watermark.json', 'messenger/echo.json', 'messenger/read.json']),
    parse: (r) => parseMessengerWebhook(r, 'ch'),
    verify: (r) => verifyMessengerWebhook(r, { appSecret: SECRET, verifyToken: 'vt' }),
    headers: ['x-hub-signature-256'],
    signed: () => {
      const body = fixture('messenger/text.json');
      return post('https://example.com/webhooks/messenger', body, { 'x-hub-signature-256': hubSignature(SECRET, body) });
    },
    tamper: flipBodyByte,
  },
  {
    vendor: 'teams',
    bodies: jsonBodies(['teams/personal-message.json', 'teams/channel-bot-mention.json', 'teams/channel-user-mention.json', 'teams/conversation-update-bot-added.json', 'teams/read-receipt.json']),
    parse: (r) => parseTeamsWebhook(r, 'ch'),
    verify: (r) => verifyTeamsWebhook(r, { config: TEAMS_CONFIG, signingKey: { key: TEAMS_JWK, algorithms: ['RS256'] }, now }),
    headers: ['authorization'],
    signed: () => post('https://bot.example.com/api/messages', JSON.stringify(TEAMS_ACTIVITY), {
      authorization: `Bearer ${teamsToken(TEAMS_ACTIVITY.serviceUrl)}`,
    }),
    // The JWT does not cover the body; flip a byte of its header, claims or signature (decoded, so
    // no flip lands in base64's unused bits), or of the activity's serviceUrl it is bound to.
    tamper: fc.tuple(fc.nat({ max: 3 }), fc.nat(), fc.integer({ min: 1, max: 255 })).map(([part, at, mask]) => (request) => {
      if (part === 3) {
        const url = Buffer.from(TEAMS_ACTIVITY.serviceUrl);
        url[at % url.length] ^= mask;
        return { ...request, rawBody: Buffer.from(JSON.stringify({ ...TEAMS_ACTIVITY, serviceUrl: url.toString('latin1') })) };
      }
      const parts = (request.headers.authorization ?? '').replace(/^Bearer /, '').split('.');
      const bytes = Buffer.from(parts[part], 'base64url');
      bytes[at % bytes.length] ^= mask;
      parts[part] = b64url(bytes);
      return { ...request, headers: { ...request.headers, authorization: `Bearer ${parts.join('.')}` } };
    }),
  },
  {
    vendor: 'http-webhook',
    bodies: jsonBodies(['http-webhook/inbound-message.json']),
    parse: (r) => parseHttpWebhook(r, 'ch'),
    verify: (r) => verifyHttpWebhook(r, { secret: SECRET, now }),
    headers: ['x-roomkit-signature'],
    signed: () => {
      const body = fixture('http-webhook/inbound-message.json');
      return post('https://example.com/webhooks/hook', body, { 'x-roomkit-signature': roomKitSignature(SECRET, body) });
    },
    tamper: flipBodyByte,
  },
  {
    vendor: 'email',
    bodies: emlBody,
    contentType: 'message/rfc822',
    parse: (r) => parseEmailWebhook(r, 'ch'),
    verify: (r) => verifyEmailWebhook(r, { secret: SECRET }),
    headers: ['x-roomkit-signature'],
    signed: () => {
      const body = fixture('email/with-attachment.eml');
      return post('https://example.com/webhooks/email', body, { 'content-type': 'message/rfc822', 'x-roomkit-signature': signEmailWebhook(SECRET, body) });
    },
    tamper: flipBodyByte,
    runs: SLOW_RUNS * 3,
  },
];

/**
 * The outcome's messages and statuses pass the models' schemas, or `processWebhook`'s own check of
 * them refuses them (a 400) for a size or depth limit, an empty or over-long id or a media URL that is not http(s), or — JSON bodies only — a number literal past
 * the double range (`1e400` parses to Infinity, which is not JSON). Any other schema issue means the
 * parser built something of the wrong shape.
 */
// Limits, and what the edge checks for every vendor alike (id length, media URL scheme).
const LIMIT_ISSUES = /nested deeper than|bytes as JSON|must be at most|Too big|Too small|url must start with/;
const NOT_JSON = /must be a JSON value/;
function expectValidOutcome(vendor: string, outcome: WebhookOutcome, jsonBody: boolean): void {
  expect(['messages', 'statuses', 'reply', 'ignored']).toContain(outcome.kind);
  const messages = outcome.kind === 'messages' ? outcome.messages : [];
  const statuses = outcome.kind === 'statuses' ? outcome.statuses : outcome.kind === 'messages' ? outcome.statuses ?? [] : [];
  const results = [...messages.map((m) => InboundMessage.safeParse(m)), ...statuses.map((s) => DeliveryStatus.safeParse(s))];
  for (const parsed of results) {
    if (parsed.success) continue;
    const refusedAtTheEdge = parsed.error.issues.every((i) => LIMIT_ISSUES.test(i.message) || (jsonBody && NOT_JSON.test(i.message)));
    if (!refusedAtTheEdge) throw new Error(`${vendor}: parser returned an invalid message or status: ${parsed.error.message}`);
  }
}

/** Runs `fn`; a throw must be a typed refusal (the property fails with the crash's stack otherwise). */
async function refusesOrReturns<T>(fn: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (!isTypedRefusal(err)) throw new Error(`untyped crash: ${describeError(err)}`);
    return undefined;
  }
}

const headerValues = (names: string[]): fc.Arbitrary<Record<string, string>> =>
  fc.dictionary(fc.constantFrom(...names), fc.oneof(hostileString, fc.constantFrom('Bearer ', 'sha256=', 't=1,v1=00', `${NOW / 1000}`, '0'.repeat(64), 'Bearer a.b.c')), { maxKeys: names.length });

describe.each(VENDORS)('fuzz: $vendor webhook', ({ vendor, bodies, contentType = 'application/json', parse, verify, headers, signed, tamper, runs = RUNS }) => {
  it(`parse: any body is a valid outcome or a typed refusal (${runs} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(bodies, fc.option(fc.constantFrom(contentType, 'text/plain', 'application/json; charset=utf-8', '')), async (body, type) => {
        const request = post('https://example.com/webhooks/x?a=1', body, { 'content-type': type ?? contentType });
        const outcome = await refusesOrReturns(() => parse(request));
        if (outcome) expectValidOutcome(vendor, outcome, contentType === 'application/json');
      }),
      { numRuns: runs },
    );
  });

  it(`verify: arbitrary headers and bodies are refused with WebhookSignatureError only (${runs} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(headerValues(headers), fc.oneof(arbitraryBody, bodies), fc.constantFrom('POST', 'GET'), fc.option(hostileString), async (hs, body, method, query) => {
        const request = { ...post(`https://example.com/webhooks/x${query === null ? '' : `?${encodeURI(query.replace(/[\ud800-\udfff]/g, ''))}`}`, body, hs), method };
        let accepted = false;
        try {
          verify(request);
          accepted = true;
        } catch (err) {
          if (!(err instanceof WebhookSignatureError)) throw new Error(`untyped crash: ${describeError(err)}`);
        }
        // A GET handshake with the right verify token is the only thing that may pass unsigned.
        if (accepted) expect(method === 'GET' && /hub\.verify_token=vt/.test(request.url)).toBe(true);
      }),
      { numRuns: runs },
    );
  });

  it(`verify: the signed fixture passes, and with any one byte flipped it is refused (${runs} cases)`, async () => {
    expect(() => verify(signed())).not.toThrow();
    await fc.assert(
      fc.asyncProperty(tamper, async (change) => {
        const tampered = change(signed());
        fc.pre(tampered !== undefined);
        let error: unknown;
        try {
          verify(tampered!);
        } catch (err) {
          error = err;
        }
        expect(error, 'a tampered request was accepted').toBeInstanceOf(WebhookSignatureError);
      }),
      { numRuns: runs },
    );
  });
});
