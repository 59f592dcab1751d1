/** The media plane: audio formats and conversions, the `AudioStore`, voice activity detection. */
export {
  AudioEncoding, AudioFormat, audioDurationMs, convertAudio, decodeAudio, encodeAudio, mulawDecodeSample, mulawEncodeSample,
  mulawToPcm16, parseWav, pcm16FromBytes, pcm16ToBytes, pcm16ToMulaw, resample, wavFormat, writeWav,
  type PcmAudio, type WavInfo,
} from './audio.js';
export {
  AUDIO_ID, AudioRef, checkAudioId, describeAudio, FileAudioStore, InMemoryAudioStore, newAudioId, type AudioStore,
} from './audio-store.js';
export {
  AudioFormatError, AudioNotFoundError, InvalidAudioRefError, VoiceError, VoiceVendorError, type VoiceVendorFailureKind,
} from './errors.js';
export { detectSpeech, EnergyVad, EnergyVadOptions, frameDb, type VadEvent } from './vad.js';
// Speech as durable steps: the activity factory and its input/output shapes (activities/voice.ts).
export {
  createVoiceActivities, type SynthesizeInput, type TranscribeInput, type TranscribeOutput, type VoiceActivities, type VoiceDeps,
} from '../../activities/voice.js';
// The room side of a call: the channel whose answers are spoken, and what the kit's voice verbs take.
export { VoiceChannel, type VoicePlayCallback } from '../channels/voice.js';
export {
  BargeInInput, PHONE_AUDIO_FORMAT, UtteranceInput, type BargeInResult, type SpokenClip, type VoicePlayRequest,
} from '../models/voice.js';
export type { KitVoiceDeps } from '../../activities/voice.js';
export type { VoiceOptions } from '../kit/options.js';
