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
// Vendor providers load their SDK on first `generate`, so these re-exports stay cheap to import.
export * from '../anthropic/index.js';
export * from '../openai/index.js';
export * from '../gemini/index.js';
