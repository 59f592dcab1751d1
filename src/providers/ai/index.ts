export {
  AIProviderError, RETRYABLE_STATUS_CODES,
  type AIContentPart, type AIContext, type AIGenerateOptions, type AIImagePart, type AIMessage, type AIProvider,
  type AIProviderErrorOptions, type AIResponse, type AIRole, type AITextPart, type AIThinkingPart, type AITool,
  type AIToolCall, type AIToolCallPart, type AIToolResultPart, type AIUsage, type AIStreamEvent,
} from './base.js';
export { MockAIProvider, type MockAIProviderOptions, type MockStreamError } from './mock.js';
export {
  isContextOverflow, malformedResponse, parseRetryAfter, toAIProviderError,
  type ClassifyOptions, type FailureFacts,
} from './classify.js';
// Vendors are on their own subpaths: providers/anthropic, providers/openai, providers/gemini.
