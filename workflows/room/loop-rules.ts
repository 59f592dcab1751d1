/**
 * The command loop's decisions as pure functions of the room's state (no Temporal API), so they can
 * be unit-tested and shared by both loops.
 */
import type { RoomWorkflowInput } from '../../src/models/index.js';
import type { RoomState } from './state.js';

/** History events a room may add after the server suggested continue-as-new before it drains. */
export const DRAIN_AFTER_EVENTS = 500;

/** Something for the loop to do: a queued command, an AI answer or a transcript waiting for its commit. */
export const hasWork = (rs: RoomState): boolean => rs.queue.length > 0 || rs.reentry.length > 0 || rs.heard[0]?.run !== undefined;

/**
 * While draining, callers still waiting are served: update callers, AI answers, transcripts back
 * from off the lock (one still out is waited for: the room is not ready to continue meanwhile).
 */
export const callersWaiting = (rs: RoomState): boolean =>
  rs.queue.some((q) => q.awaited) || rs.reentry.length > 0 || rs.heard[0]?.run !== undefined;

/**
 * Whether a busy room must start draining: the server suggested continue-as-new `DRAIN_AFTER_EVENTS`
 * events ago (the first suggestion's history length is remembered on the room).
 */
export function drainDue(rs: RoomState, info: { continueAsNewSuggested: boolean; historyLength: number }): boolean {
  if (!info.continueAsNewSuggested || rs.refusesWrites()) return false;
  rs.suggestedAtLength ??= info.historyLength;
  if (info.historyLength - rs.suggestedAtLength >= DRAIN_AFTER_EVENTS) rs.draining = true;
  return rs.draining;
}

/** The one input every continue-as-new of a room carries. */
export function continueAsNewInput(rs: RoomState): RoomWorkflowInput {
  return { room: rs.room, manifest: rs.manifest, carried: rs.carry() };
}
