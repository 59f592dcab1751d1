/** Room inactivity timers (RoomKit §14), as deadlines the workflow sleeps until. Pure. */
import type { Room } from '../models/room.js';

export type TimerTransition =
  | { to: 'closed'; elapsedSeconds: number; threshold: number }
  | { to: 'paused'; elapsedSeconds: number; threshold: number };

/** Milliseconds until the next timer could fire, or undefined when none applies. */
export function msUntilNextTimer(room: Room, nowMs: number): number | undefined {
  const last = room.timers.lastActivityAt ? Date.parse(room.timers.lastActivityAt) : undefined;
  if (last === undefined || room.status === 'closed' || room.status === 'archived') return undefined;
  const candidates: number[] = [];
  const { inactiveAfterSeconds: inactive, closedAfterSeconds: closed } = room.timers;
  if (closed !== undefined) candidates.push(last + closed * 1000);
  if (inactive !== undefined && room.status === 'active') candidates.push(last + inactive * 1000);
  if (candidates.length === 0) return undefined;
  // +1 ms: RoomKit compares strictly (elapsed > threshold).
  return Math.max(0, Math.min(...candidates) - nowMs + 1);
}

/** The transition due now, if any; close wins over pause. */
export function dueTransition(room: Room, nowMs: number): TimerTransition | undefined {
  if (!room.timers.lastActivityAt || room.status === 'closed' || room.status === 'archived') return undefined;
  const elapsedSeconds = (nowMs - Date.parse(room.timers.lastActivityAt)) / 1000;
  const { inactiveAfterSeconds: inactive, closedAfterSeconds: closed } = room.timers;
  if (closed !== undefined && elapsedSeconds > closed) return { to: 'closed', elapsedSeconds, threshold: closed };
  if (room.status === 'active' && inactive !== undefined && elapsedSeconds > inactive) {
    return { to: 'paused', elapsedSeconds, threshold: inactive };
  }
  return undefined;
}
