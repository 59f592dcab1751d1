export {
  OpenAIAIProvider, createOpenAIProvider, createVLLMProvider, fromChatCompletion, toChatCompletionRequest,
  type OpenAIProviderIdentity,
} from './provider.js';
export {
  OpenAIConfigSchema, VLLMConfigSchema, parseOpenAIConfig, parseVLLMConfig,
  type OpenAIConfig, type OpenAIConfigInput, type VLLMConfigInput,
} from './config.js';
export { createOpenAISTTProvider, fromOpenAITranscription, OpenAISTTProvider } from './stt.js';
export { createOpenAITTSProvider, OPENAI_PCM_FORMAT, OpenAITTSProvider } from './tts.js';
export { VoiceVendorError } from '../../voice/errors.js';
export {
  OpenAISpeechConfigSchema, OpenAITranscriptionConfigSchema, parseOpenAISpeechConfig, parseOpenAITranscriptionConfig,
  type OpenAISpeechConfig, type OpenAISpeechConfigInput, type OpenAITranscriptionConfig, type OpenAITranscriptionConfigInput,
} from './audio-config.js';
