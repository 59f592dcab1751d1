/**
 * Facebook Messenger (Send API) configuration, parsed once where the provider is built.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';
import { graphConfigFields } from '../meta/config.js';

export const MessengerConfigSchema = z.object({
  /** Page access token with `pages_messaging`; sent as the `access_token` query parameter, as Meta documents. */
  pageAccessToken: z.string().min(1),
  /** The Page's id, or `me` (the Page the token belongs to). */
  pageId: z.string().min(1).default('me'),
  ...graphConfigFields,
  /** `RESPONSE` (within 24 h of the user's last message) unless a send says otherwise. */
  messagingType: z.enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']).default('RESPONSE'),
  /**
   * Add `appsecret_proof` (HMAC-SHA256 of the token with the app secret) to every call; needed when
   * the app requires it (App Settings › Advanced). Uses `appSecret`.
   */
  appSecretProof: z.boolean().default(false),
}).strict().refine((c) => !c.appSecretProof || c.appSecret, { message: 'appSecretProof needs appSecret', path: ['appSecret'] });

export type MessengerConfig = z.output<typeof MessengerConfigSchema>;
export type MessengerConfigInput = z.input<typeof MessengerConfigSchema>;

export function parseMessengerConfig(input: MessengerConfigInput): MessengerConfig {
  const parsed = MessengerConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('Messenger provider config', parsed.error.issues);
  return parsed.data;
}
