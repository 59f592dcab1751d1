/**
 * The fail-closed voice chains (RoomKit §7.2): ON_TRANSCRIPTION and BEFORE_TTS. A sync hook may
 * block or rewrite the text; a hook that fails, times out or returns something that is not text
 * blocks (the worker's runner fails these triggers closed), and so does a hook activity that
 * cannot run at all. ASYNC-registered hooks of the trigger then observe the final text.
 */
import { matchingHooks } from '../../src/core/hooks.js';
import { textOf } from '../../src/core/voice.js';
import type { RoomEvent } from '../../src/models/index.js';
import { hookOps } from './effects.js';
import { fireObservers, safely } from './side-effects.js';
import type { RoomState } from './state.js';

export type VoiceVerdict = { allowed: true; text: string } | { allowed: false; reason: string; blockedBy: string };

export async function voiceChain(rs: RoomState, trigger: 'on_transcription' | 'before_tts', payload: RoomEvent): Promise<VoiceVerdict> {
  let event = payload;
  const hooks = matchingHooks(rs.hookSpecs(), trigger, payload, 'sync');
  if (hooks.length) {
    const budget = hooks.reduce((sum, h) => sum + h.timeoutMs, 0);
    const outcome = await safely(rs, `hooks:${trigger}`, () =>
      hookOps(budget, rs.workerHooks).runSyncHooks({
        roomId: rs.room.id, trigger, hookNames: hooks.map((h) => h.name), event: payload,
        ...(rs.workerHooks && { select: { execution: 'sync' as const } }),
      }),
    );
    if (!outcome) return { allowed: false, reason: `${trigger} hooks could not run`, blockedBy: 'hooks_unavailable' };
    if (!outcome.allowed) return { allowed: false, reason: outcome.reason ?? 'blocked', blockedBy: outcome.blockedBy ?? 'hook' };
    event = outcome.event;
  }
  const text = textOf(event);
  if (text === undefined) return { allowed: false, reason: `${trigger} hooks returned an unusable payload`, blockedBy: 'hook' };
  await fireObservers(rs, trigger, { ...payload, content: event.content }, { execution: 'async' });
  return { allowed: true, text };
}

/**
 * ON_ERROR observers for a speech step that failed (after its retries; a vendor's 4xx is not retried):
 * the payload is the voice event with the error, shaped like the AI's (`error`, `error_type`,
 * `error_category` = `stt` | `tts`).
 */
export async function speechError(
  rs: RoomState, category: 'stt' | 'tts', error: { code: string; message: string }, payload: RoomEvent,
): Promise<void> {
  await fireObservers(rs, 'on_error', {
    ...payload, content: { type: 'text', body: error.message },
    metadata: { ...payload.metadata, error: error.message, error_type: error.code, error_category: category },
  });
}
