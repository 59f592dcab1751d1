/**
 * Where a benchmark sees a delivery happen: the target provider's `send` (RoomKit) and the floor's
 * `deliver` activity both call `record(body)`, which notes the time. Worker and client share this
 * process, so `performance.now()` on both sides is one clock.
 */
import type { ProviderResult, RoomEvent } from '../src/models/index.js';
import type { SMSProvider, SMSSendOptions } from '../src/providers/sms/index.js';

export class SendProbe {
  private readonly sentAt = new Map<string, number>();
  private sends = 0;

  /** `recordTimes: false` only counts (the heap phase must not grow a map per message). */
  constructor(private readonly recordTimes = true) {}

  record(body: string): string {
    if (this.recordTimes) this.sentAt.set(body, performance.now());
    this.sends += 1;
    return `probe-${this.sends}`;
  }

  /** When `send` saw this body (and forget it). */
  take(body: string): number | undefined {
    const at = this.sentAt.get(body);
    this.sentAt.delete(body);
    return at;
  }

  get count(): number {
    return this.sends;
  }
}

/** An SMS provider that accepts at once, like a vendor answering instantly. */
export class ProbeSMSProvider implements SMSProvider {
  readonly name = 'bench-probe';
  constructor(private readonly probe: SendProbe) {}

  async send(event: RoomEvent, _options: SMSSendOptions): Promise<ProviderResult> {
    const body = event.content.type === 'text' ? event.content.body : '';
    return { success: true, providerMessageId: this.probe.record(body) };
  }
}
