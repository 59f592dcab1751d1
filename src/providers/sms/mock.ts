import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import type { SMSProvider, SMSSendOptions } from './base.js';
import { outboundParts } from './content.js';

/** One recorded `send` call. */
export interface MockSMSCall {
  event: RoomEvent;
  to: string;
  from: string | undefined;
  idempotencyKey: string | undefined;
}

/** A refusal as a real vendor reports it; `code` defaults to `error`, `retryable` to true. */
export interface MockSMSFailure {
  error: string;
  code?: string;
  retryable?: boolean;
}

export interface MockSMSProviderOptions {
  /** Refuse every send with this result. */
  failWith?: MockSMSFailure;
  /** Throw this from every send (an unclassified failure, e.g. the network). */
  throwError?: Error;
}

/**
 * Records every call and answers like a vendor would. Failure modes are plain fields, so a test can
 * switch them between sends.
 *
 * @example
 * const sms = new MockSMSProvider();
 * await channel.deliver(event, binding, ctx);
 * expect(sms.calls[0].to).toBe('+15550001111');
 */
export class MockSMSProvider implements SMSProvider {
  readonly name = 'mock';
  readonly calls: MockSMSCall[] = [];
  failWith: MockSMSFailure | undefined;
  throwError: Error | undefined;
  private counter = 0;

  constructor(options: MockSMSProviderOptions = {}) {
    this.failWith = options.failWith;
    this.throwError = options.throwError;
  }

  /** Alias of `calls`. */
  get sent(): MockSMSCall[] {
    return this.calls;
  }

  async send(event: RoomEvent, options: SMSSendOptions): Promise<ProviderResult> {
    this.calls.push({
      event: structuredClone(event),
      to: options.to,
      from: options.from,
      idempotencyKey: options.idempotencyKey,
    });
    if (this.throwError) throw this.throwError;
    // Like every real SMS vendor: nothing to say is refused before any request.
    const { text, mediaUrls } = outboundParts(event);
    if (!text && mediaUrls.length === 0) return EMPTY_MESSAGE;
    if (this.failWith) {
      const { error, code = error, retryable = true } = this.failWith;
      return { success: false, error, metadata: { code, retryable } };
    }
    this.counter += 1;
    return { success: true, providerMessageId: `mock-sms-${this.counter}` };
  }

  /** Forget recorded calls and restart message ids; failure modes are left as they are. */
  reset(): void {
    this.calls.length = 0;
    this.counter = 0;
  }
}
