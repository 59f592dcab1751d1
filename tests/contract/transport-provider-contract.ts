/**
 * One contract every transport provider (SMS, RCS, email, WhatsApp, Messenger, Teams, HTTP) meets,
 * run against its real client talking to a vendor fake on loopback. A provider test file calls
 * `transportProviderContract('twilio sms', setup)` and adds its vendor-specific tests next to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransportProvider, TransportSendOptions } from '../../src/providers/transport.js';
import { WebhookSignatureError } from '../../src/errors.js';
import { InboundMessage, type RoomEvent } from '../../src/models/index.js';
import type { WebhookHandler, WebhookRequest } from '../../src/providers/webhook.js';
import { makeEvent } from '../support/factories.js';

/** How a vendor refuses: a permanent 4xx-class refusal, throttling (429), or an outage (5xx). */
export type VendorFailure = 'permanent' | 'throttled' | 'unavailable';

export interface ProviderUnderTest {
  provider: TransportProvider;
  /** Valid options for one send (`to` and whatever the vendor needs). */
  sendOptions: TransportSendOptions;
  /** Vendor requests recorded so far (sends only). */
  requestCount(): number;
  /** Make the vendor refuse the next send the way it really does; returns the code the provider must report. */
  failNext(kind: VendorFailure): { code: string };
  inbound?: {
    handler: WebhookHandler;
    /** A fixture request signed with the vendor's algorithm. */
    signed(): WebhookRequest | Promise<WebhookRequest>;
    /** The same request without its signature (header or token removed). */
    unsigned(): WebhookRequest | Promise<WebhookRequest>;
    expect: { senderId: string; text: string; providerMessageId: string };
  };
  close(): Promise<void>;
}

/** A delivered text message as a transport channel hands it to its provider. */
export function textEvent(body: string, overrides: Partial<RoomEvent> = {}): RoomEvent {
  return makeEvent({ content: { type: 'text', body }, ...overrides });
}

export interface ContractOptions {
  /** The provider receives webhooks (`setup` returns `inbound`). */
  inbound: boolean;
  /** The vendor's signature covers the body (false for Bot Framework JWTs). Default true. */
  bodySigned?: boolean;
}

export function transportProviderContract(
  name: string,
  setup: () => Promise<ProviderUnderTest>,
  options: ContractOptions,
): void {

  describe(`transport provider contract: ${name}`, () => {
    let put: ProviderUnderTest;
    beforeAll(async () => {
      put = await setup();
    });
    afterAll(async () => {
      await put?.close();
    });

    it('sends a text and reports the vendor message id', async () => {
      const before = put.requestCount();
      const result = await put.provider.send(textEvent('Hello from the contract'), put.sendOptions);
      expect(result.success, JSON.stringify(result)).toBe(true);
      expect(result.providerMessageId).toMatch(/\S/);
      expect(put.requestCount()).toBe(before + 1);
    });

    it('refuses an empty message without calling the vendor', async () => {
      const before = put.requestCount();
      const result = await put.provider.send(textEvent(''), put.sendOptions);
      expect(result).toMatchObject({ success: false, error: 'empty_message' });
      expect(put.requestCount()).toBe(before);
    });

    it('reports a permanent vendor refusal as non-retryable with the vendor code', async () => {
      const { code } = put.failNext('permanent');
      const result = await put.provider.send(textEvent('refused'), put.sendOptions);
      expect(result.success).toBe(false);
      expect(result.metadata).toMatchObject({ code, retryable: false });
    });

    it.each(['throttled', 'unavailable'] as const)('reports a %s vendor as retryable', async (kind) => {
      const { code } = put.failNext(kind);
      const result = await put.provider.send(textEvent('try later'), put.sendOptions);
      expect(result.success).toBe(false);
      expect(result.metadata).toMatchObject({ code, retryable: true });
    });

    const inbound = (): NonNullable<ProviderUnderTest['inbound']> => {
      if (!put.inbound) throw new Error(`${name}: setup returned no inbound although options.inbound is true`);
      return put.inbound;
    };

    if (options.inbound) {
      it('verifies and parses a signed inbound webhook into valid inbound messages', async () => {
        const { handler, expect: want } = inbound();
        const request = await inbound().signed();
        await handler.verify(request);
        const outcome = await handler.parse(request, 'contract-channel');
        expect(outcome.kind).toBe('messages');
        if (outcome.kind !== 'messages') return;
        expect(outcome.messages.length).toBeGreaterThan(0);
        const first = InboundMessage.parse(outcome.messages[0]);
        expect(first).toMatchObject({
          channelId: 'contract-channel', senderId: want.senderId,
          providerMessageId: want.providerMessageId, idempotencyKey: want.providerMessageId,
        });
        expect(JSON.stringify(first.content)).toContain(want.text);
      });

      it('refuses an unsigned webhook with 401', async () => {
        const request = await inbound().unsigned();
        const error = await captured(() => inbound().handler.verify(request));
        expect(error).toBeInstanceOf(WebhookSignatureError);
        expect((error as WebhookSignatureError).status).toBe(401);
      });

      if (options.bodySigned !== false) {
        it('refuses a webhook whose body was altered after signing with 403', async () => {
          const request = await inbound().signed();
          const tampered = { ...request, rawBody: Buffer.concat([request.rawBody, Buffer.from(' ')]) };
          const error = await captured(() => inbound().handler.verify(tampered));
          expect(error).toBeInstanceOf(WebhookSignatureError);
          expect((error as WebhookSignatureError).status).toBe(403);
        });
      }
    }
  });
}

async function captured(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected verify to throw');
}
