/**
 * One pass of an event through the room, RoomKit order: BEFORE_BROADCAST hooks → source can-write
 * gate → commit (blocked events too) → broadcast plan → deliveries and AI responses in parallel →
 * aftermath (results, failures, blocked responses, AFTER_BROADCAST) → reentry of responses.
 */
import { uuid4 } from '@temporalio/workflow';
import { emptyOutcome, matchingHooks, type SyncHookOutcome } from '../../src/core/hooks.js';
import { injectedEvent, responseEvent } from '../../src/core/events.js';
import { applyMutation } from '../../src/core/mutations.js';
import { planTargets } from '../../src/core/visibility.js';
import {
  canWrite, type ChannelBinding, type DeliveryResult, type ErrorInfo, type ObservationDraft, type RoomEvent,
  type TaskDraft,
} from '../../src/models/index.js';
import type { z } from 'zod';
import { hookOps } from './effects.js';
import { commit, fireObservers, rewrite, safely } from './side-effects.js';
import { deliverBare, runTarget, type TargetOutcome } from './targets.js';
import type { RoomState } from './state.js';

/** Shared by all passes a command causes: the reentry budget and the first AI failure. */
export interface Cascade {
  budget: number;
  error?: ErrorInfo;
  /** Called once the root event is committed (for callers that wait only for the commit). */
  onRootCommitted?: (event: RoomEvent, reason?: string) => void;
}

export interface PassResult {
  event: RoomEvent;
  blocked: boolean;
  reason?: string;
  deliveryResults: Record<string, DeliveryResult>;
}

export function newCascade(rs: RoomState, onRootCommitted?: Cascade['onRootCommitted']): Cascade {
  return { budget: rs.manifest.maxChainDepth * 10, onRootCommitted };
}

/** `mutationTarget`: the event an allowed edit/delete rewrites, in the same commit. */
export async function runPass(
  rs: RoomState, event: RoomEvent, cascade: Cascade, root: boolean, mutationTarget?: RoomEvent,
): Promise<PassResult> {
  const source = rs.binding(event.source.channelId);
  const decision = await beforeBroadcast(rs, event);
  const ev = decision.event;
  const injected = decision.injectedEvents.map((i) => ({ spec: i, event: injectedEvent(stamp(rs), i, ev) }));
  const sideEffects = { tasks: decision.tasks, observations: decision.observations, trigger: ev };

  const gate = !decision.allowed
    ? { reason: decision.reason ?? 'blocked', blockedBy: decision.blockedBy ?? 'hook' }
    : source && !canWrite(source)
      ? { reason: source.muted ? 'source_muted' : 'source_read_only', blockedBy: source.muted ? 'source_muted' : 'source_read_only' }
      : undefined;

  if (gate) {
    ev.status = 'blocked';
    ev.blockedBy = gate.blockedBy;
    rs.framework('event_blocked', { reason: gate.reason, blocked_by: gate.blockedBy }, { eventId: ev.id });
    await commit(rs, { events: [ev, ...injected.map((i) => i.event)], ...sideEffects });
    if (root) cascade.onRootCommitted?.(ev, gate.reason);
    await deliverInjected(rs, injected);
    return { event: ev, blocked: true, reason: gate.reason, deliveryResults: {} };
  }

  ev.status = 'delivered';
  const rewrites = mutationTarget ? [applyMutation(ev, mutationTarget)] : [];
  await commit(rs, { events: [ev, ...injected.map((i) => i.event)], rewrites, ...sideEffects });
  if (root) cascade.onRootCommitted?.(ev);
  await afterChainObservers(rs, ev);
  // RoomKit quirk 6: a source with no binding (detached) is stored but not broadcast.
  if (!source) {
    await deliverInjected(rs, injected);
    return { event: ev, blocked: false, deliveryResults: {} };
  }

  const targets = planTargets(ev, source, rs.bindings);
  const [outcomes] = await Promise.all([
    Promise.all(targets.map((t) => runTarget(rs, ev, t, source))),
    deliverInjected(rs, injected),
  ]);
  const deliveryResults = await aftermath(rs, ev, outcomes, cascade, root);
  await reenter(rs, ev, outcomes, cascade);
  return { event: ev, blocked: false, deliveryResults };
}

async function beforeBroadcast(rs: RoomState, event: RoomEvent): Promise<SyncHookOutcome> {
  const hooks = matchingHooks(rs.manifest.hooks, 'before_broadcast', event, 'sync');
  if (!hooks.length) return emptyOutcome(event);
  const budget = hooks.reduce((sum, h) => sum + h.timeoutMs, 0);
  const outcome = await safely(rs, 'hooks:before_broadcast', () =>
    hookOps(budget).runSyncHooks({ roomId: rs.room.id, trigger: 'before_broadcast', hookNames: hooks.map((h) => h.name), event }),
  );
  if (!outcome) return emptyOutcome(event);
  // A hook may rewrite content and routing fields, never the room's own bookkeeping.
  outcome.event = { ...outcome.event, id: event.id, roomId: event.roomId, index: event.index, source: event.source, chainDepth: event.chainDepth };
  return outcome;
}

/** ASYNC-registered BEFORE_BROADCAST hooks observe the final event once the chain allowed it. */
async function afterChainObservers(rs: RoomState, event: RoomEvent): Promise<void> {
  const observers = matchingHooks(rs.manifest.hooks, 'before_broadcast', event, 'async');
  if (!observers.length) return;
  const budget = Math.max(...observers.map((h) => h.timeoutMs));
  await safely(rs, 'hooks:before_broadcast', () =>
    hookOps(budget).runAsyncHooks({ roomId: rs.room.id, trigger: 'before_broadcast', hookNames: observers.map((h) => h.name), event }),
  );
}

async function deliverInjected(
  rs: RoomState, injected: { spec: { targetChannelIds?: string[] }; event: RoomEvent }[],
): Promise<void> {
  const sends: Promise<TargetOutcome>[] = [];
  for (const { spec, event } of injected) {
    for (const id of spec.targetChannelIds ?? []) {
      const target = rs.binding(id);
      // Bare delivery goes to bound transports only: an injected event never triggers an AI.
      if (target && target.category === 'transport') sends.push(deliverBare(rs, event, target));
    }
  }
  await Promise.all(sends);
}

async function aftermath(
  rs: RoomState, ev: RoomEvent, outcomes: TargetOutcome[], cascade: Cascade, root: boolean,
): Promise<Record<string, DeliveryResult>> {
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

/** AI answers re-enter the pipeline one level deeper, each as its own pass, in target order. */
async function reenter(rs: RoomState, trigger: RoomEvent, outcomes: TargetOutcome[], cascade: Cascade): Promise<void> {
  const max = rs.manifest.maxChainDepth;
  for (const o of outcomes) {
    if (o.kind !== 'responded' || !o.output.responded) continue;
    for (const draft of o.output.responseEvents) {
      const response = responseEvent(stamp(rs), draft, trigger, o.binding);
      const refusal = refuse(rs, response, o.binding, max, cascade);
      if (refusal === 'dropped') continue;
      if (refusal) {
        response.status = 'blocked';
        response.blockedBy = refusal.reason;
        await commit(rs, { events: [response], observations: refusal.observations, trigger: response });
        continue;
      }
      cascade.budget -= 1;
      await runPass(rs, response, cascade, false);
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

export function stamp(rs: RoomState): { id: string; roomId: string; now: string } {
  return { id: uuid4(), roomId: rs.room.id, now: new Date().toISOString() };
}
