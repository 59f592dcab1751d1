/**
 * Participants through the public RoomKit API (RoomKit §2.3–2.4, §12, §23 strategy 1), against a
 * real Temporal server, on each store: changes go through the room's queue (indexed system events,
 * ON_PARTICIPANT_* hooks in the worker), records land in the store and the room's state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { IdentityNotFoundError, ParticipantNotFoundError } from '../../src/identity/index.js';
import { MockSMSProvider, RoomClosedError, SMSChannel, WebSocketChannel, type RoomEvent, type RoomKit } from '../../src/index.js';
import { InMemoryStore, PostgresStore, SQLiteStore, type ConversationStore } from '../../src/store/index.js';
import { dropSchema, uniqueSchema } from '../support/postgres-server.js';
import { eventually, rejection, roomHooks, roomId, startTestKit } from '../support/kit.js';

type Open = () => Promise<{ store: ConversationStore; cleanup: () => Promise<void> }>;

const systemEvents = async (kit: RoomKit, id: string): Promise<RoomEvent[]> =>
  (await kit.store.listEvents(id, { limit: 200 })).filter((e) => e.source.channelType === 'system');
const codeOf = (e: RoomEvent): string | undefined => (e.content.type === 'system' ? e.content.code ?? undefined : undefined);

function participantSuite(name: string, open: Open): void {
  describe(`participants (${name})`, () => {
    let kit: RoomKit;
    let cleanup: () => Promise<void> = async () => {};
    const hooks = roomHooks(() => kit);

    beforeAll(async () => {
      const opened = await open();
      cleanup = opened.cleanup;
      kit = await startTestKit((k) => {
        k.registerChannel(new WebSocketChannel('ws-user'));
        k.registerChannel(new WebSocketChannel('ws-agent'));
        k.registerChannel(new SMSChannel('sms-in', { provider: new MockSMSProvider(), fromNumber: '+15550000000' }));
      }, { store: opened.store });
    });
    afterEach(() => hooks.clear());
    afterAll(async () => {
      await kit?.close();
      await cleanup();
    });

    it('addParticipant stores participant_joined with the next index, fires ON_PARTICIPANT_JOINED, and the record is in state and store', async () => {
      const id = roomId('join');
      await kit.createRoom({ roomId: id });
      await kit.attachChannel(id, 'ws-user');
      const seen: RoomEvent[] = [];
      hooks.add(id, 'on_participant_joined', { execution: 'async' }, (e) => void seen.push(e));

      const alice = await kit.addParticipant(id, 'alice', 'ws-user', { displayName: 'Alice', role: 'owner', metadata: { tier: 'gold' } });
      expect(alice).toMatchObject({
        id: 'alice', roomId: id, channelId: 'ws-user', displayName: 'Alice', role: 'owner', status: 'active',
        identification: 'pending', connectedVia: ['ws-user'], metadata: { tier: 'gold' },
      });
      const events = await systemEvents(kit, id);
      expect(events.map((e) => [e.index, e.type, codeOf(e)])).toEqual([
        [0, 'channel_attached', 'channel_attached'], [1, 'participant_joined', 'participant_joined'],
      ]);
      expect(events[1].visibility).toBe('internal');
      expect(events[1].content).toMatchObject({ data: { participant_id: 'alice', channel_id: 'ws-user', role: 'owner', display_name: 'Alice' } });
      await eventually(async () => seen.length === 1);
      expect(seen[0].content).toMatchObject({ code: 'participant_joined' });

      expect((await kit.roomState(id)).participants).toEqual([alice]);
      expect(await kit.store.getParticipant(id, 'alice')).toEqual(alice);
      expect(await kit.listParticipants(id)).toEqual([alice]);
      expect(await kit.getParticipant(id, 'alice')).toEqual(alice);
    });

    it('adding an active participant again only records the channel in connectedVia (primary first, no duplicate, no event)', async () => {
      const id = roomId('via');
      await kit.createRoom({ roomId: id });
      await kit.addParticipant(id, 'bob', 'ws-user');
      await kit.addParticipant(id, 'bob', 'ws-agent');
      const again = await kit.addParticipant(id, 'bob', 'ws-user');
      expect(again.channelId).toBe('ws-user');
      expect(again.connectedVia).toEqual(['ws-user', 'ws-agent']);
      expect((await systemEvents(kit, id)).map(codeOf)).toEqual(['participant_joined']);
      expect((await kit.store.getParticipant(id, 'bob'))?.connectedVia).toEqual(['ws-user', 'ws-agent']);
    });

    it('removeParticipant is soft: left or banned, participant_left with data.status, ON_PARTICIPANT_LEFT; a re-join keeps joinedAt and moves the primary', async () => {
      const id = roomId('leave');
      await kit.createRoom({ roomId: id });
      const left: RoomEvent[] = [];
      hooks.add(id, 'on_participant_left', { execution: 'async' }, (e) => void left.push(e));
      const first = await kit.addParticipant(id, 'carol', 'ws-user');
      await kit.addParticipant(id, 'dave', 'ws-user');

      expect((await kit.removeParticipant(id, 'carol')).status).toBe('left');
      expect((await kit.removeParticipant(id, 'dave', { status: 'banned' })).status).toBe('banned');
      const events = await systemEvents(kit, id);
      expect(events.map((e) => [e.index, codeOf(e)])).toEqual([
        [0, 'participant_joined'], [1, 'participant_joined'], [2, 'participant_left'], [3, 'participant_left'],
      ]);
      expect(events[3].content).toMatchObject({ data: { participant_id: 'dave', status: 'banned' } });
      await eventually(async () => left.length === 2);

      expect(await kit.listParticipants(id)).toEqual([]);
      expect((await kit.listParticipants(id, { includeLeft: true })).map((p) => [p.id, p.status])).toEqual([['carol', 'left'], ['dave', 'banned']]);
      expect((await kit.store.getParticipant(id, 'dave'))?.status).toBe('banned');

      const back = await kit.addParticipant(id, 'carol', 'ws-agent');
      expect(back).toMatchObject({ status: 'active', channelId: 'ws-agent', connectedVia: ['ws-agent', 'ws-user'], joinedAt: first.joinedAt });
      expect((await systemEvents(kit, id)).map(codeOf).at(-1)).toBe('participant_joined');
    });

    it('an unknown participant is ParticipantNotFoundError for remove, update and resolve', async () => {
      const id = roomId('missing');
      await kit.createRoom({ roomId: id });
      await kit.store.createIdentity({ id: 'id-x', channelAddresses: {}, externalIds: {}, metadata: {} });
      for (const call of [
        () => kit.removeParticipant(id, 'ghost'), () => kit.updateParticipant(id, 'ghost', { displayName: 'G' }),
        () => kit.resolveParticipant(id, 'ghost', 'id-x'), () => kit.getParticipant(id, 'ghost'),
      ]) {
        const err = await rejection(call());
        expect(err).toBeInstanceOf(ParticipantNotFoundError);
        expect(err).toMatchObject({ roomId: id, participantId: 'ghost' });
      }
      expect(await kit.store.getEventCount(id)).toBe(0);
    });

    it('updateParticipant stores participant_updated with the changes and fires ON_PARTICIPANT_UPDATED; the same values are a no-op', async () => {
      const id = roomId('update');
      await kit.createRoom({ roomId: id });
      const updated: RoomEvent[] = [];
      hooks.add(id, 'on_participant_updated', { execution: 'async' }, (e) => void updated.push(e));
      await kit.addParticipant(id, 'erin', 'ws-user', { displayName: 'Erin' });
      const renamed = await kit.updateParticipant(id, 'erin', { displayName: 'Erin B.', role: 'agent', metadata: { lang: 'fr' } });
      expect(renamed).toMatchObject({ displayName: 'Erin B.', role: 'agent', metadata: { lang: 'fr' } });
      const events = await systemEvents(kit, id);
      expect(events.map(codeOf)).toEqual(['participant_joined', 'participant_updated']);
      expect(events[1].content).toMatchObject({
        data: { participant_id: 'erin', changes: { display_name: { old: 'Erin', new: 'Erin B.' }, role: { old: 'member', new: 'agent' }, metadata: ['lang'] } },
      });
      await eventually(async () => updated.length === 1);

      await kit.updateParticipant(id, 'erin', { displayName: 'Erin B.', metadata: { lang: 'fr' } });
      expect(await kit.store.getEventCount(id)).toBe(2);
      expect((await kit.store.getParticipant(id, 'erin'))?.displayName).toBe('Erin B.');
    });

    it('ensureParticipant creates a pending participant without an event and keeps an existing primary channel', async () => {
      const id = roomId('ensure');
      await kit.createRoom({ roomId: id });
      const made = await kit.ensureParticipant(id, 'frank', 'ws-user', { displayName: 'Frank' });
      expect(made).toMatchObject({ status: 'active', identification: 'pending', role: 'member', channelId: 'ws-user', connectedVia: ['ws-user'] });
      const again = await kit.ensureParticipant(id, 'frank', 'sms-in');
      expect(again).toMatchObject({ channelId: 'ws-user', connectedVia: ['ws-user', 'sms-in'], displayName: 'Frank' });
      expect(await kit.store.getEventCount(id)).toBe(0);
      expect((await kit.store.getParticipant(id, 'frank'))?.connectedVia).toEqual(['ws-user', 'sms-in']);
    });

    it('resolveParticipant identifies with a stored identity, names it on the primary binding, stores participant_identified and fires ON_PARTICIPANT_IDENTIFIED', async () => {
      const id = roomId('resolve');
      await kit.createRoom({ roomId: id });
      await kit.attachChannel(id, 'ws-user');
      const identified: RoomEvent[] = [];
      hooks.add(id, 'on_participant_identified', { execution: 'async' }, (e) => void identified.push(e));
      await kit.store.createIdentity({ id: 'id-grace', displayName: 'Grace Hopper', channelAddresses: {}, externalIds: {}, metadata: {} });
      await kit.ensureParticipant(id, 'web-123', 'ws-user', { displayName: 'guest' });

      expect(await rejection(kit.resolveParticipant(id, 'web-123', 'id-nobody'))).toBeInstanceOf(IdentityNotFoundError);
      const p = await kit.resolveParticipant(id, 'web-123', 'id-grace');
      expect(p).toMatchObject({ identification: 'identified', identityId: 'id-grace', displayName: 'Grace Hopper', resolvedBy: 'manual' });
      expect(typeof p.resolvedAt).toBe('string');
      expect(p.candidates).toBeUndefined();
      const events = await systemEvents(kit, id);
      expect(events.map(codeOf)).toEqual(['channel_attached', 'participant_identified']);
      expect(events[1].content).toMatchObject({ data: { participant_id: 'web-123', identity_id: 'id-grace', resolved_by: 'manual' } });
      await eventually(async () => identified.length === 1);
      expect((await kit.getBinding(id, 'ws-user')).participantId).toBe('id-grace');
      expect((await kit.store.getBinding(id, 'ws-user'))?.participantId).toBe('id-grace');
      expect(await kit.isMember(id, 'id-grace')).toBe(true);
      expect((await kit.store.getParticipant(id, 'web-123'))?.identityId).toBe('id-grace');
    });

    it('a closed room refuses participant changes with RoomClosedError and stores nothing', async () => {
      const id = roomId('closed');
      await kit.createRoom({ roomId: id });
      await kit.closeRoom(id);
      expect(await rejection(kit.addParticipant(id, 'hank', 'ws-user'))).toBeInstanceOf(RoomClosedError);
      expect(await kit.store.getEventCount(id)).toBe(0);
    });

    it('routes a known participant writing on a new channel type to their newest room (RoomKit §23 strategy 1)', async () => {
      const phone = `+1555${Math.floor(1_000_000 + Math.random() * 8_999_999)}`;
      const older = roomId('route-old');
      const newer = roomId('route-new');
      await kit.createRoom({ roomId: older });
      await kit.addParticipant(older, phone, 'ws-user');
      await new Promise((r) => setTimeout(r, 5));
      await kit.createRoom({ roomId: newer });
      await kit.addParticipant(newer, phone, 'ws-user');

      const result = await kit.processInbound({ channelId: 'sms-in', senderId: phone, content: { type: 'text', body: 'hi by SMS' } });
      expect(result.event?.roomId).toBe(newer);
      expect((await kit.getBinding(newer, 'sms-in')).participantId).toBe(phone);

      const stranger = await kit.processInbound({ channelId: 'sms-in', senderId: '+15550009999', content: { type: 'text', body: 'who?' } });
      expect([older, newer]).not.toContain(stranger.event?.roomId);
    });
  });
}

participantSuite('InMemoryStore', async () => ({ store: new InMemoryStore(), cleanup: async () => {} }));

const dir = mkdtempSync(join(tmpdir(), 'roomkit-participants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
participantSuite('SQLiteStore', async () => ({ store: new SQLiteStore(join(dir, 'participants.db')), cleanup: async () => {} }));

participantSuite('PostgresStore', async () => {
  const url = inject('postgresUrl');
  const schema = uniqueSchema();
  const store = await PostgresStore.open(url, { schema });
  return { store, cleanup: () => dropSchema(url, schema) };
});
