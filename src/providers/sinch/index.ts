export { SinchSMSProvider } from './provider.js';
export { sinchError } from './client.js';
export { parseSinchConfig, SinchConfigSchema } from './config.js';
export type { SinchConfig, SinchConfigInput } from './config.js';
export { sinchLegacySignature, sinchSignature } from './signature.js';
export type { SinchSignatureScheme } from './signature.js';
export { parseSinchWebhook, SinchWebhookHandler, verifySinchWebhook } from './webhook.js';
export type { SinchWebhookOptions } from './webhook.js';
export { MockSinchSMSProvider } from './mock.js';
export type { MockSinchCall, MockSinchFailure } from './mock.js';

import { SinchSMSProvider } from './provider.js';
import type { SinchConfigInput } from './config.js';

/** @example const sinch = createSinchProvider({ servicePlanId, apiToken, fromNumber: '+15550000000' }); */
export function createSinchProvider(config: SinchConfigInput): SinchSMSProvider {
  return new SinchSMSProvider(config);
}
