export { deepgramUpload, fromDeepgramResponse, type DeepgramUpload } from './client.js';
export { DeepgramConfigSchema, parseDeepgramConfig, type DeepgramConfig, type DeepgramConfigInput } from './config.js';
export { MockDeepgramSTTProvider } from './mock.js';
export { createDeepgramProvider, DeepgramSTTProvider } from './provider.js';
export { VoiceVendorError } from '../../voice/errors.js';
