/**
 * The media plane: audio formats and conversions, the `AudioStore`, voice activity detection, and
 * the process holding calls (sessions, turn-taking, barge-in, the Twilio and browser transports).
 */
export {
  AudioEncoding, AudioFormat, audioDurationMs, convertAudio, decodeAudio, encodeAudio, mulawDecodeSample, mulawEncodeSample,
  mulawToPcm16, parseWav, pcm16FromBytes, pcm16ToBytes, pcm16ToMulaw, resample, wavFormat, writeWav,
  type PcmAudio, type WavInfo,
} from './audio.js';
export {
  AUDIO_ID, AudioRef, checkAudioId, describeAudio, FileAudioStore, InMemoryAudioStore, newAudioId, type AudioStore,
} from './audio-store.js';
export { AudioRetention, type AudioSweeper, MIN_AUDIO_RETENTION_MS, retainAudio } from './audio-retention.js';
export {
  AudioFormatError, AudioNotFoundError, InvalidAudioRefError, InvalidSessionTransitionError, VoiceError, VoiceProtocolError,
  VoiceVendorError, type VoiceVendorFailureKind,
} from './errors.js';
export type { PlayRequest, VoicePort } from './port.js';
export type { VoiceBackend, VoiceBackendHandlers, VoiceCallInfo } from './backend.js';
export { type CutterEvent, TurnOptions, UtteranceCutter } from './utterance-cutter.js';
export { BargeInOptions, nextSessionState, VoiceSession, type VoiceSessionOptions, VoiceSessionState } from './session.js';
export { MAX_BAD_MESSAGES } from './backends/socket-backend.js';
export {
  TWILIO_FRAME_BYTES, TWILIO_SAMPLE_RATE, TwilioMediaStreamBackend, TwilioStreamMessage,
} from './backends/twilio-media-streams.js';
export { createTwilioCallRouter, type TwilioCallRouteOptions, twilioStreamTwiml, type TwilioStreamTwimlInput } from './backends/twilio-twiml.js';
export { BROWSER_FRAME_BYTES, BROWSER_SAMPLE_RATE, BrowserClientMessage, BrowserVoiceBackend } from './backends/browser.js';
export {
  attachVoiceStreams, mountVoice, type MountVoiceOptions, type VoiceStreams, type VoiceStreamsOptions, type VoiceTransport,
} from './mount.js';
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
// The adapter joining the two halves: a `VoicePort` made of a RoomKit and its VoiceChannel.
export {
  BROWSER_CALL_FORMAT, callAudioFormat, kitVoicePort, type KitVoicePortOptions, TWILIO_CALL_FORMAT,
} from '../kit/voice-port.js';
