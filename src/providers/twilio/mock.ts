/**
 * In-memory Twilio for users' tests: records sends, refuses like Twilio does (21211 for a number
 * that is not E.164, empty messages before any "request"), and verifies webhooks with the real
 * handler. `signedTwilioRequest` builds a webhook request signed the way Twilio signs it.
 */
import { httpFailure, EMPTY_MESSAGE } from '../http.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import type { WebhookHandler, WebhookRequest } from '../webhook.js';
import { outboundParts } from './content.js';
import type { TwilioSendOptions } from './provider.js';
import { twilioSignature } from './signature.js';
import { TwilioWebhookHandler } from './webhook.js';

export interface MockTwilioCall {
  event: RoomEvent;
  to: string;
  from: string | undefined;
  body: string;
  mediaUrls: string[];
  idempotencyKey: string | undefined;
}

/** A refusal in Twilio's error shape. */
export interface MockTwilioFailure {
  code: number;
  message: string;
  /** HTTP status of Twilio's answer (decides retryability). Default 400. */
  status?: number;
}

export interface MockTwilioProviderOptions {
  /** Verifies webhook signatures. Default `'mock-auth-token'`. */
  authToken?: string;
  failWith?: MockTwilioFailure;
}

const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * @example
 * const twilio = new MockTwilioSMSProvider();
 * kit.registerChannel(new SMSChannel('sms', { provider: twilio, fromNumber: '+15550000000' }));
 * // …after a delivery:
 * expect(twilio.calls[0]).toMatchObject({ to: '+15551112222', body: 'Hi' });
 */
export class MockTwilioSMSProvider {
  readonly name = 'twilio';
  readonly calls: MockTwilioCall[] = [];
  readonly webhook: WebhookHandler;
  failWith: MockTwilioFailure | undefined;
  private counter = 0;

  constructor(options: MockTwilioProviderOptions = {}) {
    this.webhook = new TwilioWebhookHandler({ authToken: options.authToken ?? 'mock-auth-token' });
    this.failWith = options.failWith;
  }

  async send(event: RoomEvent, options: TwilioSendOptions): Promise<ProviderResult> {
    const { body, mediaUrls } = outboundParts(event);
    if (!body.trim() && mediaUrls.length === 0) return EMPTY_MESSAGE;
    this.calls.push({ event: structuredClone(event), to: options.to, from: options.from, body, mediaUrls, idempotencyKey: options.idempotencyKey });
    const refusal = this.failWith ?? (E164.test(options.to) ? undefined : { code: 21211, message: `The 'To' number ${options.to} is not a valid phone number.` });
    if (refusal) {
      const status = refusal.status ?? 400;
      return httpFailure({ status, headers: new Headers(), body: { ...refusal, status } }, refusal);
    }
    this.counter += 1;
    return { success: true, providerMessageId: `SM${this.counter.toString(16).padStart(32, '0')}`, metadata: { status: 'queued', to: options.to } };
  }

  reset(): void {
    this.calls.length = 0;
    this.counter = 0;
  }
}

/**
 * A form-encoded webhook request signed with `authToken` exactly as Twilio signs it (on
 * `node:crypto`, see `./signature.ts`; async only to keep its original signature).
 */
export async function signedTwilioRequest(authToken: string, url: string, params: Record<string, string>): Promise<WebhookRequest> {
  return {
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(authToken, url, params),
    },
    rawBody: Buffer.from(new URLSearchParams(params).toString()),
  };
}
