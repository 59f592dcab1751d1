import { z } from 'zod';
import {
  AccessSchema, ChannelCategorySchema, ChannelDirectionSchema, ChannelMediaTypeSchema, ChannelTypeSchema,
  DeliveryModeSchema,
} from './enums.js';
import { IsoTime, JsonRecord } from './json.js';

/** What a channel can show; transcoding is a pure function of content × capabilities. */
export const ChannelCapabilities = z.object({
  mediaTypes: z.array(ChannelMediaTypeSchema),
  maxLength: z.number().int().positive().optional(),
  supportsThreading: z.boolean().optional(),
  supportsReactions: z.boolean().optional(),
  supportsEdit: z.boolean().optional(),
  supportsDelete: z.boolean().optional(),
  supportsReadReceipts: z.boolean().optional(),
  supportsTyping: z.boolean().optional(),
  supportsTemplates: z.boolean().optional(),
  supportsRichText: z.boolean().optional(),
  supportsButtons: z.boolean().optional(),
  supportsCards: z.boolean().optional(),
  supportsQuickReplies: z.boolean().optional(),
  supportsMedia: z.boolean().optional(),
  supportsAudio: z.boolean().optional(),
  supportsVideo: z.boolean().optional(),
  maxButtons: z.number().int().positive().optional(),
  deliveryMode: DeliveryModeSchema.optional(),
  custom: JsonRecord.optional(),
});
export type ChannelCapabilities = z.infer<typeof ChannelCapabilities>;

/** Token bucket per binding; at least one rate must be given. */
export const RateLimit = z
  .object({
    maxPerSecond: z.number().positive().max(10_000).optional(),
    maxPerMinute: z.number().positive().max(600_000).optional(),
    maxPerHour: z.number().positive().max(36_000_000).optional(),
  })
  .strict()
  .refine((r) => r.maxPerSecond ?? r.maxPerMinute ?? r.maxPerHour, {
    message: 'rateLimit needs maxPerSecond, maxPerMinute or maxPerHour',
  });
export type RateLimit = z.infer<typeof RateLimit>;

/** Delivery retry policy; becomes the Temporal retry policy of the binding's delivery activity. */
export const RetryPolicy = z
  .object({
    maxRetries: z.number().int().min(0).max(100).default(3),
    baseDelaySeconds: z.number().positive().max(3600).default(1),
    maxDelaySeconds: z.number().positive().max(86_400).default(60),
    exponentialBase: z.number().min(1).max(10).default(2),
    /** Error type names that may be retried; absent ⇒ every error not marked permanent. */
    retryableErrors: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .refine((p) => p.maxDelaySeconds >= p.baseDelaySeconds, {
    message: 'maxDelaySeconds must be at least baseDelaySeconds',
    path: ['maxDelaySeconds'],
  });
export type RetryPolicy = z.infer<typeof RetryPolicy>;

/** A channel's per-room configuration. */
export const ChannelBinding = z.object({
  channelId: z.string().min(1),
  roomId: z.string().min(1),
  channelType: ChannelTypeSchema,
  category: ChannelCategorySchema,
  direction: ChannelDirectionSchema,
  access: AccessSchema,
  muted: z.boolean(),
  visibility: z.string().min(1),
  participantId: z.string().optional(),
  attachedAt: IsoTime,
  /** Snapshot of the channel's capabilities taken at attach time. */
  capabilities: ChannelCapabilities,
  rateLimit: RateLimit.optional(),
  retryPolicy: RetryPolicy.optional(),
  metadata: JsonRecord,
});
export type ChannelBinding = z.infer<typeof ChannelBinding>;

/** Options of `attachChannel`; unknown keys are refused so a typo is not silently ignored. */
export const BindingOptions = z
  .object({
    category: ChannelCategorySchema.optional(),
    access: AccessSchema.optional(),
    visibility: z.string().min(1).optional(),
    direction: ChannelDirectionSchema.optional(),
    participantId: z.string().optional(),
    metadata: JsonRecord.optional(),
    retryPolicy: RetryPolicy.optional(),
    rateLimit: RateLimit.optional(),
  })
  .strict();
export type BindingOptions = z.input<typeof BindingOptions>;

export { canRead, canWrite } from './access.js';
