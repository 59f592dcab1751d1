/**
 * The command loop: each pass runs the first of these steps that has something to do. Handlers only
 * enqueue; serving one command up to its commit is the room lock; the delivery lane runs beside it.
 */
import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import { msUntilNextTimer } from '../../src/core/timers.js';
import type { RoomWorkflowInput } from '../../src/models/index.js';
import { release } from './cascade.js';
import { callersWaiting, continueAsNewInput, drainDue, hasWork } from './loop-rules.js';
import { commitPass } from './pipeline.js';
import { applyTimers, flushFramework, guarded, processCommand, type SettleFn } from './serve.js';
import { inWorkScope, waitForWork } from './scopes.js';
import type { RoomState } from './state.js';
import { within } from './trace-context.js';

/** A step did nothing (try the next), did work (start a new pass), or finished the room. */
type Outcome = 'skip' | 'again' | 'finished';
type Step = (rs: RoomState, settle: SettleFn) => Promise<Outcome>;

export async function commandLoop(rs: RoomState, settle: SettleFn): Promise<void> {
  for (;;) {
    for (const step of STEPS) {
      const outcome = await step(rs, settle);
      if (outcome === 'finished') return;
      if (outcome === 'again') break;
    }
  }
}

/**
 * A room that stays busy `DRAIN_AFTER_EVENTS` events after the server suggested continue-as-new
 * drains: new updates are refused (the client retries them on the next run), waiting callers and AI
 * answers are served, deliveries finish, queued signals are carried over unprocessed.
 */
async function drainForContinueAsNew(rs: RoomState): Promise<Outcome> {
  if (!drainDue(rs, workflowInfo())) return 'skip';
  // Queued signals stay queued (they are carried), so "ready" here is not "idle".
  const ready = () => rs.readyToContinue() && allHandlersFinished();
  if (ready()) await moveOn(rs);
  if (callersWaiting(rs)) return 'skip';
  await condition(() => ready() || callersWaiting(rs));
  return 'again';
}

/** AI answers go first: they belong to a cascade a caller may be waiting on. */
async function serveReentry(rs: RoomState): Promise<Outcome> {
  const answer = rs.reentry.shift();
  if (!answer) return 'skip';
  await inWorkScope(rs, () => within(answer, () => guarded(rs, 'reentry', () => commitPass(rs, answer.event, answer.cascade, false))));
  release(answer.cascade);
  await flushFramework(rs);
  return 'again';
}

async function serveQueue(rs: RoomState, settle: SettleFn): Promise<Outcome> {
  // A transcript that came back (off the lock) enters before new commands. Checked here rather than
  // in a step of its own: a step more would cost every pass a microtask turn, in older runs too.
  const heard = rs.heard[0]?.run;
  if (heard) {
    rs.heard.shift();
    await inWorkScope(rs, () => within(heard, heard));
    await flushFramework(rs);
    return 'again';
  }
  const next = rs.queue.shift();
  if (!next) return 'skip';
  await inWorkScope(rs, () => within(next, () => processCommand(rs, next, settle)));
  return 'again';
}

/**
 * A closed room refuses every write, so it has nothing left to do: finish what is in flight, then
 * complete and leave the worker's cache. Queries still work on the closed history.
 */
async function completeIfClosed(rs: RoomState): Promise<Outcome> {
  if (!rs.refusesWrites()) return 'skip';
  await condition(() => settled(rs) || hasWork(rs));
  if (!settled(rs)) return 'again';
  await flushFramework(rs); // the last delivery's events, before the room completes
  return settled(rs) ? 'finished' : 'again';
}

/** Only an idle room moves on when the server suggests it: waiting callers would see their update fail. */
async function continueIfIdle(rs: RoomState): Promise<Outcome> {
  if (!workflowInfo().continueAsNewSuggested) return 'skip';
  await condition(() => settled(rs) || hasWork(rs));
  if (settled(rs)) await moveOn(rs);
  return 'again';
}

/**
 * Wait for work, or until the next inactivity deadline (a durable timer), then apply it. A caller
 * whose utterance is being transcribed (off the lock) is not inactive: no deadline while one is out.
 */
async function sleepUntilNextTimer(rs: RoomState): Promise<Outcome> {
  const wait = rs.heard.length > 0 ? undefined : msUntilNextTimer(rs.room, Date.now());
  if (wait === undefined) await waitForWork(rs, () => hasWork(rs) || workflowInfo().continueAsNewSuggested);
  else if (!(await condition(() => hasWork(rs), wait))) await applyTimers(rs);
  return 'again';
}

/** In pass order. */
export const STEPS: readonly Step[] = [
  drainForContinueAsNew, serveReentry, serveQueue, completeIfClosed, continueIfIdle, sleepUntilNextTimer,
];

/** Nothing in flight and no handler running: the room may complete or continue as new. */
function settled(rs: RoomState): boolean {
  return rs.idle() && allHandlersFinished();
}

/** Continue as new, after emitting the framework events this run's listeners are owed. */
async function moveOn(rs: RoomState): Promise<never> {
  await flushFramework(rs);
  return continueAsNew<(input: RoomWorkflowInput) => Promise<void>>(continueAsNewInput(rs));
}
