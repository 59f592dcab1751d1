export { TelnyxRCSProvider, TelnyxSMSProvider } from './provider.js';
export type { RCSCapability } from './provider.js';
export {
  parseTelnyxRCSConfig, parseTelnyxSMSConfig, TelnyxRCSConfigSchema, TelnyxSMSConfigSchema,
} from './config.js';
export type { TelnyxRCSConfig, TelnyxRCSConfigInput, TelnyxSMSConfig, TelnyxSMSConfigInput } from './config.js';
export { parseTelnyxWebhook, TelnyxWebhookHandler, verifyTelnyxWebhook } from './webhook.js';
export type { TelnyxVerifyOptions, TelnyxWebhookOptions } from './webhook.js';
export { MockTelnyxSMSProvider } from './mock.js';
export type { MockTelnyxCall, MockTelnyxFailure } from './mock.js';

import { TelnyxRCSProvider, TelnyxSMSProvider } from './provider.js';
import type { TelnyxRCSConfigInput, TelnyxSMSConfigInput } from './config.js';

/** @example const telnyx = createTelnyxProvider({ apiKey, fromNumber: '+15550000000', publicKey }); */
export function createTelnyxProvider(config: TelnyxSMSConfigInput): TelnyxSMSProvider {
  return new TelnyxSMSProvider(config);
}

/** @example const rcs = createTelnyxRCSProvider({ apiKey, agentId, messagingProfileId, fallbackFrom }); */
export function createTelnyxRCSProvider(config: TelnyxRCSConfigInput): TelnyxRCSProvider {
  return new TelnyxRCSProvider(config);
}
