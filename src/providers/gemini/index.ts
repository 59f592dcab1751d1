export { GeminiAIProvider, createGeminiProvider, fromGeminiResponse, toGeminiRequest } from './provider.js';
export {
  GeminiConfigSchema, parseGeminiConfig, type GeminiConfig, type GeminiConfigInput,
} from './config.js';
