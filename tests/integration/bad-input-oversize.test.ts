/**
 * Oversized input must not break a room. Temporal refuses payloads over its blob limit (2 MB per
 * payload, 4 MB per gRPC message): a message that passes the kit's validation but cannot travel
 * through the room workflow must be refused up front with a typed error, or handled — never leave
 * the room wedged or restart it empty. Its own file (own kit and worker) because a wedged room
 * keeps its worker busy retrying.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MockSMSProvider, RoomKitValidationError, SMSChannel, type InboundMessage, type InboundResult, type RoomKit,
} from '../../src/index.js';
import { roomId, startTestKit } from '../support/kit.js';

const text = (body: string) => ({ type: 'text' as const, body });

type Outcome = { ok: InboundResult } | { err: unknown } | { timeout: true };

/** processInbound, bounded: a wedged room shows up as `timeout` instead of hanging the test. */
function bounded(kit: RoomKit, message: InboundMessage, id: string, ms: number): Promise<Outcome> {
  return Promise.race([
    kit.processInbound(message, { roomId: id }).then((ok): Outcome => ({ ok }), (err): Outcome => ({ err })),
    new Promise<Outcome>((r) => setTimeout(() => r({ timeout: true }), ms)),
  ]);
}

describe('bad input: oversized messages are refused (typed error) or handled, never wedge or reset a room', () => {
  let kit: RoomKit;

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new SMSChannel('sms-in'));
      k.registerChannel(new SMSChannel('sms-out', { provider: new MockSMSProvider() }));
    });
  });

  afterAll(async () => {
    await kit?.close();
  });

  async function newRoom(prefix: string): Promise<string> {
    const id = roomId(prefix);
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'sms-in');
    await kit.attachChannel(id, 'sms-out', { metadata: { phoneNumber: '+15553330000' } });
    return id;
  }

  it('a 2.5 MB text body is refused with RoomKitValidationError (content.body) or stored, and the room keeps running', async () => {
    const id = await newRoom('huge');
    const outcome = await bounded(kit, { channelId: 'sms-in', senderId: '+1', content: text('x'.repeat(2_500_000)) }, id, 20_000);
    expect(outcome).not.toHaveProperty('timeout');
    if ('err' in outcome) {
      expect(outcome.err).toBeInstanceOf(RoomKitValidationError);
      expect((outcome.err as RoomKitValidationError).field).toBe('content.body');
    }
    const expectedIndex = 'ok' in outcome ? 3 : 2;
    const after = await bounded(kit, { channelId: 'sms-in', senderId: '+1', content: text('small, after') }, id, 15_000);
    expect(after).toHaveProperty('ok');
    expect((after as { ok: InboundResult }).ok.event?.index).toBe(expectedIndex);
    expect((await kit.roomState(id)).room.status).toBe('active');
  }, 60_000);

  it('several 600 KB data: URL media messages neither fail the room nor restart it empty (continue-as-new carries them)', async () => {
    const id = await newRoom('heavy');
    const firstEvent = (await kit.store.getEventByIndex(id, 0))?.id;
    let stored = 2; // two channel_attached events
    const refusals: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      const outcome = await bounded(kit, {
        channelId: 'sms-in', senderId: '+1',
        content: { type: 'media', mimeType: 'image/png', url: `data:image/png;base64,${'A'.repeat(600_000)}` },
      }, id, 20_000);
      expect(outcome).not.toHaveProperty('timeout');
      if ('err' in outcome) refusals.push(outcome.err);
      else {
        expect((outcome as { ok: InboundResult }).ok.event?.index).toBe(stored);
        stored += 1;
      }
    }
    const after = await bounded(kit, { channelId: 'sms-in', senderId: '+1', content: text('small, after') }, id, 15_000);
    expect(after).toHaveProperty('ok');
    // The same room, continuing its sequence: not a fresh workflow that restarted at index 0 …
    expect((after as { ok: InboundResult }).ok.event?.index).toBe(stored);
    const room = await kit.getRoom(id);
    expect(room.eventCount).toBe(stored + 1);
    // … and nothing in the timeline was overwritten.
    expect((await kit.store.getEventByIndex(id, 0))?.id).toBe(firstEvent);
    const indexes = (await kit.store.listEvents(id, { limit: 1000 })).map((e) => e.index);
    expect(indexes).toEqual([...Array(stored + 1).keys()]);
    // Refusing is fine, but only as a typed validation error naming the field.
    for (const err of refusals) {
      expect(err).toBeInstanceOf(RoomKitValidationError);
      expect((err as RoomKitValidationError).field).toBe('content.url');
    }
  }, 120_000);
});
