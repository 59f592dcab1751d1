/** Event builders. Pure: ids and times come from the caller (the workflow's deterministic ones). */
import type { ChannelBinding } from '../models/channel.js';
import type { EventContent, SystemContent } from '../models/content.js';
import type { EventType } from '../models/enums.js';
import type { RoomEvent } from '../models/event.js';
import type { ParsedInboundMessage } from '../models/inbound.js';
import type { ResponseDraft } from '../models/channel-output.js';
import type { InjectedEvent } from '../models/hook.js';
import type { z } from 'zod';

export interface Stamp {
  id: string;
  roomId: string;
  now: string;
}

/** The event an inbound message becomes (TransportChannel.handle_inbound + the central overlays). */
export function inboundEvent(stamp: Stamp, message: ParsedInboundMessage, binding: ChannelBinding): RoomEvent {
  const event: RoomEvent = {
    id: stamp.id,
    roomId: stamp.roomId,
    type: message.eventType ?? 'message',
    source: {
      channelId: message.channelId,
      channelType: binding.channelType,
      direction: 'inbound',
      participantId: message.senderId,
      ...(message.externalId !== undefined && { externalId: message.externalId }),
      ...(message.rawPayload !== undefined && { rawPayload: message.rawPayload }),
      ...(message.providerMessageId !== undefined && { providerMessageId: message.providerMessageId }),
    },
    content: message.content,
    status: 'pending',
    visibility: message.visibility ?? 'all',
    index: 0,
    chainDepth: 0,
    createdAt: stamp.now,
    metadata: message.metadata ?? {},
  };
  if (message.addressedTo) event.addressedTo = message.addressedTo;
  if (message.responseVisibility) event.responseVisibility = message.responseVisibility;
  if (message.parentEventId) event.parentEventId = message.parentEventId;
  if (message.idempotencyKey) event.idempotencyKey = message.idempotencyKey;
  if (message.threadId || message.externalId) {
    event.channelData = {
      ...(message.externalId !== undefined && { externalId: message.externalId }),
      ...(message.threadId !== undefined && { threadId: message.threadId }),
    };
  }
  return event;
}

export interface SendSpec {
  channelId: string;
  content: EventContent;
  eventType?: EventType;
  chainDepth?: number;
  participantId?: string;
  metadata?: Record<string, unknown>;
  visibility?: string;
  responseVisibility?: string;
  parentEventId?: string;
  idempotencyKey?: string;
  addressedTo?: string[];
}

/** An event authored by a bound channel (`sendEvent`, and AI replies via `responseEvent`). */
export function channelEvent(stamp: Stamp, spec: SendSpec, binding: ChannelBinding): RoomEvent {
  const event: RoomEvent = {
    id: stamp.id,
    roomId: stamp.roomId,
    type: spec.eventType ?? 'message',
    source: {
      channelId: spec.channelId,
      channelType: binding.channelType,
      direction: 'outbound',
      ...(spec.participantId !== undefined && { participantId: spec.participantId }),
    },
    content: spec.content,
    status: 'pending',
    visibility: spec.visibility ?? 'all',
    index: 0,
    chainDepth: spec.chainDepth ?? 0,
    createdAt: stamp.now,
    metadata: spec.metadata ?? {},
  };
  if (spec.addressedTo) event.addressedTo = spec.addressedTo;
  if (spec.responseVisibility) event.responseVisibility = spec.responseVisibility;
  if (spec.parentEventId) event.parentEventId = spec.parentEventId;
  if (spec.idempotencyKey) event.idempotencyKey = spec.idempotencyKey;
  return event;
}

/** A channel's reply to `trigger`: one level deeper, in the trigger's thread, with its response visibility. */
export function responseEvent(stamp: Stamp, draft: ResponseDraft, trigger: RoomEvent, responder: ChannelBinding): RoomEvent {
  const event = channelEvent(
    stamp,
    {
      channelId: responder.channelId,
      content: draft.content,
      eventType: draft.type,
      chainDepth: trigger.chainDepth + 1,
      metadata: draft.metadata,
      visibility: trigger.responseVisibility ?? 'all',
      parentEventId: trigger.parentEventId ?? trigger.id,
    },
    responder,
  );
  if (draft.correlationId) event.correlationId = draft.correlationId;
  // The scope applies to the whole turn, answers to answers included (RoomKit §6.4).
  if (trigger.responseVisibility) event.responseVisibility = trigger.responseVisibility;
  return event;
}

/** A framework-authored system event (attach, detach, mute, timers…): indexed, internal. */
export function systemEvent(
  stamp: Stamp,
  type: EventType,
  content: Omit<SystemContent, 'type'>,
): RoomEvent {
  return {
    id: stamp.id,
    roomId: stamp.roomId,
    type,
    source: { channelId: 'system', channelType: 'system', direction: 'inbound' },
    content: { type: 'system', ...content },
    status: 'delivered',
    visibility: 'internal',
    index: 0,
    chainDepth: 0,
    createdAt: stamp.now,
    metadata: {},
  };
}

/** An event a hook injected; stored DELIVERED, delivered bare to its targets if any. */
export function injectedEvent(stamp: Stamp, injected: z.output<typeof InjectedEvent>, trigger: RoomEvent): RoomEvent {
  return {
    id: stamp.id,
    roomId: stamp.roomId,
    type: injected.type ?? 'message',
    source: { channelId: injected.channelId ?? 'system', channelType: 'system', direction: 'outbound' },
    content: injected.content,
    status: 'delivered',
    visibility: injected.visibility ?? 'all',
    index: 0,
    chainDepth: trigger.chainDepth,
    parentEventId: trigger.parentEventId ?? trigger.id,
    createdAt: stamp.now,
    metadata: injected.metadata ?? {},
  };
}

/**
 * The idempotency key of one outbound send: room + event index + target channel. Stable across
 * activity retries, so a provider that dedupes on it never double-sends.
 */
export function outboundIdempotencyKey(roomId: string, index: number, channelId: string): string {
  return `${roomId}:${index}:${channelId}`;
}

/** Tool-call events are a tool loop's bookkeeping, never a prompt: no AI answers them (RoomKit §10.1). */
export function isToolCallEvent(event: Pick<RoomEvent, 'type'>): boolean {
  return event.type === 'tool_call_start' || event.type === 'tool_call_end';
}
