/** Records the kit builds client-side before handing them to a room. */
import { randomUUID } from 'node:crypto';
import type { Channel } from '../channels/channel.js';
import type { BindingOptions, ChannelBinding, CreateRoomOptions, Room } from '../models/index.js';
import type { z } from 'zod';
import type { BindingOptions as BindingOptionsSchema, CreateRoomOptions as CreateRoomSchema } from '../models/index.js';

export function newRoomId(): string {
  return randomUUID().replace(/-/g, '');
}

export function newRoom(roomId: string, options: z.output<typeof CreateRoomSchema> = {}): Room {
  const now = new Date().toISOString();
  const timers = options.timers ? { ...options.timers, lastActivityAt: now } : {};
  return {
    id: roomId,
    status: 'active',
    createdAt: now,
    updatedAt: now,
    timers,
    agentResponsePolicy: options.agentResponsePolicy ?? 'agent_chain',
    metadata: options.metadata ?? {},
    eventCount: 0,
    latestIndex: 0,
    ...(options.organizationId !== undefined && { organizationId: options.organizationId }),
    ...(options.aiConfig !== undefined && { aiConfig: options.aiConfig }),
  };
}

/**
 * A binding of `channel` to a room. The category defaults to the channel's own (RoomKit defaults
 * to TRANSPORT whatever the channel is; an AI attached that way escapes addressing rules, which
 * surprises users, so we take the channel's word unless the caller overrides it).
 */
export function bindingFor(channel: Channel, roomId: string, options: z.output<typeof BindingOptionsSchema> = {}): ChannelBinding {
  return {
    channelId: channel.channelId,
    roomId,
    channelType: channel.channelType,
    category: options.category ?? channel.category,
    direction: options.direction ?? channel.direction,
    access: options.access ?? 'read_write',
    muted: false,
    visibility: options.visibility ?? 'all',
    attachedAt: new Date().toISOString(),
    capabilities: channel.capabilities(),
    metadata: options.metadata ?? {},
    ...(options.participantId !== undefined && { participantId: options.participantId }),
    ...(options.retryPolicy !== undefined && { retryPolicy: options.retryPolicy }),
    ...(options.rateLimit !== undefined && { rateLimit: options.rateLimit }),
  };
}

export type { BindingOptions, CreateRoomOptions };
