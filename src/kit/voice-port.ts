/**
 * The adapter between the two halves of a call: the media plane's `VoicePort` (src/voice/port.ts),
 * implemented with a `RoomKit` and its `VoiceChannel`. A call is routed to a room (the `roomId`
 * parameter, else the kit's inbound router by caller id, else a new room), the voice channel is
 * bound there for the caller in the call's audio format, and from then on utterances, barge-ins
 * and play requests are the kit's voice verbs and the channel's `onPlay`.
 *
 * @example
 * const phone = new VoiceChannel('phone');
 * kit.registerChannel(phone);
 * mountVoice(app, server, { port: kitVoicePort(kit, phone), audioStore, channelId: 'phone' });
 */
import type { VoiceChannel } from '../channels/voice.js';
import type { ChannelBinding, JsonRecord } from '../models/index.js';
import type { AudioFormat } from '../voice/audio.js';
import type { VoicePort } from '../voice/port.js';
import type { RoomKit } from './room-kit.js';

/** Twilio Media Streams: G.711 μ-law at 8 kHz. */
export const TWILIO_CALL_FORMAT: AudioFormat = { encoding: 'mulaw', sampleRate: 8000 };
/** The browser transport: PCM16 at 16 kHz. */
export const BROWSER_CALL_FORMAT: AudioFormat = { encoding: 'pcm16', sampleRate: 16000 };

type OpenInput = Parameters<VoicePort['openSession']>[0];
type CloseInput = Parameters<NonNullable<VoicePort['closeSession']>>[0];

export interface KitVoicePortOptions {
  /**
   * The audio format the room synthesises answers in for a call. Default: μ-law 8 kHz for a Twilio
   * stream (its parameters carry a `callSid`), PCM16 16 kHz otherwise (a browser).
   */
  audioFormat?: (call: OpenInput) => AudioFormat;
  /** More binding metadata for the call's voice binding (e.g. `{ voice: 'en-us' }`). */
  bindingMetadata?: (call: OpenInput) => JsonRecord;
  /** A room made for a call nobody routed gets these channels attached too (e.g. the AI agent). */
  newRoomChannels?: readonly string[];
  /** Called after the room was chosen and the voice channel bound (e.g. to attach more channels). */
  onRoom?: (room: { roomId: string; created: boolean; call: OpenInput }) => void | Promise<void>;
}

/** `audioFormat` by transport: a Twilio stream names its call sid, a browser does not. */
export function callAudioFormat(call: Pick<OpenInput, 'parameters'>): AudioFormat {
  return call.parameters.callSid ? TWILIO_CALL_FORMAT : BROWSER_CALL_FORMAT;
}

export function kitVoicePort(kit: RoomKit, channel: VoiceChannel, options: KitVoicePortOptions = {}): VoicePort {
  const formatOf = options.audioFormat ?? callAudioFormat;
  return {
    async openSession(call) {
      assertChannel(channel, call.channelId);
      const named = call.parameters.roomId;
      let roomId = named ?? (await kit.routeRoom(call.channelId, call.callerId));
      const created = roomId === undefined;
      if (roomId === undefined) {
        roomId = (await kit.createRoom()).id;
        for (const other of options.newRoomChannels ?? []) await kit.attachChannel(roomId, other);
      }
      const metadata: JsonRecord = { ...options.bindingMetadata?.(call), audioFormat: formatOf(call) };
      const existing = created ? undefined : (await kit.listBindings(roomId)).find((b) => b.channelId === call.channelId);
      if (!existing || !sameBinding(existing, call.callerId, metadata)) {
        await kit.attachChannel(roomId, call.channelId, { participantId: call.callerId, metadata: { ...existing?.metadata, ...metadata } });
      }
      await options.onRoom?.({ roomId, created, call });
      return { roomId };
    },

    async utterance({ roomId, ...utterance }) {
      // `committed`: the session must not wait for the answer to be spoken before the next utterance.
      await kit.sendUtterance(roomId, utterance, { wait: 'committed' });
    },

    async bargeIn({ roomId, ...bargeIn }) {
      await kit.bargeIn(roomId, bargeIn);
    },

    async onPlay(roomId, channelId, cb) {
      assertChannel(channel, channelId);
      return channel.onPlay(roomId, (request) => cb({ eventId: request.eventId, audio: request.audio, text: request.text }));
    },

    async closeSession(input: CloseInput) {
      await kit.events.emit({
        type: 'voice_session_ended', roomId: input.roomId, channelId: input.channelId, timestamp: new Date().toISOString(),
        data: { session_id: input.sessionId, reason: input.reason },
      });
    },
  };
}

function assertChannel(channel: VoiceChannel, channelId: string): void {
  if (channelId !== channel.channelId) throw new Error(`this voice port serves channel ${channel.channelId}, not ${channelId}`);
}

function sameBinding(binding: ChannelBinding, callerId: string, metadata: JsonRecord): boolean {
  if (binding.participantId !== callerId) return false;
  return Object.entries(metadata).every(([k, v]) => JSON.stringify(binding.metadata?.[k]) === JSON.stringify(v));
}
