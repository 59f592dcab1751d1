/**
 * Facade over `@temporalio/client` for room workflows: commands as updates (optionally with start),
 * signals (optionally with start) and the state query. Temporal errors become RoomKit errors here.
 */
import { randomUUID } from 'node:crypto';
import {
  WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle,
} from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { newWindow } from '../core/idempotency.js';
import { CommandEnvelope as CommandEnvelopeSchema } from '../models/commands.js';
import type {
  CommandEnvelope, CommandOf, CommandResult, CommandResults, KitManifest, Room, RoomCommand, RoomCommandKind, RoomStatus,
  RoomWorkflowInput, WaitStage,
} from '../models/index.js';
import {
  commandSignal, commandUpdate, CONTINUING_AS_NEW, readUpdate, roomWorkflowId, stateQuery, type RoomSnapshot,
} from '../../workflows/room/definitions.js';
import {
  errorFromInfo, RoomAlreadyExistsError, RoomClosedError, RoomKitError, RoomKitValidationError, RoomNotFoundError,
} from '../errors.js';

/** The workflow type name registered by `workflows/index.ts`. */
export const ROOM_WORKFLOW_TYPE = 'roomWorkflow';

export interface CommandOptions {
  wait?: WaitStage;
  /** Reuse an id to make a retried call idempotent (it is the Temporal update id). */
  commandId?: string;
}

export class RoomClient {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly manifest: () => KitManifest,
    /**
     * A completed room's status as the store has it, to tell an archived room from a closed one in
     * the refusal (a completed workflow answers nothing without a worker replaying it).
     */
    private readonly storedStatus: (roomId: string) => Promise<RoomStatus | undefined> = async () => undefined,
  ) {}

  /** Start a room; fails with RoomAlreadyExistsError if its workflow is running. Returns once stored. */
  async create(room: Room): Promise<RoomSnapshot> {
    const envelope = this.envelope({ kind: 'describe' });
    const start = this.startOperation(room, 'FAIL', false);
    try {
      const result = await this.client.workflow.executeUpdateWithStart(commandUpdate, {
        args: [envelope], updateId: envelope.id, startWorkflowOperation: start,
      });
      return unwrap(result, { roomId: room.id }) as CommandResults['describe'];
    } catch (err) {
      if (isAlreadyStarted(err)) throw new RoomAlreadyExistsError(room.id);
      throw err;
    }
  }

  /** Run a command on an existing room and return its value (throws the command's error). */
  async command<K extends RoomCommandKind>(roomId: string, command: CommandOf<K>, options: CommandOptions = {}): Promise<CommandResults[K]> {
    const envelope = this.envelope(command, options);
    try {
      const result = await retryRefused(() =>
        this.handle(roomId).executeUpdate(commandUpdate, { args: [envelope], updateId: envelope.id }));
      return unwrap(result, { roomId, channelId: channelOf(command), participantId: participantOf(command) }) as CommandResults[K];
    } catch (err) {
      throw await this.completedIsClosed(mapError(err, roomId), roomId);
    }
  }

  /** Run a command, starting the room first if it does not exist (update-with-start, USE_EXISTING). */
  async commandWithStart<K extends RoomCommandKind>(
    room: Room, command: CommandOf<K>, options: CommandOptions & { autoCreated?: boolean } = {},
  ): Promise<CommandResults[K]> {
    const envelope = this.envelope(command, options);
    try {
      // A start operation is single-use, so each attempt gets a fresh one.
      const result = await retryRefused(() => this.client.workflow.executeUpdateWithStart(commandUpdate, {
        args: [envelope], updateId: envelope.id,
        startWorkflowOperation: this.startOperation(room, 'USE_EXISTING', options.autoCreated ?? false),
      }));
      return unwrap(result, { roomId: room.id, channelId: channelOf(command), participantId: participantOf(command) }) as CommandResults[K];
    } catch (err) {
      throw isAlreadyStarted(err) ? await this.closedError(room.id) : mapError(err, room.id);
    }
  }

  /** Fire-and-forget: the room processes it after this returns (signal-with-start, USE_EXISTING). */
  async signalWithStart(room: Room, command: RoomCommand, options: { autoCreated?: boolean; commandId?: string } = {}): Promise<string> {
    const envelope = this.envelope(command, options);
    const input: RoomWorkflowInput = { room, manifest: envelope.manifest, autoCreated: options.autoCreated ?? false };
    // With USE_EXISTING, "already started" means a completed run blocks the id: a closed room.
    try {
      await this.client.workflow.signalWithStart(ROOM_WORKFLOW_TYPE, {
        workflowId: roomWorkflowId(room.id),
        taskQueue: this.taskQueue,
        args: [input],
        signal: commandSignal,
        signalArgs: [envelope],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: REUSE_POLICY,
      });
    } catch (err) {
      throw isAlreadyStarted(err) ? await this.closedError(room.id) : mapError(err, room.id);
    }
    return envelope.id;
  }

  /** Fire-and-forget to an existing room (no start); `RoomNotFoundError` if it never existed. */
  async signal(roomId: string, command: RoomCommand): Promise<string> {
    const envelope = this.envelope(command);
    try {
      await this.handle(roomId).signal(commandSignal, envelope);
    } catch (err) {
      throw await this.completedIsClosed(mapError(err, roomId), roomId);
    }
    return envelope.id;
  }

  /**
   * A running room answers a read-only update (see `readUpdate` for why not a query); a closed
   * room, whose workflow completed, is queried (it has no task that could be pending).
   */
  async state(roomId: string): Promise<RoomSnapshot> {
    try {
      return await retryRefused(() => this.handle(roomId).executeUpdate(readUpdate, { args: [] }));
    } catch (err) {
      const mapped = mapError(err, roomId);
      if (!(mapped instanceof RoomNotFoundError)) throw mapped;
    }
    try {
      return await this.handle(roomId).query(stateQuery);
    } catch (err) {
      throw mapError(err, roomId);
    }
  }

  /** "Not found" from a room whose workflow completed means the room is closed, not missing. */
  private async completedIsClosed(err: unknown, roomId: string): Promise<unknown> {
    if (!(err instanceof RoomNotFoundError)) return err;
    try {
      const { status } = await this.handle(roomId).describe();
      return status.name === 'COMPLETED' ? await this.closedError(roomId) : err;
    } catch {
      return err;
    }
  }

  /** The refusal of a room whose workflow completed: archived if the store says so, else closed. */
  private async closedError(roomId: string): Promise<RoomClosedError> {
    const status = await this.storedStatus(roomId).catch(() => undefined);
    return new RoomClosedError(roomId, status === 'archived' ? 'archived' : 'closed');
  }

  /**
   * Archive a closed room, whose workflow has completed: a new run of `room:<id>` starts from the
   * closed run's state (`snapshot`, read with the state query), archives it, stores it and
   * completes. Only this call may start a new run over a completed one (`ALLOW_DUPLICATE`); a run
   * still going takes the command instead (`USE_EXISTING`).
   */
  async archiveCompleted(snapshot: RoomSnapshot): Promise<Room> {
    const roomId = snapshot.room.id;
    const envelope = this.envelope({ kind: 'archive' });
    const input: RoomWorkflowInput = {
      room: snapshot.room,
      manifest: this.manifest(),
      carried: {
        room: snapshot.room, bindings: snapshot.bindings, participants: snapshot.participants,
        // A room that refuses writes looks up no idempotency key: an empty window is enough.
        idempotency: newWindow(), recent: snapshot.recentEvents, queue: [],
        processed: snapshot.counters.processed, rejectedSignals: snapshot.counters.rejectedSignals,
      },
    };
    const start = new WithStartWorkflowOperation(ROOM_WORKFLOW_TYPE, {
      workflowId: roomWorkflowId(roomId),
      taskQueue: this.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    try {
      const result = await this.client.workflow.executeUpdateWithStart(commandUpdate, {
        args: [envelope], updateId: envelope.id, startWorkflowOperation: start,
      });
      return unwrap(result, { roomId }) as CommandResults['archive'];
    } catch (err) {
      throw mapError(err, roomId);
    }
  }

  private handle(roomId: string): WorkflowHandle {
    return this.client.workflow.getHandle(roomWorkflowId(roomId));
  }

  /**
   * The full zod check of a command happens here, before it is sent: the room workflow checks only
   * the shape it serves (`src/models/command-check.ts`), so that no cached room builds zod. What is
   * sent is the envelope as built, not zod's output, as before.
   */
  private envelope(command: RoomCommand, options: CommandOptions = {}): CommandEnvelope {
    const envelope = { id: options.commandId ?? randomUUID(), manifest: this.manifest(), command, ...(options.wait && { wait: options.wait }) };
    const parsed = CommandEnvelopeSchema.safeParse(envelope);
    if (!parsed.success) throw new RoomKitValidationError('room command', parsed.error.issues);
    return envelope;
  }

  private startOperation(room: Room, policy: 'FAIL' | 'USE_EXISTING', autoCreated: boolean) {
    const input: RoomWorkflowInput = { room, manifest: this.manifest(), autoCreated };
    return new WithStartWorkflowOperation(ROOM_WORKFLOW_TYPE, {
      workflowId: roomWorkflowId(room.id),
      taskQueue: this.taskQueue,
      args: [input],
      workflowIdConflictPolicy: policy,
      workflowIdReusePolicy: REUSE_POLICY,
    });
  }
}

/**
 * A closed room's workflow has completed; starting it again would resurrect the room empty. Only a
 * room whose run failed or was terminated (an operator's action) may be started again.
 */
const REUSE_POLICY = 'ALLOW_DUPLICATE_FAILED_ONLY' as const;

/**
 * A room about to continue as new refuses new updates in its validator (nothing is recorded); the
 * next run takes them. Retry with the same update id until it does.
 */
/**
 * The server turns an update away, recording nothing, while the room's last workflow task failed
 * and waits for its retry: a signal raced the task's completion (UnhandledCommand), or the worker
 * that held it stopped, and the retry waits for a worker (one that just restarted may spend seconds
 * per room replaying cold histories). A room whose task keeps failing (wedged) still answers this
 * after the budget runs out, and the kit reports it as `room_task_failed`.
 */
const TASK_FAILED_STATE = 'Workflow Task in failed state';
/**
 * The same, when the task that carried the update failed after the update was admitted (its worker
 * stopped or died mid-task): the update was never accepted, so the same update id may be sent again.
 */
const TASK_FAILED_UNEXPECTEDLY = 'unexpected workflow task failure';
const TASK_FAILED_BUDGET_MS = 60_000;

/**
 * The server admits at most 10 updates in flight per workflow (`limit.workflowExecution.maxInFlightUpdates`)
 * and turns the 11th away (RESOURCE_EXHAUSTED) recording nothing: a hot room with many senders at
 * once sees it. Retried with the same update id, with jitter so waiting callers do not come back in step.
 */
const UPDATES_IN_FLIGHT = 'concurrent in-flight updates';
const IN_FLIGHT_BUDGET_MS = 60_000;

function causedBy(err: unknown, text: string): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (e.message.includes(text)) return true;
  return false;
}

/** Retries what the room refused without recording anything: a drain for continue-as-new, a failed task, a full update queue. */
export async function retryRefused<T>(call: () => Promise<T>, deadlineMs = 60_000): Promise<T> {
  const start = Date.now();
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    try {
      return await call();
    } catch (err) {
      const draining = err instanceof WorkflowUpdateFailedError
        && err.cause instanceof Error && err.cause.message.includes(CONTINUING_AS_NEW);
      const crowded = causedBy(err, UPDATES_IN_FLIGHT);
      const taskFailed = causedBy(err, TASK_FAILED_STATE) || causedBy(err, TASK_FAILED_UNEXPECTEDLY);
      const budget = draining ? deadlineMs : taskFailed ? TASK_FAILED_BUDGET_MS : crowded ? IN_FLIGHT_BUDGET_MS : 0;
      if (Date.now() + delay > start + budget) throw err;
      await new Promise((resolve) => setTimeout(resolve, crowded ? delay * (0.5 + Math.random()) : delay));
    }
  }
}

function channelOf(command: RoomCommand): string | undefined {
  if ('channelId' in command) return command.channelId;
  if (command.kind === 'inbound') return command.message.channelId;
  if (command.kind === 'attach') return command.binding.channelId;
  return undefined;
}

function participantOf(command: RoomCommand): string | undefined {
  return 'participantId' in command ? command.participantId : undefined;
}

function unwrap(result: CommandResult, ctx: { roomId?: string; channelId?: string; participantId?: string }): unknown {
  if (result.ok) return result.value;
  throw errorFromInfo(result.error, ctx);
}

function isAlreadyStarted(err: unknown): boolean {
  if (err instanceof WorkflowExecutionAlreadyStartedError) return true;
  const cause = (err as { cause?: unknown })?.cause;
  return cause instanceof WorkflowExecutionAlreadyStartedError;
}

function mapError(err: unknown, roomId: string): unknown {
  if (err instanceof RoomKitError) return err;
  if (err instanceof WorkflowNotFoundError) return new RoomNotFoundError(roomId);
  if (isGrpcNotFound(err)) return new RoomNotFoundError(roomId);
  if (err instanceof WorkflowUpdateFailedError) {
    // The room's validator refused the command: nothing was recorded, the room runs on.
    const detail = err.cause instanceof Error ? err.cause.message : err.message;
    return new RoomKitError(`room ${roomId} refused the command: ${detail}`, { cause: err });
  }
  return err;
}

function isGrpcNotFound(err: unknown): boolean {
  const e = err as { code?: number; cause?: { code?: number } } | undefined;
  // gRPC status 5 = NOT_FOUND (e.g. updating a workflow that never ran).
  return e?.code === 5 || e?.cause?.code === 5;
}
