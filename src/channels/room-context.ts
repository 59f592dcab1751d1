import type { ChannelBinding, Participant, Room, RoomEvent } from '../models/index.js';

/**
 * What hooks and channels see of a room: the room, its bindings and participants (from the room
 * workflow, authoritative) and the recent MESSAGE events (from the store, ascending).
 */
export interface RoomContext {
  room: Room;
  bindings: ChannelBinding[];
  participants: Participant[];
  recentEvents: RoomEvent[];
}

export function getBinding(ctx: RoomContext, channelId: string): ChannelBinding | undefined {
  return ctx.bindings.find((b) => b.channelId === channelId);
}

export function otherChannels(ctx: RoomContext, channelId: string): ChannelBinding[] {
  return ctx.bindings.filter((b) => b.channelId !== channelId);
}

export function channelsByType(ctx: RoomContext, channelType: string): ChannelBinding[] {
  return ctx.bindings.filter((b) => b.channelType === channelType);
}
