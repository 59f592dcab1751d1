/**
 * `src/providers/twilio/signature.ts` is a `node:crypto` mirror of the SDK's webhook validation;
 * here it is held to the installed SDK on seeded random requests (same signatures, same
 * accept/reject decisions, same throws), plus the plain rejections.
 */
import { createHash } from 'node:crypto';
import { parse as parseQuery, stringify as stringifyQuery } from 'node:querystring';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import {
  twilioSignature, verifyTwilioBody, verifyTwilioRequest, verifyTwilioRequestWithBody, type TwilioSignedParams,
} from '../../../src/providers/twilio/signature.js';
import { TwilioWebhookHandler } from '../../../src/providers/twilio/webhook.js';
import { seeded as rng } from '../../support/seeded.js';

type Params = Record<string, string | string[]>;

const random = rng(0x7711_0a5e);
const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const chance = (p: number): boolean => random() < p;

const PIECES = ['a', 'Body', 'From', 'To', '+15551234567', ' ', '&', '=', '%', "'", '"', '+', '/', '?', '#',
  'é', 'ж', '中文', '😀', '\u0000', '\n', 'MediaUrl0', 'ß', 'Z', '0', '9', '~', '*', '!', '(', ')'] as const;

function text(max: number): string {
  let out = '';
  const n = Math.floor(random() * (max + 1));
  for (let i = 0; i < n; i++) out += pick(PIECES);
  return out;
}

function randomParams(): Params {
  const params: Params = {};
  const n = Math.floor(random() * 7);
  for (let i = 0; i < n; i++) {
    const key = chance(0.5) ? pick(['Body', 'From', 'To', 'MessageSid', 'NumMedia', 'body', 'a', 'A', '10', '2']) : text(4);
    if (chance(0.25)) {
      // Repeated field: duplicates, empties and unicode, in any order.
      const values = Array.from({ length: 1 + Math.floor(random() * 4) }, () => (chance(0.3) ? '' : text(3)));
      if (chance(0.5)) values.push(values[0]);
      params[key] = values;
    } else {
      params[key] = chance(0.2) ? '' : text(6);
    }
  }
  return params;
}

interface UrlShape { scheme: string; userInfo: string; host: string; port: string; path: string; query: string }

function randomUrlShape(): UrlShape {
  const scheme = pick(['https://', 'http://', 'HTTPS://', 'Http://']);
  const host = pick(['example.com', 'hooks.example.com', 'localhost', '127.0.0.1', '[::1]', 'xn--bcher-kva.example']);
  const port = pick(['', '', ':443', ':80', ':8443', ':3000']);
  const path = pick(['', '/', '/twilio/sms', '/hooks/it\'s', '/a%20b/c', '/ü/sms', '/x;y']);
  const pairs = Array.from({ length: Math.floor(random() * 3) }, () => `${pick(['k', 'q', 'name', "it's"])}=${pick(['1', "o'neil", 'a+b', 'a%20b', 'é', '', '*'])}`);
  return { scheme, userInfo: chance(0.05) ? 'user:pw@' : '', host, port, path, query: pairs.length ? `?${pairs.join('&')}` : '' };
}

const urlOf = (s: UrlShape, query = s.query): string => s.scheme + s.userInfo + s.host + s.port + s.path + query;

/** The URL Twilio may have signed: as given, with/without the default port, normalised, legacy-encoded. */
function signedVariant(shape: UrlShape, url: string): string {
  const defaultPort = shape.scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  switch (Math.floor(random() * 6)) {
    case 0: return urlOf({ ...shape, port: '' });
    case 1: return urlOf({ ...shape, port: shape.port || defaultPort });
    case 2: return new URL(url).toString();
    case 3: return urlOf({ ...shape, port: pick([':8443', ':3000', ':1']) });
    case 4: {
      const normalized = new URL(url).toString();
      const q = normalized.indexOf('?');
      return q === -1 ? normalized : `${normalized.slice(0, q)}?${stringifyQuery(parseQuery(normalized.slice(q + 1)))}`;
    }
    default: return url;
  }
}

type Outcome = boolean | 'throws';
const outcome = (fn: () => boolean): Outcome => {
  try {
    return fn();
  } catch {
    return 'throws';
  }
};

const TOKENS = ['12345678901234567890123456789012', 'abcdef0123456789abcdef0123456789', 'tökén', ''];

describe('twilioSignature / verifyTwilioRequest against the installed SDK', () => {
  it('agrees on signatures and decisions for 400 seeded form-encoded requests', () => {
    let accepted = 0;
    for (let i = 0; i < 400; i++) {
      const shape = randomUrlShape();
      const url = chance(0.02) ? pick(['not a url', '/relative/path?x=1', 'https//missing.colon']) : urlOf(shape);
      const params = randomParams();
      const token = pick(TOKENS);
      const signUrl = url.includes('://') ? signedVariant(shape, url) : url;
      const signParams = chance(0.15) ? { ...params, [pick(['Body', 'x'])]: text(3) } : params;
      const signToken = chance(0.1) ? pick(TOKENS) : token;
      let signature: string | undefined = twilio.getExpectedTwilioSignature(signToken, signUrl, signParams);
      if (chance(0.05)) signature = pick([undefined, '', signature.slice(1), signature + '=', 'x'.repeat(28)]);

      const context = { url, signUrl, params, signParams, token, signToken, signature };
      for (const u of [url, signUrl]) {
        expect(twilioSignature(token, u, params), JSON.stringify({ ...context, u })).toBe(twilio.getExpectedTwilioSignature(token, u, params));
      }
      const ours = outcome(() => verifyTwilioRequest(token, signature, url, params));
      const theirs = outcome(() => twilio.validateRequest(token, signature as string, url, params));
      expect(ours, JSON.stringify(context)).toBe(theirs);
      if (ours === true) accepted++;
    }
    // The generator exercises both answers, not just one.
    expect(accepted).toBeGreaterThan(150);
    expect(accepted).toBeLessThan(390);
  });

  it('agrees on decisions for 300 seeded JSON-bodied (bodySHA256) requests', () => {
    let accepted = 0;
    for (let i = 0; i < 300; i++) {
      const shape = randomUrlShape();
      const body = chance(0.1) ? '' : JSON.stringify({ text: text(6), n: Math.floor(random() * 1000), list: [text(2), text(2)] });
      const hashed = chance(0.15) ? body + ' ' : body;
      let hash = createHash('sha256').update(hashed, 'utf8').digest('hex');
      if (chance(0.05)) hash = pick(['', hash.toUpperCase(), hash.slice(2)]);
      const query = `${shape.query ? `${shape.query}&` : '?'}bodySHA256=${hash}`;
      const url = urlOf(shape, query);
      const token = pick(TOKENS);
      const signUrl = signedVariant({ ...shape, query }, url);
      let signature: string | undefined = twilio.getExpectedTwilioSignature(chance(0.1) ? pick(TOKENS) : token, signUrl, {});
      if (chance(0.05)) signature = pick([undefined, '', signature.slice(1)]);

      const context = { url, signUrl, body, token, signature };
      expect(twilioSignature(token, url), JSON.stringify(context)).toBe(twilio.getExpectedTwilioSignature(token, url, {}));
      expect(verifyTwilioBody(body, hash)).toBe(twilio.validateBody(body, hash));
      const ours = outcome(() => verifyTwilioRequestWithBody(token, signature, url, body));
      const theirs = outcome(() => twilio.validateRequestWithBody(token, signature as string, url, body));
      expect(ours, JSON.stringify(context)).toBe(theirs);
      if (ours === true) accepted++;
    }
    expect(accepted).toBeGreaterThan(100);
    expect(accepted).toBeLessThan(290);
  });

  it('falls back, like the SDK, to the URL as normalised by new URL() and legacy-querystring encoded', () => {
    const url = "http://x.test:80/ü/it's?name=o'neil&k=it%27s";
    const normalized = new URL(url).toString();
    const legacy = `${normalized.split('?')[0]}?${stringifyQuery(parseQuery(normalized.split('?')[1]))}`;
    for (const signed of [normalized, legacy, normalized.replace('x.test', 'x.test:80')]) {
      expect(signed).not.toBe(url);
      const signature = twilioSignature('t', signed, {});
      expect(verifyTwilioRequest('t', signature, url, {})).toBe(true);
      expect(twilio.validateRequest('t', signature, url, {})).toBe(true);
    }
  });

  it('signs each distinct value of a repeated field once, sorted', () => {
    const params: TwilioSignedParams = { b: ['2', '1', '2'], a: '' };
    expect(twilioSignature('t', 'https://x.test/h', params)).toBe(twilioSignature('t', 'https://x.test/h', { a: '', b: ['1', '2'] }));
    expect(twilioSignature('t', 'https://x.test/h', params)).toBe(twilio.getExpectedTwilioSignature('t', 'https://x.test/h', { b: ['2', '1', '2'], a: '' }));
  });
});

describe('verifyTwilioRequest rejections', () => {
  const token = '12345678901234567890123456789012';
  const url = 'https://hooks.example.com/twilio/sms?room=r1';
  const params = { MessageSid: 'SM123', From: '+15551230000', To: '+15559870000', Body: 'hello' };
  const signature = twilioSignature(token, url, params);

  it('accepts the genuine request, with or without the default port', () => {
    expect(verifyTwilioRequest(token, signature, url, params)).toBe(true);
    expect(verifyTwilioRequest(token, signature, 'https://hooks.example.com:443/twilio/sms?room=r1', params)).toBe(true);
  });

  it('rejects a tampered param, an added param, a wrong token and a missing signature', () => {
    expect(verifyTwilioRequest(token, signature, url, { ...params, Body: 'hellO' })).toBe(false);
    expect(verifyTwilioRequest(token, signature, url, { ...params, Extra: '' })).toBe(false);
    expect(verifyTwilioRequest('00000000000000000000000000000000', signature, url, params)).toBe(false);
    expect(verifyTwilioRequest(token, undefined, url, params)).toBe(false);
    expect(verifyTwilioRequest(token, '', url, params)).toBe(false);
    expect(verifyTwilioRequest(token, signature, 'https://hooks.example.com/twilio/sms?room=r2', params)).toBe(false);
  });

  it('rejects a JSON body that does not match its bodySHA256', () => {
    const body = '{"a":1}';
    const signed = `https://hooks.example.com/json?bodySHA256=${createHash('sha256').update(body).digest('hex')}`;
    const sig = twilioSignature(token, signed);
    expect(verifyTwilioRequestWithBody(token, sig, signed, body)).toBe(true);
    expect(verifyTwilioRequestWithBody(token, sig, signed, '{"a":2}')).toBe(false);
    expect(verifyTwilioRequestWithBody(token, undefined, signed, body)).toBe(false);
  });

  it('TwilioWebhookHandler.verify: 401 without a signature, 403 with a wrong one', async () => {
    const handler = new TwilioWebhookHandler({ authToken: token });
    const rawBody = Buffer.from(new URLSearchParams(params).toString());
    const request = (headers: Record<string, string>) => ({ method: 'POST', url, headers, rawBody });
    await expect(handler.verify(request({ 'x-twilio-signature': signature }))).resolves.toBeUndefined();
    await expect(handler.verify(request({}))).rejects.toMatchObject({ name: 'WebhookSignatureError', status: 401 });
    const tampered = { ...request({ 'x-twilio-signature': signature }), rawBody: Buffer.from(new URLSearchParams({ ...params, Body: 'x' }).toString()) };
    await expect(handler.verify(tampered)).rejects.toMatchObject({ name: 'WebhookSignatureError', status: 403 });
  });
});
