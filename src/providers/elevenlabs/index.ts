export { elevenLabsAudioFormat } from './client.js';
export {
  ElevenLabsConfigSchema, ElevenLabsOutputFormat, parseElevenLabsConfig, type ElevenLabsConfig, type ElevenLabsConfigInput,
} from './config.js';
export { MockElevenLabsTTSProvider } from './mock.js';
export { createElevenLabsProvider, ElevenLabsTTSProvider } from './provider.js';
export { VoiceVendorError } from '../../voice/errors.js';
