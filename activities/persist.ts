import { ApplicationFailure } from '@temporalio/common';
import { StoreUnavailableError } from '../src/errors.js';
import type {
  ChannelBinding, FrameworkEvent, Observation, Participant, Room, RoomEvent, Task, WorkerManifest,
} from '../src/models/index.js';
import { manifestNews, workerManifest } from '../src/hooks/worker-manifest.js';
import type { ActivityDeps } from './deps.js';
import { currentAttempt } from './heartbeat.js';

/** One write of the room's read model. Every part is idempotent, so a retry is harmless. */
export interface PersistInput {
  room: Room;
  events?: RoomEvent[];
  bindings?: ChannelBinding[];
  removedBindings?: string[];
  participants?: Participant[];
  tasks?: Task[];
  observations?: Observation[];
  /** Framework events to emit once the write landed (saves a separate activity). */
  frameworkEvents?: FrameworkEvent[];
  /** Fingerprint of the manifest the room runs; the worker answers with its own if it differs. */
  manifestFingerprint?: string;
}

/** Attempts after which a write that fails for another reason than an unreachable store is given up. */
const PERMANENT_AFTER_ATTEMPTS = 10;

export function persistActivities({ store, events: bus, manifest: currentManifest }: ActivityDeps) {
  const manifest = workerManifest(currentManifest);
  const write = async (input: PersistInput): Promise<void> => {
    // Room and events are independent rows: written side by side (one round trip less on a
    // networked store); each write is idempotent, so a retry after a partial failure is harmless.
    await Promise.all([store.putRoom(input.room), input.events?.length ? store.putEvents(input.events) : undefined]);
    for (const b of input.bindings ?? []) await store.putBinding(b);
    for (const id of input.removedBindings ?? []) await store.removeBinding(input.room.id, id);
    for (const p of input.participants ?? []) await store.putParticipant(p);
    for (const t of input.tasks ?? []) await store.putTask(t);
    for (const o of input.observations ?? []) await store.putObservation(o);
    for (const e of input.frameworkEvents ?? []) await bus.emit(e);
  };
  /**
   * Store writes are retried without a cap while the store is unreachable (`StoreUnavailableError`):
   * the room waits for it. Any other error (a value the store can never accept, a bug) is permanent
   * after a few attempts: the room records `effect_failed` and goes on instead of waiting forever.
   */
  const durably = async (inputs: PersistInput[]): Promise<void> => {
    try {
      for (const input of inputs) await write(input);
    } catch (err) {
      if (err instanceof StoreUnavailableError || currentAttempt() < PERMANENT_AFTER_ATTEMPTS) throw err;
      throw ApplicationFailure.nonRetryable(err instanceof Error ? err.message : String(err), 'StoreWriteRefused');
    }
  };
  const activities = {
    /** Commits queued behind one another, in commit order: each as `persist` would write it. */
    async persistBatch(inputs: PersistInput[]): Promise<WorkerManifest | null> {
      await durably(inputs);
      return manifestNews(manifest, inputs.at(-1)?.manifestFingerprint);
    },
    /** One commit; answers with this worker's manifest when the room runs another one. */
    async persist(input: PersistInput): Promise<WorkerManifest | null> {
      await durably([input]);
      return manifestNews(manifest, input.manifestFingerprint);
    },
    /** This worker's manifest (a room asks when it starts). */
    async describeWorker(): Promise<WorkerManifest> {
      return manifest();
    },
    async loadEvent(input: { roomId: string; index: number }): Promise<RoomEvent | null> {
      return (await store.getEventByIndex(input.roomId, input.index)) ?? null;
    },
    async getEvent(input: { roomId: string; eventId: string }): Promise<RoomEvent | null> {
      return (await store.getEvent(input.roomId, input.eventId)) ?? null;
    },
    async findEventByIdempotencyKey(input: { roomId: string; key: string }): Promise<RoomEvent | null> {
      return (await store.getEventByIdempotencyKey(input.roomId, input.key)) ?? null;
    },
    async emitFrameworkEvents(input: { events: FrameworkEvent[] }): Promise<void> {
      for (const e of input.events) await bus.emit(e);
    },
  };
  return activities;
}
