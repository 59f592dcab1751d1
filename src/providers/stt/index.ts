export {
  resolveTranscribeOptions, Transcript, TranscribeOptionsSchema, TranscriptWord,
  type AudioInput, type STTProvider, type TranscribeOptions,
} from './base.js';
export { abortableDelay, MockSTTProvider, type MockSTTCall, type MockSTTProviderOptions } from './mock.js';
