/**
 * RoomKit's voice verbs (RoomKit §19.1, room side), for the media plane that holds calls: an
 * utterance it heard, and a barge-in over an answer it was playing. Both are commands through the
 * room's queue, so STT, hooks and the stored events happen in the room's worker in order with the
 * rest of the conversation; only `AudioRef`s travel. `RoomKit` extends this class.
 */
import {
  BargeInInput, RoomId, UtteranceInput, WaitStage, type BargeInResult, type InboundResult,
} from '../models/index.js';
import { ChannelNotRegisteredError } from '../errors.js';
import type { Channel } from '../channels/channel.js';
import { bindingFor } from './builders.js';
import { SourceVerbs } from './source-verbs.js';
import { parseInput } from './validate.js';

export abstract class VoiceVerbs extends SourceVerbs {
  /**
   * One finished utterance of a call: ON_SPEECH_START and ON_SPEECH_END observers, STT (an activity
   * on the room's worker, which needs the kit's `voice` option), ON_TRANSCRIPTION (sync, fail-closed:
   * block drops the utterance with nothing stored, modify rewrites the text), then the inbound path
   * of `processInbound` as a text message from `senderId` on `channelId`, with
   * `metadata: { audio, sessionId, confidence, speechStartedAt, speechEndedAt }`. An empty transcript
   * stores nothing (framework event `transcription_empty`). Returns the inbound result, or
   * `{ blocked: true, reason }` when the utterance was dropped. `options.wait: 'committed'` returns
   * once the transcript is stored instead of after the answers it caused were delivered (spoken).
   *
   * @example
   * const audio = await audioStore.put(wav, { encoding: 'wav', sampleRate: 16000 });
   * const result = await kit.sendUtterance('room-1', {
   *   channelId: 'phone', sessionId: 'call-42', senderId: '+15551234567', audio,
   *   speechStartedAt: started.toISOString(), speechEndedAt: new Date().toISOString(),
   * });
   */
  async sendUtterance(roomId: string, utterance: UtteranceInput, options: { wait?: WaitStage } = {}): Promise<InboundResult> {
    const id = parseInput(RoomId, roomId, 'roomId', 'roomId');
    const u = parseInput(UtteranceInput, utterance, 'utterance');
    const wait = parseInput(WaitStage.optional(), options.wait, 'wait', 'wait');
    const channel = this.getChannel(u.channelId);
    if (!channel) throw new ChannelNotRegisteredError(u.channelId);
    return this.roomCommand('sendUtterance', id, {
      kind: 'utterance', channelId: u.channelId, sessionId: u.sessionId, senderId: u.senderId, audio: u.audio,
      speechStartedAt: isoOf(u.speechStartedAt), speechEndedAt: isoOf(u.speechEndedAt),
      ...(u.language && { language: u.language }),
      defaultBinding: bindingFor(channel as Channel, id, {}),
    }, wait ? { wait } : {});
  }

  /**
   * The caller spoke over the room's answer `eventId` after `playedMs` of it: the synthesis still
   * running for the binding is cancelled, ON_BARGE_IN and ON_TTS_CANCELLED (reason `barge_in`)
   * observers run, and an internal system event (code `barge_in`) records `{ interrupted, event_id,
   * played_ms, played_percentage }`.
   *
   * @example
   * await kit.bargeIn('room-1', { channelId: 'phone', sessionId: 'call-42', eventId: play.eventId, playedMs: 850 });
   */
  async bargeIn(roomId: string, bargeIn: BargeInInput): Promise<BargeInResult> {
    const id = parseInput(RoomId, roomId, 'roomId', 'roomId');
    const b = parseInput(BargeInInput, bargeIn, 'barge-in');
    return this.roomCommand('bargeIn', id, { kind: 'bargeIn', ...b });
  }
}

/** ISO 8601 in UTC, whether the media plane gave an ISO string (any offset) or epoch milliseconds. */
function isoOf(instant: string | number): string {
  return new Date(instant).toISOString();
}
