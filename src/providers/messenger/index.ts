export { createMessengerProvider, FacebookMessengerProvider, type MessengerSendOptions } from './provider.js';
export { MESSENGER_RETRYABLE_CODES, type MessengerSenderAction } from './client.js';
export {
  MessengerConfigSchema, parseMessengerConfig, type MessengerConfig, type MessengerConfigInput,
} from './config.js';
export {
  MockMessengerProvider, type MockMessengerAction, type MockMessengerCall, type MockMessengerFailure,
} from './mock.js';
export { attachmentType, messengerMessages, type MessengerMessage } from './payload.js';
export {
  createMessengerWebhook, MESSENGER_WATERMARK_PREFIX, messengerWatermark, parseMessengerPayload, parseMessengerWebhook,
  verifyMessengerWebhook, type MessengerWebhookOptions,
} from './webhook.js';
export {
  MESSENGER_WINDOW_CLOSED_MESSAGE, MESSENGER_WINDOW_CODE, MESSENGER_WINDOW_SUBCODE, messengerWindowClosedResult,
} from './window.js';
