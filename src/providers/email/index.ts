export type { EmailProvider, EmailSendOptions } from './base.js';
export { SMTPEmailConfigSchema, parseSMTPEmailConfig } from './config.js';
export type { SMTPEmailConfig, SMTPEmailConfigInput } from './config.js';
export { SMTPEmailProvider, createSMTPEmailProvider } from './client.js';
export { parseInboundEmail, stripQuotedReply } from './inbound.js';
export type { ParseInboundEmailOptions } from './inbound.js';
export {
  DEFAULT_EMAIL_SIGNATURE_HEADER, EmailWebhook, parseEmailWebhook, signEmailWebhook, verifyEmailWebhook,
} from './webhook.js';
export type { EmailWebhookOptions } from './webhook.js';
export { MockEmailProvider } from './mock.js';
export type { MockEmailCall, MockEmailFailure, MockEmailProviderOptions } from './mock.js';
export { outboundMessageId, threadRoot } from './threading.js';
