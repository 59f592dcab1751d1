/**
 * Voice as the room sees it (RoomKit §19.1): references to audio, never audio. An utterance reaches
 * the room as an `AudioRef` (the bytes stay in the `AudioStore` of the process holding the call), and
 * a spoken answer leaves it as one. Plain types and schemas: the kit validates at its boundary, the
 * workflow only reads them.
 */
import { z } from 'zod';
import { ChannelBinding } from './channel.js';
import type { RoomEvent } from './event.js';

export const AudioEncoding = z.enum(['wav', 'pcm16', 'mulaw']);
export type AudioEncoding = z.infer<typeof AudioEncoding>;

/** How a byte string is to be read. For `wav` the header is authoritative; `sampleRate` repeats it. */
export const AudioFormat = z.object({
  encoding: AudioEncoding,
  sampleRate: z.number().int().min(1000).max(192_000),
}).strict();
export type AudioFormat = z.infer<typeof AudioFormat>;

export const AudioRef = z.object({
  id: z.string(),
  format: AudioFormat,
  durationMs: z.number().nonnegative(),
  bytes: z.number().int().nonnegative(),
}).strict();
/** A stored clip: its id, how to read its bytes (`format.sampleRate` is the rate), length and size. */
export type AudioRef = z.infer<typeof AudioRef>;

export { PHONE_AUDIO_FORMAT } from './phone-audio.js';

/** A time as the media plane knows it: an ISO 8601 string or epoch milliseconds (stored as ISO). */
const Instant = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]);

/** `kit.sendUtterance`: one finished utterance of a voice session, heard by the media plane. */
export const UtteranceInput = z.object({
  channelId: z.string().min(1),
  sessionId: z.string().min(1).max(200),
  senderId: z.string().min(1),
  audio: AudioRef,
  speechStartedAt: Instant,
  speechEndedAt: Instant,
  /** BCP 47 tag for the recogniser; the worker's `voice.language` when absent. */
  language: z.string().min(2).max(35).optional(),
}).strict();
export type UtteranceInput = z.input<typeof UtteranceInput>;

/** `kit.bargeIn`: the caller spoke over the room's answer `eventId` after `playedMs` of it. */
export const BargeInInput = z.object({
  channelId: z.string().min(1),
  sessionId: z.string().min(1).max(200),
  eventId: z.string().min(1),
  playedMs: z.number().nonnegative(),
  /** Length of the clip being played, when the media plane knows it better than the room. */
  durationMs: z.number().positive().optional(),
}).strict();
export type BargeInInput = z.input<typeof BargeInInput>;

/** Room commands of the voice path (times as ISO strings). */
export const VoiceCommands = [
  z.object({
    kind: z.literal('utterance'),
    channelId: z.string().min(1),
    sessionId: z.string().min(1),
    senderId: z.string().min(1),
    audio: AudioRef,
    speechStartedAt: z.string(),
    speechEndedAt: z.string(),
    language: z.string().optional(),
    /** The binding the voice channel gets if the room has none yet (auto-attach, as for any inbound). */
    defaultBinding: ChannelBinding,
  }),
  z.object({
    kind: z.literal('bargeIn'),
    channelId: z.string().min(1),
    sessionId: z.string().min(1),
    eventId: z.string().min(1),
    playedMs: z.number().nonnegative(),
    durationMs: z.number().positive().optional(),
  }),
] as const;

/** What the room knows of its worker's voice setup (`KitManifest.voice`): present ⇒ STT/TTS activities run there. */
export interface VoiceManifest {
  stt: boolean;
  tts: boolean;
}
export const VoiceManifest = z.object({ stt: z.boolean(), tts: z.boolean() });

/** What a `bargeIn` stored and stopped. */
export interface BargeInResult {
  /** The internal system event recording the interruption (RoomKit keep_partial_transcript). */
  event: RoomEvent;
  /** A synthesis of the interrupted answer was still running and was cancelled. */
  cancelled: boolean;
}

/**
 * A VoiceChannel's request to play a clip on a call, published on the room's realtime topic by the
 * worker that delivered it; the process holding the call receives it through `VoiceChannel.onPlay`.
 */
export interface VoicePlayRequest {
  type: 'voice.play';
  roomId: string;
  channelId: string;
  eventId: string;
  audio: AudioRef;
  text: string;
}

/** What a delivery to a voice binding carries in `event.metadata.voice`. */
export interface SpokenClip {
  audio: AudioRef;
  text: string;
  eventId: string;
}
