import type { TransportSendOptions } from '../transport.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import { outboundParts } from '../sms/content.js';
import { splitMessage } from './split.js';

/** One `queue_sms` request as VoiceMeUp would have received it (numbers without '+'). */
export interface MockVoiceMeUpCall {
  source_number: string;
  destination_number: string;
  message: string;
  attachment: string | undefined;
}

/**
 * An in-memory VoiceMeUp for users' tests: records each `queue_sms` (long text split like the real
 * provider), refuses like VoiceMeUp (`response_status: "error"` with a code: not retryable).
 *
 * @example
 * const vmu = new MockVoiceMeUpSMSProvider({ fromNumber: '+15145550000' });
 * expect(vmu.calls[0].destination_number).toBe('15145551111');
 */
export class MockVoiceMeUpSMSProvider {
  readonly name = 'voicemeup';
  readonly calls: MockVoiceMeUpCall[] = [];
  /** A VoiceMeUp error code to refuse every send with. */
  failWith: { code: string; message?: string } | undefined;
  private counter = 0;

  constructor(private readonly options: { fromNumber: string; failWith?: { code: string; message?: string } }) {
    this.failWith = options.failWith;
  }

  async send(event: RoomEvent, options: TransportSendOptions): Promise<ProviderResult> {
    const { text, mediaUrls } = outboundParts(event);
    if (!text && mediaUrls.length === 0) return EMPTY_MESSAGE;
    const from = (typeof options.from === 'string' && options.from ? options.from : this.options.fromNumber).replace(/^\+/, '');
    const to = options.to.replace(/^\+/, '');
    const parts = mediaUrls.length > 0 ? [text] : splitMessage(text);
    let id = '';
    for (const message of parts) {
      this.calls.push({ source_number: from, destination_number: to, message, attachment: mediaUrls[0] });
      if (this.failWith) {
        const { code, message: description } = this.failWith;
        return { success: false, error: description ?? code, metadata: { code, retryable: false, httpStatus: 200 } };
      }
      this.counter += 1;
      id = `voicemeup-mock-${this.counter}`;
    }
    return { success: true, providerMessageId: id };
  }

  reset(): void {
    this.calls.length = 0;
    this.counter = 0;
  }
}
