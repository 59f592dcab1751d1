export { WHATSAPP_RETRYABLE_CODES } from './client.js';
export { createWhatsAppProvider, WhatsAppProvider, type WhatsAppSendOptions } from './provider.js';
export {
  parseWhatsAppConfig, WhatsAppConfigSchema, type WhatsAppConfig, type WhatsAppConfigInput,
} from './config.js';
export {
  MockWhatsAppProvider, type MockWhatsAppCall, type MockWhatsAppFailure, type MockWhatsAppProviderOptions, type MockWhatsAppReadCall,
} from './mock.js';
export { mediaKind, messageBodies, type WhatsAppMessageBody } from './payload.js';
export {
  componentsFromParameters, templateBody, templateFromContent,
  type WhatsAppTemplate, type WhatsAppTemplateComponent, type WhatsAppTemplateParameter,
} from './template.js';
export {
  createWhatsAppWebhook, parseWhatsAppPayload, parseWhatsAppWebhook, verifyWhatsAppWebhook, type WhatsAppWebhookOptions,
} from './webhook.js';
// The generic window helpers (isWindowClosed, SERVICE_WINDOW_MS) are exported by providers/meta.
export { LEGACY_WINDOW_CLOSED_CODE, WINDOW_CLOSED_CODE, WINDOW_CLOSED_MESSAGE, windowClosedResult } from './window.js';
