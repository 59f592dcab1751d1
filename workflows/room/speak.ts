/**
 * Delivering to a voice binding (RoomKit §19.1 outbound): BEFORE_TTS (fail-closed; block = silence,
 * modify = new text) → synthesize activity (cancellable by a barge-in) → AFTER_TTS → the ordinary
 * deliver activity to the VoiceChannel with the clip's ref in `metadata.voice`; the channel asks the
 * process holding the call to play it. System and internal events are never spoken, and an event is
 * spoken once per binding.
 */
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import { bindingAudioFormat, bindingVoice, speakableText, voiceHookEvent } from '../../src/core/voice.js';
import type { AudioRef, ChannelBinding, RoomEvent, SpokenClip } from '../../src/models/index.js';
import { voiceOps } from './effects.js';
import { describeFailure, failed, type TargetOutcome } from './outcomes.js';
import { stamp } from './pipeline.js';
import { fireObservers } from './side-effects.js';
import type { RoomState } from './state.js';
import { rememberSpoken, wasSpoken } from './voice-book.js';
import { speechError, voiceChain } from './voice-hooks.js';

/** `deliver`: the lane's bare delivery (`targets.ts`), passed in so the two modules do not import each other. */
export async function speak(
  rs: RoomState, event: RoomEvent, target: ChannelBinding,
  deliver: (rs: RoomState, event: RoomEvent, target: ChannelBinding) => Promise<TargetOutcome>,
): Promise<TargetOutcome> {
  const original = speakableText(event);
  if (original === undefined || wasSpoken(rs.voice, target.channelId, event.id)) return { kind: 'skipped', binding: target };
  if (!rs.manifest.voice?.tts) {
    return { kind: 'failed', binding: target, result: failed(target, { code: 'voice_not_configured', message: 'no TTS on the room\'s worker', retryable: false }) };
  }
  rememberSpoken(rs.voice, { channelId: target.channelId, eventId: event.id, text: original });
  const from = { channelId: target.channelId, direction: 'outbound' as const };
  const decision = await voiceChain(rs, 'before_tts', voiceHookEvent(stamp(rs), from, original, { event_id: event.id }));
  if (!decision.allowed) return silent(target, { reason: decision.reason, blocked_by: decision.blockedBy });
  const text = decision.text;

  const scope = new CancellationScope();
  rs.voice.speaking[target.channelId] = { eventId: event.id, text, cancel: () => scope.cancel() };
  let audio: AudioRef;
  try {
    const voice = bindingVoice(target);
    audio = await scope.run(() => voiceOps.synthesize({ text, format: bindingAudioFormat(target), ...(voice && { voice }) }));
  } catch (err) {
    // A barge-in cancelled it: silence, and the bargeIn command tells the hooks.
    if (scope.consideredCancelled && isCancellation(err)) return silent(target, { reason: 'barge_in', cancelled: true });
    if (isCancellation(err)) throw err;
    const error = describeFailure(err);
    rs.framework('tts_error', { error: error.message, code: error.code }, { eventId: event.id, channelId: target.channelId });
    await speechError(rs, 'tts', error, voiceHookEvent(stamp(rs), from, text, { event_id: event.id }));
    return { kind: 'failed', binding: target, result: failed(target, error) };
  } finally {
    if (rs.voice.speaking[target.channelId]?.eventId === event.id) delete rs.voice.speaking[target.channelId];
  }
  rememberSpoken(rs.voice, { channelId: target.channelId, eventId: event.id, text, durationMs: audio.durationMs });
  await fireObservers(rs, 'after_tts', voiceHookEvent(stamp(rs), from, text, { event_id: event.id, audio }));
  const clip: SpokenClip = { audio, text, eventId: event.id };
  return deliver(rs, { ...event, metadata: { ...event.metadata, voice: { ...clip } } }, target);
}

/** Nothing was played, on purpose; the delivery result says why. */
function silent(target: ChannelBinding, why: Record<string, string | boolean>): TargetOutcome {
  return {
    kind: 'delivered',
    binding: target,
    result: { channelId: target.channelId, status: 'sent', providerResult: { success: true, metadata: { spoken: false, ...why } } },
  };
}
