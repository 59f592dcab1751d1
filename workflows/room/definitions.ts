/** The room workflow's message contract (ids are part of the wire format: never rename). */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CommandEnvelope, CommandResult, RoomSnapshot } from '../../src/models/index.js';

export type { RoomSnapshot };

/** Every command with a caller waiting for its result (processInbound, admin verbs). */
export const commandUpdate = defineUpdate<CommandResult, [CommandEnvelope]>('roomkit.command');
/** Fire-and-forget commands (webhook ingress): acknowledged once persisted in history. */
export const commandSignal = defineSignal<[CommandEnvelope]>('roomkit.command');
/** Room state for readers of a closed (completed) room. */
export const stateQuery = defineQuery<RoomSnapshot>('roomkit.state');
/**
 * Room state for readers of a running room: a read-only update, answered at once (not queued).
 * A query reaching a room whose workflow task is scheduled but not yet started appears to make the
 * SDK apply the pending events in a task of their own, whose commands are then recorded ahead of the
 * next update's acceptance, an order replay does not reproduce (README «A room that cannot replay»).
 * An update is ordered with everything else.
 */
export const readUpdate = defineUpdate<RoomSnapshot, []>('roomkit.read');


export const ROOM_WORKFLOW_ID_PREFIX = 'room:';
export const roomWorkflowId = (roomId: string): string => `${ROOM_WORKFLOW_ID_PREFIX}${roomId}`;

/** Message of the update validator's refusal while a room drains for continue-as-new. */
export const CONTINUING_AS_NEW = 'roomkit: room is continuing as new; retry the command';
