import { z } from 'zod';
import { EventContent } from './content.js';
import { ChannelDirectionSchema, ChannelTypeSchema, EventStatusSchema, EventTypeSchema } from './enums.js';
import { IsoTime, JsonRecord } from './json.js';
import { DeliveryResult } from './delivery-result.js';

export const EventSource = z.object({
  channelId: z.string().min(1),
  channelType: ChannelTypeSchema,
  direction: ChannelDirectionSchema,
  participantId: z.string().optional(),
  externalId: z.string().optional(),
  provider: z.string().optional(),
  /** The provider's payload, preserved unmodified. */
  rawPayload: JsonRecord.optional(),
  providerMessageId: z.string().optional(),
});
export type EventSource = z.infer<typeof EventSource>;

export const ChannelData = z.object({
  provider: z.string().optional(),
  externalId: z.string().optional(),
  /** Provider-native thread reference (not in-app threading). */
  threadId: z.string().optional(),
  extra: JsonRecord.optional(),
});
export type ChannelData = z.infer<typeof ChannelData>;

/** A stored (or about-to-be-stored) event of a room's timeline. */
export const RoomEvent = z.object({
  id: z.string().min(1),
  roomId: z.string().min(1),
  type: EventTypeSchema,
  source: EventSource,
  content: EventContent,
  status: EventStatusSchema,
  blockedBy: z.string().optional(),
  visibility: z.string().min(1),
  addressedTo: z.array(z.string()).optional(),
  responseVisibility: z.string().optional(),
  /** 0-based, gap-free per room. */
  index: z.number().int().nonnegative(),
  chainDepth: z.number().int().nonnegative(),
  parentEventId: z.string().optional(),
  correlationId: z.string().optional(),
  idempotencyKey: z.string().optional(),
  createdAt: IsoTime,
  metadata: JsonRecord,
  channelData: ChannelData.optional(),
  /** Written only when at least one delivery failed; then the whole per-channel map. */
  deliveryResults: z.record(z.string(), DeliveryResult).optional(),
});
export type RoomEvent = z.infer<typeof RoomEvent>;
