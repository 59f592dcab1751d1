/**
 * Persisting events with their side effects (tasks, observations) and firing observer hooks.
 * Nothing here throws into the loop: a failed effect becomes a framework event and a log line.
 */
import { log, uuid4 } from '@temporalio/workflow';
import { matchingHooks } from '../../src/core/hooks.js';
import type {
  ChannelBinding, HookTrigger, Observation, ObservationDraft, Participant, RoomEvent, Task, TaskDraft,
} from '../../src/models/index.js';
import type { z } from 'zod';
import { hookOps, persist } from './effects.js';
import type { RoomState } from './state.js';

export interface CommitParts {
  events?: RoomEvent[];
  tasks?: z.output<typeof TaskDraft>[];
  observations?: (z.output<typeof ObservationDraft> | Observation)[];
  bindings?: ChannelBinding[];
  removedBindings?: string[];
  participants?: Participant[];
  /** Source event for ON_TASK_CREATED payloads. */
  trigger?: RoomEvent;
  /** Already-indexed events to write again (an edited or deleted target). */
  rewrites?: RoomEvent[];
  /** False for timer events: they must not reset the inactivity clock they report on. */
  activity?: boolean;
}

/**
 * Index the events, then write them (and the room, tasks, observations) in one activity. Pending
 * framework events ride along so they cost no extra round trip.
 */
export async function commit(rs: RoomState, parts: CommitParts): Promise<Task[]> {
  const now = new Date().toISOString();
  const events = parts.events ?? [];
  if (events.length) rs.assignIndexes(events, now, parts.activity ?? true);
  for (const e of parts.rewrites ?? []) rs.replaceRecent(e);
  const tasks = (parts.tasks ?? []).map((t): Task => ({
    id: uuid4(), roomId: rs.room.id, title: t.title, status: t.status ?? 'pending', createdAt: now,
    metadata: t.metadata ?? {},
    ...(t.description !== undefined && { description: t.description }),
    ...(t.assignedTo !== undefined && { assignedTo: t.assignedTo }),
  }));
  const observations = (parts.observations ?? []).map((o): Observation => ({
    id: o.id ?? uuid4(), roomId: rs.room.id, content: o.content, confidence: o.confidence ?? 1,
    createdAt: 'createdAt' in o ? o.createdAt : now, metadata: o.metadata ?? {},
    ...(o.category !== undefined && { category: o.category }),
    ...(o.channelId !== undefined && { channelId: o.channelId }),
  }));
  await safely(rs, 'persist', () =>
    persist({
      room: rs.room,
      events: [...events, ...(parts.rewrites ?? [])],
      tasks,
      observations,
      bindings: [...(parts.bindings ?? []), ...rs.takeChangedBindings()],
      removedBindings: parts.removedBindings,
      participants: parts.participants,
      frameworkEvents: rs.takeFramework(),
    }),
  );
  if (tasks.length && parts.trigger) await announceTasks(rs, tasks, parts.trigger);
  return tasks;
}

/** Re-write already indexed events (e.g. to record delivery failures on them). */
export async function rewrite(rs: RoomState, events: RoomEvent[]): Promise<void> {
  for (const e of events) rs.replaceRecent(e);
  await safely(rs, 'persist', () => persist({ room: rs.room, events, frameworkEvents: rs.takeFramework() }));
}

async function announceTasks(rs: RoomState, tasks: Task[], trigger: RoomEvent): Promise<void> {
  for (const task of tasks) {
    await fireObservers(rs, 'on_task_created', {
      ...trigger,
      id: uuid4(),
      type: 'task_created',
      visibility: 'internal',
      metadata: { task_id: task.id, task_title: task.title },
    });
  }
}

/** Run the observer hooks of a trigger, if the kit registered any that match. */
export async function fireObservers(
  rs: RoomState,
  trigger: HookTrigger,
  event: RoomEvent,
  options: { ignoreSourceFilters?: boolean } = {},
): Promise<void> {
  const hooks = matchingHooks(rs.manifest.hooks, trigger, options.ignoreSourceFilters ? undefined : event);
  if (!hooks.length) return;
  const budget = Math.max(...hooks.map((h) => h.timeoutMs));
  await safely(rs, `hooks:${trigger}`, () =>
    hookOps(budget).runAsyncHooks({ roomId: rs.room.id, trigger, hookNames: hooks.map((h) => h.name), event }),
  );
}

/**
 * Await an effect; if it fails for good, record it and carry on (an uncaught ActivityFailure would
 * fail the whole room).
 */
export async function safely<T>(rs: RoomState, what: string, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    const message = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    log.error(`room ${rs.room.id}: ${what} failed`, { error: message });
    rs.framework('effect_failed', { effect: what, error: message });
    return undefined;
  }
}
