/**
 * RoomKit's participant verbs (RoomKit §2.3–2.4, §12). Every change is a command through the room's
 * queue, so the system events it stores get gap-free indexes and the ON_PARTICIPANT_* hooks run in
 * the room's worker; reads come from the room's state. `RoomKit` extends this class.
 */
import { IdentityNotFoundError, ParticipantNotFoundError } from '../errors.js';
import {
  AddParticipantOptions, ParticipantUpdate, RoomId,
  type CommandOf, type CommandResults, type Participant, type RoomCommandKind, type RoomSnapshot,
} from '../models/index.js';
import type { CommandOptions } from '../client/room-client.js';
import type { ConversationStore } from '../store/conversation-store.js';
import { RealtimeVerbs } from './realtime-verbs.js';
import { parseInput } from './validate.js';

export abstract class ParticipantVerbs extends RealtimeVerbs {
  abstract readonly store: ConversationStore;
  abstract roomState(roomId: string): Promise<RoomSnapshot>;
  /** One room command through the kit's client (the room id is checked there). */
  protected abstract roomCommand<K extends RoomCommandKind>(
    what: string, roomId: string, command: CommandOf<K>, options?: CommandOptions,
  ): Promise<CommandResults[K]>;

  /**
   * A deliberate join (RoomKit `add_member`): stores `participant_joined` and fires
   * ON_PARTICIPANT_JOINED. Already active ⇒ only records `channelId` in `connectedVia`; a LEFT or
   * BANNED participant re-joins (the joining channel becomes primary, `joinedAt` is kept).
   *
   * @example
   * await kit.addParticipant('room-1', 'alice', 'ws-user', { displayName: 'Alice', role: 'owner' });
   */
  addParticipant(roomId: string, participantId: string, channelId: string, options: AddParticipantOptions = {}): Promise<Participant> {
    const o = parseInput(AddParticipantOptions, options, 'participant options');
    return this.roomCommand('addParticipant', roomId, { kind: 'addParticipant', participantId, channelId, options: o });
  }

  /**
   * Soft removal (RoomKit `remove_member`): the record stays with status `left` (default) or
   * `banned`; stores `participant_left` (`data.status`) and fires ON_PARTICIPANT_LEFT.
   * ParticipantNotFoundError for an unknown participant.
   */
  removeParticipant(roomId: string, participantId: string, options: { status?: 'left' | 'banned' } = {}): Promise<Participant> {
    const status = options.status ?? 'left';
    if (status !== 'left' && status !== 'banned') throw new TypeError(`status must be 'left' or 'banned', got ${String(status)}`);
    return this.roomCommand('removeParticipant', roomId, { kind: 'removeParticipant', participantId, status });
  }

  /**
   * Change display name, role or metadata (metadata is merged). Nothing different ⇒ no-op; else
   * stores `participant_updated` and fires ON_PARTICIPANT_UPDATED (RoomKit `rename_member`, widened).
   */
  updateParticipant(roomId: string, participantId: string, update: ParticipantUpdate): Promise<Participant> {
    const u = parseInput(ParticipantUpdate, update, 'participant update');
    return this.roomCommand('updateParticipant', roomId, { kind: 'updateParticipant', participantId, update: u });
  }

  /**
   * Get-or-create (RoomKit `ensure_participant`): a new participant is active with PENDING
   * identification; an existing one keeps its primary channel and records `channelId` in
   * `connectedVia`. Stores no event, fires no hook.
   */
  ensureParticipant(roomId: string, participantId: string, channelId: string, options: { displayName?: string } = {}): Promise<Participant> {
    return this.roomCommand('ensureParticipant', roomId, {
      kind: 'ensureParticipant', participantId, channelId, ...(options.displayName !== undefined && { displayName: options.displayName }),
    });
  }

  /**
   * Manual identity resolution (RoomKit `resolve_participant`): IDENTIFIED with the stored identity
   * (IdentityNotFoundError if the store has none), its display name, `resolvedAt`, `resolvedBy`;
   * candidates cleared; the participant's primary binding gets `participantId = identityId`.
   * Stores `participant_identified` and fires ON_PARTICIPANT_IDENTIFIED.
   */
  async resolveParticipant(roomId: string, participantId: string, identityId: string, resolvedBy = 'manual'): Promise<Participant> {
    const identity = await this.store.getIdentity(identityId);
    if (!identity) throw new IdentityNotFoundError(identityId);
    return this.roomCommand('resolveParticipant', roomId, {
      kind: 'resolveParticipant', participantId, identityId, resolvedBy,
      ...(identity.displayName !== undefined && { displayName: identity.displayName }),
    });
  }

  /** Active participants (RoomKit `list_members`); `includeLeft` adds left, banned and inactive ones. */
  async listParticipants(roomId: string, options: { includeLeft?: boolean } = {}): Promise<Participant[]> {
    const all = (await this.roomState(parseInput(RoomId, roomId, 'roomId', 'roomId'))).participants;
    return options.includeLeft ? all : all.filter((p) => p.status === 'active');
  }

  /** One participant, whatever its status; ParticipantNotFoundError if the room has none by that id. */
  async getParticipant(roomId: string, participantId: string): Promise<Participant> {
    const p = (await this.listParticipants(roomId, { includeLeft: true })).find((x) => x.id === participantId);
    if (!p) throw new ParticipantNotFoundError(roomId, participantId);
    return p;
  }

  /** True when an active participant of the room carries that identity (RoomKit `is_member`). */
  async isMember(roomId: string, identityId: string): Promise<boolean> {
    return (await this.listParticipants(roomId)).some((p) => p.identityId === identityId);
  }
}
