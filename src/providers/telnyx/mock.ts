import type { TransportSendOptions } from '../transport.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE, isRetryableStatus } from '../http.js';
import { outboundParts } from '../sms/content.js';

/** One send as Telnyx would have received it. */
export interface MockTelnyxCall {
  to: string;
  from: string | undefined;
  text: string;
  mediaUrls: string[];
  idempotencyKey: string | undefined;
  event: RoomEvent;
}

/** A refusal in Telnyx's vocabulary (`errors[0].code`, e.g. `40310` invalid "to"); HTTP status default 400. */
export interface MockTelnyxFailure {
  code: string;
  detail?: string;
  httpStatus?: number;
}

/**
 * An in-memory Telnyx for users' tests: records what would be sent, refuses like Telnyx does
 * (code, retryable from the HTTP status), refuses empty messages without recording them.
 *
 * @example
 * const telnyx = new MockTelnyxSMSProvider();
 * telnyx.failWith = { code: '40310', detail: 'Invalid destination number' };
 */
export class MockTelnyxSMSProvider {
  readonly name = 'telnyx';
  readonly calls: MockTelnyxCall[] = [];
  failWith: MockTelnyxFailure | undefined;
  private counter = 0;

  constructor(options: { failWith?: MockTelnyxFailure } = {}) {
    this.failWith = options.failWith;
  }

  async send(event: RoomEvent, options: TransportSendOptions): Promise<ProviderResult> {
    const { text, mediaUrls } = outboundParts(event);
    if (!text && mediaUrls.length === 0) return EMPTY_MESSAGE;
    const from = typeof options.from === 'string' ? options.from : undefined;
    this.calls.push({ to: options.to, from, text, mediaUrls, idempotencyKey: options.idempotencyKey, event: structuredClone(event) });
    if (this.failWith) {
      const { code, detail, httpStatus = 400 } = this.failWith;
      return { success: false, error: detail ?? code, metadata: { code, retryable: isRetryableStatus(httpStatus), httpStatus } };
    }
    this.counter += 1;
    return { success: true, providerMessageId: `telnyx-mock-${this.counter}` };
  }

  reset(): void {
    this.calls.length = 0;
    this.counter = 0;
  }
}
