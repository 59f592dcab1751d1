/**
 * RoomKit's room and binding verbs: create, read, close and archive a room, set its metadata and
 * timers, attach channels and change their bindings; and the read model's tasks and observations. Each is a command to the room's workflow (or a
 * read of its state); `RoomKit` extends this class and supplies the client and its channels.
 */
import type { Channel } from '../channels/channel.js';
import type { RoomClient } from '../client/room-client.js';
import { ChannelNotFoundError, RoomClosedError } from '../errors.js';
import {
  AccessSchema, BindingOptions, CreateRoomOptions, JsonRecord, RoomId, RoomTimers,
  type Access, type ChannelBinding, type Observation, type Room, type RoomSnapshot, type Task, type TaskStatus,
} from '../models/index.js';
import { bindingFor, newRoom, newRoomId } from './builders.js';
import { parseInput } from './validate.js';
import { VoiceVerbs } from './voice-verbs.js';

export abstract class RoomVerbs extends VoiceVerbs {
  /** The started kit's room client; `KitNotStartedError` naming `what` before `start()`/`connect()`. */
  protected abstract client(what: string): RoomClient;
  /** A valid room id, or a validation error. */
  protected abstract id(roomId: string): string;
  /** A registered channel, or `ChannelNotRegisteredError`. */
  protected abstract channel(channelId: string): Channel;

  // ── rooms ─────────────────────────────────────────────────────────────────
  async createRoom(options: CreateRoomOptions = {}): Promise<Room> {
    const parsed = parseInput(CreateRoomOptions, options, 'room options');
    const snapshot = await this.client('createRoom').create(newRoom(parsed.roomId ?? newRoomId(), parsed));
    return snapshot.room;
  }

  async getRoom(roomId: string): Promise<Room> {
    return (await this.roomState(roomId)).room;
  }

  /** Room, bindings, participants, counters and recent events, from the room workflow. */
  async roomState(roomId: string): Promise<RoomSnapshot> {
    return this.client('roomState').state(parseInput(RoomId, roomId, 'roomId', 'roomId'));
  }

  /** Close a room (idempotent: closing a closed room returns it). Its workflow then completes. */
  async closeRoom(roomId: string): Promise<Room> {
    try {
      return await this.client('closeRoom').command(this.id(roomId), { kind: 'close' });
    } catch (err) {
      if (!(err instanceof RoomClosedError)) throw err;
      return (await this.roomState(roomId)).room;
    }
  }

  /**
   * Archive a room (RoomKit `archive_room`): ARCHIVED is terminal. An active or paused room is
   * archived directly, without closing first (no `room_closed`, no ON_ROOM_CLOSED); `closedAt` is
   * kept, or set now. Emits `room_archived`, runs no hook, stores no timeline record; archiving an
   * archived room returns it unchanged. Afterwards writes are refused as in a closed room, the
   * room's workflow completes, and its state and stored events stay readable.
   *
   * @example
   * await kit.closeRoom('room-1');
   * const room = await kit.archiveRoom('room-1'); // room.status === 'archived'
   */
  async archiveRoom(roomId: string): Promise<Room> {
    const id = this.id(roomId);
    const rooms = this.client('archiveRoom');
    try {
      return await rooms.command(id, { kind: 'archive' });
    } catch (err) {
      if (!(err instanceof RoomClosedError)) throw err;
    }
    // Its workflow has completed (a closed room): archived already, or archived by a run of its own.
    const snapshot = await this.roomState(id);
    if (snapshot.room.status === 'archived') return snapshot.room;
    return await rooms.archiveCompleted(snapshot);
  }

  async updateRoomMetadata(roomId: string, metadata: Record<string, unknown>): Promise<Room> {
    const parsed = parseInput(JsonRecord, metadata, 'metadata', 'metadata');
    return await this.client('updateRoomMetadata').command(this.id(roomId), { kind: 'updateMetadata', metadata: parsed });
  }

  async setRoomTimers(roomId: string, timers: { inactiveAfterSeconds?: number; closedAfterSeconds?: number }): Promise<Room> {
    const parsed = parseInput(RoomTimers.omit({ lastActivityAt: true }).strict(), timers, 'timers', 'timers');
    return await this.client('setRoomTimers').command(this.id(roomId), { kind: 'setTimers', timers: parsed });
  }

  // ── bindings ──────────────────────────────────────────────────────────────
  async attachChannel(roomId: string, channelId: string, options: BindingOptions = {}): Promise<ChannelBinding> {
    const parsed = parseInput(BindingOptions, options, 'binding options');
    const binding = bindingFor(this.channel(channelId), roomId, parsed);
    return await this.client('attachChannel').command(this.id(roomId), { kind: 'attach', binding });
  }

  /** False when the channel was not attached. */
  async detachChannel(roomId: string, channelId: string): Promise<boolean> {
    return await this.client('detachChannel').command(this.id(roomId), { kind: 'detach', channelId });
  }

  async mute(roomId: string, channelId: string): Promise<ChannelBinding> {
    return await this.client('mute').command(this.id(roomId), { kind: 'mute', channelId });
  }

  async unmute(roomId: string, channelId: string): Promise<ChannelBinding> {
    return await this.client('unmute').command(this.id(roomId), { kind: 'unmute', channelId });
  }

  async setVisibility(roomId: string, channelId: string, visibility: string): Promise<ChannelBinding> {
    const v = parseInput(BindingOptions.shape.visibility.unwrap(), visibility, 'visibility', 'visibility');
    return await this.client('setVisibility').command(this.id(roomId), { kind: 'setVisibility', channelId, visibility: v });
  }

  async setAccess(roomId: string, channelId: string, access: Access): Promise<ChannelBinding> {
    const a = parseInput(AccessSchema, access, 'access', 'access');
    return await this.client('setAccess').command(this.id(roomId), { kind: 'setAccess', channelId, access: a });
  }

  async listBindings(roomId: string): Promise<ChannelBinding[]> {
    return (await this.roomState(roomId)).bindings;
  }

  async getBinding(roomId: string, channelId: string): Promise<ChannelBinding> {
    const b = (await this.listBindings(roomId)).find((x) => x.channelId === channelId);
    if (!b) throw new ChannelNotFoundError(roomId, channelId);
    return b;
  }

  // ── read model ────────────────────────────────────────────────────────────
  async listTasks(roomId: string, status?: TaskStatus): Promise<Task[]> {
    return this.store.listTasks(roomId, status);
  }

  async listObservations(roomId: string): Promise<Observation[]> {
    return this.store.listObservations(roomId);
  }
}
