import { Context } from '@temporalio/activity';

/**
 * Heartbeat while slow work runs, so Temporal notices a dead worker within the heartbeat timeout
 * (seconds) instead of the start-to-close timeout (minutes), and retries elsewhere.
 */
export async function withHeartbeat<T>(work: () => Promise<T>): Promise<T> {
  let ctx: Context | undefined;
  try {
    ctx = Context.current();
  } catch {
    return work(); // outside an activity (tests)
  }
  const timer = setInterval(() => ctx?.heartbeat(), 1000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** The activity's attempt number (1 outside an activity). */
export function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}
