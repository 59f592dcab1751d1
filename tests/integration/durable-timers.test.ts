/**
 * Room timers as durable workflow timers (RoomKit §14, issue 3): no sweep to call. ACTIVE → PAUSED
 * after inactivity, → CLOSED after the close threshold, both from last activity; a message reopens a
 * paused room; a closed room refuses writes, stays queryable and its workflow completes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { RoomClosedError, SMSChannel, roomWorkflowId, type RoomEvent, type RoomKit } from '../../src/index.js';
import { eventually, rejection, roomId, startTestKit } from '../support/kit.js';

const text = (body: string) => ({ type: 'text' as const, body });
const systemCode = (e: RoomEvent) => (e.content.type === 'system' ? e.content.code : undefined);

describe('durable room timers', () => {
  let kit: RoomKit;
  let connection: Connection;
  let client: Client;
  const lifecycle: Array<{ trigger: string; roomId: string; code?: string }> = [];

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new SMSChannel('sms-t'));
      for (const trigger of ['on_room_paused', 'on_room_closed'] as const) {
        k.hook(trigger, { name: `observe-${trigger}` }, async (event, ctx) => {
          lifecycle.push({ trigger, roomId: ctx.room.id, code: systemCode(event) });
          return undefined;
        });
      }
    });
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });
  });

  afterAll(async () => {
    await kit?.close();
    await connection?.close();
  });

  it('pauses after inactivity with room_paused_by_timer and ON_ROOM_PAUSED; a new message reopens the room', async () => {
    const id = roomId('timer-pause');
    await kit.createRoom({ roomId: id, timers: { inactiveAfterSeconds: 1 } });
    await kit.processInbound({ channelId: 'sms-t', senderId: '+15550100', content: text('hello') }, { roomId: id });

    const paused = await eventually(async () => (await kit.getRoom(id)).status === 'paused' && kit.getRoom(id));
    expect(paused.status).toBe('paused');
    const events = await kit.store.listEvents(id);
    const system = events.find((e) => systemCode(e) === 'room_paused_by_timer');
    expect(system?.content).toMatchObject({ type: 'system', data: { threshold: 1 } });
    expect((system!.content as unknown as { data: { elapsed_seconds: number } }).data.elapsed_seconds).toBeGreaterThan(1);
    await eventually(async () => lifecycle.find((l) => l.roomId === id && l.trigger === 'on_room_paused'));

    const r = await kit.processInbound({ channelId: 'sms-t', senderId: '+15550100', content: text('back again') }, { roomId: id });
    expect(r.blocked).toBe(false);
    expect((await kit.getRoom(id)).status).toBe('active');
  });

  it('closes after the close threshold (from last activity): room_closed_by_timer, ON_ROOM_CLOSED, writes refused, state queryable, workflow completed', async () => {
    const id = roomId('timer-close');
    await kit.createRoom({ roomId: id, timers: { closedAfterSeconds: 1 } });
    await kit.processInbound({ channelId: 'sms-t', senderId: '+15550101', content: text('only message') }, { roomId: id });

    await eventually(async () => (await kit.getRoom(id)).status === 'closed');
    const events = await kit.store.listEvents(id);
    expect(events.map(systemCode)).toContain('room_closed_by_timer');
    await eventually(async () => lifecycle.find((l) => l.roomId === id && l.trigger === 'on_room_closed' && l.code === 'room_closed_by_timer'));

    // The workflow completes: a closed room no longer occupies a worker's cache.
    await eventually(async () => (await client.workflow.getHandle(roomWorkflowId(id)).describe()).status.name === 'COMPLETED');

    const refused = await kit.processInbound({ channelId: 'sms-t', senderId: '+15550101', content: text('too late') }, { roomId: id });
    expect(refused).toMatchObject({ blocked: true, reason: 'room_closed' });
    expect(await rejection(kit.attachChannel(id, 'sms-t'))).toBeInstanceOf(RoomClosedError);
    expect(await rejection(kit.signalInbound({ channelId: 'sms-t', senderId: 'x', content: text('late signal') }, { roomId: id }))).toBeInstanceOf(RoomClosedError);
    expect((await kit.store.listEvents(id)).length).toBe(events.length);

    const state = await kit.roomState(id);
    expect(state.room.status).toBe('closed');
    expect((await kit.closeRoom(id)).status).toBe('closed'); // idempotent
  });

  it('setRoomTimers changes the timers of a running room live', async () => {
    const id = roomId('timer-live');
    await kit.createRoom({ roomId: id });
    await kit.processInbound({ channelId: 'sms-t', senderId: '+15550102', content: text('no timers yet') }, { roomId: id });
    await new Promise((r) => setTimeout(r, 1200));
    expect((await kit.getRoom(id)).status).toBe('active');

    await kit.setRoomTimers(id, { inactiveAfterSeconds: 1 });
    await eventually(async () => (await kit.getRoom(id)).status === 'paused');
  });
});
