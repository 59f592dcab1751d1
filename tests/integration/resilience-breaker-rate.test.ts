/**
 * Delivery resilience through the public API (RoomKit §17, issue 3): the per-channel circuit breaker
 * of the worker and the per-binding token bucket that waits on durable timers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MockSMSProvider, SMSChannel, TransportChannel, type FrameworkEvent, type ProviderResult, type RoomEvent, type RoomKit,
} from '../../src/index.js';
import { roomId, startTestKit } from '../support/kit.js';

const text = (body: string) => ({ type: 'text' as const, body });

/** Records when each send happened. */
class TimedProvider {
  readonly name = 'timed';
  readonly sends: Array<{ body: string; at: number }> = [];
  async send(event: RoomEvent): Promise<ProviderResult> {
    this.sends.push({ body: event.content.type === 'text' ? event.content.body : '', at: Date.now() });
    return { success: true, providerMessageId: `t-${this.sends.length}` };
  }
}

describe('resilience: circuit breaker and rate limits', () => {
  let kit: RoomKit;
  const flaky = new MockSMSProvider();
  const timed = new TimedProvider();
  const slow = new TimedProvider();
  const breakerEvents: FrameworkEvent[] = [];

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new SMSChannel('sms-src'));
      k.registerChannel(new SMSChannel('sms-flaky', { provider: flaky }));
      k.registerChannel(new TransportChannel('push-timed', { channelType: 'push', provider: timed }));
      k.registerChannel(new TransportChannel('push-slow', { channelType: 'push', provider: slow }));
      k.on('circuit_breaker_opened', (e) => { breakerEvents.push(e); });
      k.on('circuit_breaker_closed', (e) => { breakerEvents.push(e); });
    }, { circuitBreaker: { failureThreshold: 3, recoveryTimeoutSeconds: 1 } });
  });

  afterAll(async () => {
    await kit?.close();
  });

  it('opens after 3 failed deliveries (shared across rooms), fails fast without the provider, closes after a good probe', async () => {
    flaky.failWith = { error: 'carrier down', code: '30008', retryable: false };
    const rooms = [roomId('brk-a'), roomId('brk-b'), roomId('brk-c')];
    for (const [i, id] of rooms.entries()) {
      await kit.createRoom({ roomId: id });
      await kit.attachChannel(id, 'sms-flaky', { metadata: { phoneNumber: `+1555000000${i}` } });
      const r = await kit.processInbound({ channelId: 'sms-src', senderId: `+1666000000${i}`, content: text(`fail ${i}`) }, { roomId: id });
      expect(r.deliveryResults['sms-flaky']).toMatchObject({ status: 'failed', error: { code: '30008', retryable: false } });
    }
    expect(flaky.calls).toHaveLength(3);
    expect(breakerEvents.map((e) => e.type)).toEqual(['circuit_breaker_opened']);
    expect(breakerEvents[0]).toMatchObject({ channelId: 'sms-flaky' });

    // Open: the provider is not called, the room reports why.
    flaky.failWith = undefined;
    const denied = await kit.processInbound({ channelId: 'sms-src', senderId: '+16660000000', content: text('denied') }, { roomId: rooms[0] });
    expect(denied.deliveryResults['sms-flaky']).toMatchObject({ status: 'failed', error: { code: 'circuit_breaker_open' } });
    expect(flaky.calls).toHaveLength(3);

    // After the recovery timeout one probe goes through; its success closes the breaker.
    await new Promise((r) => setTimeout(r, 1100));
    const probe = await kit.processInbound({ channelId: 'sms-src', senderId: '+16660000001', content: text('probe') }, { roomId: rooms[1] });
    expect(probe.deliveryResults['sms-flaky']).toMatchObject({ status: 'sent' });
    expect(flaky.calls).toHaveLength(4);
    expect(breakerEvents.map((e) => e.type)).toEqual(['circuit_breaker_opened', 'circuit_breaker_closed']);
  });

  it('a per-second limit queues deliveries on durable timers: none dropped, in order, spread over time', async () => {
    const id = roomId('rate');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'push-timed', { metadata: { recipientId: 'device-1' }, rateLimit: { maxPerSecond: 2 } });
    const results = [];
    for (let i = 0; i < 6; i++) {
      results.push(kit.processInbound({ channelId: 'sms-src', senderId: '+15551230000', content: text(`r${i}`) }, { roomId: id }));
    }
    const done = await Promise.all(results);
    for (const r of done) expect(r.deliveryResults['push-timed']).toMatchObject({ status: 'sent' });
    // Every message sent once, in the room's index order.
    const byIndex = [...done].sort((x, y) => x.event!.index - y.event!.index)
      .map((r) => (r.event!.content as { body: string }).body);
    expect(timed.sends.map((s) => s.body)).toEqual(byIndex);
    expect([...byIndex].sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    // Burst of 2, then one every 500 ms: the last of 6 goes out ~2 s after the first (tokens are
    // taken in workflow time; the provider sees them after activity dispatch, which varies by ~0.1 s).
    expect(timed.sends[5].at - timed.sends[0].at).toBeGreaterThanOrEqual(1500);
  });

  it('a rate below 1/s (30 per minute) still admits one message per 2-second period', async () => {
    const id = roomId('rate-slow');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'push-slow', { metadata: { recipientId: 'device-2' }, rateLimit: { maxPerMinute: 30 } });
    const first = kit.processInbound({ channelId: 'sms-src', senderId: '+15551230001', content: text('s0') }, { roomId: id });
    const second = kit.processInbound({ channelId: 'sms-src', senderId: '+15551230001', content: text('s1') }, { roomId: id });
    const [a, b] = await Promise.all([first, second]);
    expect(a.deliveryResults['push-slow']).toMatchObject({ status: 'sent' });
    expect(b.deliveryResults['push-slow']).toMatchObject({ status: 'sent' });
    expect(slow.sends).toHaveLength(2);
    expect(slow.sends[1].at - slow.sends[0].at).toBeGreaterThanOrEqual(1500);
  });
});
