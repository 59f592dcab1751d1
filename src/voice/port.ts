/**
 * The media plane's only view of the rooms. The process holding a call speaks to its room through
 * this port: audio stays here, an utterance goes to the `AudioStore` and only its `AudioRef` crosses.
 * The room side (RoomKit) implements it; tests implement it in memory.
 */
import type { AudioRef } from './audio-store.js';

export interface VoicePort {
  /** A call connected: which room it belongs to (the adapter routes by caller or by a roomId parameter). */
  openSession(input: { channelId: string; sessionId: string; callerId: string; parameters: Record<string, string> }): Promise<{ roomId: string }>;
  /** The caller finished an utterance, already in the AudioStore. */
  utterance(input: { roomId: string; channelId: string; sessionId: string; senderId: string; audio: AudioRef; speechStartedAt: string; speechEndedAt: string }): Promise<void>;
  /** The caller barged in: playback of eventId was cut after playedMs. */
  bargeIn(input: { roomId: string; channelId: string; sessionId: string; eventId: string; playedMs: number }): Promise<void>;
  /** Play requests for this room's voice channel (answers synthesized by the room); returns unsubscribe. */
  onPlay(roomId: string, channelId: string, cb: (req: { eventId: string; audio: AudioRef; text: string }) => void): Promise<() => Promise<void>>;
  /** The call ended (caller hung up, stream stopped, socket dropped). */
  closeSession?(input: { roomId: string; channelId: string; sessionId: string; reason: string }): Promise<void>;
}

/** What `VoicePort.onPlay` hands a session. */
export type PlayRequest = Parameters<Parameters<VoicePort['onPlay']>[2]>[0];
