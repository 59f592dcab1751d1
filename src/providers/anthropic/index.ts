export { AnthropicAIProvider, createAnthropicProvider, fromAnthropicMessage, toAnthropicRequest } from './provider.js';
export {
  AnthropicConfigSchema, parseAnthropicConfig, type AnthropicConfig, type AnthropicConfigInput,
} from './config.js';
