/**
 * Every patch of the room workflow, and the only module that calls `patched()`.
 *
 * A patch check writes a marker the first time it answers true, and on replay it answers from the
 * markers in history. So a check must be reached at the same point of the same workflow task on
 * replay as it was live: each function below is called **unconditionally** at its decision point
 * (never on the right of `&&`, `||` or `?`, never only when a queue happens to hold something), and
 * the caller then combines the answer with the room's state. `tests/unit/architecture/patches.test.ts`
 * keeps it so.
 *
 * Moving a check earlier than the code that first recorded its marker is replay-safe: during replay a
 * missing marker answers false without fixing the decision, so the old path runs until the task
 * that holds the marker.
 */
import { patched } from '@temporalio/workflow';

export const PATCHES = {
  /** Closed rooms complete their workflow (older histories kept them running). */
  closedRoomCompletes: 'closed-room-completes',
  /** Deliveries over a binding's rate wait on a durable timer. */
  rateLimitTimers: 'rate-limit-timers',
  /** Commits were written by a local activity (recorded between 0.1 and the replay fix; see below). */
  localCommits: 'local-commits',
  /**
   * Commits are regular activities again. Local-activity commits recorded histories their own code
   * could not replay under concurrent updates: the SDK sometimes resolves a local activity in the
   * workflow task *after* the one holding its marker (together with the next update), while replay
   * resolves it in the marker's task, so the delivery that follows moves to another task.
   */
  commitsAsActivities: 'commits-as-activities',
  /** A backlog of deliveries to the same transports goes out in one activity per target. */
  batchedDelivery: 'batched-delivery',
  /** A busy room drains and continues as new without waiting to be idle. */
  drainForContinueAsNew: 'drain-for-continue-as-new',
  /**
   * The command loop hands a commit to the room's writer and takes the next command at once; the
   * writer keeps one persist activity in flight and batches what queued meanwhile. What follows a
   * commit (its `committed` answer, observers, the delivery plan) waits until it is durable.
   */
  writeBehindCommits: 'write-behind-commits',
  /** The command loop is a list of named steps (`loop.ts`); older runs keep `legacy-loop.ts`. */
  loopOfSteps: 'loop-of-steps',
  /**
   * The room runs the hooks and listeners of the workers that serve it: it asks its worker at start
   * and learns changes from its writes. Older runs keep running the hooks each sender listed.
   */
  workerOwnedHooks: 'worker-owned-hooks',
  /** Tool-call events reach only the targets that show them (`showsEvent`), never an SMS transport. */
  toolCallsByCapability: 'tool-calls-by-capability',
  /** Inbound messages pass the identity step (RoomKit §11) when the room's worker has a resolver. */
  identityResolution: 'identity-resolution',
  /** An identity hook's `challenge(inject)` stores and sends its challenge (recorded runs only refused). */
  identityChallenges: 'identity-challenges',
  /**
   * Answers to a voice binding are spoken (BEFORE_TTS → synthesize → AFTER_TTS → deliver with the
   * clip) and never batched. Older runs delivered them as plain text, like any transport.
   */
  voice: 'voice',
  /**
   * Commands, AI answers and delivery batches run in one non-cancellable scope per run (`scopes.ts`),
   * so that a cached room's heap does not grow with its timeline.
   */
  boundedScopes: 'bounded-scopes',
  /**
   * An answer's speech (BEFORE_TTS, synthesis, AFTER_TTS) starts while its commit is written, not
   * after; the clip is still played only once the commit is durable, in the lane's order.
   */
  earlySpeech: 'early-speech',
  /**
   * An utterance's transcription runs off the room lock: other commands are served meanwhile, and
   * the transcript enters the room when it comes back (before newer commands).
   */
  sttOffLock: 'stt-off-lock',
} as const;

/** How a commit is written: by a regular activity, except while replaying a local-commit history. */
export function commitsByLocalActivity(): boolean {
  if (patched(PATCHES.commitsAsActivities)) return false;
  // Replaying a run recorded with local commits (no marker for the patch above): keep its shape.
  return patched(PATCHES.localCommits);
}

export const batchedDelivery = (): boolean => patched(PATCHES.batchedDelivery);
export const drainForContinueAsNew = (): boolean => patched(PATCHES.drainForContinueAsNew);
export const closedRoomCompletes = (): boolean => patched(PATCHES.closedRoomCompletes);
export const rateLimitTimers = (): boolean => patched(PATCHES.rateLimitTimers);
export const writeBehindCommits = (): boolean => patched(PATCHES.writeBehindCommits);
export const loopOfSteps = (): boolean => patched(PATCHES.loopOfSteps);
export const workerOwnedHooks = (): boolean => patched(PATCHES.workerOwnedHooks);
export const toolCallsByCapability = (): boolean => patched(PATCHES.toolCallsByCapability);
export const identityResolution = (): boolean => patched(PATCHES.identityResolution);
export const identityChallenges = (): boolean => patched(PATCHES.identityChallenges);
export const voiceRoom = (): boolean => patched(PATCHES.voice);
export const boundedScopes = (): boolean => patched(PATCHES.boundedScopes);
export const earlySpeech = (): boolean => patched(PATCHES.earlySpeech);
export const sttOffLock = (): boolean => patched(PATCHES.sttOffLock);
