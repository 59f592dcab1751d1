/** An in-memory HTTP webhook provider for users' tests: records sends, refuses empty text like the real one. */
import type { TransportProvider, TransportSendOptions } from '../transport.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import { webhookContent } from './content.js';

export interface MockHttpWebhookCall {
  event: RoomEvent;
  to: string;
  idempotencyKey: string | undefined;
}

export interface MockHttpWebhookFailure {
  code: string;
  message?: string;
  retryable?: boolean;
  httpStatus?: number;
}

/**
 * @example
 * const hook = new MockWebhookHTTPProvider();
 * await channel.deliver(event, binding);
 * expect(hook.calls[0].to).toBe('crm-42');
 */
export class MockWebhookHTTPProvider implements TransportProvider {
  readonly name = 'mock-http-webhook';
  readonly calls: MockHttpWebhookCall[] = [];
  failWith: MockHttpWebhookFailure | undefined;
  private counter = 0;

  constructor(options: { failWith?: MockHttpWebhookFailure } = {}) {
    this.failWith = options.failWith;
  }

  async send(event: RoomEvent, options: TransportSendOptions): Promise<ProviderResult> {
    this.calls.push({ event: structuredClone(event), to: options.to, idempotencyKey: options.idempotencyKey });
    if (!webhookContent(event.content)) return EMPTY_MESSAGE;
    if (this.failWith) {
      const { code, message = code, retryable = false, httpStatus = 400 } = this.failWith;
      return { success: false, error: message, metadata: { code, retryable, httpStatus } };
    }
    this.counter += 1;
    return { success: true, providerMessageId: `mock-http-${this.counter}` };
  }

  reset(): void {
    this.calls.length = 0;
    this.counter = 0;
  }
}
