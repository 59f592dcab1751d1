import { z } from 'zod';
import { JsonRecord } from './json.js';

/**
 * A vendor's report on a message we sent (RoomKit `DeliveryStatus`): delivered, failed, read…
 * Arrives by webhook; `kit.processDeliveryStatus` hands it to the room's ON_DELIVERY_STATUS hooks.
 */
export const DeliveryStatus = z
  .object({
    /** Absent ⇒ the first ACTIVE room bound to `channelId`. */
    roomId: z.string().min(1).optional(),
    channelId: z.string().min(1),
    provider: z.string().min(1),
    /** The vendor's id of the message the status is about. */
    messageId: z.string().min(1),
    /** Vendor vocabulary, lower case: `queued`, `sent`, `delivered`, `failed`, `read`… */
    status: z.string().min(1),
    recipient: z.string().default(''),
    sender: z.string().default(''),
    errorCode: z.string().optional(),
    errorMessage: z.string().optional(),
    /** ISO-8601. */
    timestamp: z.string().optional(),
    raw: JsonRecord.optional(),
  })
  .strict();
export type DeliveryStatus = z.input<typeof DeliveryStatus>;
export type ParsedDeliveryStatus = z.output<typeof DeliveryStatus>;
