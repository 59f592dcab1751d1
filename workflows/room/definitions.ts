/** The room workflow's message contract (ids are part of the wire format: never rename). */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ChannelBinding, CommandEnvelope, CommandResult, Participant, Room, RoomEvent,
} from '../../src/models/index.js';

/** Every command with a caller waiting for its result (processInbound, admin verbs). */
export const commandUpdate = defineUpdate<CommandResult, [CommandEnvelope]>('roomkit.command');
/** Fire-and-forget commands (webhook ingress): acknowledged once persisted in history. */
export const commandSignal = defineSignal<[CommandEnvelope]>('roomkit.command');
/** Room state for readers. */
export const stateQuery = defineQuery<RoomSnapshot>('roomkit.state');

export interface RoomSnapshot {
  room: Room;
  bindings: ChannelBinding[];
  participants: Participant[];
  /** The newest events committed (all types), ascending. */
  recentEvents: RoomEvent[];
  counters: {
    eventCount: number;
    latestIndex: number;
    /** Commands waiting in the room's queue. */
    queued: number;
    /** Commands processed by this run and its predecessors. */
    processed: number;
    /** Signals dropped because their payload was invalid. */
    rejectedSignals: number;
  };
}

export const ROOM_WORKFLOW_ID_PREFIX = 'room:';
export const roomWorkflowId = (roomId: string): string => `${ROOM_WORKFLOW_ID_PREFIX}${roomId}`;

/** Message of the update validator's refusal while a room drains for continue-as-new. */
export const CONTINUING_AS_NEW = 'roomkit: room is continuing as new; retry the command';
