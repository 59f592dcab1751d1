export { parsePocketsphinxOutput, POCKETSPHINX_DEBIAN_PACKAGES, POCKETSPHINX_SAMPLE_RATE, runPocketsphinx, type PocketsphinxRun } from './client.js';
export {
  DEBIAN_EN_US_MODEL, parsePocketsphinxConfig, PocketsphinxConfigSchema, type PocketsphinxConfig, type PocketsphinxConfigInput,
} from './config.js';
export { MockPocketsphinxSTTProvider } from './mock.js';
export { createPocketsphinxProvider, PocketsphinxSTTProvider } from './provider.js';
export {
  EngineAbortedError, EngineError, EngineFailedError, EngineNotInstalledError, EngineOutputTooLargeError, EngineTimeoutError,
} from '../engine.js';
