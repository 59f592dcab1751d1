/**
 * Archiving rooms (RoomKit `archive_room`, §2.3 and §14) through the public API against the real
 * Temporal server: ARCHIVED from any status without closing first, `room_archived` and no hook,
 * writes refused as in a closed room (before the workflow too, once it has completed), the room's
 * workflow completed, reads still served, and the archived status in every store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createApp, HookResult, MockSMSProvider, RoomClosedError, RoomNotFoundError, SMSChannel, roomWorkflowId,
  type ConversationStore, type FrameworkEvent, type InboundResult, type Room, type RoomKit, type RoomSnapshot,
} from '../../src/index.js';
import { PostgresStore, SQLiteStore } from '../../src/store/index.js';
import { dropSchema, uniqueSchema } from '../support/postgres-server.js';
import { eventually, rejection, roomId, startTestKit } from '../support/kit.js';

const text = (body: string) => ({ type: 'text' as const, body });

/** Channels and the lifecycle observers every kit of this file has. */
function setup(closedHooks: string[]) {
  return (k: RoomKit): void => {
    k.registerChannel(new SMSChannel('sms-in'));
    k.registerChannel(new SMSChannel('sms-out', { provider: new MockSMSProvider() }));
    k.hook('on_room_closed', { name: 'closed-observer', execution: 'async' }, (event) => {
      closedHooks.push(event.roomId);
      return HookResult.allow();
    });
  };
}

/** Temporal's view of the room's latest run: its status and whether a later run replaced the first. */
async function workflowOf(client: Client, id: string) {
  const described = await client.workflow.getHandle(roomWorkflowId(id)).describe();
  return { status: described.status.name, runId: described.runId };
}

/** Create a room with a message in it (two stored events: channel_attached, message). */
async function roomWithAMessage(kit: RoomKit, prefix: string): Promise<string> {
  const id = roomId(prefix);
  await kit.createRoom({ roomId: id });
  await kit.attachChannel(id, 'sms-in');
  const sent = await kit.processInbound({ channelId: 'sms-in', senderId: '+15550001111', content: text('hello') }, { roomId: id });
  expect(sent.blocked).toBe(false);
  return id;
}

describe('archiveRoom (memory store)', () => {
  let kit: RoomKit;
  let connection: Connection;
  let client: Client;
  const closedHooks: string[] = [];
  const seen: FrameworkEvent[] = [];

  beforeAll(async () => {
    kit = await startTestKit(setup(closedHooks));
    for (const type of ['room_archived', 'room_closed', 'room_refused_event']) kit.on(type, (e) => { seen.push(e); });
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });
  });

  afterAll(async () => {
    await kit?.close();
    await connection?.close();
  });

  const seenFor = (id: string, type: string) => seen.filter((e) => e.roomId === id && e.type === type);

  it('archives an active room directly: no close first (no room_closed, no ON_ROOM_CLOSED), closedAt set, room_archived once', async () => {
    const id = await roomWithAMessage(kit, 'arch-active');
    const before = Date.now();
    const archived = await kit.archiveRoom(id);
    expect(archived.status).toBe('archived');
    expect(Date.parse(archived.closedAt as string)).toBeGreaterThanOrEqual(before - 5_000);

    await eventually(async () => seenFor(id, 'room_archived').length === 1);
    expect(seenFor(id, 'room_archived')[0].data).toEqual({ room_id: id });
    expect(seenFor(id, 'room_closed')).toEqual([]);
    expect(closedHooks).not.toContain(id);
    // No timeline record: the two events from before are all there is.
    expect((await kit.store.listEvents(id)).map((e) => e.type)).toEqual(['channel_attached', 'message']);
    expect(archived.eventCount).toBe(2);
  });

  it('archives a closed room: closedAt kept, archived in the state and the store, through a run of its own that completes', async () => {
    const id = await roomWithAMessage(kit, 'arch-closed');
    const closed = await kit.closeRoom(id);
    await eventually(async () => (await workflowOf(client, id)).status === 'COMPLETED');
    const closedRun = (await workflowOf(client, id)).runId;
    await eventually(async () => closedHooks.includes(id));

    const archived = await kit.archiveRoom(id);
    expect(archived.status).toBe('archived');
    expect(archived.closedAt).toBe(closed.closedAt);
    expect(archived.eventCount).toBe(2);

    const latest = await eventually(async () => {
      const w = await workflowOf(client, id);
      return w.status === 'COMPLETED' && w.runId !== closedRun && w;
    });
    expect(latest.runId).not.toBe(closedRun);
    const state = await kit.roomState(id);
    expect(state.room.status).toBe('archived');
    expect(state.bindings.map((b) => b.channelId)).toEqual(['sms-in']);
    expect(state.recentEvents.map((e) => e.type)).toEqual(['channel_attached', 'message']);
    expect((await kit.store.getRoom(id))?.status).toBe('archived');
    expect(await kit.store.listEvents(id)).toHaveLength(2);
    await eventually(async () => seenFor(id, 'room_archived').length === 1);
    expect(seenFor(id, 'room_closed')).toHaveLength(1); // the close's, not the archive's
  });

  it('archiving an archived room is a no-op: same room, no second room_archived, no new run', async () => {
    const id = await roomWithAMessage(kit, 'arch-twice');
    const first = await kit.archiveRoom(id);
    await eventually(async () => (await workflowOf(client, id)).status === 'COMPLETED');
    const run = (await workflowOf(client, id)).runId;
    const again = await kit.archiveRoom(id);
    expect(again).toEqual(first);
    expect((await workflowOf(client, id)).runId).toBe(run);
    await eventually(async () => seenFor(id, 'room_archived').length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(seenFor(id, 'room_archived')).toHaveLength(1);
  });

  it('the archived room workflow completes; its state and events stay readable', async () => {
    const id = await roomWithAMessage(kit, 'arch-read');
    await kit.archiveRoom(id);
    await eventually(async () => (await workflowOf(client, id)).status === 'COMPLETED');
    const room = await kit.getRoom(id);
    expect(room.status).toBe('archived');
    expect((await kit.roomState(id)).recentEvents).toHaveLength(2);
    expect((await kit.listBindings(id)).map((b) => b.channelId)).toEqual(['sms-in']);
    expect((await kit.store.listEvents(id)).map((e) => e.index)).toEqual([0, 1]);
    expect((await kit.store.getRoom(id))?.status).toBe('archived');
    expect((await kit.store.listRooms({ status: 'archived', limit: 500 })).map((r) => r.id)).toContain(id);
  });

  it('refuses writes to an archived room whose workflow completed, typed, as a closed room does, storing nothing', async () => {
    const id = await roomWithAMessage(kit, 'arch-refuse');
    await kit.archiveRoom(id);
    await eventually(async () => (await workflowOf(client, id)).status === 'COMPLETED');

    const result = await kit.processInbound(
      { channelId: 'sms-in', senderId: '+15550001111', content: text('late'), idempotencyKey: 'late-archived' }, { roomId: id },
    );
    expect(result).toEqual({ blocked: true, reason: 'room_closed', deliveryResults: {} });
    await eventually(async () => seenFor(id, 'room_refused_event').length === 1);
    expect(seenFor(id, 'room_refused_event')[0].data).toEqual({ status: 'archived', event_type: 'message' });

    for (const write of [
      () => kit.sendEvent(id, 'sms-in', text('from the agent')),
      () => kit.attachChannel(id, 'sms-out'),
      () => kit.updateRoomMetadata(id, { late: true }),
      () => kit.signalInbound({ channelId: 'sms-in', senderId: '+15550001111', content: text('late signal') }, { roomId: id }),
    ]) {
      const err = await rejection(write());
      expect(err).toBeInstanceOf(RoomClosedError);
      expect(err.name).toBe('RoomClosedError');
      expect((err as RoomClosedError).status).toBe('archived');
      expect((err as RoomClosedError).roomId).toBe(id);
      expect(err.message).toBe(`room is archived: ${id}`);
    }
    // ARCHIVED is terminal: closing it returns it unchanged.
    expect((await kit.closeRoom(id)).status).toBe('archived');
    expect(await kit.store.listEvents(id)).toHaveLength(2);
    expect(await kit.store.getEventByIdempotencyKey(id, 'late-archived')).toBeUndefined();
    expect((await kit.getRoom(id)).status).toBe('archived');
  });

  it('a message to a closed room still reports status closed in its refusal', async () => {
    const id = await roomWithAMessage(kit, 'arch-closed-refusal');
    await kit.closeRoom(id);
    await eventually(async () => (await workflowOf(client, id)).status === 'COMPLETED');
    const err = await rejection(kit.sendEvent(id, 'sms-in', text('x')));
    expect(err).toBeInstanceOf(RoomClosedError);
    expect((err as RoomClosedError).status).toBe('closed');
  });

  it('archiveRoom of an unknown room fails with RoomNotFoundError and creates nothing', async () => {
    const id = roomId('arch-ghost');
    await expect(kit.archiveRoom(id)).rejects.toBeInstanceOf(RoomNotFoundError);
    await expect(kit.getRoom(id)).rejects.toBeInstanceOf(RoomNotFoundError);
  });

  describe('over HTTP', () => {
    let server: Server;
    let base: string;

    beforeAll(async () => {
      server = createServer(createApp(kit));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
    });

    afterAll(async () => {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    });

    async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
      const r = await fetch(`${base}${path}`, {
        method, ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      return { status: r.status, body: (await r.json()) as T };
    }

    it('POST /rooms/:id/archive answers the archived room; writes are then 409 with the reason, messages a room_closed refusal, reads 200', async () => {
      const id = await roomWithAMessage(kit, 'arch-http');
      const archived = await call<Room>('POST', `/rooms/${id}/archive`);
      expect(archived.status).toBe(200);
      expect(archived.body).toMatchObject({ id, status: 'archived' });
      await eventually(async () => (await workflowOf(client, id)).status === 'COMPLETED');

      const attach = await call('POST', `/rooms/${id}/channels`, { channelId: 'sms-out' });
      expect(attach).toEqual({ status: 409, body: { error: `room is archived: ${id}` } });
      const message = await call<InboundResult>('POST', `/rooms/${id}/messages`, { channelId: 'sms-in', senderId: '+1555', content: text('late') });
      expect(message.status).toBe(200);
      expect(message.body).toMatchObject({ blocked: true, reason: 'room_closed' });

      const again = await call<Room>('POST', `/rooms/${id}/archive`);
      expect(again.status).toBe(200);
      expect(again.body.status).toBe('archived');
      const state = await call<RoomSnapshot>('GET', `/rooms/${id}`);
      expect(state.status).toBe(200);
      expect(state.body.room.status).toBe('archived');
      const events = await call<{ events: unknown[] }>('GET', `/rooms/${id}/events`);
      expect(events.status).toBe(200);
      expect(events.body.events).toHaveLength(2);
      expect((await call('POST', `/rooms/${roomId('arch-http-ghost')}/archive`)).status).toBe(404);
    });
  });
});

/** The archived status in each persistent store: after close, and directly from active. */
function storeCase(name: string, open: () => Promise<{ store: ConversationStore; cleanup: () => Promise<void> }>) {
  describe(`archiveRoom with ${name}`, () => {
    let kit: RoomKit;
    let cleanup: () => Promise<void> = async () => {};

    beforeAll(async () => {
      const opened = await open();
      cleanup = opened.cleanup;
      kit = await startTestKit(setup([]), { store: opened.store });
    });

    afterAll(async () => {
      await kit?.close(); // closes the store too
      await cleanup();
    });

    it('stores ARCHIVED for a closed room and an active one; events and listings still read', async () => {
      const closedFirst = await roomWithAMessage(kit, `arch-${name}-closed`);
      const closed = await kit.closeRoom(closedFirst);
      await eventually(async () => (await kit.store.getRoom(closedFirst))?.status === 'closed');
      await kit.archiveRoom(closedFirst);
      const direct = await roomWithAMessage(kit, `arch-${name}-active`);
      await kit.archiveRoom(direct);

      for (const id of [closedFirst, direct]) {
        const stored = await kit.store.getRoom(id);
        expect(stored?.status).toBe('archived');
        expect(stored?.closedAt).toBeDefined();
        expect((await kit.store.listEvents(id)).map((e) => e.type)).toEqual(['channel_attached', 'message']);
        expect((await kit.getRoom(id)).status).toBe('archived');
        const err = await rejection(kit.sendEvent(id, 'sms-in', text('late')));
        expect((err as RoomClosedError).status).toBe('archived');
      }
      expect((await kit.store.getRoom(closedFirst))?.closedAt).toBe(closed.closedAt);
      const listed = (await kit.store.listRooms({ status: 'archived', limit: 500 })).map((r) => r.id);
      expect(listed).toEqual(expect.arrayContaining([closedFirst, direct]));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'roomkit-archive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeCase('SQLite', async () => ({ store: new SQLiteStore(join(dir, 'archive.db')), cleanup: async () => {} }));

storeCase('PostgreSQL', async () => {
  const url = inject('postgresUrl');
  const schema = uniqueSchema();
  const store = await PostgresStore.open(url, { schema });
  return { store, cleanup: () => dropSchema(url, schema) };
});
