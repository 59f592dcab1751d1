export {
  BotFrameworkTeamsProvider, createTeamsProvider, type TeamsProviderOptions, type TeamsSendOptions, type TeamsTypingOptions,
} from './provider.js';
export {
  BOT_FRAMEWORK_ISSUER, BOT_FRAMEWORK_OPENID_METADATA_URL, BOT_FRAMEWORK_SCOPE, BOT_FRAMEWORK_TOKEN_URL,
  Jwk as BotFrameworkJwk, parseTeamsConfig, TeamsConfigSchema, type TeamsConfig, type TeamsConfigInput,
} from './config.js';
export {
  InMemoryConversationReferenceStore, type ConversationReference, type ConversationReferenceStore,
} from './conversation-store.js';
export {
  Activity as TeamsActivity, parseActivity as parseTeamsActivity, readActivity as readTeamsActivity, TEAMS_READ_RECEIPT_EVENT,
} from './activity.js';
export { SigningKeySource, SigningKeysUnavailableError } from './signing-keys.js';
export {
  parseTeamsWebhook, readTeamsToken, TeamsWebhookHandler, verifyTeamsWebhook, type TeamsVerifyOptions, type TeamsWebhookOptions,
} from './webhook.js';
export {
  MockTeamsProvider, type MockTeamsCall, type MockTeamsFailure, type MockTeamsProviderOptions, type MockTeamsTypingCall,
} from './mock.js';
