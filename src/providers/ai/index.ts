export {
  AIProviderError, RETRYABLE_STATUS_CODES,
  type AIContentPart, type AIContext, type AIGenerateOptions, type AIImagePart, type AIMessage, type AIProvider,
  type AIProviderErrorOptions, type AIResponse, type AIRole, type AITextPart, type AIThinkingPart, type AITool,
  type AIToolCall, type AIToolCallPart, type AIToolResultPart, type AIUsage,
} from './base.js';
export { MockAIProvider, type MockAIProviderOptions } from './mock.js';
