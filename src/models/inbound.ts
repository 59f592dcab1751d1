import { z } from 'zod';
import { EventContent } from './content.js';
import { EventTypeSchema } from './enums.js';
import { RoomEvent } from './event.js';
import { DeliveryResult } from './delivery-result.js';
import { jsonBytes, JsonRecord, LIMITS } from './json.js';

/** A message arriving from outside through a channel. Unknown keys are refused. */
export const InboundMessage = z
  .object({
    channelId: z.string().min(1, 'channelId must not be empty'),
    senderId: z.string().min(1, 'senderId must not be empty'),
    content: EventContent,
    eventType: EventTypeSchema.optional(),
    externalId: z.string().optional(),
    threadId: z.string().optional(),
    parentEventId: z.string().optional(),
    /** Per-room dedupe key; a repeat replays the original committed event. */
    idempotencyKey: z.string().min(1).max(512).optional(),
    rawPayload: JsonRecord.optional(),
    providerMessageId: z.string().optional(),
    metadata: JsonRecord.optional(),
    visibility: z.string().min(1).optional(),
    addressedTo: z.array(z.string()).optional(),
    responseVisibility: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const bytes = jsonBytes(m);
    if (!Number.isFinite(bytes)) return; // too deep to serialise: the JSON depth check has refused it
    if (bytes > LIMITS.messageBytes) {
      ctx.addIssue({
        code: 'custom', path: [],
        message: `message is ${bytes} bytes as JSON, over the ${LIMITS.messageBytes}-byte limit; keep large payloads out of the room`,
      });
    }
  });
export type InboundMessage = z.input<typeof InboundMessage>;
export type ParsedInboundMessage = z.output<typeof InboundMessage>;

/** A failure reported as data (an `Error` does not cross the workflow boundary). */
export const ErrorInfo = z.object({ type: z.string(), message: z.string() });
export type ErrorInfo = z.infer<typeof ErrorInfo>;

export const InboundResult = z.object({
  event: RoomEvent.optional(),
  blocked: z.boolean(),
  reason: z.string().optional(),
  /** First intelligence-channel failure of the cascade. */
  error: ErrorInfo.optional(),
  /** Delivery outcome per target of the root event. */
  deliveryResults: z.record(z.string(), DeliveryResult),
});
export type InboundResult = z.infer<typeof InboundResult>;

/** Options of `kit.sendEvent`: a message authored by a bound channel, through the same pipeline. */
export const SendEventOptions = z
  .object({
    eventType: EventTypeSchema.optional(),
    chainDepth: z.number().int().nonnegative().optional(),
    participantId: z.string().optional(),
    metadata: JsonRecord.optional(),
    visibility: z.string().min(1).optional(),
    responseVisibility: z.string().min(1).optional(),
    parentEventId: z.string().optional(),
    idempotencyKey: z.string().min(1).max(512).optional(),
    addressedTo: z.array(z.string()).optional(),
  })
  .strict();
export type SendEventOptions = z.input<typeof SendEventOptions>;
