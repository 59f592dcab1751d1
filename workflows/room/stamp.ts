/** The id, room and time of a new event, from the workflow's deterministic uuid and clock. */
import { uuid4 } from '@temporalio/workflow';
import type { RoomState } from './state.js';

export function stamp(rs: RoomState): { id: string; roomId: string; now: string } {
  return { id: uuid4(), roomId: rs.room.id, now: new Date().toISOString() };
}
