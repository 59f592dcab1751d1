/**
 * The voice path's pure decisions (RoomKit §19.1): what a voice hook sees, what a voice binding
 * speaks, in which format, and how much of an interrupted answer was heard. The room workflow
 * applies them; STT and TTS run in activities.
 */
import type { AudioFormat } from '../models/voice.js';
import { PHONE_AUDIO_FORMAT } from '../models/phone-audio.js';
import type { ChannelBinding } from '../models/channel.js';
import type { ChannelDirection } from '../models/enums.js';
import type { RoomEvent } from '../models/event.js';
import { extractText } from '../models/text.js';
import type { Stamp } from './events.js';

/**
 * The payload of a voice hook (ON_SPEECH_*, ON_TRANSCRIPTION, BEFORE_TTS, AFTER_TTS, ON_BARGE_IN,
 * ON_TTS_CANCELLED): a synthetic event from the voice channel, never stored. Its text is the
 * transcript or the text to speak (a `modify` rewrites it); `metadata.voice` carries the session,
 * the audio ref and the times.
 */
export function voiceHookEvent(
  stamp: Stamp,
  from: { channelId: string; direction: ChannelDirection; participantId?: string },
  body: string,
  voice: Record<string, unknown>,
): RoomEvent {
  return {
    id: stamp.id,
    roomId: stamp.roomId,
    type: 'message',
    source: {
      channelId: from.channelId, channelType: 'voice', direction: from.direction,
      ...(from.participantId !== undefined && { participantId: from.participantId }),
    },
    content: { type: 'text', body },
    status: 'pending',
    visibility: 'all',
    index: 0,
    chainDepth: 0,
    createdAt: stamp.now,
    metadata: { voice },
  };
}

/** The text a hook's (possibly modified) payload carries; undefined when it is not text any more. */
export function textOf(event: Pick<RoomEvent, 'content'>): string | undefined {
  return event.content.type === 'text' ? event.content.body : undefined;
}

/**
 * What a voice binding says for an event, or undefined for silence: system events and internal
 * events are never spoken (RoomKit's VoiceChannel.deliver ignores them), nor is an empty text.
 */
export function speakableText(event: RoomEvent): string | undefined {
  if (event.type !== 'message' || event.content.type === 'system' || event.visibility === 'internal') return undefined;
  const text = extractText(event).trim();
  return text || undefined;
}

/**
 * The clip format a voice binding plays: its `metadata.audioFormat` (checked by the synthesize
 * activity), else 8 kHz μ-law, a phone call's.
 */
export function bindingAudioFormat(binding: Pick<ChannelBinding, 'metadata'>): AudioFormat {
  const wanted = binding.metadata?.audioFormat;
  return wanted && typeof wanted === 'object' && !Array.isArray(wanted) ? (wanted as AudioFormat) : PHONE_AUDIO_FORMAT;
}

/** The TTS voice a binding asks for (`metadata.voice`), if any. */
export function bindingVoice(binding: Pick<ChannelBinding, 'metadata'>): string | undefined {
  const voice = binding.metadata?.voice;
  return typeof voice === 'string' && voice ? voice : undefined;
}

/** Share of a clip heard before the barge-in, 0–100 with one decimal; null when its length is unknown. */
export function playedPercentage(playedMs: number, durationMs: number | undefined): number | null {
  if (!durationMs || durationMs <= 0) return null;
  return Math.min(100, Math.round((playedMs / durationMs) * 1000) / 10);
}

/** Answers a room remembers having spoken, newest last: enough to dedupe and to measure a barge-in. */
export const SPOKEN_MEMORY = 50;
