/**
 * Voice commands (RoomKit §19.1, room side). `utterance`: speech observers, STT as an activity,
 * ON_TRANSCRIPTION, then the very same inbound path as `processInbound` (identity, BEFORE_BROADCAST,
 * commit, broadcast) as a text message carrying the audio ref. `bargeIn`: the caller spoke over an
 * answer, so its synthesis (if still running) is cancelled, the observers are told, and the
 * interruption is stored as an internal event (RoomKit keep_partial_transcript).
 * Audio never enters history: only `AudioRef`s do.
 */
import { isCancellation, log } from '@temporalio/workflow';
import { systemEvent } from '../../src/core/events.js';
import { playedPercentage, voiceHookEvent } from '../../src/core/voice.js';
import { canWrite } from '../../src/models/access.js';
import type { BargeInResult, CommandOf, CommandResult, InboundResult, ParsedInboundMessage } from '../../src/models/index.js';
import { voiceOps } from './effects.js';
import { describeFailure } from './outcomes.js';
import { DEFERRED, handleInbound, replayDuplicate, type Settlers } from './inbound.js';
import { inWorkScope } from './scopes.js';
import { remember } from './trace-context.js';
import { stamp } from './stamp.js';
import { commit, fireObservers } from './side-effects.js';
import type { RoomState } from './state.js';
import { speechError, voiceChain } from './voice-hooks.js';
import { wasSpoken } from './voice-book.js';

const ok = (value: unknown): CommandResult => ({ ok: true, value });
/** An utterance that never became a message: nothing stored. */
const dropped = (reason: string): CommandResult => ok({ blocked: true, reason, deliveryResults: {} } satisfies InboundResult);

/**
 * `done`: the transcription's outcome when it ran off the room lock (patch `stt-off-lock`): the
 * command comes back here, under the lock, to enter the room. Without it the transcription runs
 * inline, holding the lock, step for step as runs recorded before the patch did.
 */
export async function handleUtterance(
  rs: RoomState, cmd: CommandOf<'utterance'>, settle: Settlers, done?: Transcribed,
): Promise<CommandResult | typeof DEFERRED> {
  const idempotencyKey = `utterance:${cmd.audio.id}`;
  const from = { channelId: cmd.channelId, direction: 'inbound' as const, participantId: cmd.senderId };
  const voice = {
    session_id: cmd.sessionId, audio: cmd.audio, speech_started_at: cmd.speechStartedAt, speech_ended_at: cmd.speechEndedAt,
  };
  if (done) {
    // Back from off the lock: the binding may have been muted or made read-only meanwhile.
    const binding = rs.binding(cmd.channelId);
    if (binding && !canWrite(binding)) return dropped(binding.muted ? 'source_muted' : 'source_read_only');
  } else {
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
    const replay = await replayDuplicate(rs, idempotencyKey);
    if (replay) return ok(replay);
    // Hook order (RoomKit, verified by its tests): SPEECH_START < SPEECH_END < TRANSCRIPTION < BEFORE_BROADCAST.
    await fireObservers(rs, 'on_speech_start', voiceHookEvent(stamp(rs), from, '', voice));
    await fireObservers(rs, 'on_speech_end', voiceHookEvent(stamp(rs), from, '', voice));
    if (rs.voice.offLock) return transcribeOffLock(rs, cmd, settle);
  }

  let transcript: Awaited<ReturnType<typeof voiceOps.transcribe>>;
  try {
    transcript = done ? outcomeOf(done) : await voiceOps.transcribe(transcribeInput(cmd));
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

type Transcript = Awaited<ReturnType<typeof voiceOps.transcribe>>;
/** How a transcription that ran off the lock ended. */
type Transcribed = { transcript: Transcript } | { error: unknown };

const transcribeInput = (cmd: CommandOf<'utterance'>) => ({ audio: cmd.audio, ...(cmd.language && { language: cmd.language }) });

function outcomeOf(done: Transcribed): Transcript {
  if ('error' in done) throw done.error;
  return done.transcript;
}

/**
 * Transcribe without holding the room: other channels' messages are committed while the engine
 * listens (a second or more with a real one). The outcome waits in its slot (in the order the
 * utterances came) for the loop, which serves it before new commands (`serveQueue`); the caller is
 * answered from there. While one is out, the room is not idle: it neither continues as new nor completes.
 */
function transcribeOffLock(rs: RoomState, cmd: CommandOf<'utterance'>, settle: Settlers): typeof DEFERRED {
  // The slot keeps the order the caller spoke in, whichever transcription returns first.
  const slot: RoomState['heard'][number] = {};
  rs.heard.push(slot);
  // The command's sender, whose hooks the room also runs (`hookSpecs`), as `processCommand` set it.
  const sender = rs.sender;
  void inWorkScope(rs, async () => {
    let done: Transcribed;
    try {
      done = { transcript: await voiceOps.transcribe(transcribeInput(cmd)) };
    } catch (err) {
      // Whatever ended it (a cancellation too), the slot is filled: an empty one would hold back
      // every later transcript and keep the room from ever being idle.
      done = { error: err };
    }
    // Served in the trace of the command it belongs to.
    slot.run = remember(async () => {
      rs.sender = sender;
      let result: CommandResult | typeof DEFERRED;
      try {
        result = await handleUtterance(rs, cmd, settle, done);
      } catch (err) {
        if (isCancellation(err)) throw err;
        // As `processCommand` does: a bug reaches the caller, never the room.
        const message = err instanceof Error ? err.message : String(err);
        log.error('room transcript failed unexpectedly', { roomId: rs.room.id, error: message });
        result = { ok: false, error: { type: 'RoomInternalError', message } };
      }
      if (result === DEFERRED) return;
      // As `processCommand` answers: once what the answer reports is durable.
      if (rs.commitsInFlight > 0) await rs.afterCommits;
      settle.delivered(result);
    });
  });
  return DEFERRED;
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
