/**
 * Voice commands (RoomKit §19.1, room side). `utterance`: speech observers, STT as an activity,
 * ON_TRANSCRIPTION, then the very same inbound path as `processInbound` (identity, BEFORE_BROADCAST,
 * commit, broadcast) as a text message carrying the audio ref. `bargeIn`: the caller spoke over an
 * answer, so its synthesis (if still running) is cancelled, the observers are told, and the
 * interruption is stored as an internal event (RoomKit keep_partial_transcript).
 * Audio never enters history: only `AudioRef`s do.
 */
import { isCancellation } from '@temporalio/workflow';
import { systemEvent } from '../../src/core/events.js';
import { playedPercentage, voiceHookEvent } from '../../src/core/voice.js';
import { canWrite } from '../../src/models/access.js';
import type { BargeInResult, CommandOf, CommandResult, InboundResult, ParsedInboundMessage } from '../../src/models/index.js';
import { voiceOps } from './effects.js';
import { describeFailure } from './outcomes.js';
import { type DEFERRED, handleInbound, replayDuplicate, type Settlers } from './inbound.js';
import { stamp } from './stamp.js';
import { commit, fireObservers } from './side-effects.js';
import type { RoomState } from './state.js';
import { speechError, voiceChain } from './voice-hooks.js';
import { wasSpoken } from './voice-book.js';

const ok = (value: unknown): CommandResult => ({ ok: true, value });
/** An utterance that never became a message: nothing stored. */
const dropped = (reason: string): CommandResult => ok({ blocked: true, reason, deliveryResults: {} } satisfies InboundResult);

export async function handleUtterance(
  rs: RoomState, cmd: CommandOf<'utterance'>, settle: Settlers,
): Promise<CommandResult | typeof DEFERRED> {
  if (rs.refusesWrites()) {
    rs.framework('room_refused_event', { status: rs.room.status, event_type: 'message' });
    return dropped('room_closed');
  }
  // RoomKit's binding gate: a session whose binding cannot write is not even transcribed.
  const binding = rs.binding(cmd.channelId);
  if (binding && !canWrite(binding)) return dropped(binding.muted ? 'source_muted' : 'source_read_only');
  if (!rs.manifest.voice?.stt) {
    rs.framework('stt_error', { error: 'no STT on the room\'s worker (RoomKit voice option)', session_id: cmd.sessionId }, { channelId: cmd.channelId });
    return dropped('voice_not_configured');
  }
  // A retried sendUtterance (the clip id is unique per recording) answers with the stored original
  // before transcribing again.
  const idempotencyKey = `utterance:${cmd.audio.id}`;
  const replay = await replayDuplicate(rs, idempotencyKey);
  if (replay) return ok(replay);
  const from = { channelId: cmd.channelId, direction: 'inbound' as const, participantId: cmd.senderId };
  const voice = {
    session_id: cmd.sessionId, audio: cmd.audio, speech_started_at: cmd.speechStartedAt, speech_ended_at: cmd.speechEndedAt,
  };
  // Hook order (RoomKit, verified by its tests): SPEECH_START < SPEECH_END < TRANSCRIPTION < BEFORE_BROADCAST.
  await fireObservers(rs, 'on_speech_start', voiceHookEvent(stamp(rs), from, '', voice));
  await fireObservers(rs, 'on_speech_end', voiceHookEvent(stamp(rs), from, '', voice));

  let transcript: Awaited<ReturnType<typeof voiceOps.transcribe>>;
  try {
    transcript = await voiceOps.transcribe({ audio: cmd.audio, ...(cmd.language && { language: cmd.language }) });
  } catch (err) {
    if (isCancellation(err)) throw err;
    const error = describeFailure(err);
    rs.framework('stt_error', { error: error.message, code: error.code, session_id: cmd.sessionId, audio_id: cmd.audio.id }, { channelId: cmd.channelId });
    await speechError(rs, 'stt', error, voiceHookEvent(stamp(rs), from, '', voice));
    return dropped('stt_failed');
  }
  const text = transcript.text.trim();
  if (!text) {
    rs.framework('transcription_empty', { session_id: cmd.sessionId, audio_id: cmd.audio.id }, { channelId: cmd.channelId });
    return dropped('empty_transcript');
  }
  const confidence = transcript.confidence ?? null;
  const heard = await voiceChain(rs, 'on_transcription', voiceHookEvent(stamp(rs), from, text, { ...voice, confidence }));
  if (!heard.allowed) {
    rs.framework('event_blocked', { reason: heard.reason, blocked_by: heard.blockedBy, trigger: 'on_transcription' }, { channelId: cmd.channelId });
    return dropped(heard.reason);
  }
  const message: ParsedInboundMessage = {
    channelId: cmd.channelId,
    senderId: cmd.senderId,
    content: { type: 'text', body: heard.text },
    idempotencyKey,
    metadata: {
      audio: cmd.audio, sessionId: cmd.sessionId, confidence,
      speechStartedAt: cmd.speechStartedAt, speechEndedAt: cmd.speechEndedAt,
    },
  };
  return handleInbound(rs, { kind: 'inbound', message, defaultBinding: cmd.defaultBinding }, settle);
}

export async function handleBargeIn(rs: RoomState, cmd: CommandOf<'bargeIn'>): Promise<CommandResult> {
  const speaking = rs.voice.speaking[cmd.channelId] ?? [];
  // Whatever this binding is still synthesising is stale once the caller speaks over it.
  for (const s of speaking) s.cancel();
  const spoken = wasSpoken(rs.voice, cmd.channelId, cmd.eventId);
  const interruptedText = spoken?.text ?? speaking.find((s) => s.eventId === cmd.eventId)?.text ?? '';
  const percentage = playedPercentage(cmd.playedMs, cmd.durationMs ?? spoken?.durationMs);
  const from = { channelId: cmd.channelId, direction: 'outbound' as const };
  const voice = {
    session_id: cmd.sessionId, event_id: cmd.eventId, interrupted_text: interruptedText,
    audio_position_ms: cmd.playedMs, played_percentage: percentage,
  };
  await fireObservers(rs, 'on_barge_in', voiceHookEvent(stamp(rs), from, interruptedText, voice));
  await fireObservers(rs, 'on_tts_cancelled', voiceHookEvent(stamp(rs), from, interruptedText, { ...voice, reason: 'barge_in' }));
  const event = systemEvent(stamp(rs), 'system', {
    body: `Interrupted after ${Math.round(cmd.playedMs)} ms`,
    code: 'barge_in',
    data: {
      interrupted: true, event_id: cmd.eventId, played_ms: cmd.playedMs, played_percentage: percentage,
      session_id: cmd.sessionId, channel_id: cmd.channelId, interrupted_text: interruptedText,
    },
  });
  await commit(rs, { events: [event] });
  return ok({ event, cancelled: speaking.length > 0 } satisfies BargeInResult);
}
