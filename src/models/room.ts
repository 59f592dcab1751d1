import { z } from 'zod';
import { AgentResponsePolicySchema, RoomStatusSchema } from './enums.js';
import { IsoTime, JsonRecord } from './json.js';

export const RoomTimers = z.object({
  /** ACTIVE → PAUSED after this many seconds without activity. */
  inactiveAfterSeconds: z.number().int().nonnegative().optional(),
  /** → CLOSED after this many seconds without activity (measured from last activity, not from the pause). */
  closedAfterSeconds: z.number().int().nonnegative().optional(),
  lastActivityAt: IsoTime.optional(),
});
export type RoomTimers = z.infer<typeof RoomTimers>;

/** Per-room AI configuration (`createRoom({ aiConfig })`): between a binding's metadata and the channel's own defaults. */
export const AIConfig = z
  .object({
    systemPrompt: z.string().max(100_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().optional(),
    /** Names of kit tools the room's AIs may call. */
    tools: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type AIConfig = z.infer<typeof AIConfig>;

export const Room = z.object({
  id: z.string().min(1),
  organizationId: z.string().optional(),
  status: RoomStatusSchema,
  createdAt: IsoTime,
  updatedAt: IsoTime,
  closedAt: IsoTime.optional(),
  timers: RoomTimers,
  agentResponsePolicy: AgentResponsePolicySchema,
  metadata: JsonRecord,
  aiConfig: AIConfig.optional(),
  /** Monotonic count of committed events (= next index). */
  eventCount: z.number().int().nonnegative(),
  latestIndex: z.number().int().nonnegative(),
});
export type Room = z.infer<typeof Room>;

/**
 * Room ids become part of a workflow id (`room:<roomId>`), a URL path segment and a store key: ASCII
 * letters, digits and `- _ . : @ +`, at most 200 characters, not `.` or `..` (a path segment that a
 * proxy would resolve). Anything else is refused with this message before it reaches Temporal.
 */
export const ROOM_ID_ALPHABET = /^[A-Za-z0-9\-_.:@+]+$/;
export const RoomId = z
  .string()
  .min(1, 'roomId must not be empty')
  .max(200, 'roomId must be at most 200 characters')
  .regex(ROOM_ID_ALPHABET, 'roomId may use only ASCII letters, digits and - _ . : @ +')
  .refine((id) => id !== '.' && id !== '..', 'roomId must not be "." or ".."');

export const CreateRoomOptions = z
  .object({
    roomId: RoomId.optional(),
    metadata: JsonRecord.optional(),
    timers: RoomTimers.omit({ lastActivityAt: true }).strict().optional(),
    agentResponsePolicy: AgentResponsePolicySchema.optional(),
    organizationId: z.string().optional(),
    aiConfig: AIConfig.optional(),
  })
  .strict();
export type CreateRoomOptions = z.input<typeof CreateRoomOptions>;
