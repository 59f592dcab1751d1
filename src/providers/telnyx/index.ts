export { TelnyxSMSProvider } from './client.js';
export { TelnyxRCSProvider } from './rcs-client.js';
export type { RCSCapability } from './rcs-client.js';
export {
  parseTelnyxRCSConfig, parseTelnyxSMSConfig, TelnyxRCSConfigSchema, TelnyxSMSConfigSchema,
} from './config.js';
export type { TelnyxRCSConfig, TelnyxRCSConfigInput, TelnyxSMSConfig, TelnyxSMSConfigInput } from './config.js';
export { TelnyxWebhookHandler } from './webhook.js';
export type { TelnyxWebhookOptions } from './webhook.js';
export { MockTelnyxSMSProvider } from './mock.js';
export type { MockTelnyxCall, MockTelnyxFailure } from './mock.js';

import { TelnyxSMSProvider } from './client.js';
import type { TelnyxRCSConfigInput, TelnyxSMSConfigInput } from './config.js';
import { TelnyxRCSProvider } from './rcs-client.js';

/** @example const telnyx = createTelnyxProvider({ apiKey, fromNumber: '+15550000000', publicKey }); */
export function createTelnyxProvider(config: TelnyxSMSConfigInput): TelnyxSMSProvider {
  return new TelnyxSMSProvider(config);
}

/** @example const rcs = createTelnyxRCSProvider({ apiKey, agentId, messagingProfileId, fallbackFrom }); */
export function createTelnyxRCSProvider(config: TelnyxRCSConfigInput): TelnyxRCSProvider {
  return new TelnyxRCSProvider(config);
}
