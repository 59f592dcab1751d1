import { describe, expect, it } from 'vitest';
import {
  addParticipant, connectedVia, ensureParticipant, removeParticipant, resolveParticipant, updateParticipant,
} from '../../../src/core/participants.js';
import { makeParticipant } from '../../support/factories.js';

const T1 = '2026-01-02T00:00:00.000Z';

describe('participant decisions', () => {
  it('keeps the primary channel first and every channel once', () => {
    expect(connectedVia('ws', 'sms', 'ws', 'email', 'sms')).toEqual(['ws', 'sms', 'email']);
  });

  it('adds a new participant as active and pending, with a participant_joined event', () => {
    const change = addParticipant(undefined, { roomId: 'r', participantId: 'p', channelId: 'ws', role: 'owner' }, T1);
    expect(change.participant).toMatchObject({ status: 'active', identification: 'pending', role: 'owner', connectedVia: ['ws'], joinedAt: T1 });
    expect(change.event).toMatchObject({ type: 'participant_joined', code: 'participant_joined', trigger: 'on_participant_joined' });
  });

  it('is identified when joining with an identity', () => {
    const change = addParticipant(undefined, { roomId: 'r', participantId: 'p', channelId: 'ws', identityId: 'id-1' }, T1);
    expect(change.participant).toMatchObject({ identification: 'identified', identityId: 'id-1' });
  });

  it('only records a new channel for an active participant, and reports no change for a known one', () => {
    const p = makeParticipant({ channelId: 'ws', connectedVia: ['ws'] });
    const viaSms = addParticipant(p, { roomId: 'room-1', participantId: p.id, channelId: 'sms' }, T1);
    expect(viaSms).toMatchObject({ changed: true, participant: { channelId: 'ws', connectedVia: ['ws', 'sms'] } });
    expect(viaSms.event).toBeUndefined();
    expect(addParticipant(viaSms.participant, { roomId: 'room-1', participantId: p.id, channelId: 'ws' }, T1).changed).toBe(false);
  });

  it('re-joins a left participant on the joining channel, keeping joinedAt and the identity', () => {
    const p = makeParticipant({ channelId: 'ws', connectedVia: ['ws'], status: 'left', identityId: 'id-1', identification: 'identified' });
    const change = addParticipant(p, { roomId: 'room-1', participantId: p.id, channelId: 'sms' }, T1);
    expect(change.participant).toMatchObject({ status: 'active', channelId: 'sms', connectedVia: ['sms', 'ws'], joinedAt: p.joinedAt, identityId: 'id-1' });
    expect(change.event?.code).toBe('participant_joined');
  });

  it('removes softly with the status in the event data', () => {
    const change = removeParticipant(makeParticipant(), 'banned');
    expect(change.participant.status).toBe('banned');
    expect(change.event).toMatchObject({ code: 'participant_left', data: { status: 'banned' }, trigger: 'on_participant_left' });
  });

  it('updates only what differs and names it; nothing different is no change', () => {
    const p = makeParticipant({ displayName: 'A', metadata: { x: 1 } });
    expect(updateParticipant(p, { displayName: 'A', metadata: { x: 1 } }).changed).toBe(false);
    const change = updateParticipant(p, { displayName: 'B', metadata: { y: 2 } });
    expect(change.participant).toMatchObject({ displayName: 'B', metadata: { x: 1, y: 2 } });
    expect(change.event?.data).toEqual({ participant_id: p.id, changes: { display_name: { old: 'A', new: 'B' }, metadata: ['y'] } });
  });

  it('ensures without an event, keeping an existing primary', () => {
    expect(ensureParticipant(undefined, { roomId: 'r', participantId: 'p', channelId: 'ws' }, T1).event).toBeUndefined();
    const p = makeParticipant({ channelId: 'ws', connectedVia: ['ws'] });
    expect(ensureParticipant(p, { roomId: 'room-1', participantId: p.id, channelId: 'sms' }, T1).participant)
      .toMatchObject({ channelId: 'ws', connectedVia: ['ws', 'sms'] });
  });

  it('resolves: identified, candidates cleared, the identity display name, a participant_identified event', () => {
    const p = makeParticipant({ candidates: ['a', 'b'], identification: 'ambiguous', displayName: 'guest' });
    const change = resolveParticipant(p, { id: 'a', displayName: 'Ann' }, 'manual', T1);
    expect(change.participant).toMatchObject({ identification: 'identified', identityId: 'a', displayName: 'Ann', resolvedAt: T1, resolvedBy: 'manual' });
    expect('candidates' in change.participant).toBe(false);
    expect(change.event).toMatchObject({ code: 'participant_identified', data: { identity_id: 'a', resolved_by: 'manual' } });
  });
});
