/**
 * The room's delivery lane: plans run one at a time in commit (index) order, each plan's targets
 * concurrently as activities. AI answers go back to the command loop for their own commit pass.
 */
import { uuid4 } from '@temporalio/workflow';
import { isSolicited } from '../../src/core/addressing.js';
import { responseEvent } from '../../src/core/events.js';
import { contentForTarget } from '../../src/core/transcode.js';
import type {
  ChannelBinding, DeliveryResult, ObservationDraft, RoomEvent, TaskDraft,
} from '../../src/models/index.js';
import type { z } from 'zod';
import { hold, release, type Cascade } from './cascade.js';
import { commit, fireObservers, rewrite } from './side-effects.js';
import { failed, type TargetOutcome } from './outcomes.js';
import type { Plan } from './plan.js';
import { deliverBare, deliverBatchTo, runTarget } from './targets.js';
import type { RoomState } from './state.js';
import { remember } from './trace-context.js';
import { dropPrepared } from './voice-book.js';


export async function executePlan(rs: RoomState, plan: Plan): Promise<void> {
  const { event, source, cascade } = plan;
  try {
    const [outcomes] = await Promise.all([
      Promise.all(plan.targets.map((t) => runTarget(rs, event, t, source))),
      deliverInjected(rs, plan.injected),
    ]);
    if (!plan.broadcast) return;
    const results = await aftermath(rs, plan, outcomes);
    if (plan.root && cascade.result) cascade.result.deliveryResults = results;
    await queueResponses(rs, event, outcomes, cascade);
  } finally {
    dropPrepared(rs.voice, event.id);
    release(cascade);
  }
}

/** Most plans one batch carries: bounds the activity's input and the time before the next aftermath. */
export const MAX_BATCH = 25;

/**
 * Plans that only go out to transports, with no rate limit and nothing injected: a run of them can be
 * delivered per target in one activity instead of one per event.
 */
export function batchable(plan: Plan, voice = false): boolean {
  return plan.broadcast && plan.injected.length === 0 && plan.targets.length > 0
    && plan.targets.every((t) => t.category === 'transport' && !t.rateLimit && !(voice && t.channelType === 'voice'));
}

/** Same bindings, field for field: a binding changed between two commits ends the batch. */
function sameTargets(a: Plan, b: Plan): boolean {
  return JSON.stringify(a.targets) === JSON.stringify(b.targets);
}

/** The next plans to run: one, or a run of batchable plans with the same targets. */
export function takeBatch(rs: RoomState, allowed: boolean): Plan[] {
  const first = rs.lane.shift()!;
  const batch = [first];
  // A voice binding speaks each answer on its own (`speak.ts`), never in a batch.
  const ok = (plan: Plan): boolean => batchable(plan, rs.voice.enabled);
  if (!allowed || !ok(first) || rs.lane.length === 0 || !ok(rs.lane[0]) || !sameTargets(first, rs.lane[0])) return batch;
  while (batch.length < MAX_BATCH && rs.lane.length > 0 && ok(rs.lane[0]) && sameTargets(first, rs.lane[0])) {
    batch.push(rs.lane.shift()!);
  }
  return batch;
}

/**
 * A run of batchable plans: per target, its events in index order through `deliverBatchTo`; then each
 * plan's aftermath in index order, exactly as `executePlan` would have done it.
 */
export async function executeBatch(rs: RoomState, plans: Plan[]): Promise<void> {
  try {
    const targets = plans[0].targets;
    const perTarget = await Promise.all(targets.map(async (target, t) => {
      const outcomes: TargetOutcome[] = new Array(plans.length);
      const sendAt: number[] = [];
      const events: RoomEvent[] = [];
      plans.forEach((plan, i) => {
        const binding = plan.targets[t];
        if (!isSolicited(plan.event, binding, plan.source, rs.room.agentResponsePolicy)) {
          outcomes[i] = { kind: 'skipped', binding };
          return;
        }
        const content = contentForTarget(plan.event.content, binding.capabilities);
        if (content === null) {
          outcomes[i] = { kind: 'failed', binding, result: failed(binding, { code: 'transcoding_failed', message: 'content cannot be shown on this channel', retryable: false }) };
          return;
        }
        sendAt.push(i);
        events.push({ ...plan.event, content });
      });
      const sent = events.length ? await deliverBatchTo(rs, events, target) : [];
      sent.forEach((o, k) => { outcomes[sendAt[k]] = o; });
      return outcomes;
    }));
    for (const [i, plan] of plans.entries()) {
      const results = await aftermath(rs, plan, targets.map((_, t) => perTarget[t][i]));
      if (plan.root && plan.cascade.result) plan.cascade.result.deliveryResults = results;
    }
  } finally {
    for (const plan of plans) {
      dropPrepared(rs.voice, plan.event.id);
      release(plan.cascade);
    }
  }
}

async function deliverInjected(rs: RoomState, injected: Plan['injected']): Promise<void> {
  const sends: Promise<TargetOutcome>[] = [];
  for (const { targets, event } of injected) {
    for (const id of targets) {
      const target = rs.binding(id);
      // Bare delivery goes to bound transports only: an injected event never triggers an AI.
      if (target && target.category === 'transport') sends.push(deliverBare(rs, event, target));
    }
  }
  await Promise.all(sends);
}

async function aftermath(rs: RoomState, plan: Plan, outcomes: TargetOutcome[]): Promise<Record<string, DeliveryResult>> {
  const { event: ev, root, cascade } = plan;
  const results: Record<string, DeliveryResult> = {};
  const tasks: z.output<typeof TaskDraft>[] = [];
  const observations: z.output<typeof ObservationDraft>[] = [];
  let failures = 0;
  for (const o of outcomes) {
    if (o.kind === 'delivered' || o.kind === 'failed' || o.kind === 'ai_failed') results[o.binding.channelId] = o.result;
    if (o.kind === 'delivered' && root) rs.framework('delivery_succeeded', { channel_id: o.binding.channelId }, { eventId: ev.id, channelId: o.binding.channelId });
    if (o.kind === 'failed' || o.kind === 'ai_failed') {
      failures++;
      if (root) rs.framework('delivery_failed', { error: o.result.error }, { eventId: ev.id, channelId: o.binding.channelId });
    }
    if (o.kind === 'responded') {
      tasks.push(...(o.output.tasks ?? []));
      observations.push(...(o.output.observations ?? []));
    }
  }
  if (failures && root) {
    rs.framework('broadcast_partial_failure', {
      failed: failures, total: outcomes.filter((o) => o.kind !== 'skipped').length,
      errors: Object.fromEntries(Object.values(results).filter((r) => r.error).map((r) => [r.channelId, r.error?.message])),
    }, { eventId: ev.id });
  }
  for (const o of outcomes) {
    if (o.kind !== 'ai_failed') continue;
    cascade.error ??= o.error;
    await fireObservers(rs, 'on_error', {
      ...ev, id: uuid4(), content: { type: 'text', body: o.error.message }, chainDepth: ev.chainDepth + 1,
      source: { channelId: o.binding.channelId, channelType: o.binding.channelType, direction: 'outbound' },
      metadata: { error: o.error.message, error_type: o.error.type, error_category: 'generation' },
    });
  }
  if (failures) {
    // RoomKit records the whole per-channel map on the event only when something failed.
    ev.deliveryResults = results;
    await rewrite(rs, [ev]);
  }
  if (tasks.length || observations.length) await commit(rs, { tasks, observations, trigger: ev });
  await fireObservers(rs, 'after_broadcast', ev);
  if (root) rs.framework('event_processed', { blocked: false }, { eventId: ev.id });
  return results;
}

/**
 * AI answers one level deeper: refused ones are stored BLOCKED here; the others wait in the reentry
 * queue, which the command loop serves before new commands, for their own hooks and commit.
 */
async function queueResponses(rs: RoomState, trigger: RoomEvent, outcomes: TargetOutcome[], cascade: Cascade): Promise<void> {
  const max = rs.manifest.maxChainDepth;
  for (const o of outcomes) {
    if (o.kind !== 'responded' || !o.output.responded) continue;
    for (const draft of o.output.responseEvents) {
      const response = responseEvent({ id: uuid4(), roomId: rs.room.id, now: new Date().toISOString() }, draft, trigger, o.binding);
      const refusal = refuse(rs, response, o.binding, max, cascade);
      if (refusal === 'dropped') continue;
      if (refusal) {
        response.status = 'blocked';
        response.blockedBy = refusal.reason;
        await commit(rs, { events: [response], observations: refusal.observations, trigger: response });
        continue;
      }
      cascade.budget -= 1;
      hold(cascade);
      rs.reentry.push(remember({ event: response, cascade }));
    }
  }
}

function refuse(
  rs: RoomState, response: RoomEvent, responder: ChannelBinding, max: number, cascade: Cascade,
): 'dropped' | { reason: string; observations?: z.output<typeof ObservationDraft>[] } | undefined {
  if (rs.refusesWrites()) {
    rs.framework('room_refused_event', { status: rs.room.status, event_type: response.type, reentry: true }, { eventId: response.id });
    return 'dropped';
  }
  if (responder.muted) {
    // A muted AI still thinks; its answer is kept, blocked, and never broadcast.
    rs.framework('event_blocked', { reason: 'source_muted', blocked_by: 'source_muted' }, { eventId: response.id });
    return { reason: 'source_muted' };
  }
  if (response.chainDepth >= max) {
    rs.framework('chain_depth_exceeded', { chain_depth: response.chainDepth, max_chain_depth: max }, { eventId: response.id });
    return {
      reason: 'event_chain_depth_limit',
      observations: [{
        id: `obs_${response.id}`,
        content: `Event chain depth ${response.chainDepth} exceeded limit ${max}`,
        category: 'event_chain_depth_exceeded',
        channelId: responder.channelId,
        metadata: { chain_depth: response.chainDepth, max_chain_depth: max, source_channel: responder.channelId },
      }],
    };
  }
  if (cascade.budget <= 0) {
    rs.framework('event_blocked', { reason: 'reentry_loop_cap', blocked_by: 'reentry_loop_cap' }, { eventId: response.id });
    return { reason: 'reentry_loop_cap' };
  }
  return undefined;
}
