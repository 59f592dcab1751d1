/**
 * Participant commands (RoomKit §2.3–2.4): the pure decisions of `src/core/participants.ts`, applied
 * in the room's queue. A change with an event stores it (indexed like any other) together with the
 * record, then runs the event's observer hooks; a change without one writes only the record.
 */
import {
  addParticipant, ensureParticipant, type ParticipantChange, removeParticipant, resolveParticipant, updateParticipant,
} from '../../src/core/participants.js';
import { systemEvent } from '../../src/core/events.js';
import type { ChannelBinding, CommandOf, ErrorInfo, Participant } from '../../src/models/index.js';
import { stamp } from './stamp.js';
import { commit, fireObservers } from './side-effects.js';
import type { RoomState } from './state.js';

type Answer = { ok: true; value: Participant } | { ok: false; error: ErrorInfo };

const notFound = (rs: RoomState, participantId: string): Answer => ({
  ok: false, error: { type: 'ParticipantNotFoundError', message: `participant ${participantId} not found in room ${rs.room.id}` },
});

function find(rs: RoomState, participantId: string): Participant | undefined {
  return rs.participants.find((p) => p.id === participantId);
}

function put(rs: RoomState, participant: Participant): void {
  const i = rs.participants.findIndex((p) => p.id === participant.id);
  if (i >= 0) rs.participants[i] = participant;
  else rs.participants.push(participant);
}

export async function apply(rs: RoomState, change: ParticipantChange, bindings: ChannelBinding[] = []): Promise<Answer> {
  if (!change.changed) return { ok: true, value: change.participant };
  put(rs, change.participant);
  for (const b of bindings) rs.putBinding(b);
  if (!change.event) {
    await commit(rs, { participants: [change.participant], bindings });
    return { ok: true, value: change.participant };
  }
  const { type, code, body, data, trigger } = change.event;
  const event = systemEvent(stamp(rs), type, { body, code, data });
  await commit(rs, { events: [event], participants: [change.participant], bindings });
  await fireObservers(rs, trigger, event);
  return { ok: true, value: change.participant };
}

export async function add(rs: RoomState, cmd: CommandOf<'addParticipant'>): Promise<Answer> {
  const change = addParticipant(find(rs, cmd.participantId), {
    roomId: rs.room.id, participantId: cmd.participantId, channelId: cmd.channelId, ...cmd.options,
  }, new Date().toISOString());
  return apply(rs, change);
}

export async function remove(rs: RoomState, cmd: CommandOf<'removeParticipant'>): Promise<Answer> {
  const existing = find(rs, cmd.participantId);
  if (!existing) return notFound(rs, cmd.participantId);
  return apply(rs, removeParticipant(existing, cmd.status));
}

export async function update(rs: RoomState, cmd: CommandOf<'updateParticipant'>): Promise<Answer> {
  const existing = find(rs, cmd.participantId);
  if (!existing) return notFound(rs, cmd.participantId);
  return apply(rs, updateParticipant(existing, cmd.update));
}

export async function ensure(rs: RoomState, cmd: CommandOf<'ensureParticipant'>): Promise<Answer> {
  const change = ensureParticipant(find(rs, cmd.participantId), {
    roomId: rs.room.id, participantId: cmd.participantId, channelId: cmd.channelId,
    ...(cmd.displayName !== undefined && { displayName: cmd.displayName }),
  }, new Date().toISOString());
  return apply(rs, change);
}

/** Also names the identity on the participant's primary binding (RoomKit sets its `participant_id`). */
export async function resolve(rs: RoomState, cmd: CommandOf<'resolveParticipant'>): Promise<Answer> {
  const existing = find(rs, cmd.participantId);
  if (!existing) return notFound(rs, cmd.participantId);
  const change = resolveParticipant(existing, {
    id: cmd.identityId, ...(cmd.displayName !== undefined && { displayName: cmd.displayName }),
  }, cmd.resolvedBy, new Date().toISOString());
  const primary = rs.binding(existing.channelId);
  return apply(rs, change, primary ? [{ ...primary, participantId: cmd.identityId }] : []);
}
