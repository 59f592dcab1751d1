/** Message commands: `processInbound`/`signalInbound` (inbound) and `sendEvent` (send). */
import { lookup } from '../../src/core/idempotency.js';
import { channelEvent, inboundEvent } from '../../src/core/events.js';
import type {
  CommandResult, InboundResult, ParsedInboundMessage, RoomCommand, RoomEvent,
} from '../../src/models/index.js';
import { attach, closedMessage } from './admin.js';
import { findEventByIdempotencyKey, getEvent, loadEvent } from './effects.js';
import { mutationTargetId, refuseMutation, threadRoot } from '../../src/core/mutations.js';
import { hold, newCascade, release } from './cascade.js';
import { identify } from './identity.js';
import { identityResolution } from './patches.js';
import { commitPass } from './pipeline.js';
import { stamp } from './stamp.js';
import { safely } from './side-effects.js';
import type { RoomState } from './state.js';

type Settle = (result: CommandResult) => void;
/** The command's answer comes later, when its cascade is delivered. */
export const DEFERRED = 'deferred';
export interface Settlers {
  committed: Settle;
  delivered: Settle;
}
const ok = (value: unknown): CommandResult => ({ ok: true, value });
const fail = (type: string, message: string): CommandResult => ({ ok: false, error: { type, message } });

export async function handleInbound(
  rs: RoomState, cmd: Extract<RoomCommand, { kind: 'inbound' }>, settle: Settlers,
): Promise<CommandResult | typeof DEFERRED> {
  const message = cmd.message as ParsedInboundMessage;
  if (rs.refusesWrites()) {
    rs.framework('room_refused_event', { status: rs.room.status, event_type: message.eventType ?? 'message' });
    return ok(refused('room_closed'));
  }
  if (rs.room.status === 'paused') {
    // A new message reopens a paused room (the inactivity timer starts again from this message).
    rs.room = { ...rs.room, status: 'active' };
    rs.framework('room_resumed', { reason: 'inbound' });
  }
  let binding = rs.binding(message.channelId);
  if (!binding && !rs.detached().includes(message.channelId)) {
    // Auto-attach, unless the channel was explicitly detached (tombstone).
    binding = await attach(rs, { ...cmd.defaultBinding, roomId: rs.room.id });
  }
  const replay = await replayDuplicate(rs, message.idempotencyKey);
  if (replay) return ok(replay);
  if (binding && cmd.replyContext && binding.participantId === message.senderId) {
    // The sender's own binding follows the conversation (the email thread to answer in, when the
    // WhatsApp user last wrote), so replies from the room reach them in context.
    binding = { ...binding, metadata: { ...binding.metadata, ...cmd.replyContext } };
    rs.putBinding(binding);
    rs.changedBindings.push(binding);
  }
  const event = inboundEvent(stamp(rs), message, binding ?? cmd.defaultBinding);
  // Runs recorded before the identity step have no marker: they replay without it.
  const identityStep = identityResolution();
  if (identityStep) {
    const refusal = await identify(rs, message, event);
    if (refusal) return ok(refused(refusal));
  }
  return runRoot(rs, event, settle);
}

export async function handleSend(
  rs: RoomState, cmd: Extract<RoomCommand, { kind: 'send' }>, settle: Settlers,
): Promise<CommandResult | typeof DEFERRED> {
  if (rs.refusesWrites()) return fail('RoomClosedError', closedMessage(rs));
  const binding = rs.binding(cmd.channelId);
  if (!binding) return fail('ChannelNotFoundError', `channel ${cmd.channelId} is not attached to room ${rs.room.id}`);
  const replay = await replayDuplicate(rs, cmd.options.idempotencyKey);
  if (replay) return ok(replay);
  const event = channelEvent(stamp(rs), { channelId: cmd.channelId, content: cmd.content, ...cmd.options }, binding);
  return runRoot(rs, event, settle);
}

async function runRoot(rs: RoomState, event: RoomEvent, settle: Settlers): Promise<CommandResult | typeof DEFERRED> {
  if (event.parentEventId) {
    const root = threadRoot(await findEvent(rs, event.parentEventId), rs.room.id);
    if (root) event.parentEventId = root;
    else delete event.parentEventId;
  }
  const targetId = mutationTargetId(event);
  const target = targetId ? await findEvent(rs, targetId) : undefined;
  if (targetId) {
    // Refused edits and deletes store nothing (RoomKit §4 step 9g).
    const refusal = refuseMutation(event, target, rs.participants);
    if (refusal) return ok(refused(refusal));
  }
  const cascade = newCascade(rs.manifest.maxChainDepth, {
    onCommitted: (r) => settle.committed(ok(r)),
    onDone: (r) => settle.delivered(ok(r)),
  });
  hold(cascade);
  try {
    await commitPass(rs, event, cascade, true, target);
  } finally {
    release(cascade);
  }
  return DEFERRED;
}

/** An event of this room by id: the recent window first, then the store. */
async function findEvent(rs: RoomState, eventId: string): Promise<RoomEvent | undefined> {
  const recent = rs.recent.find((e) => e.id === eventId);
  if (recent) return recent;
  const stored = await safely(rs, 'getEvent', () => getEvent({ roomId: rs.room.id, eventId }));
  return stored && stored.roomId === rs.room.id ? stored : undefined;
}

function refused(reason: string): InboundResult {
  return { blocked: true, reason, deliveryResults: {} };
}

/**
 * A repeated idempotency key replays the original committed event with `blocked: false`, even when
 * the original was blocked (RoomKit quirk 3). Outside the recent window the store is asked.
 */
export async function replayDuplicate(rs: RoomState, key: string | undefined): Promise<InboundResult | undefined> {
  const index = lookup(rs.idempotency, key);
  if (index === undefined) {
    // Past the window, only the store can tell (one read, and only in rooms that outgrew the window).
    if (!key || !rs.idempotency.evicted) return undefined;
    const stored = await safely(rs, 'findEventByIdempotencyKey', () => findEventByIdempotencyKey({ roomId: rs.room.id, key }));
    return stored ? { event: stored, blocked: false, deliveryResults: {} } : undefined;
  }
  const original = rs.recent.find((e) => e.index === index)
    ?? (await safely(rs, 'loadEvent', () => loadEvent({ roomId: rs.room.id, index }))) ?? undefined;
  if (!original) return { blocked: true, reason: 'duplicate', deliveryResults: {} };
  return { event: original, blocked: false, deliveryResults: {} };
}

