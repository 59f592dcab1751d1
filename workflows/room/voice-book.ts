/**
 * What a room's run remembers of its voice path: which synthesis is in flight per voice binding (a
 * barge-in cancels it) and which answers it spoke (no event is spoken twice on a binding; a barge-in
 * learns how long the interrupted clip was). Per run, never carried: after continue-as-new nothing
 * is in flight, and a barge-in may give the clip's length itself.
 */
import { SPOKEN_MEMORY } from '../../src/core/voice.js';

export interface Speaking {
  eventId: string;
  text: string;
  cancel: () => void;
}

export interface Spoken {
  channelId: string;
  eventId: string;
  text: string;
  durationMs?: number;
}

export interface VoiceBook {
  /** Set once per run from the `voice` patch: answers to voice bindings are spoken. */
  enabled: boolean;
  /** By voice channel id. */
  speaking: Record<string, Speaking>;
  spoken: Spoken[];
}

export function newVoiceBook(): VoiceBook {
  return { enabled: false, speaking: {}, spoken: [] };
}

export function wasSpoken(book: VoiceBook, channelId: string, eventId: string): Spoken | undefined {
  return book.spoken.find((s) => s.channelId === channelId && s.eventId === eventId);
}

export function rememberSpoken(book: VoiceBook, entry: Spoken): void {
  const i = book.spoken.findIndex((s) => s.channelId === entry.channelId && s.eventId === entry.eventId);
  if (i >= 0) book.spoken[i] = entry;
  else book.spoken.push(entry);
  if (book.spoken.length > SPOKEN_MEMORY) book.spoken.shift();
}
