/**
 * WhatsApp Cloud API configuration, parsed once where the provider is built; library code never
 * reads the environment.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';
import { graphConfigFields } from '../meta/config.js';

export const WhatsAppConfigSchema = z.object({
  /** System-user or business token (`Authorization: Bearer`). */
  accessToken: z.string().min(1),
  /** The business phone number's Graph id (not the number itself). */
  phoneNumberId: z.string().min(1),
  ...graphConfigFields,
  /** Template language when the template content names none (Meta locale code). */
  defaultTemplateLanguage: z.string().min(1).default('en_US'),
  /** Ask WhatsApp to render a link preview for URLs in text messages. */
  previewUrl: z.boolean().default(false),
}).strict();

export type WhatsAppConfig = z.output<typeof WhatsAppConfigSchema>;
export type WhatsAppConfigInput = z.input<typeof WhatsAppConfigSchema>;

/** Validates and fills defaults; the error names the field, never the token's value. */
export function parseWhatsAppConfig(input: WhatsAppConfigInput): WhatsAppConfig {
  const parsed = WhatsAppConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('WhatsApp provider config', parsed.error.issues);
  return parsed.data;
}
