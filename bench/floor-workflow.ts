/**
 * The floor: the same Temporal round trips as one `processInbound` into a warm room with one
 * transport target, with no RoomKit logic. An update (sent as update-with-start, USE_EXISTING)
 * runs one "persist" activity, then one "deliver" activity, and returns. The workflow lives until
 * terminated, like a room, so later updates reach a cached, running workflow.
 *
 * Bundled on its own (`bundleWorkflowCode({ workflowsPath: this file })`) and served on its own
 * task queue. The client imports `floorUpdate` from here too (defineUpdate is plain data).
 */
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { FloorActivities } from './floor-activities.js';

export interface FloorMessage {
  roomId: string;
  senderId: string;
  body: string;
}

export interface FloorResult {
  index: number;
  providerMessageId?: string;
}

export const floorUpdate = defineUpdate<FloorResult, [FloorMessage]>('floor.message');

// Same timeouts and retry shape as the room's store and delivery proxies (workflows/room/effects.ts).
const { persist } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds', maximumAttempts: 30 },
});
// A binding without a retry policy gets this one (src/core/retry.ts deliveryRetry(undefined)).
const { deliver } = proxyActivities<FloorActivities>({
  startToCloseTimeout: '60 seconds',
  retry: { maximumAttempts: 4, initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 60_000 },
});

export async function floorWorkflow(): Promise<void> {
  let index = 0;
  setHandler(floorUpdate, async (message) => {
    index += 1;
    const event = { roomId: message.roomId, index, senderId: message.senderId, body: message.body };
    await persist(event);
    const out = await deliver(event);
    return { index, providerMessageId: out.providerMessageId };
  });
  await condition(() => false);
}
