import type { TransportSendOptions } from '../transport.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE, isRetryableStatus } from '../http.js';
import { outboundParts } from '../sms/content.js';

/** One batch as Sinch would have received it. */
export interface MockSinchCall {
  to: string;
  from: string | undefined;
  body: string;
  mediaUrls: string[];
  idempotencyKey: string | undefined;
  event: RoomEvent;
}

/** A refusal in Sinch's vocabulary (`{ code, text }`, e.g. `syntax_invalid_parameter_format`); HTTP status default 400. */
export interface MockSinchFailure {
  code: string;
  text?: string;
  httpStatus?: number;
}

/**
 * An in-memory Sinch for users' tests: records batches, refuses like Sinch (code, retryable from
 * the HTTP status), refuses empty messages without recording them.
 *
 * @example
 * const sinch = new MockSinchSMSProvider({ failWith: { code: 'syntax_invalid_parameter_format' } });
 */
export class MockSinchSMSProvider {
  readonly name = 'sinch';
  readonly calls: MockSinchCall[] = [];
  failWith: MockSinchFailure | undefined;
  private counter = 0;

  constructor(options: { failWith?: MockSinchFailure } = {}) {
    this.failWith = options.failWith;
  }

  async send(event: RoomEvent, options: TransportSendOptions): Promise<ProviderResult> {
    const { text, mediaUrls } = outboundParts(event);
    if (!text && mediaUrls.length === 0) return EMPTY_MESSAGE;
    const from = typeof options.from === 'string' ? options.from : undefined;
    this.calls.push({ to: options.to, from, body: text, mediaUrls, idempotencyKey: options.idempotencyKey, event: structuredClone(event) });
    if (this.failWith) {
      const { code, text: message, httpStatus = 400 } = this.failWith;
      return { success: false, error: message ?? code, metadata: { code, retryable: isRetryableStatus(httpStatus), httpStatus } };
    }
    this.counter += 1;
    return { success: true, providerMessageId: `sinch-mock-${this.counter}` };
  }

  reset(): void {
    this.calls.length = 0;
    this.counter = 0;
  }
}
