/** The room workflow's message contract (ids are part of the wire format: never rename). */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CommandEnvelope, CommandResult, RoomSnapshot } from '../../src/models/index.js';

export type { RoomSnapshot };

/** Every command with a caller waiting for its result (processInbound, admin verbs). */
export const commandUpdate = defineUpdate<CommandResult, [CommandEnvelope]>('roomkit.command');
/** Fire-and-forget commands (webhook ingress): acknowledged once persisted in history. */
export const commandSignal = defineSignal<[CommandEnvelope]>('roomkit.command');
/** Room state for readers. */
export const stateQuery = defineQuery<RoomSnapshot>('roomkit.state');


export const ROOM_WORKFLOW_ID_PREFIX = 'room:';
export const roomWorkflowId = (roomId: string): string => `${ROOM_WORKFLOW_ID_PREFIX}${roomId}`;

/** Message of the update validator's refusal while a room drains for continue-as-new. */
export const CONTINUING_AS_NEW = 'roomkit: room is continuing as new; retry the command';
