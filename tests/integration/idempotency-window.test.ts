import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockSMSProvider, SMSChannel, type RoomKit } from '../../src/index.js';
import { roomId, startTestKit } from '../support/kit.js';

describe('idempotency beyond the room window', () => {
  let kit: RoomKit;
  const sms = new MockSMSProvider();
  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new SMSChannel('sms-in', { provider: new MockSMSProvider() }));
      k.registerChannel(new SMSChannel('sms-out', { provider: sms }));
    }, { idempotencyWindow: 2 });
  });
  afterAll(() => kit.close());

  it('replays a key the room forgot by finding the original event in the store', async () => {
    const room = roomId();
    await kit.createRoom({ roomId: room });
    await kit.attachChannel(room, 'sms-out', { metadata: { phoneNumber: '+15550002' } });
    const send = (key: string, body: string) =>
      kit.processInbound({ channelId: 'sms-in', senderId: '+15550001', content: { type: 'text', body }, idempotencyKey: key }, { roomId: room });

    const first = await send('SM-a', 'first');
    await send('SM-b', 'second');
    await send('SM-c', 'third'); // the room's window (2 keys) no longer holds SM-a
    const again = await send('SM-a', 'first, retried by the provider');

    expect(again.blocked).toBe(false);
    expect(again.event?.id).toBe(first.event?.id);
    const messages = (await kit.store.listEvents(room, { limit: 100 })).filter((e) => e.type === 'message');
    expect(messages.map((e) => (e.content as { body: string }).body)).toEqual(['first', 'second', 'third']);
    expect(sms.calls).toHaveLength(3);
  });
});
