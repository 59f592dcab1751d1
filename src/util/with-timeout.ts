/** Thrown by `withTimeout` when the work did not settle in time. */
export class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms / 1000}s`);
    this.name = 'TimeoutError';
  }
}

/**
 * Race user code (hooks, tool handlers) against a timer. The work itself cannot be stopped — it may
 * still finish later — but the caller moves on and the result is ignored.
 */
export async function withTimeout<T>(ms: number, work: () => T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(work),
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new TimeoutError(ms)), ms); }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
