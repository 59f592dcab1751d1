/**
 * Persisting events with their side effects (tasks, observations) and firing observer hooks.
 * Nothing here throws into the loop: a failed effect becomes a framework event and a log line.
 */
import { isCancellation, log, uuid4 } from '@temporalio/workflow';
import type { PersistInput } from '../../activities/index.js';
import { matchingHooks } from '../../src/core/hooks.js';
import type {
  ChannelBinding, HookTrigger, Observation, ObservationDraft, Participant, RoomEvent, Task, TaskDraft,
} from '../../src/models/index.js';
import type { z } from 'zod';
import { hookOps, persist, persistBatch } from './effects.js';
import { adoptManifest } from './manifest.js';
import { writeBehindCommits } from './patches.js';
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
  const { input, tasks } = stage(rs, parts);
  await write(rs, input);
  if (tasks.length && parts.trigger) await announceTasks(rs, tasks, parts.trigger);
  return tasks;
}

/**
 * Write-behind: stage the commit now (indexes, room state) and return at once; `after` runs once
 * it is durable, after every earlier commit's `after`, so answers and delivery plans keep commit
 * order. The command loop is free to take the next command meanwhile.
 */
export function commitBehind(rs: RoomState, parts: CommitParts, after: () => Promise<void>): void {
  const { input, tasks } = stage(rs, parts);
  const durable = write(rs, input);
  rs.commitsInFlight += 1;
  rs.afterCommits = rs.afterCommits.then(async () => {
    try {
      await durable;
      if (tasks.length && parts.trigger) await announceTasks(rs, tasks, parts.trigger);
      await after();
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.error('room commit follow-up failed unexpectedly', { roomId: rs.room.id, error: err instanceof Error ? err.message : String(err) });
    } finally {
      rs.commitsInFlight -= 1;
    }
  });
}

function stage(rs: RoomState, parts: CommitParts): { input: PersistInput; tasks: Task[] } {
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
  const input: PersistInput = {
    room: rs.room,
    events: [...events, ...(parts.rewrites ?? [])],
    tasks,
    observations,
    bindings: [...(parts.bindings ?? []), ...rs.takeChangedBindings()],
    removedBindings: parts.removedBindings,
    participants: parts.participants,
    frameworkEvents: rs.takeFramework(),
  };
  return { input, tasks };
}

/** Re-write already indexed events (e.g. to record delivery failures on them). */
export async function rewrite(rs: RoomState, events: RoomEvent[]): Promise<void> {
  for (const e of events) rs.replaceRecent(e);
  await write(rs, { room: rs.room, events, frameworkEvents: rs.takeFramework() });
}

/** Most commits one persist activity carries. */
export const MAX_WRITE_BATCH = 50;

/**
 * One write path per room. Recorded before write-behind, each commit was its own persist activity
 * awaited by its caller; now commits queue, one persist is in flight at a time, and everything that
 * queued behind it goes out together when it lands.
 */
function write(rs: RoomState, parts: PersistInput): Promise<unknown> {
  const behind = writeBehindCommits();
  // Each write tells the worker which manifest the room runs; a worker with another answers with its own.
  const input = rs.workerHooks ? { ...parts, manifestFingerprint: rs.manifestFingerprint } : parts;
  // The recorded path, awaited exactly as before (no extra hop: older histories replay unchanged).
  // Only runs recorded before write-behind take it, and those never run their workers' hooks.
  if (!behind) return safely(rs, 'persist', () => persist(input));
  return new Promise<void>((resolve) => {
    rs.writes.push({ input, done: resolve });
    if (!rs.writing) void drainWrites(rs);
  });
}

async function drainWrites(rs: RoomState): Promise<void> {
  rs.writing = true;
  try {
    while (rs.writes.length) {
      const batch = rs.writes.splice(0, MAX_WRITE_BATCH);
      const inputs = batch.map((w) => w.input);
      const news = await safely(rs, 'persist', () => (inputs.length === 1 ? persist(inputs[0]) : persistBatch(inputs)));
      adoptManifest(rs, news);
      for (const w of batch) w.done();
    }
  } finally {
    rs.writing = false;
  }
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
  options: { ignoreSourceFilters?: boolean; execution?: 'async' } = {},
): Promise<void> {
  const hooks = matchingHooks(rs.hookSpecs(), trigger, options.ignoreSourceFilters ? undefined : event, options.execution);
  if (!hooks.length) return;
  const budget = Math.max(...hooks.map((h) => h.timeoutMs));
  await safely(rs, `hooks:${trigger}`, () =>
    hookOps(budget, rs.workerHooks).runAsyncHooks({
      roomId: rs.room.id, trigger, hookNames: hooks.map((h) => h.name), event,
      ...(rs.workerHooks && {
        select: { ignoreSourceFilters: options.ignoreSourceFilters, ...(options.execution && { execution: options.execution }) },
      }),
    }),
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
    log.error(`room ${rs.room.id}: ${what} failed`, { roomId: rs.room.id, error: message });
    rs.framework('effect_failed', { effect: what, error: message });
    return undefined;
  }
}
