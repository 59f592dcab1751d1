/**
 * One workflow per room (`room:<roomId>`). Handlers only enqueue. The command loop takes one command
 * at a time up to its commit (this is the room lock) and sleeps on a durable timer until the next
 * inactivity deadline; the delivery lane runs committed plans in index order alongside it, so a slow
 * channel never holds the next commit. An idle room continues as new when the history grows large.
 */
import { condition, isCancellation, log, setHandler } from '@temporalio/workflow';
import { envelopeProblem } from '../../src/models/command-check.js';
import { EMPTY_MANIFEST } from '../../src/models/empty-manifest.js';
import type { CommandResult, RoomWorkflowInput } from '../../src/models/index.js';
import { commandSignal, commandUpdate, CONTINUING_AS_NEW, readUpdate, stateQuery } from './definitions.js';
import { executeBatch, executePlan, takeBatch } from './lane.js';
import { legacyCommandLoop } from './legacy-loop.js';
import { commandLoop } from './loop.js';
import { learnWorkerManifest } from './manifest.js';
import {
  batchedDelivery, boundedScopes, earlySpeech, loopOfSteps, sttOffLock, toolCallsByCapability, voiceRoom, workerOwnedHooks,
} from './patches.js';
import { inWorkScope, roomScopes } from './scopes.js';
import { flushFramework, guarded, started } from './serve.js';
import { RoomState } from './state.js';
import { remember, within } from './trace-context.js';

export async function roomWorkflow(input: RoomWorkflowInput): Promise<void> {
  // Runs recorded before the loop of named steps keep the loop they were recorded with.
  const steps = loopOfSteps();
  const workerHooks = workerOwnedHooks();
  const toolCalls = toolCallsByCapability();
  const voice = voiceRoom();
  const scoped = boundedScopes();
  const early = earlySpeech();
  const offLock = sttOffLock();
  const rs = new RoomState(input);
  rs.voice.enabled = voice;
  rs.voice.early = voice && early;
  rs.voice.offLock = voice && offLock;
  rs.workerHooks = workerHooks;
  rs.toolCallsByCapability = toolCalls;
  rs.scopes = roomScopes(scoped);
  // The sender's manifest never decides which hooks run; only a carried worker manifest is kept.
  if (workerHooks && !rs.manifestFingerprint) rs.manifest = EMPTY_MANIFEST;
  const waiting: Record<string, 'committed' | 'delivered'> = {};

  setHandler(
    commandUpdate,
    async (envelope) => {
      const { id } = envelope;
      waiting[id] = envelope.wait ?? 'delivered';
      rs.queue.push(remember({ envelope, awaited: true }));
      // The condition's callback outlives the update (see `scopes.ts`): it closes over the id only.
      await inWorkScope(rs, () => condition(() => rs.outcomes[id] !== undefined));
      const { result } = rs.outcomes[id];
      delete rs.outcomes[id];
      return result;
    },
    {
      // A rejected update writes nothing to history and the room goes on. The check is plain data,
      // not zod: zod in the workflow costs every cached room its own copy (the client checks with zod).
      validator: (envelope) => {
        // While the room drains for continue-as-new, new callers are turned away (nothing is
        // written to history) and the client retries them on the next run.
        if (rs.draining) throw new Error(CONTINUING_AS_NEW);
        const problem = envelopeProblem(envelope);
        if (problem) throw new Error(`invalid command envelope: ${problem}`);
      },
    },
  );
  setHandler(commandSignal, (envelope) => {
    // Signals cannot be refused; an invalid one is counted and dropped, never processed.
    if (envelopeProblem(envelope) !== undefined) {
      rs.rejectedSignals += 1;
      log.warn('room dropped an invalid command signal', { roomId: rs.room.id });
      return;
    }
    rs.queue.push(remember({ envelope, awaited: false }));
  });
  setHandler(stateQuery, () => rs.snapshot());
  setHandler(readUpdate, () => rs.snapshot());

  const settle = (id: string, stage: 'committed' | 'delivered', result: CommandResult): void => {
    const wanted = waiting[id];
    if (!wanted || (stage === 'committed' && wanted !== 'committed')) return;
    rs.outcomes[id] = { stage, result };
    delete waiting[id];
  };

  if (workerHooks && !rs.manifestFingerprint) await learnWorkerManifest(rs);
  if (!input.carried) await started(rs, input.autoCreated ?? false);
  // The lane never ends by itself; the room ends when the command loop does (a closed room).
  deliveryLane(rs).catch((err: unknown) => {
    // Only a cancellation ends the lane (guarded() swallows the rest); the loop sees it too.
    if (!isCancellation(err)) log.error('room delivery lane stopped', { roomId: rs.room.id, error: String(err) });
  });
  await (steps ? commandLoop : legacyCommandLoop)(rs, settle);
}

async function deliveryLane(rs: RoomState): Promise<void> {
  // Made once, outside the loop: in the root scope a condition's callback outlives it (`scopes.ts`),
  // and one made in the loop's body would keep that iteration's plans (events, cascades) alive.
  const planned = (): boolean => rs.lane.length > 0;
  for (;;) {
    // The lane ends with the run: the command loop's waits, in the root scope, see a cancel request.
    await inWorkScope(rs, () => condition(planned));
    const batching = batchedDelivery();
    const plans = takeBatch(rs, batching);
    rs.laneBusy = true;
    // A batch is traced with its first plan's message.
    await inWorkScope(rs, () => within(plans[0], () => guarded(rs, 'delivery', () => (plans.length > 1 ? executeBatch(rs, plans) : executePlan(rs, plans[0])))));
    rs.laneBusy = false;
    await flushFramework(rs);
  }
}

