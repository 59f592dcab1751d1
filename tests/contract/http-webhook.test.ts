/**
 * RoomKit's generic HTTP webhook provider against a loopback receiver that checks the
 * `X-RoomKit-Signature` itself, plus the SSRF guard (proved with requests that never arrive) and the
 * signed inbound format.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookPayloadError, WebhookSignatureError } from '../../src/errors.js';
import { InboundMessage } from '../../src/models/index.js';
import {
  HttpWebhookHandler, isPrivateAddress, WebhookHTTPProvider, type LookupFn,
} from '../../src/providers/http-webhook/index.js';
import type { WebhookRequest } from '../../src/providers/webhook.js';
import { makeEvent } from '../support/factories.js';
import { VendorFake, type RecordedRequest } from '../support/vendor-fake.js';
import { textEvent, transportProviderContract } from './transport-provider-contract.js';

const SECRET = 'whsec_9f2c1d0e7b';
const hmac = (body: Buffer | string): string => createHmac('sha256', SECRET).update(body).digest('hex');
const FIXTURE = readFileSync(new URL('../fixtures/http-webhook/inbound-message.json', import.meta.url));

/** A receiver that does what we tell users to do: recompute the HMAC over the raw body. */
async function startReceiver(): Promise<VendorFake> {
  let counter = 0;
  return VendorFake.start((req: RecordedRequest) => {
    if (req.headers['x-roomkit-signature'] !== hmac(req.rawBody)) {
      return { status: 401, body: { error: { code: 'bad_signature', message: 'signature mismatch' } } };
    }
    counter += 1;
    return { status: 200, body: { message_id: `rcv-${counter}` } };
  });
}

function inbound(body: Buffer | string, signature?: string): WebhookRequest {
  return {
    method: 'POST', url: 'https://roomkit.example.com/webhooks/http',
    headers: { 'content-type': 'application/json', ...(signature !== undefined && { 'x-roomkit-signature': signature }) },
    rawBody: Buffer.from(body),
  };
}

transportProviderContract('http webhook', async () => {
  const receiver = await startReceiver();
  const provider = new WebhookHTTPProvider({ url: `${receiver.url}/hooks/roomkit`, secret: SECRET, allowPrivateNetwork: true });
  return {
    provider,
    sendOptions: { to: 'crm-user-42', idempotencyKey: 'room-1:0:hook' },
    requestCount: () => receiver.requests.length,
    failNext(kind) {
      if (kind === 'permanent') {
        receiver.failNext({ status: 422, body: { error: { code: 'unknown_recipient', message: 'no such recipient' } } });
        return { code: 'unknown_recipient' };
      }
      if (kind === 'throttled') {
        receiver.failNext({ status: 429, headers: { 'retry-after': '5' }, body: { code: 'rate_limited', message: 'slow down' } });
        return { code: 'rate_limited' };
      }
      receiver.failNext({ status: 503, body: 'maintenance' });
      return { code: 'http_503' };
    },
    inbound: {
      handler: provider.webhook!,
      signed: () => inbound(FIXTURE, hmac(FIXTURE)),
      unsigned: () => inbound(FIXTURE),
      expect: { senderId: 'crm-user-42', text: 'Can someone call me back about order 1042?', providerMessageId: 'crm-msg-7f3a9c' },
    },
    close: async () => {
      await provider.close();
      await receiver.close();
    },
  };
}, { inbound: true });

describe('http webhook outbound', () => {
  let receiver: VendorFake;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('posts RoomKit\'s signed JSON body with a retry-stable idempotency key', async () => {
    const provider = new WebhookHTTPProvider({
      url: `${receiver.url}/hooks/roomkit?tenant=acme`, secret: SECRET, allowPrivateNetwork: true,
      headers: { authorization: 'Bearer receiver-token' },
    });
    const event = makeEvent({ id: 'room-9-evt-4', roomId: 'room-9', index: 4, metadata: { orderId: 1042 }, content: { type: 'text', body: 'Order 1042 shipped' } });
    const before = Date.now();
    const result = await provider.send(event, { to: 'crm-user-42', idempotencyKey: 'room-9:4:hook' });

    expect(result).toEqual({ success: true, providerMessageId: expect.stringMatching(/^rcv-\d+$/) });
    const req = receiver.last!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/hooks/roomkit');
    expect(req.query.get('tenant')).toBe('acme');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-roomkit-signature']).toBe(hmac(req.rawBody));
    expect(req.headers['idempotency-key']).toBe('room-9:4:hook');
    expect(req.headers.authorization).toBe('Bearer receiver-token');
    const body = req.json as Record<string, unknown>;
    expect(body).toEqual({
      recipient_id: 'crm-user-42', channel_id: 'sms-main', room_id: 'room-9', event_id: 'room-9-evt-4',
      content: { type: 'text', body: 'Order 1042 shipped' }, metadata: { orderId: 1042 },
      timestamp: expect.any(String),
    });
    expect(Date.parse(body.timestamp as string)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('keeps the format of rich content', async () => {
    const provider = new WebhookHTTPProvider({ url: receiver.url, secret: SECRET, allowPrivateNetwork: true });
    await provider.send(textEvent('', { content: { type: 'rich', body: '**done**', format: 'markdown' } }), { to: 'x' });
    expect((receiver.last!.json as { content: unknown }).content).toEqual({ type: 'text', body: '**done**', format: 'markdown' });
  });

  it('sends unsigned without a secret, and then has no inbound handler', async () => {
    const provider = new WebhookHTTPProvider({ url: receiver.url, allowPrivateNetwork: true });
    receiver.failNext({ status: 200, body: { id: 77 } });
    expect(await provider.send(textEvent('hi'), { to: 'x' })).toEqual({ success: true, providerMessageId: '77' });
    expect(receiver.last!.headers['x-roomkit-signature']).toBeUndefined();
    expect(provider.webhook).toBeUndefined();
  });

  it('uses the event id when the receiver accepts without an id', async () => {
    const provider = new WebhookHTTPProvider({ url: receiver.url, secret: SECRET, allowPrivateNetwork: true });
    receiver.failNext({ status: 204 });
    expect(await provider.send(textEvent('hi', { id: 'room-1-evt-7', index: 7 }), { to: 'x' }))
      .toEqual({ success: true, providerMessageId: 'room-1-evt-7' });
  });

  it('does not follow redirects (a 302 to an internal address is the classic SSRF bypass)', async () => {
    const internal = await VendorFake.start(() => ({ status: 200, body: { message_id: 'leaked' } }));
    try {
      const provider = new WebhookHTTPProvider({ url: receiver.url, secret: SECRET, allowPrivateNetwork: true });
      receiver.failNext({ status: 302, headers: { location: `${internal.url}/latest/meta-data` } });
      const result = await provider.send(textEvent('hi'), { to: 'x' });
      expect(result).toMatchObject({ success: false, metadata: { code: 'http_302', retryable: false } });
      expect(internal.requests).toHaveLength(0);
    } finally {
      await internal.close();
    }
  });

  it('gives up after timeoutMs and reports a retryable network error', async () => {
    const slow = await VendorFake.start(async () => {
      await new Promise((r) => setTimeout(r, 2_000));
      return { status: 200, body: { message_id: 'late' } };
    });
    try {
      const provider = new WebhookHTTPProvider({ url: slow.url, allowPrivateNetwork: true, timeoutMs: 200 });
      const started = Date.now();
      const result = await provider.send(textEvent('hi'), { to: 'x' });
      expect(result).toMatchObject({ success: false, metadata: { code: 'network_error', retryable: true } });
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await slow.close();
    }
  });
});

describe('http webhook SSRF guard', () => {
  let receiver: VendorFake;
  let port: string;
  beforeAll(async () => {
    receiver = await startReceiver();
    port = new URL(receiver.url).port;
  });
  afterAll(async () => {
    await receiver.close();
  });

  const refused = async (url: string, lookup?: LookupFn) => {
    const before = receiver.requests.length;
    const provider = new WebhookHTTPProvider({ url, secret: SECRET }, { lookup });
    const result = await provider.send(textEvent('hello internal network'), { to: 'x' });
    expect(result).toMatchObject({ success: false, metadata: { code: 'private_network_target', retryable: false } });
    expect(receiver.requests.length).toBe(before);
    return result;
  };

  it('refuses the loopback receiver by default, and nothing reaches it', async () => {
    await refused(`http://127.0.0.1:${port}/hooks`);
  });

  it('refuses localhost after resolving it', async () => {
    const result = await refused(`http://localhost:${port}/hooks`);
    expect(result.error).toMatch(/localhost/);
  });

  it.each([
    'http://10.0.0.5/hooks', 'http://[::1]:9/hooks', 'http://169.254.169.254/latest/meta-data/',
    'http://172.16.3.4/', 'http://192.168.1.10/', 'http://100.64.0.1/', 'http://0.0.0.0/',
    'http://[::ffff:127.0.0.1]/', 'http://[::ffff:a9fe:a9fe]/', 'http://[fd00::1]/', 'http://[fe80::1]/',
    'http://0x7f000001/', 'http://2130706433/', 'http://127.1/',
  ])('refuses %s without sending', async (url) => {
    await refused(url);
  });

  it('refuses a name that resolves to a private address', async () => {
    const lookup: LookupFn = (_host, _opts, cb) => cb(null, [{ address: '10.1.2.3', family: 4 }]);
    await refused('https://hooks.customer.example/roomkit', lookup);
  });

  it('refuses a name with any private address among public ones', async () => {
    const lookup: LookupFn = (_host, _opts, cb) => cb(null, [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }]);
    await refused(`http://mixed.example:${port}/`, lookup);
  });

  it('refuses a name that re-resolves to loopback between the check and the connection (DNS rebinding)', async () => {
    let calls = 0;
    const lookup: LookupFn = (_host, _opts, cb) => {
      calls += 1;
      cb(null, [{ address: calls === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }]);
    };
    await refused(`http://rebind.example:${port}/hooks`, lookup);
    expect(calls).toBe(2);
  });

  it('connects through a name when the private network is allowed (the switch tests use)', async () => {
    const lookup: LookupFn = (_host, _opts, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]);
    const provider = new WebhookHTTPProvider({ url: `http://127.0.0.1:${port}/`, secret: SECRET, allowPrivateNetwork: true }, { lookup });
    expect((await provider.send(textEvent('hi'), { to: 'x' })).success).toBe(true);
  });

  it('classifies addresses: private and special ranges refused, public ones allowed', () => {
    const privateOnes = [
      '127.0.0.1', '10.255.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.127.255.254', '0.0.0.0',
      '224.0.0.1', '255.255.255.255', '198.18.0.1', '192.0.2.1', '::', '::1', '::ffff:10.0.0.1', 'fc00::1', 'fdff::1',
      'fe80::1%eth0', 'ff02::1', '64:ff9b::7f00:1', '2002:7f00:1::', '2001:db8::1', '2001:0:4136:e378::1', 'not-an-ip',
    ];
    const publicOnes = ['8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'];
    expect(privateOnes.filter((a) => !isPrivateAddress(a))).toEqual([]);
    expect(publicOnes.filter((a) => isPrivateAddress(a))).toEqual([]);
  });
});

describe('http webhook inbound (RoomKit parse_http_webhook)', () => {
  const handler = new HttpWebhookHandler({ secret: SECRET });

  async function refusal(req: WebhookRequest, h = handler): Promise<WebhookSignatureError> {
    const error = await Promise.resolve().then(() => h.verify(req)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookSignatureError);
    return error as WebhookSignatureError;
  }

  it('parses the documented body into an inbound message keyed by external_id', async () => {
    const req = inbound(FIXTURE, hmac(FIXTURE));
    handler.verify(req);
    const outcome = handler.parse(req, 'hook');
    if (outcome.kind !== 'messages') throw new Error(outcome.kind);
    expect(InboundMessage.parse(outcome.messages[0])).toEqual({
      channelId: 'hook', senderId: 'crm-user-42',
      content: { type: 'text', body: 'Can someone call me back about order 1042?' },
      externalId: 'crm-msg-7f3a9c', providerMessageId: 'crm-msg-7f3a9c', idempotencyKey: 'crm-msg-7f3a9c',
      rawPayload: JSON.parse(FIXTURE.toString()), metadata: { source: 'crm', priority: 'high' },
    });
  });

  it.each([
    ['a signature made with another secret', createHmac('sha256', 'other').update(FIXTURE).digest('hex')],
    ['a signature that is not hex', 'sha256=abc'],
    ['a signature in upper-case hex of another body', hmac('{}').toUpperCase()],
  ])('refuses %s with 403', async (_what, signature) => {
    expect((await refusal(inbound(FIXTURE, signature))).status).toBe(403);
  });

  it('accepts a signed timestamp within the tolerance and refuses a replayed old one with 403', async () => {
    const fresh = JSON.stringify({ sender_id: 'u', body: 'hi', timestamp: new Date().toISOString() });
    expect(() => handler.verify(inbound(fresh, hmac(fresh)))).not.toThrow();
    const old = JSON.stringify({ sender_id: 'u', body: 'hi', timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await refusal(inbound(old, hmac(old)))).status).toBe(403);
  });

  it('refuses a body without timestamp when timestamps are required', async () => {
    const strict = new HttpWebhookHandler({ secret: SECRET, requireTimestamp: true });
    expect((await refusal(inbound(FIXTURE, hmac(FIXTURE)), strict)).status).toBe(403);
  });

  it.each([
    ['sender_id', { body: 'hi' }],
    ['body', { sender_id: 'u', body: '' }],
    ['metadata', { sender_id: 'u', body: 'hi', metadata: 'not an object' }],
  ])('names the bad field %s', (field, payload) => {
    const body = JSON.stringify(payload);
    const error = (() => {
      try {
        handler.parse(inbound(body, hmac(body)), 'hook');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as WebhookPayloadError).field).toBe(field);
  });

  it('has no idempotency key when the sender gives no external_id', () => {
    const body = JSON.stringify({ sender_id: 'u', body: 'hi' });
    const outcome = handler.parse(inbound(body, hmac(body)), 'hook');
    if (outcome.kind !== 'messages') throw new Error(outcome.kind);
    expect(outcome.messages[0].idempotencyKey).toBeUndefined();
  });
});
