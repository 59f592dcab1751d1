import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomKitValidationError } from '../../src/errors.js';
import { ElasticEmailProvider, MockElasticEmailProvider } from '../../src/providers/elasticemail/index.js';
import { makeEvent } from '../support/factories.js';
import { VendorFake, type FakeResponse } from '../support/vendor-fake.js';
import { textEvent, transportProviderContract, type VendorFailure } from './transport-provider-contract.js';

/** Elastic Email v2 answers: HTTP 200 either way; `success` says which. */
const accepted = (n: number): FakeResponse => ({
  status: 200, body: { success: true, data: { transactionid: `d6126dc1-d012-4d4c-b75b-43b2c4b4${String(n).padStart(4, '0')}`, messageid: `msg${n}` } },
});

transportProviderContract('elasticemail', async () => {
  let n = 0;
  const fake = await VendorFake.start(() => accepted(++n));
  const provider = new ElasticEmailProvider({ apiKey: 'ee-key', from: 'help@acme.test', baseUrl: fake.url });
  const failures: Record<VendorFailure, { response: FakeResponse; code: string }> = {
    permanent: { response: { status: 200, body: { success: false, error: 'Incorrect email address' } }, code: 'elasticemail_refused' },
    throttled: { response: { status: 429, body: { success: false, error: 'Too many requests' } }, code: 'http_429' },
    unavailable: { response: { status: 503, body: 'Service Unavailable' }, code: 'http_503' },
  };
  return {
    provider,
    sendOptions: { to: 'ana@example.com', subject: 'Contract' },
    requestCount: () => fake.requests.length,
    failNext(kind) {
      fake.failNext(failures[kind].response);
      return { code: failures[kind].code };
    },
    close: () => fake.close(),
  };
}, { inbound: false });

describe('ElasticEmailProvider (v2 email/send)', () => {
  let fake: VendorFake;
  let elastic: ElasticEmailProvider;
  beforeAll(async () => {
    fake = await VendorFake.start(() => accepted(1));
    elastic = new ElasticEmailProvider({ apiKey: 'ee-key', from: 'help@acme.test', fromName: 'Acme Support', baseUrl: fake.url });
  });
  afterAll(() => fake.close());

  it('POSTs the documented form fields to /v2/email/send and reports data.transactionid', async () => {
    const result = await elastic.send(textEvent('Your order #4211 is ready.'), { to: 'ana@example.com', subject: 'Your order #4211' });
    expect(result).toEqual({
      success: true, providerMessageId: 'd6126dc1-d012-4d4c-b75b-43b2c4b40001',
      metadata: { transactionId: 'd6126dc1-d012-4d4c-b75b-43b2c4b40001', messageId: 'msg1' },
    });
    const request = fake.last!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v2/email/send');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(request.form!)).toEqual({
      apikey: 'ee-key', from: 'help@acme.test', fromName: 'Acme Support', to: 'ana@example.com',
      subject: 'Your order #4211', bodyText: 'Your order #4211 is ready.', isTransactional: 'true',
    });
  });

  it('sends rich HTML as bodyHtml with a plain bodyText, media as links, and a Re: subject for replies', async () => {
    const event = makeEvent({
      content: {
        type: 'composite',
        parts: [
          { type: 'rich', format: 'html', body: '<p>See the <b>label</b></p>' },
          { type: 'media', url: 'https://cdn.acme.test/label.png', mimeType: 'image/png', caption: 'Label' },
        ],
      },
    });
    await elastic.send(event, { to: 'ana@example.com', subject: 'Order', inReplyTo: '<parent@x.test>', from: 'orders@acme.test' });
    const form = fake.last!.form!;
    expect(form.get('subject')).toBe('Re: Order');
    expect(form.get('from')).toBe('orders@acme.test');
    expect(form.get('bodyText')).toBe('See the label\n\nLabel: https://cdn.acme.test/label.png');
    expect(form.get('bodyHtml')).toBe('<p>See the <b>label</b></p>\n<p><a href="https://cdn.acme.test/label.png">Label</a></p>');
  });

  it('treats HTTP 200 with success:false as a refusal; transient wording is retryable', async () => {
    fake.failNext({ status: 200, body: { success: false, error: 'Not enough credit for campaign.' } });
    expect(await elastic.send(textEvent('x'), { to: 'ana@example.com' })).toEqual({
      success: false, error: 'Not enough credit for campaign.',
      metadata: { code: 'elasticemail_refused', retryable: false, httpStatus: 200 },
    });
    fake.failNext({ status: 200, body: { success: false, error: 'Please try again later' } });
    expect((await elastic.send(textEvent('x'), { to: 'ana@example.com' })).metadata).toMatchObject({ retryable: true });
    fake.failNext({ status: 200, body: { success: true } });
    expect((await elastic.send(textEvent('x'), { to: 'ana@example.com' })).success).toBe(false);
  });

  it('passes Retry-After of a 429 on, and reports an unreachable API as retryable network_error', async () => {
    fake.failNext({ status: 429, headers: { 'retry-after': '7' }, body: { success: false, error: 'Too many requests' } });
    expect((await elastic.send(textEvent('x'), { to: 'ana@example.com' })).metadata).toMatchObject({
      code: 'http_429', retryable: true, retryAfterMs: 7_000,
    });
    const gone = await VendorFake.start(() => accepted(9));
    const url = gone.url;
    await gone.close();
    const offline = new ElasticEmailProvider({ apiKey: 'k', from: 'help@acme.test', baseUrl: url, timeoutMs: 2_000 });
    expect(await offline.send(textEvent('x'), { to: 'ana@example.com' })).toMatchObject({
      success: false, metadata: { code: 'network_error', retryable: true },
    });
  });

  it('refuses a config without an API key, naming the field', () => {
    expect(() => new ElasticEmailProvider({ apiKey: '', from: 'help@acme.test' })).toThrow(RoomKitValidationError);
  });

  it('has a mock that records sends under the vendor name', async () => {
    const mock = new MockElasticEmailProvider({ failWith: { code: 'elasticemail_refused', error: 'Incorrect email address', retryable: false } });
    expect(mock.name).toBe('elasticemail');
    expect(await mock.send(textEvent('x'), { to: 'bad' })).toMatchObject({ success: false, metadata: { code: 'elasticemail_refused', retryable: false } });
    expect(mock.calls[0].to).toBe('bad');
  });
});
