/**
 * What a room's run remembers of its voice path: which syntheses are in flight per voice binding (a
 * barge-in cancels them), the speech prepared early for answers whose commit is still being written,
 * and which answers it spoke (no event is spoken twice on a binding; a barge-in learns how long the
 * interrupted clip was). Per run, never carried: after continue-as-new nothing is in flight, and a
 * barge-in may give the clip's length itself.
 */
import { SPOKEN_MEMORY } from '../../src/core/voice.js';
import type { SpokenClip } from '../../src/models/index.js';
import type { TargetOutcome } from './outcomes.js';

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

/** Set when nobody will play an early speech any more (its plan ran without it). */
export interface SpeechToken { stale: boolean }

/** A clip ready to play, or the outcome when nothing is played (silence, a failure, already spoken). */
export type PreparedSpeech = { kind: 'clip'; clip: SpokenClip } | { kind: 'outcome'; outcome: TargetOutcome };

export interface PreparedEntry {
  speech: Promise<PreparedSpeech>;
  /** The binding's JSON when the speech was made (its voice and format decide the clip). */
  binding: string;
  token: SpeechToken;
}

export interface VoiceBook {
  /** Set once per run from the `voice` patch: answers to voice bindings are spoken. */
  enabled: boolean;
  /** Set once per run from the `early-speech` patch: speech is prepared while its commit is written. */
  early: boolean;
  /** Set once per run from the `stt-off-lock` patch: transcriptions run without holding the room. */
  offLock: boolean;
  /** Syntheses in flight, by voice channel id (more than one only with early speech). */
  speaking: Record<string, Speaking[]>;
  /** Early speech by channel id and event id (with the binding it was made for), until the event's plan takes it. */
  prepared: Map<string, PreparedEntry>;
  spoken: Spoken[];
}

export function newVoiceBook(): VoiceBook {
  return { enabled: false, early: false, offLock: false, speaking: {}, prepared: new Map(), spoken: [] };
}

export function startSpeaking(book: VoiceBook, channelId: string, entry: Speaking): void {
  (book.speaking[channelId] ??= []).push(entry);
}

export function stopSpeaking(book: VoiceBook, channelId: string, entry: Speaking): void {
  const left = (book.speaking[channelId] ?? []).filter((s) => s !== entry);
  if (left.length) book.speaking[channelId] = left;
  else delete book.speaking[channelId];
}

const preparedKey = (channelId: string, eventId: string): string => `${channelId}\n${eventId}`;

export function prepared(
  book: VoiceBook, channelId: string, eventId: string, speech: Promise<PreparedSpeech>, binding: string, token: SpeechToken,
): void {
  // Nobody may ever take it (the binding went away before the plan ran): its failure is not unhandled.
  speech.catch(() => undefined);
  book.prepared.set(preparedKey(channelId, eventId), { speech, binding, token });
}

export function takePrepared(book: VoiceBook, channelId: string, eventId: string): PreparedEntry | undefined {
  const key = preparedKey(channelId, eventId);
  const entry = book.prepared.get(key);
  book.prepared.delete(key);
  return entry;
}

/** The event's plan ran: early speech it did not take is dropped (and leaves the book alone when it ends). */
export function dropPrepared(book: VoiceBook, eventId: string): void {
  for (const [key, entry] of book.prepared) {
    if (!key.endsWith(`\n${eventId}`)) continue;
    entry.token.stale = true;
    book.prepared.delete(key);
  }
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
