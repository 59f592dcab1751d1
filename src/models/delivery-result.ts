import { z } from 'zod';
import { JsonRecord } from './json.js';

export const ProviderResult = z.object({
  success: z.boolean(),
  providerMessageId: z.string().optional(),
  error: z.string().optional(),
  metadata: JsonRecord.optional(),
});
export type ProviderResult = z.infer<typeof ProviderResult>;

export const DeliveryError = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
});
export type DeliveryError = z.infer<typeof DeliveryError>;

export const DeliveryResult = z.object({
  channelId: z.string(),
  status: z.enum(['sent', 'queued', 'failed']),
  providerMessageId: z.string().optional(),
  error: DeliveryError.optional(),
  retryAfter: z.number().optional(),
  providerResult: ProviderResult.optional(),
});
export type DeliveryResult = z.infer<typeof DeliveryResult>;
