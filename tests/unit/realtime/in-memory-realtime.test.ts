/** InMemoryRealtime (RoomKit §13): per-subscriber bounded queues, drop oldest, isolated callbacks. */
import { describe, expect, it } from 'vitest';
import { InMemoryRealtime, roomTopic, type RealtimeMessage } from '../../../src/realtime/index.js';
import type { EphemeralEvent } from '../../../src/models/index.js';

const event = (n: number): RealtimeMessage => ({
  kind: 'ephemeral',
  event: { id: `e${n}`, roomId: 'r', type: 'typing_start', userId: `u${n}`, data: {}, timestamp: new Date(0).toISOString() } satisfies EphemeralEvent,
});
const ids = (messages: RealtimeMessage[]) => messages.map((m) => (m.kind === 'ephemeral' ? m.event.id : '?'));
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('InMemoryRealtime', () => {
  it('delivers in order to every subscriber of the topic and none of another', async () => {
    const rt = new InMemoryRealtime();
    const a: RealtimeMessage[] = [];
    const b: RealtimeMessage[] = [];
    const other: RealtimeMessage[] = [];
    await rt.subscribe(roomTopic('r'), (m) => void a.push(m));
    await rt.subscribe(roomTopic('r'), (m) => void b.push(m));
    await rt.subscribe(roomTopic('elsewhere'), (m) => void other.push(m));
    for (let i = 0; i < 5; i++) await rt.publish(roomTopic('r'), event(i));
    await until(() => a.length === 5 && b.length === 5);
    expect(ids(a)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(ids(b)).toEqual(ids(a));
    expect(other).toEqual([]);
    expect(await rt.hasSubscribers(roomTopic('r'))).toBe(true);
    expect(await rt.hasSubscribers(roomTopic('nobody'))).toBe(false);
  });

  it('never blocks the publisher on a slow subscriber: a full queue drops its oldest', async () => {
    const rt = new InMemoryRealtime({ maxQueueSize: 3 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: RealtimeMessage[] = [];
    await rt.subscribe('t', async (m) => {
      await gate;
      seen.push(m);
    });
    for (let i = 0; i < 10; i++) await rt.publish('t', event(i)); // returns although the callback waits
    release();
    await until(() => seen.length === 4);
    // e0 was being handled; of e1..e9 only the newest three stayed queued.
    expect(ids(seen)).toEqual(['e0', 'e7', 'e8', 'e9']);
    expect(rt.droppedCount).toBe(6);
  });

  it('a throwing callback is logged, keeps its subscription and never stops the others', async () => {
    const logged: string[] = [];
    const rt = new InMemoryRealtime({ log: (m) => logged.push(m) });
    const good: RealtimeMessage[] = [];
    let calls = 0;
    await rt.subscribe('t', () => {
      calls++;
      throw new Error('boom');
    });
    await rt.subscribe('t', (m) => void good.push(m));
    await rt.publish('t', event(1));
    await rt.publish('t', event(2));
    await until(() => good.length === 2 && calls === 2);
    expect(logged).toEqual(['realtime subscriber of t failed: boom', 'realtime subscriber of t failed: boom']);
  });

  it('unsubscribes by id, and ignores publishes after close', async () => {
    const rt = new InMemoryRealtime();
    const seen: RealtimeMessage[] = [];
    const id = await rt.subscribe('t', (m) => void seen.push(m));
    expect(rt.subscriptionCount).toBe(1);
    expect(await rt.unsubscribe(id)).toBe(true);
    expect(await rt.unsubscribe(id)).toBe(false);
    await rt.publish('t', event(1));
    await rt.subscribe('t', (m) => void seen.push(m));
    await rt.close();
    await rt.publish('t', event(2));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([]);
    await expect(rt.subscribe('t', () => {})).rejects.toThrow(/closed/);
  });

  it('refuses a queue size that is not a positive integer', () => {
    expect(() => new InMemoryRealtime({ maxQueueSize: 0 })).toThrow(RangeError);
  });
});
