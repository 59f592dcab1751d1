export {
  OpenAIAIProvider, createOpenAIProvider, createVLLMProvider, fromChatCompletion, toChatCompletionRequest,
  type OpenAIProviderIdentity,
} from './provider.js';
export {
  OpenAIConfigSchema, VLLMConfigSchema, parseOpenAIConfig, parseVLLMConfig,
  type OpenAIConfig, type OpenAIConfigInput, type VLLMConfigInput,
} from './config.js';
