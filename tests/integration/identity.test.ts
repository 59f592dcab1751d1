/**
 * Identity resolution through the public API (RoomKit §11), against a real Temporal server, on each
 * store: the worker's resolver runs as an activity before the commit; outcomes stamp the sender,
 * create participants, fire the identity hooks, or refuse the message; a resolver that throws or
 * hangs leaves the message unattributed and the room goes on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { IdentityHookResult, StoreIdentityResolver, type IdentityResolver } from '../../src/identity/index.js';
import {
  MockSMSProvider, SMSChannel, WebSocketChannel, WhatsAppChannel, type FrameworkEvent, type RoomEvent, type RoomKit,
} from '../../src/index.js';
import { InMemoryStore, PostgresStore, SQLiteStore, type ConversationStore } from '../../src/store/index.js';
import { dropSchema, uniqueSchema } from '../support/postgres-server.js';
import { eventually, roomHooks, roomId, startTestKit } from '../support/kit.js';

type Open = () => Promise<{ store: ConversationStore; cleanup: () => Promise<void> }>;
const text = (body: string) => ({ type: 'text' as const, body });

/** The store's resolver, except for senders whose address scripts another outcome. */
function scriptedResolver(store: ConversationStore, calls: string[]): IdentityResolver {
  const real = new StoreIdentityResolver(store);
  return {
    async resolve(message, ctx) {
      calls.push(message.senderId);
      if (message.senderId.startsWith('throw')) throw new Error('directory is down');
      if (message.senderId.startsWith('hang')) return new Promise(() => {});
      if (message.senderId.startsWith('amb')) {
        const candidates = [(await store.getIdentity('id-alice'))!, (await store.getIdentity('id-bob'))!];
        return { status: 'ambiguous', candidates };
      }
      if (message.senderId.startsWith('chal')) return { status: 'challenge_sent', message: 'reply with your PIN' };
      return real.resolve(message, ctx);
    },
  };
}

function identitySuite(name: string, open: Open): void {
  describe(`identity resolution (${name})`, () => {
    let kit: RoomKit;
    const sms = new MockSMSProvider();
    let cleanup: () => Promise<void> = async () => {};
    const calls: string[] = [];
    const framework: FrameworkEvent[] = [];
    const hooks = roomHooks(() => kit);

    beforeAll(async () => {
      const opened = await open();
      cleanup = opened.cleanup;
      await opened.store.createIdentity({ id: 'id-alice', displayName: 'Alice', phone: '+15551234567', channelAddresses: {}, externalIds: {}, metadata: {} });
      await opened.store.createIdentity({ id: 'id-bob', displayName: 'Bob', channelAddresses: { sms: ['+15559990000'] }, externalIds: {}, metadata: {} });
      kit = await startTestKit((k) => {
        k.registerChannel(new SMSChannel('sms-in', { provider: sms, fromNumber: '+15550000000' }));
        k.registerChannel(new WhatsAppChannel('wa-in'));
        k.registerChannel(new WebSocketChannel('ws-user'));
        for (const type of ['identity_resolved', 'identity_timeout', 'identity_error']) k.on(type, (e) => void framework.push(e));
      }, {
        store: opened.store,
        identity: { resolver: scriptedResolver(opened.store, calls), timeoutSeconds: 0.5, channelTypes: ['sms', 'whatsapp'] },
      });
    });
    afterEach(() => hooks.clear());
    afterAll(async () => {
      await kit?.close();
      await cleanup();
    });

    const eventsOf = (id: string) => kit.store.listEvents(id, { limit: 100 });
    const codes = async (id: string) => (await eventsOf(id)).map((e) => (e.content.type === 'system' ? e.content.code : e.type));

    it('the same person on SMS and WhatsApp is one identified participant, joined once', async () => {
      const id = roomId('same');
      await kit.createRoom({ roomId: id });
      const bySms = await kit.processInbound({ channelId: 'sms-in', senderId: '(555) 123-4567', content: text('hi from SMS') }, { roomId: id });
      const byWa = await kit.processInbound({ channelId: 'wa-in', senderId: 'whatsapp:+1 555 123 4567', content: text('hi from WhatsApp') }, { roomId: id });
      expect(bySms.event?.source.participantId).toBe('id-alice');
      expect(byWa.event?.source.participantId).toBe('id-alice');

      const participants = await kit.listParticipants(id);
      expect(participants).toHaveLength(1);
      expect(participants[0]).toMatchObject({
        id: 'id-alice', identification: 'identified', identityId: 'id-alice', displayName: 'Alice',
        channelId: 'sms-in', connectedVia: ['sms-in', 'wa-in'], resolvedBy: 'identity_resolver',
      });
      expect((await kit.store.getParticipant(id, 'id-alice'))?.connectedVia).toEqual(['sms-in', 'wa-in']);
      expect(await codes(id)).toEqual(['channel_attached', 'participant_joined_identified', 'message', 'channel_attached', 'message']);
      await eventually(async () => framework.filter((e) => e.roomId === id && e.type === 'identity_resolved').length === 2);
      expect(framework.find((e) => e.roomId === id)?.data).toEqual({ identity_id: 'id-alice', display_name: 'Alice', status: 'identified' });
    });

    it('an unknown sender goes on unattributed: no participant, ON_IDENTITY_UNKNOWN observes it', async () => {
      const id = roomId('unknown');
      await kit.createRoom({ roomId: id });
      const seen: RoomEvent[] = [];
      hooks.add(id, 'on_identity_unknown', { execution: 'async' }, (e) => void seen.push(e));
      const r = await kit.processInbound({ channelId: 'sms-in', senderId: '+15557770000', content: text('who am I?') }, { roomId: id });
      expect(r.blocked).toBe(false);
      expect(r.event?.source.participantId).toBe('+15557770000');
      expect(await kit.listParticipants(id, { includeLeft: true })).toEqual([]);
      await eventually(async () => seen.length === 1);
      expect(seen[0].metadata.identityResult).toMatchObject({ status: 'unknown', address: '+15557770000', channelType: 'sms' });
    });

    it('an ambiguous sender becomes a PENDING participant with the candidates, and ON_IDENTITY_AMBIGUOUS observes it', async () => {
      const id = roomId('amb');
      await kit.createRoom({ roomId: id });
      const seen: RoomEvent[] = [];
      hooks.add(id, 'on_identity_ambiguous', { execution: 'async' }, (e) => void seen.push(e));
      const r = await kit.processInbound({ channelId: 'sms-in', senderId: 'amb-1', content: text('it is me') }, { roomId: id });
      expect(r.event?.source.participantId).toBe('amb-1');
      const [p] = await kit.listParticipants(id);
      expect(p).toMatchObject({ id: 'amb-1', identification: 'pending', candidates: ['id-alice', 'id-bob'] });
      expect(await codes(id)).toEqual(['channel_attached', 'participant_joined_pending', 'message']);
      await eventually(async () => seen.length === 1);
      expect(seen[0].metadata.identityResult).toMatchObject({ status: 'ambiguous', candidateIds: ['id-alice', 'id-bob'] });
    });

    it('CHALLENGE_SENT refuses the message with the resolver message and stores nothing of it', async () => {
      const id = roomId('chal');
      await kit.createRoom({ roomId: id });
      const r = await kit.processInbound({ channelId: 'sms-in', senderId: 'chal-1', content: text('let me in') }, { roomId: id });
      expect(r).toMatchObject({ blocked: true, reason: 'reply with your PIN' });
      expect(r.event).toBeUndefined();
      expect(await codes(id)).toEqual(['channel_attached']);
    });

    it('a resolver that throws or hangs leaves the message unattributed with a framework event, and the room goes on', async () => {
      const id = roomId('faulty');
      await kit.createRoom({ roomId: id });
      const thrown = await kit.processInbound({ channelId: 'sms-in', senderId: 'throw-1', content: text('one') }, { roomId: id });
      const hung = await kit.processInbound({ channelId: 'sms-in', senderId: 'hang-1', content: text('two') }, { roomId: id });
      const fine = await kit.processInbound({ channelId: 'sms-in', senderId: '+15559990000', content: text('three') }, { roomId: id });
      expect([thrown.blocked, hung.blocked, fine.blocked]).toEqual([false, false, false]);
      expect(thrown.event?.source.participantId).toBe('throw-1');
      expect(hung.event?.source.participantId).toBe('hang-1');
      expect(fine.event?.source.participantId).toBe('id-bob');
      await eventually(async () => framework.some((e) => e.roomId === id && e.type === 'identity_timeout'));
      expect(framework.find((e) => e.roomId === id && e.type === 'identity_timeout')?.data).toEqual({ timeout: 0.5 });
      expect(framework.find((e) => e.roomId === id && e.type === 'identity_error')?.data).toEqual({ error: 'directory is down' });
      expect((await kit.listParticipants(id)).map((p) => p.id)).toEqual(['id-bob']);
    });

    it('a SYNC identity hook decides: reject refuses an unknown sender, resolved identifies it, pending makes it PENDING', async () => {
      const id = roomId('decide');
      await kit.createRoom({ roomId: id });
      const name = `decider-${id}`;
      kit.hook('on_identity_unknown', { name }, (e) => {
        if (e.roomId !== id) return undefined;
        if (e.source.participantId === '+15551110001') return IdentityHookResult.reject();
        if (e.source.participantId === '+15551110002') return IdentityHookResult.resolved({ id: 'id-bob', displayName: 'Bob' });
        if (e.source.participantId === '+15551110003') return IdentityHookResult.pending({ candidates: ['id-alice'] });
        return undefined;
      });
      try {
        const rejected = await kit.processInbound({ channelId: 'sms-in', senderId: '+15551110001', content: text('spam') }, { roomId: id });
        expect(rejected).toMatchObject({ blocked: true, reason: 'Unknown sender' });
        const resolved = await kit.processInbound({ channelId: 'sms-in', senderId: '+15551110002', content: text('it is Bob') }, { roomId: id });
        expect(resolved.event?.source.participantId).toBe('id-bob');
        const pending = await kit.processInbound({ channelId: 'sms-in', senderId: '+15551110003', content: text('maybe Alice') }, { roomId: id });
        expect(pending.event?.source.participantId).toBe('+15551110003');
        const passed = await kit.processInbound({ channelId: 'sms-in', senderId: '+15551110004', content: text('nobody decides') }, { roomId: id });
        expect(passed.blocked).toBe(false);
        expect((await kit.listParticipants(id)).map((p) => [p.id, p.identification, p.candidates ?? null])).toEqual([
          ['id-bob', 'identified', null], ['+15551110003', 'pending', ['id-alice']],
        ]);
        expect(await codes(id)).toEqual([
          'channel_attached', 'participant_joined_identified', 'message', 'participant_joined_pending', 'message', 'message',
        ]);
      } finally {
        kit.removeHook(name);
      }
    });

    it('a hook challenge is stored DELIVERED and sent to its targets; the refused message is not stored; a closed room sends none', async () => {
      const id = roomId('challenge');
      await kit.createRoom({ roomId: id });
      await kit.attachChannel(id, 'sms-in', { metadata: { phoneNumber: '+15552220001' } });
      const name = `challenger-${id}`;
      kit.hook('on_identity_unknown', { name }, (e) => e.roomId === id
        ? IdentityHookResult.challenge({ inject: { content: text('Reply with your PIN'), targetChannelIds: ['sms-in'] }, message: 'pin_sent' })
        : undefined);
      try {
        const r = await kit.processInbound({ channelId: 'sms-in', senderId: '+15552220001', content: text('let me in') }, { roomId: id });
        expect(r).toMatchObject({ blocked: true, reason: 'pin_sent' });
        expect(r.event).toBeUndefined();
        const events = await eventsOf(id);
        expect(events.map((e) => [e.type, e.status, e.content.type === 'text' ? e.content.body : e.content.type])).toEqual([
          ['channel_attached', 'delivered', 'system'], ['message', 'delivered', 'Reply with your PIN'],
        ]);
        expect(events[1]).toMatchObject({ index: 1, source: { channelId: 'system', channelType: 'system' } });
        await eventually(async () => sms.calls.some((c) => c.event.roomId === id));
        expect(sms.calls.filter((c) => c.event.roomId === id).map((c) => [c.to, c.event.content])).toEqual([
          ['+15552220001', text('Reply with your PIN')],
        ]);

        // The room goes on: the next message is challenged again, and after close nothing is sent.
        await kit.closeRoom(id);
        const closed = await kit.processInbound({ channelId: 'sms-in', senderId: '+15552220001', content: text('again') }, { roomId: id });
        expect(closed).toMatchObject({ blocked: true, reason: 'room_closed' });
        expect((await eventsOf(id)).filter((e) => e.type === 'message')).toHaveLength(1);
        expect(sms.calls.filter((c) => c.event.roomId === id)).toHaveLength(1);
      } finally {
        kit.removeHook(name);
      }
    });

    it('does not resolve channel types outside identity.channelTypes, nor an IDENTIFIED participant of the room', async () => {
      const id = roomId('skip');
      await kit.createRoom({ roomId: id });
      const before = calls.length;
      const ws = await kit.processInbound({ channelId: 'ws-user', senderId: 'web-guest', content: text('from the web') }, { roomId: id });
      expect(ws.event?.source.participantId).toBe('web-guest');
      expect(calls.length).toBe(before);
      await kit.addParticipant(id, 'id-bob', 'sms-in', { identityId: 'id-bob' });
      await kit.processInbound({ channelId: 'sms-in', senderId: 'id-bob', content: text('known') }, { roomId: id });
      expect(calls.length).toBe(before);
    });
  });
}

identitySuite('InMemoryStore', async () => ({ store: new InMemoryStore(), cleanup: async () => {} }));

const dir = mkdtempSync(join(tmpdir(), 'roomkit-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
identitySuite('SQLiteStore', async () => ({ store: new SQLiteStore(join(dir, 'identity.db')), cleanup: async () => {} }));

identitySuite('PostgresStore', async () => {
  const url = inject('postgresUrl');
  const schema = uniqueSchema();
  const store = await PostgresStore.open(url, { schema });
  return { store, cleanup: () => dropSchema(url, schema) };
});
