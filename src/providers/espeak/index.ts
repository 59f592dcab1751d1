export { ESPEAK_DEBIAN_PACKAGE, runEspeak, type EspeakRun } from './client.js';
export { EspeakConfigSchema, EspeakVoice, parseEspeakConfig, type EspeakConfig, type EspeakConfigInput } from './config.js';
export { MockEspeakTTSProvider } from './mock.js';
export { createEspeakProvider, EspeakTTSProvider } from './provider.js';
export {
  EngineAbortedError, EngineError, EngineFailedError, EngineNotInstalledError, EngineOutputTooLargeError, EngineTimeoutError,
} from '../engine.js';
