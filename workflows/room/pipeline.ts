/**
 * The commit stage of an event, RoomKit order: BEFORE_BROADCAST hooks → source can-write gate →
 * commit (blocked events too) → broadcast plan, handed to the room's delivery lane. The command loop
 * runs this stage one event at a time (the room lock); delivery happens off-lock, in index order.
 */
import { emptyOutcome, matchingHooks, type SyncHookOutcome } from '../../src/core/hooks.js';
import { injectedEvent } from '../../src/core/events.js';
import { applyMutation } from '../../src/core/mutations.js';
import { planTargets, showsEvent } from '../../src/core/visibility.js';
import { canWrite } from '../../src/models/access.js';
import type { ChannelBinding, RoomEvent } from '../../src/models/index.js';
import { hold, rootCommitted, type Cascade } from './cascade.js';
import { hookOps } from './effects.js';
import { commit, commitBehind, safely } from './side-effects.js';
import { writeBehindCommits } from './patches.js';
import type { RoomState } from './state.js';
import { speakEarly } from './speak.js';
import { stamp } from './stamp.js';
import { remember } from './trace-context.js';

/** Commit an event and queue its plan. `mutationTarget`: the event an allowed edit/delete rewrites. */
export async function commitPass(
  rs: RoomState, event: RoomEvent, cascade: Cascade, root: boolean, mutationTarget?: RoomEvent,
): Promise<void> {
  const source = rs.binding(event.source.channelId);
  const decision = await beforeBroadcast(rs, event);
  const ev = decision.event;
  const injected = decision.injectedEvents.map((i) => ({ targets: i.targetChannelIds ?? [], event: injectedEvent(stamp(rs), i, ev) }));
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
  } else {
    ev.status = 'delivered';
  }
  const rewrites = !gate && mutationTarget ? [applyMutation(ev, mutationTarget)] : [];
  const parts = { events: [ev, ...injected.map((i) => i.event)], rewrites, ...sideEffects };
  // What follows the commit, once it is durable: the committed answer, observers, the plan.
  const afterCommit = async (): Promise<void> => {
    if (root) rootCommitted(cascade, ev, gate?.reason);
    if (!gate) await afterChainObservers(rs, ev);
    // RoomKit quirk 6: a source with no binding (detached) is stored but not broadcast.
    const targets = gate || !source ? [] : targetsOf(rs, ev, source);
    rs.lane.push(remember({ event: ev, source, targets, injected, cascade, root, broadcast: !gate && !!source }));
  };
  const behind = writeBehindCommits();
  if (behind) {
    // The plan holds the cascade from now on: the caller's own hold may end before the commit lands.
    hold(cascade);
    commitBehind(rs, parts, afterCommit);
    // The answer's speech starts now, beside the persist; the plan plays it once the commit is durable.
    // Only rooms with a voice binding pay for planning the targets twice.
    const voiceBound = rs.voice.early && rs.bindings.some((b) => b.channelType === 'voice');
    if (voiceBound && !gate && source) speakEarly(rs, ev, targetsOf(rs, ev, source), source);
    return;
  }
  // The recorded path, step for step as it ran before write-behind (older histories replay it).
  await commit(rs, parts);
  if (root) rootCommitted(cascade, ev, gate?.reason);
  if (!gate) await afterChainObservers(rs, ev);
  const targets = gate || !source ? [] : targetsOf(rs, ev, source);
  hold(cascade);
  rs.lane.push(remember({ event: ev, source, targets, injected, cascade, root, broadcast: !gate && !!source }));
}

function targetsOf(rs: RoomState, ev: RoomEvent, source: ChannelBinding): ChannelBinding[] {
  const targets = planTargets(ev, source, rs.bindings);
  return rs.toolCallsByCapability ? targets.filter((b) => showsEvent(b, ev)) : targets;
}

async function beforeBroadcast(rs: RoomState, event: RoomEvent): Promise<SyncHookOutcome> {
  const hooks = matchingHooks(rs.hookSpecs(), 'before_broadcast', event, 'sync');
  if (!hooks.length) return emptyOutcome(event);
  const budget = hooks.reduce((sum, h) => sum + h.timeoutMs, 0);
  const outcome = await safely(rs, 'hooks:before_broadcast', () =>
    hookOps(budget, rs.workerHooks).runSyncHooks({
      roomId: rs.room.id, trigger: 'before_broadcast', hookNames: hooks.map((h) => h.name), event,
      ...(rs.workerHooks && { select: { execution: 'sync' as const } }),
    }),
  );
  if (!outcome) return emptyOutcome(event);
  // A hook may rewrite content and routing fields, never the room's own bookkeeping.
  outcome.event = { ...outcome.event, id: event.id, roomId: event.roomId, index: event.index, source: event.source, chainDepth: event.chainDepth };
  return outcome;
}

/** ASYNC-registered BEFORE_BROADCAST hooks observe the final event once the chain allowed it. */
async function afterChainObservers(rs: RoomState, event: RoomEvent): Promise<void> {
  const observers = matchingHooks(rs.hookSpecs(), 'before_broadcast', event, 'async');
  if (!observers.length) return;
  const budget = Math.max(...observers.map((h) => h.timeoutMs));
  await safely(rs, 'hooks:before_broadcast', () =>
    hookOps(budget, rs.workerHooks).runAsyncHooks({
      roomId: rs.room.id, trigger: 'before_broadcast', hookNames: observers.map((h) => h.name), event,
      ...(rs.workerHooks && { select: { execution: 'async' as const } }),
    }),
  );
}
