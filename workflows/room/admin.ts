/** Admin commands: bindings, metadata, timers, close, archive. Each goes through the room's queue. */
import { systemEvent } from '../../src/core/events.js';
import type {
  ChannelBinding, CommandOf, CommandResults, ErrorInfo, HookTrigger, RoomCommand, RoomCommandKind, RoomEvent,
} from '../../src/models/index.js';
import { stamp } from './stamp.js';
import { commit, fireObservers } from './side-effects.js';
import type { RoomState } from './state.js';

type Answer<K extends RoomCommandKind> = { ok: true; value: CommandResults[K] } | { ok: false; error: ErrorInfo };
const ok = <K extends RoomCommandKind>(value: CommandResults[K]): Answer<K> => ({ ok: true, value });
const unbound = (rs: RoomState, channelId: string): { ok: false; error: ErrorInfo } => ({
  ok: false, error: { type: 'ChannelNotFoundError', message: `channel ${channelId} is not attached to room ${rs.room.id}` },
});

/**
 * One function per admin command kind. The dispatch table (`handlers.ts`) says which of them a
 * closed room refuses; these run only once that check has passed.
 */
export const describe = async (rs: RoomState): Promise<Answer<'describe'>> => ok<'describe'>(rs.snapshot());

export async function updateMetadata(rs: RoomState, cmd: CommandOf<'updateMetadata'>): Promise<Answer<'updateMetadata'>> {
  rs.room = { ...rs.room, metadata: { ...rs.room.metadata, ...cmd.metadata }, updatedAt: new Date().toISOString() };
  await commit(rs, {});
  return ok<'updateMetadata'>(rs.room);
}

export async function setTimers(rs: RoomState, cmd: CommandOf<'setTimers'>): Promise<Answer<'setTimers'>> {
  rs.room = {
    ...rs.room,
    timers: { ...cmd.timers, lastActivityAt: rs.room.timers.lastActivityAt ?? new Date().toISOString() },
    updatedAt: new Date().toISOString(),
  };
  await commit(rs, {});
  return ok<'setTimers'>(rs.room);
}

export async function close(rs: RoomState): Promise<Answer<'close'>> {
  // ARCHIVED is terminal: a close queued behind the archive (the workflow has not completed yet)
  // leaves the room archived, as closing it once its workflow has completed does.
  if (rs.room.status === 'archived') return ok<'close'>(rs.room);
  await closeRoom(rs, { reason: 'api' });
  return ok<'close'>(rs.room);
}

/**
 * ARCHIVED (RoomKit `archive_room`): from any status, without closing first (no ON_ROOM_CLOSED, no
 * `room_closed`); `closedAt` kept, or now; framework event `room_archived`, no hook, no timeline
 * record; a no-op once archived. The room then refuses writes and its workflow completes, as a
 * closed room's does.
 */
export async function archive(rs: RoomState): Promise<Answer<'archive'>> {
  if (rs.room.status === 'archived') return ok<'archive'>(rs.room);
  const now = new Date().toISOString();
  rs.room = { ...rs.room, status: 'archived', closedAt: rs.room.closedAt ?? now, updatedAt: now };
  rs.framework('room_archived', { room_id: rs.room.id });
  await commit(rs, { activity: false });
  return ok<'archive'>(rs.room);
}

/** The refusal of a write to a room that refuses writes; its status (closed or archived) is in it. */
export const closedMessage = (rs: RoomState): string => `room is ${rs.room.status}: ${rs.room.id}`;

/** An observation about the past: closed rooms still hear it; RoomKit applies no source filter. */
export async function deliveryStatus(rs: RoomState, cmd: CommandOf<'deliveryStatus'>): Promise<Answer<'deliveryStatus'>> {
  await fireObservers(rs, 'on_delivery_status', deliveryStatusEvent(rs, cmd.status), { ignoreSourceFilters: true });
  return ok<'deliveryStatus'>(null);
}

export async function attachCommand(rs: RoomState, cmd: CommandOf<'attach'>): Promise<Answer<'attach'>> {
  return ok<'attach'>(await attach(rs, { ...cmd.binding, roomId: rs.room.id }));
}

export async function detachCommand(rs: RoomState, cmd: CommandOf<'detach'>): Promise<Answer<'detach'>> {
  return ok<'detach'>(await detach(rs, cmd.channelId));
}

export async function mute(rs: RoomState, cmd: CommandOf<'mute' | 'unmute'>): Promise<Answer<'mute'>> {
  const b = rs.binding(cmd.channelId);
  if (!b) return unbound(rs, cmd.channelId);
  const muted = cmd.kind === 'mute';
  return ok<'mute'>(await change(rs, { ...b, muted }, muted ? 'channel_muted' : 'channel_unmuted',
    `Channel ${b.channelId} ${muted ? 'muted' : 'unmuted'}`, { channel_id: b.channelId },
    muted ? 'on_channel_muted' : 'on_channel_unmuted'));
}

export async function setVisibility(rs: RoomState, cmd: CommandOf<'setVisibility'>): Promise<Answer<'setVisibility'>> {
  const b = rs.binding(cmd.channelId);
  if (!b) return unbound(rs, cmd.channelId);
  return ok<'setVisibility'>(await change(rs, { ...b, visibility: cmd.visibility }, 'channel_visibility_changed',
    `Channel ${b.channelId} visibility changed to ${cmd.visibility}`,
    { channel_id: b.channelId, old_visibility: b.visibility, visibility: cmd.visibility }));
}

export async function setAccess(rs: RoomState, cmd: CommandOf<'setAccess'>): Promise<Answer<'setAccess'>> {
  const b = rs.binding(cmd.channelId);
  if (!b) return unbound(rs, cmd.channelId);
  return ok<'setAccess'>(await change(rs, { ...b, access: cmd.access }, 'channel_access_changed',
    `Channel ${b.channelId} access changed to ${cmd.access}`,
    { channel_id: b.channelId, old_access: b.access, access: cmd.access }));
}

/** Attach (or re-attach, overwriting) a binding; clears the detach tombstone; stores CHANNEL_ATTACHED. */
export async function attach(rs: RoomState, binding: ChannelBinding): Promise<ChannelBinding> {
  rs.putBinding(binding);
  rs.setDetached(rs.detached().filter((id) => id !== binding.channelId));
  const event = systemEvent(stamp(rs), 'channel_attached', {
    body: `Channel ${binding.channelId} attached (${binding.access}, ${binding.visibility})`,
    code: 'channel_attached',
    data: { channel_id: binding.channelId, access: binding.access, visibility: binding.visibility, category: binding.category },
  });
  rs.framework('room_channel_attached', { channel_id: binding.channelId }, { channelId: binding.channelId });
  await commit(rs, { events: [event], bindings: [binding] });
  await fireObservers(rs, 'on_channel_attached', event);
  return binding;
}

async function detach(rs: RoomState, channelId: string): Promise<boolean> {
  if (!rs.binding(channelId)) return false;
  // Tombstone first: auto-attach must never bring a detached channel back.
  rs.setDetached([...rs.detached(), channelId]);
  rs.removeBinding(channelId);
  const event = systemEvent(stamp(rs), 'channel_detached', {
    body: `Channel ${channelId} detached`, code: 'channel_detached', data: { channel_id: channelId },
  });
  rs.framework('room_channel_detached', { channel_id: channelId }, { channelId });
  await commit(rs, { events: [event], removedBindings: [channelId] });
  await fireObservers(rs, 'on_channel_detached', event);
  return true;
}

async function change(
  rs: RoomState, binding: ChannelBinding, code: string, body: string, data: Record<string, unknown>, trigger?: HookTrigger,
): Promise<ChannelBinding> {
  rs.putBinding(binding);
  const type = code === 'channel_muted' ? 'channel_muted' : code === 'channel_unmuted' ? 'channel_unmuted' : 'channel_updated';
  const event = systemEvent(stamp(rs), type, { body, code, data });
  await commit(rs, { events: [event], bindings: [binding] });
  if (trigger) await fireObservers(rs, trigger, event);
  return binding;
}

/** CLOSED: refuses writes from now on. A timer close stores its system event (the one allowed write). */
export async function closeRoom(
  rs: RoomState, how: { reason: 'api' } | { reason: 'timer'; elapsedSeconds: number; threshold: number },
): Promise<void> {
  const now = new Date().toISOString();
  rs.room = { ...rs.room, status: 'closed', closedAt: now, updatedAt: now };
  const events: RoomEvent[] = [];
  if (how.reason === 'timer') {
    events.push(systemEvent(stamp(rs), 'system', {
      body: `Room ${rs.room.id} closed after ${Math.round(how.elapsedSeconds)}s inactivity`,
      code: 'room_closed_by_timer',
      data: { elapsed_seconds: how.elapsedSeconds, threshold: how.threshold },
    }));
    rs.framework('room_closed', { reason: 'timer' });
  } else {
    rs.framework('room_closed', { room_id: rs.room.id });
  }
  await commit(rs, { events, activity: false });
  await fireObservers(rs, 'on_room_closed', events[0] ?? lifecycleEvent(rs, 'room_closed', `Room ${rs.room.id} closed`));
}

export async function pauseRoom(rs: RoomState, elapsedSeconds: number, threshold: number): Promise<void> {
  rs.room = { ...rs.room, status: 'paused', updatedAt: new Date().toISOString() };
  const event = systemEvent(stamp(rs), 'system', {
    body: `Room ${rs.room.id} paused after ${Math.round(elapsedSeconds)}s inactivity`,
    code: 'room_paused_by_timer',
    data: { elapsed_seconds: elapsedSeconds, threshold },
  });
  rs.framework('room_paused', { reason: 'timer' });
  await commit(rs, { events: [event], activity: false });
  await fireObservers(rs, 'on_room_paused', event);
}

/** The hook payload of ON_DELIVERY_STATUS: the status rides in `metadata.deliveryStatus`. */
function deliveryStatusEvent(rs: RoomState, status: Extract<RoomCommand, { kind: 'deliveryStatus' }>['status']): RoomEvent {
  const event = systemEvent(stamp(rs), 'delivery_receipt', {
    body: `${status.provider} reports ${status.status} for message ${status.messageId}`,
    code: 'delivery_status',
    data: { channel_id: status.channelId, message_id: status.messageId, status: status.status },
  });
  return { ...event, metadata: { deliveryStatus: status } };
}

/** Synthetic (unstored) SYSTEM event used as the payload of lifecycle hooks. */
export function lifecycleEvent(rs: RoomState, code: string, body: string): RoomEvent {
  return systemEvent(stamp(rs), 'system', { body, code, data: { room_id: rs.room.id } });
}
