/**
 * The room timeline's indexes, system events and idempotency against a real room workflow
 * (semantics §2.2, §3, §4 steps 9d/10/11, §26 quirks 2 and 3).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  HookResult, MockSMSProvider, type RoomKit, SMSChannel, WebSocketChannel,
  type RoomEvent,
} from '../../src/index.js';
import { roomHooks, roomId, startTestKit } from '../support/kit.js';

const WS = 'ix-ws';
const SMS = 'ix-sms';
const PHONE = { metadata: { phoneNumber: '+15550001' } };

let kit: RoomKit;
const sms = new MockSMSProvider();
const hooks = roomHooks(() => kit);

beforeAll(async () => {
  kit = await startTestKit((k) => {
    k.registerChannel(new WebSocketChannel(WS));
    k.registerChannel(new SMSChannel(SMS, { provider: sms, fromNumber: '+15550000' }));
  });
});

afterAll(async () => {
  await kit?.close();
});

afterEach(() => {
  hooks.clear();
});

async function room(): Promise<string> {
  const id = roomId('idx');
  await kit.createRoom({ roomId: id });
  await kit.attachChannel(id, WS);
  await kit.attachChannel(id, SMS, PHONE);
  return id;
}

const say = (id: string, body: string, extra: Record<string, unknown> = {}) =>
  kit.processInbound({ channelId: WS, senderId: 'user-1', content: { type: 'text', body }, ...extra }, { roomId: id });

const events = (id: string) => kit.store.listEvents(id, { limit: 200 });
const bodyOf = (e: RoomEvent | undefined) => (e && 'body' in e.content ? e.content.body : undefined);
const codeOf = (e: RoomEvent) => (e.content.type === 'system' ? e.content.code : undefined);
const smsCalls = (id: string) => sms.calls.filter((c) => c.event.roomId === id);

function expectGapFree(list: RoomEvent[]): void {
  expect(list.map((e) => e.index)).toEqual(list.map((_, i) => i));
}

describe('gap-free indexes', () => {
  it('attach ×2 gives indexes 0 and 1, the first message is 2, and messages follow on', async () => {
    const id = await room();

    const first = await say(id, 'one');
    const second = await say(id, 'two');

    expect(first.event?.index).toBe(2);
    expect(second.event?.index).toBe(3);
    const all = await events(id);
    expectGapFree(all);
    expect(all.map((e) => [e.index, e.type, codeOf(e) ?? bodyOf(e)])).toEqual([
      [0, 'channel_attached', 'channel_attached'],
      [1, 'channel_attached', 'channel_attached'],
      [2, 'message', 'one'],
      [3, 'message', 'two'],
    ]);
    for (const e of all.slice(0, 2)) {
      expect(e.visibility).toBe('internal');
      expect(e.source.channelType).toBe('system');
      expect(e.status).toBe('delivered');
    }
    expect(bodyOf(all[0])).toBe(`Channel ${WS} attached (read_write, all)`);
  });

  it('mute, unmute, setVisibility, setAccess and detach each store one indexed internal system event', async () => {
    const id = await room();

    await kit.mute(id, SMS);
    await kit.unmute(id, SMS);
    await kit.setVisibility(id, SMS, 'transport');
    await kit.setAccess(id, SMS, 'read_only');
    await kit.detachChannel(id, SMS);
    const after = await say(id, 'after the changes');

    const all = await events(id);
    expectGapFree(all);
    expect(all.map((e) => [e.index, e.type, codeOf(e) ?? bodyOf(e)])).toEqual([
      [0, 'channel_attached', 'channel_attached'],
      [1, 'channel_attached', 'channel_attached'],
      [2, 'channel_muted', 'channel_muted'],
      [3, 'channel_unmuted', 'channel_unmuted'],
      [4, 'channel_updated', 'channel_visibility_changed'],
      [5, 'channel_updated', 'channel_access_changed'],
      [6, 'channel_detached', 'channel_detached'],
      [7, 'message', 'after the changes'],
    ]);
    for (const e of all.slice(0, 7)) {
      expect(e.visibility).toBe('internal');
      expect(e.content.type).toBe('system');
    }
    const vis = all[4].content;
    expect(vis.type === 'system' && vis.data).toMatchObject({ old_visibility: 'all', visibility: 'transport' });
    expect(after.event?.index).toBe(7);
  });

  it('a detach of a channel that is not attached stores nothing', async () => {
    const id = await room();
    await kit.detachChannel(id, SMS);
    expect(await kit.detachChannel(id, SMS)).toBe(false);
    const all = await events(id);
    expect(all.map((e) => codeOf(e))).toEqual(['channel_attached', 'channel_attached', 'channel_detached']);
  });

  it('blocked events consume an index', async () => {
    const id = await room();
    hooks.add(id, 'before_broadcast', {}, (e) => (bodyOf(e) === 'bad' ? HookResult.block('bad word') : HookResult.allow()));

    const blocked = await say(id, 'bad');
    const next = await say(id, 'good');

    expect(blocked.blocked).toBe(true);
    expect(blocked.event?.index).toBe(2);
    expect(next.event?.index).toBe(3);
    const all = await events(id);
    expectGapFree(all);
    expect(all.map((e) => e.status)).toEqual(['delivered', 'delivered', 'blocked', 'delivered']);
  });

  it('concurrent messages to one room get unique, gap-free indexes', async () => {
    const id = await room();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => say(id, `m${i}`)));

    const indexes = results.map((r) => r.event!.index).sort((a, b) => a - b);
    expect(indexes).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const all = await events(id);
    expect(all).toHaveLength(10);
    expectGapFree(all);
    expect((await kit.roomState(id)).counters.eventCount).toBe(10);
  });

  it('a closed room refuses messages with room_closed and stores nothing', async () => {
    const id = await room();
    await say(id, 'before close');
    await kit.closeRoom(id);

    const result = await say(id, 'after close');

    expect(result.blocked).toBe(true);
    expect(result.reason).toBe('room_closed');
    expect(result.event).toBeUndefined();
    const all = await events(id);
    expect(all.map((e) => bodyOf(e) && e.type === 'message' ? bodyOf(e) : e.type)).toEqual([
      'channel_attached', 'channel_attached', 'before close',
    ]);
    expect((await kit.roomState(id)).counters.eventCount).toBe(3);
  });

  it('roomState counters.eventCount equals the number of stored events', async () => {
    const id = await room();
    hooks.add(id, 'before_broadcast', {}, (e) => (bodyOf(e) === 'bad' ? HookResult.block('bad word') : HookResult.allow()));
    await say(id, 'a');
    await say(id, 'bad');
    await kit.mute(id, SMS);
    await say(id, 'b');

    const state = await kit.roomState(id);
    const all = await events(id);
    expect(all).toHaveLength(6);
    expect(state.counters.eventCount).toBe(all.length);
    expect(state.counters.latestIndex).toBe(all.length - 1);
  });
});

describe('idempotency', () => {
  it('the same idempotencyKey twice returns the original event (same id and index), blocked false, stored once', async () => {
    const id = await room();

    const first = await say(id, 'once', { idempotencyKey: 'msg-1' });
    const again = await say(id, 'once (provider retry)', { idempotencyKey: 'msg-1' });

    expect(first.blocked).toBe(false);
    expect(again.blocked).toBe(false);
    expect(again.event?.id).toBe(first.event?.id);
    expect(again.event?.index).toBe(first.event?.index);
    expect(bodyOf(again.event)).toBe('once');
    const all = await events(id);
    expect(all.filter((e) => e.idempotencyKey === 'msg-1')).toHaveLength(1);
    expect(all.filter((e) => e.type === 'message')).toHaveLength(1);
    expect(smsCalls(id)).toHaveLength(1);

    // A different key is a different message.
    const other = await say(id, 'twice', { idempotencyKey: 'msg-2' });
    expect(other.event?.id).not.toBe(first.event?.id);
    expect(other.event?.index).toBe(first.event!.index + 1);
  });

  it('a repeat of a message blocked by a hook returns the blocked original with blocked false', async () => {
    const id = await room();
    const name = hooks.add(id, 'before_broadcast', {}, () => HookResult.block('always'));

    const first = await say(id, 'blocked', { idempotencyKey: 'blk-1' });
    const again = await say(id, 'blocked', { idempotencyKey: 'blk-1' });

    expect(first.blocked).toBe(true);
    expect(first.reason).toBe('always');
    expect(again.blocked).toBe(false);
    expect(again.event?.id).toBe(first.event?.id);
    expect(again.event?.index).toBe(first.event?.index);
    expect(again.event?.status).toBe('blocked');
    expect(again.event?.blockedBy).toBe(name);
    const all = await events(id);
    expect(all.filter((e) => e.idempotencyKey === 'blk-1')).toHaveLength(1);
    expectGapFree(all);
  });

  it('sendEvent honours idempotency keys too', async () => {
    const id = await room();
    const first = await kit.sendEvent(id, WS, { type: 'text', body: 'sent once' }, { idempotencyKey: 'send-1' });
    const again = await kit.sendEvent(id, WS, { type: 'text', body: 'sent once' }, { idempotencyKey: 'send-1' });
    expect(again.id).toBe(first.id);
    expect(again.index).toBe(first.index);
    const all = await events(id);
    expect(all.filter((e) => e.idempotencyKey === 'send-1')).toHaveLength(1);
    expect(smsCalls(id)).toHaveLength(1);
  });

  it('keys are per room: the same key in another room is a new message', async () => {
    const a = await room();
    const b = await room();
    const inA = await say(a, 'hello', { idempotencyKey: 'shared-key' });
    const inB = await say(b, 'hello', { idempotencyKey: 'shared-key' });
    expect(inB.event?.id).not.toBe(inA.event?.id);
    expect((await events(b)).filter((e) => e.idempotencyKey === 'shared-key')).toHaveLength(1);
  });
});

describe('thread roots (§4 step 9f)', () => {
  it('a reply to a reply is stored under the thread root', async () => {
    const id = await room();
    const root = await say(id, 'root');
    const reply = await say(id, 'reply', { parentEventId: root.event!.id });
    const nested = await say(id, 'reply to the reply', { parentEventId: reply.event!.id });

    const byId = new Map((await events(id)).map((e) => [e.id, e]));
    expect(byId.get(reply.event!.id)?.parentEventId).toBe(root.event!.id);
    expect(byId.get(nested.event!.id)?.parentEventId).toBe(root.event!.id);
  });

  it('an unknown or other-room parent makes the message top level', async () => {
    const id = await room();
    const elsewhere = await room();
    const foreign = await say(elsewhere, 'in another room');

    const unknown = await say(id, 'orphan', { parentEventId: 'no-such-event' });
    const crossRoom = await say(id, 'cross-room', { parentEventId: foreign.event!.id });

    const byId = new Map((await events(id)).map((e) => [e.id, e]));
    expect(byId.get(unknown.event!.id)?.parentEventId).toBeUndefined();
    expect(byId.get(crossRoom.event!.id)?.parentEventId).toBeUndefined();
  });
});

describe('edits and deletes (§4 steps 9g and 11)', () => {
  const edit = (id: string, senderId: string, targetEventId: string, body: string) =>
    kit.processInbound({
      channelId: WS, senderId, eventType: 'edit',
      content: { type: 'edit', targetEventId, newContent: { type: 'text', body } },
    }, { roomId: id });

  it('an edit of an unknown target is refused with target_event_not_found and stores nothing', async () => {
    const id = await room();
    const before = (await events(id)).length;

    const result = await edit(id, 'user-1', 'no-such-event', 'fixed');

    expect(result.blocked).toBe(true);
    expect(result.reason).toBe('target_event_not_found');
    expect(await events(id)).toHaveLength(before);
  });

  it("the author's edit replaces the target's content and marks it edited", async () => {
    const id = await room();
    const original = await say(id, 'helo');

    const result = await edit(id, 'user-1', original.event!.id, 'hello');

    expect(result.blocked).toBe(false);
    const target = (await events(id)).find((e) => e.id === original.event!.id);
    expect(target?.content).toEqual({ type: 'text', body: 'hello' });
    expect(target?.metadata.edited).toBe(true);
  });

  it("someone else's edit is refused with not_original_author and the target is unchanged", async () => {
    const id = await room();
    const original = await say(id, 'mine');
    const before = (await events(id)).length;

    const result = await edit(id, 'user-2', original.event!.id, 'hijacked');

    expect(result.blocked).toBe(true);
    expect(result.reason).toBe('not_original_author');
    const all = await events(id);
    expect(all).toHaveLength(before);
    expect(bodyOf(all.find((e) => e.id === original.event!.id))).toBe('mine');
  });

  it("the author's delete soft-deletes the target (metadata.deleted)", async () => {
    const id = await room();
    const original = await say(id, 'oops');

    const result = await kit.processInbound({
      channelId: WS, senderId: 'user-1', eventType: 'delete',
      content: { type: 'delete', targetEventId: original.event!.id },
    }, { roomId: id });

    expect(result.blocked).toBe(false);
    const target = (await events(id)).find((e) => e.id === original.event!.id);
    expect(target?.metadata.deleted).toBe(true);
  });
});
