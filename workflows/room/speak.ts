/**
 * Delivering to a voice binding (RoomKit §19.1 outbound): BEFORE_TTS (fail-closed; block = silence,
 * modify = new text) → synthesize activity (cancellable by a barge-in) → AFTER_TTS → the ordinary
 * deliver activity to the VoiceChannel with the clip's ref in `metadata.voice`; the channel asks the
 * process holding the call to play it. System and internal events are never spoken, and an event is
 * spoken once per binding.
 *
 * Early speech (patch `early-speech`): an answer's speech is prepared (BEFORE_TTS, synthesis,
 * AFTER_TTS) as soon as its commit is staged, while the persist activity writes it, and the lane's
 * delivery takes the prepared clip. What the caller hears still waits for the commit to be durable
 * and for the lane's order; the round trip saved is the synthesis that used to follow the persist.
 */
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import { isSolicited } from '../../src/core/addressing.js';
import { contentForTarget } from '../../src/core/transcode.js';
import { bindingAudioFormat, bindingVoice, speakableText, voiceHookEvent } from '../../src/core/voice.js';
import type { AudioRef, ChannelBinding, RoomEvent, SpokenClip } from '../../src/models/index.js';
import { voiceOps } from './effects.js';
import { describeFailure, failed, type TargetOutcome } from './outcomes.js';
import { fireObservers } from './side-effects.js';
import { stamp } from './stamp.js';
import type { RoomState } from './state.js';
import {
  type PreparedSpeech, prepared, rememberSpoken, type SpeechToken, startSpeaking, stopSpeaking, takePrepared, wasSpoken,
} from './voice-book.js';
import { speechError, voiceChain } from './voice-hooks.js';

type Deliver = (rs: RoomState, event: RoomEvent, target: ChannelBinding) => Promise<TargetOutcome>;

/**
 * `deliver`: the lane's bare delivery (`targets.ts`), passed in so the two modules do not import each
 * other. Not `async`: runs recorded before early speech take `speech` exactly as they ran then (the
 * clip goes straight to `deliver`), turn for turn, so their commands keep their order.
 */
export function speak(rs: RoomState, event: RoomEvent, target: ChannelBinding, deliver: Deliver): Promise<TargetOutcome> {
  const play = (clip: SpokenClip) => deliver(rs, { ...event, metadata: { ...event.metadata, voice: { ...clip } } }, target);
  if (!rs.voice.early) return speech(rs, event, target, { play, skip: (o) => o });
  return speakPrepared(rs, event, target, play);
}

async function speakPrepared(
  rs: RoomState, event: RoomEvent, target: ChannelBinding, play: (clip: SpokenClip) => Promise<TargetOutcome>,
): Promise<TargetOutcome> {
  const early = takePrepared(rs.voice, target.channelId, event.id);
  // Early speech made for this binding as it is now; a binding changed since (another voice, say)
  // speaks again, and the stale clip is dropped when it is ready.
  const fits = early !== undefined && early.binding === JSON.stringify(target);
  if (early && !fits) early.token.stale = true;
  const prepared = await (fits ? early.speech : prepareSpeech(rs, event, target, { again: early !== undefined }));
  return prepared.kind === 'outcome' ? prepared.outcome : play(prepared.clip);
}

/**
 * Start preparing the speech of an event whose commit was just staged, for each voice binding its
 * plan will speak to (the same checks `runTarget` makes). A binding that changes before the plan runs
 * only wastes the clip: the plan takes a prepared clip only for a binding it speaks to.
 */
export function speakEarly(rs: RoomState, event: RoomEvent, targets: ChannelBinding[], source: ChannelBinding | undefined): void {
  for (const target of targets) {
    if (target.category !== 'transport' || target.channelType !== 'voice') continue;
    if (!isSolicited(event, target, source, rs.room.agentResponsePolicy)) continue;
    const content = contentForTarget(event.content, target.capabilities);
    if (content === null) continue;
    const token = { stale: false };
    prepared(rs.voice, target.channelId, event.id, prepareSpeech(rs, { ...event, content }, target, { token }), JSON.stringify(target), token);
  }
}

/**
 * Early speech: the clip to play, or the outcome when nothing is played. `again`: early speech for
 * this event was made for an older binding, so it counts as not spoken. `token.stale`: nobody will
 * play this one any more (its plan ran without it), so it leaves the book alone.
 */
function prepareSpeech(
  rs: RoomState, event: RoomEvent, target: ChannelBinding, options: { again?: boolean; token?: SpeechToken },
): Promise<PreparedSpeech> {
  return speech<PreparedSpeech>(rs, event, target, {
    play: (clip) => ({ kind: 'clip', clip }), skip: (outcome) => ({ kind: 'outcome', outcome }), ...options,
  });
}

interface SpeechEnd<R> {
  /** What a synthesised clip becomes: delivered at once, or kept for the plan. */
  play: (clip: SpokenClip) => R | Promise<R>;
  /** What an outcome without a clip becomes. */
  skip: (outcome: TargetOutcome) => R;
  again?: boolean;
  token?: SpeechToken;
}

/** BEFORE_TTS → synthesize (cancellable by a barge-in) → AFTER_TTS, then `end.play` with the clip. */
async function speech<R>(rs: RoomState, event: RoomEvent, target: ChannelBinding, end: SpeechEnd<R>): Promise<R> {
  const original = speakableText(event);
  if (original === undefined || (!end.again && wasSpoken(rs.voice, target.channelId, event.id))) return end.skip({ kind: 'skipped', binding: target });
  if (!rs.manifest.voice?.tts) {
    return end.skip({ kind: 'failed', binding: target, result: failed(target, { code: 'voice_not_configured', message: 'no TTS on the room\'s worker', retryable: false }) });
  }
  rememberSpoken(rs.voice, { channelId: target.channelId, eventId: event.id, text: original });
  const from = { channelId: target.channelId, direction: 'outbound' as const };
  const decision = await voiceChain(rs, 'before_tts', voiceHookEvent(stamp(rs), from, original, { event_id: event.id }));
  if (!decision.allowed) return end.skip(silent(target, { reason: decision.reason, blocked_by: decision.blockedBy }));
  const text = decision.text;

  const scope = new CancellationScope();
  const speaking = { eventId: event.id, text, cancel: () => scope.cancel() };
  startSpeaking(rs.voice, target.channelId, speaking);
  let audio: AudioRef;
  try {
    const voice = bindingVoice(target);
    audio = await scope.run(() => voiceOps.synthesize({ text, format: bindingAudioFormat(target), ...(voice && { voice }) }));
  } catch (err) {
    // A barge-in cancelled it: silence, and the bargeIn command tells the hooks.
    if (scope.consideredCancelled && isCancellation(err)) return end.skip(silent(target, { reason: 'barge_in', cancelled: true }));
    if (isCancellation(err)) throw err;
    const error = describeFailure(err);
    rs.framework('tts_error', { error: error.message, code: error.code }, { eventId: event.id, channelId: target.channelId });
    await speechError(rs, 'tts', error, voiceHookEvent(stamp(rs), from, text, { event_id: event.id }));
    return end.skip({ kind: 'failed', binding: target, result: failed(target, error) });
  } finally {
    stopSpeaking(rs.voice, target.channelId, speaking);
  }
  // Stale early speech: the plan spoke without it, and the book holds what was really played.
  if (end.token?.stale) return end.skip({ kind: 'skipped', binding: target });
  rememberSpoken(rs.voice, { channelId: target.channelId, eventId: event.id, text, durationMs: audio.durationMs });
  await fireObservers(rs, 'after_tts', voiceHookEvent(stamp(rs), from, text, { event_id: event.id, audio }));
  const clip: SpokenClip = { audio, text, eventId: event.id };
  return end.play(clip);
}

/** Nothing was played, on purpose; the delivery result says why. */
function silent(target: ChannelBinding, why: Record<string, string | boolean>): TargetOutcome {
  return {
    kind: 'delivered',
    binding: target,
    result: { channelId: target.channelId, status: 'sent', providerResult: { success: true, metadata: { spoken: false, ...why } } },
  };
}
