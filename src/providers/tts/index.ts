export {
  checkTextToSpeak, resolveSynthesizeOptions, SynthesizeOptionsSchema, type SynthesizedAudio, type SynthesizeOptions, type TTSProvider,
} from './base.js';
export { MockTTSProvider, type MockTTSCall, type MockTTSProviderOptions } from './mock.js';
