import { z } from 'zod';
import { JsonRecord } from './json.js';

/** RoomKit's 13 ephemeral event types (§13): never stored, never in a room's history. */
export const EphemeralEventType = {
  TYPING_START: 'typing_start', TYPING_STOP: 'typing_stop',
  PRESENCE_ONLINE: 'presence_online', PRESENCE_AWAY: 'presence_away', PRESENCE_OFFLINE: 'presence_offline',
  READ_RECEIPT: 'read_receipt', REACTION: 'reaction',
  TOOL_CALL_START: 'tool_call_start', TOOL_CALL_END: 'tool_call_end',
  THINKING_START: 'thinking_start', THINKING_DELTA: 'thinking_delta', THINKING_END: 'thinking_end',
  CUSTOM: 'custom',
} as const;
export type EphemeralEventType = (typeof EphemeralEventType)[keyof typeof EphemeralEventType];
export const EphemeralEventTypeSchema = z.enum(Object.values(EphemeralEventType) as [EphemeralEventType, ...EphemeralEventType[]]);

/**
 * Something a room's subscribers should see now and nobody needs later: typing, presence, a read
 * receipt, an agent's tool progress. RoomKit's `EphemeralEvent` (`timestamp` ISO-8601).
 */
export const EphemeralEvent = z
  .object({
    id: z.string().min(1),
    roomId: z.string().min(1),
    type: EphemeralEventTypeSchema,
    userId: z.string().min(1),
    channelId: z.string().min(1).optional(),
    data: JsonRecord.default({}),
    timestamp: z.string().min(1),
  })
  .strict();
export type EphemeralEvent = z.output<typeof EphemeralEvent>;

/** A presence status RoomKit names; any other string is published as a `custom` event. */
export const PresenceStatus = { ONLINE: 'online', AWAY: 'away', OFFLINE: 'offline' } as const;
export type PresenceStatus = (typeof PresenceStatus)[keyof typeof PresenceStatus];
