export { createHttpWebhookProvider, WebhookHTTPProvider, type HttpWebhookProviderOptions } from './provider.js';
export {
  HttpWebhookConfigSchema, parseHttpWebhookConfig, type HttpWebhookConfig, type HttpWebhookConfigInput,
} from './config.js';
export { assertPublicHost, isPrivateAddress, PrivateNetworkError, type LookupFn } from './private-network.js';
export { ROOMKIT_SIGNATURE_HEADER, roomKitSignature, verifyRoomKitSignature } from './signature.js';
export {
  HttpWebhookHandler, HttpWebhookPayload, parseHttpWebhook, verifyHttpWebhook, type HttpWebhookHandlerOptions,
} from './webhook.js';
export { MockWebhookHTTPProvider, type MockHttpWebhookCall, type MockHttpWebhookFailure } from './mock.js';
