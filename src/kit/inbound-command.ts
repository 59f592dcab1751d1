/**
 * From a validated inbound message to the room command: the closed-room check, routing, and the
 * binding a new room gets for the sender's channel.
 */
import type { Channel } from '../channels/channel.js';
import { TransportChannel } from '../channels/transport.js';
import { RoomClosedError } from '../errors.js';
import { JsonRecord, type ParsedInboundMessage, type Room, type RoomCommand } from '../models/index.js';
import type { ConversationStore } from '../store/conversation-store.js';
import { bindingFor, newRoom, newRoomId } from './builders.js';
import type { InboundRoomRouter } from './router.js';
import { parseInput } from './validate.js';

export interface InboundCommand {
  room: Room;
  autoCreated: boolean;
  command: Extract<RoomCommand, { kind: 'inbound' }>;
}

export async function inboundCommand(
  deps: { store: ConversationStore; router: InboundRoomRouter },
  channel: Channel,
  msg: ParsedInboundMessage,
  roomId?: string,
): Promise<InboundCommand> {
  // A closed room's workflow has completed; once Temporal forgets it (retention) a start would
  // otherwise begin a fresh room under the same id over the old timeline.
  if (roomId !== undefined && (await deps.store.getRoom(roomId))?.status === 'closed') throw new RoomClosedError(roomId);
  const routed = roomId ?? (await deps.router.route({ channelId: msg.channelId, channelType: channel.channelType, participantId: msg.senderId }));
  const id = routed ?? newRoomId();
  // A room reached for a message on a per-address transport (SMS, email, WhatsApp…) without an
  // explicit id belongs to its sender: the binding is theirs (the router finds it again for them and
  // never for another sender) and replies go back to their address. The sender's address is the
  // recipient unless the channel's reply context names another (Teams replies to the conversation).
  const owned = roomId === undefined && channel instanceof TransportChannel;
  const replyContext = parseInput(JsonRecord.optional(), channel.replyContext(msg), `${channel.channelId} reply context`);
  const defaultBinding = bindingFor(channel, id, owned
    ? { participantId: msg.senderId, metadata: { [channel.recipientKey]: msg.senderId, ...replyContext } }
    : {});
  return {
    room: newRoom(id),
    autoCreated: routed === undefined,
    command: { kind: 'inbound', message: msg, defaultBinding, ...(replyContext && { replyContext }) },
  };
}
