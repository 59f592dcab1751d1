export { TwilioMessagesClient } from './client.js';
export type { CreateOutcome, TwilioMessage, TwilioMessageParams } from './client.js';
export {
  parseTwilioConfig, parseTwilioRCSConfig, TWILIO_API_URL, TwilioConfigSchema, TwilioRCSConfigSchema,
  type TwilioConfig, type TwilioConfigInput, type TwilioRCSConfig, type TwilioRCSConfigInput,
} from './config.js';
export { buildInboundContent, outboundParts } from './content.js';
export { MockTwilioSMSProvider, signedTwilioRequest } from './mock.js';
export type { MockTwilioCall, MockTwilioFailure, MockTwilioProviderOptions } from './mock.js';
export { createTwilioRCSProvider, createTwilioSMSProvider, TwilioRCSProvider, TwilioSMSProvider } from './provider.js';
export type { TwilioRCSSendOptions, TwilioSendOptions } from './provider.js';
export { EMPTY_TWIML, parseTwilioWebhook, TwilioWebhookHandler, verifyTwilioWebhook } from './webhook.js';
export type { TwilioParams, TwilioWebhookOptions } from './webhook.js';

import type { TwilioConfigInput } from './config.js';
import { TwilioSMSProvider } from './provider.js';

/** The Twilio SMS provider (`createTwilioRCSProvider` for RCS). */
export function createTwilioProvider(config: TwilioConfigInput): TwilioSMSProvider {
  return new TwilioSMSProvider(config);
}
