/**
 * VoiceChannel (RoomKit §19.1), the room side: a transport whose answers are spoken. The room
 * synthesises each answer (BEFORE_TTS → TTS activity → AFTER_TTS) and hands the clip's `AudioRef` to
 * `deliver` in `event.metadata.voice`; `deliver` (in the worker's deliver activity) publishes a
 * `voice.play` request on the room's realtime topic, and the process holding the call plays it
 * (`onPlay`). Like the WebSocketChannel, the two processes meet on the kit's `RealtimeBackend`:
 * in memory in one process, Redis across processes.
 *
 * What the caller says goes the other way: the media plane detects an utterance, stores it in the
 * `AudioStore` and calls `kit.sendUtterance`; speaking over an answer is `kit.bargeIn`.
 *
 * @example
 * const voice = new VoiceChannel('phone');
 * kit.registerChannel(voice);
 * await kit.attachChannel('room-1', 'phone', { metadata: { audioFormat: { encoding: 'mulaw', sampleRate: 8000 } } });
 * const stop = await voice.onPlay('room-1', async (play) => call.play(await audioStore.get(play.audio)));
 */
import type { ChannelBinding, ChannelCapabilities, ChannelType, RoomEvent, SpokenClip, VoicePlayRequest } from '../models/index.js';
import { InMemoryRealtime } from '../realtime/in-memory.js';
import { roomTopic, type RealtimeBackend } from '../realtime/backend.js';
import { Channel, type DeliverOutput } from './channel.js';
import type { RoomContext } from './room-context.js';

/** Called with each clip to play on a call of the room; a failure is the callback's own. */
export type VoicePlayCallback = (request: VoicePlayRequest) => void | Promise<void>;

export class VoiceChannel extends Channel {
  readonly channelType: ChannelType = 'voice';
  private realtime?: RealtimeBackend;

  override capabilities(): ChannelCapabilities {
    return { mediaTypes: ['audio', 'text'] };
  }

  /**
   * Route play requests through `backend` (the kit does this when the channel is registered). A
   * channel never registered on a kit uses an in-process backend of its own.
   */
  useRealtime(backend: RealtimeBackend): void {
    if (this.realtime === backend) return;
    if (this.realtime) throw new Error(`VoiceChannel ${this.channelId} already uses a realtime backend`);
    this.realtime = backend;
  }

  private backend(): RealtimeBackend {
    this.realtime ??= new InMemoryRealtime();
    return this.realtime;
  }

  /**
   * Ask the process holding the room's call to play the clip the room synthesised for `event`. An
   * event without a clip (spoken by no one: text on a voice binding of a room that does not speak)
   * is acknowledged and not played. Throws when the realtime backend refuses the request, so the
   * delivery is retried like any transport's.
   */
  override async deliver(event: RoomEvent, binding: ChannelBinding, _ctx?: RoomContext): Promise<DeliverOutput> {
    const clip = spokenClip(event);
    if (!clip) return { providerResult: { success: true, metadata: { played: false } } };
    const request: VoicePlayRequest = {
      type: 'voice.play', roomId: binding.roomId, channelId: this.channelId, eventId: clip.eventId, audio: clip.audio, text: clip.text,
    };
    await this.backend().publish(roomTopic(binding.roomId), { kind: 'voice', request });
    return { providerResult: { success: true, metadata: { played: true, audio_id: clip.audio.id, duration_ms: clip.audio.durationMs } } };
  }

  /**
   * Receive this channel's play requests for `roomId` (in the process holding the call). Resolves
   * once subscribed, with a function that ends the subscription.
   */
  async onPlay(roomId: string, callback: VoicePlayCallback): Promise<() => Promise<void>> {
    const backend = this.backend();
    const id = await backend.subscribe(roomTopic(roomId), async (message) => {
      if (message.kind === 'voice' && message.request.channelId === this.channelId) await callback(message.request);
    });
    return async () => {
      await backend.unsubscribe(id);
    };
  }
}

/** The clip a room attached to an event for this delivery, if it is well formed. */
function spokenClip(event: RoomEvent): SpokenClip | undefined {
  const voice = event.metadata?.voice as Partial<SpokenClip> | undefined;
  if (!voice || typeof voice !== 'object' || !voice.audio || typeof voice.audio.id !== 'string') return undefined;
  return { audio: voice.audio, text: typeof voice.text === 'string' ? voice.text : '', eventId: typeof voice.eventId === 'string' ? voice.eventId : event.id };
}
