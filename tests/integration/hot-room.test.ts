/**
 * A hot room: more callers at once than Temporal admits updates in flight per workflow (10). The
 * server turns the 11th away with RESOURCE_EXHAUSTED and records nothing; the kit must retry it with
 * the same update id, so every caller gets its answer and every message is stored exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HookResult, MockSMSProvider, SMSChannel, type RoomKit } from '../../src/index.js';
import { roomId, startTestKit } from '../support/kit.js';

const CALLERS = 25;

describe('a room with more callers at once than updates in flight', () => {
  let kit: RoomKit;
  const room = roomId('hot');

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new SMSChannel('sms', { provider: new MockSMSProvider(), fromNumber: '+15550000000' }));
      // A slow hook keeps each message's update open while the room serves the ones before it.
      k.hook('before_broadcast', { name: 'slow' }, async () => {
        await new Promise((r) => setTimeout(r, 100));
        return HookResult.allow();
      });
    });
    await kit.createRoom({ roomId: room });
    await kit.attachChannel(room, 'sms', { metadata: { phoneNumber: '+15557654321' } });
  });

  afterAll(async () => {
    await kit?.close();
  });

  it(`answers all ${CALLERS} concurrent processInbound calls and stores each message once`, async () => {
    const results = await Promise.all(Array.from({ length: CALLERS }, (_, i) => kit.processInbound(
      { channelId: 'sms', senderId: '+15557654321', content: { type: 'text', body: `message ${i}` }, idempotencyKey: `hot-${i}` },
      { roomId: room, wait: 'committed' },
    )));
    expect(results.every((r) => !r.blocked)).toBe(true);
    const events = await kit.store.listEvents(room, { limit: 200 });
    const bodies = events.filter((e) => e.type === 'message' && e.content.type === 'text').map((e) => (e.content as { body: string }).body);
    expect(bodies.sort()).toEqual(Array.from({ length: CALLERS }, (_, i) => `message ${i}`).sort());
    // Gap-free indexes, whatever order the retried callers landed in.
    const indexes = events.map((e) => e.index).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: indexes.length }, (_, i) => indexes[0] + i));
  }, 120_000);
});
