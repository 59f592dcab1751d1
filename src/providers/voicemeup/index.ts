export { VoiceMeUpSMSProvider } from './provider.js';
export { voiceMeUpError } from './client.js';
export { parseVoiceMeUpConfig, VoiceMeUpConfigSchema } from './config.js';
export type { VoiceMeUpConfig, VoiceMeUpConfigInput } from './config.js';
export { splitMessage, VOICEMEUP_MAX_LENGTH } from './split.js';
export { parseVoiceMeUpWebhook, verifyVoiceMeUpWebhook, VoiceMeUpWebhookHandler } from './webhook.js';
export type { SplitMmsBuffer, VoiceMeUpWebhookOptions } from './webhook.js';
export { MockVoiceMeUpSMSProvider } from './mock.js';
export type { MockVoiceMeUpCall } from './mock.js';

import { VoiceMeUpSMSProvider } from './provider.js';
import type { VoiceMeUpConfigInput } from './config.js';

/** @example const vmu = createVoiceMeUpProvider({ username, authToken, fromNumber: '+15145550000', webhookSecret }); */
export function createVoiceMeUpProvider(config: VoiceMeUpConfigInput): VoiceMeUpSMSProvider {
  return new VoiceMeUpSMSProvider(config);
}
