/** Small helpers of the benchmark: percentiles, a bounded-concurrency pool, forced GC. */
import v8 from 'node:v8';
import vm from 'node:vm';

/** Nearest-rank percentile of unsorted samples (ms). */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export interface PoolOutcome {
  elapsedMs: number;
  errors: number;
  firstError?: unknown;
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; failures are counted. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<PoolOutcome> {
  let next = 0;
  let errors = 0;
  let firstError: unknown;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      try {
        await task(i);
      } catch (err) {
        errors += 1;
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { elapsedMs: performance.now() - started, errors, firstError };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `global.gc` when node runs with --expose-gc; otherwise the flag is set at run time and a fresh
 * context hands out its `gc` (it collects the whole isolate, not just that context).
 */
export function gcFunction(): { gc: () => void; source: string } {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return { gc: g, source: '--expose-gc' };
  v8.setFlagsFromString('--expose-gc');
  return { gc: vm.runInNewContext('gc') as () => void, source: 'v8.setFlagsFromString(--expose-gc)' };
}

/** heapUsed/rss after full collections, once the event loop had a chance to run finalizers. */
export async function settledMemory(gc: () => void): Promise<{ heapUsed: number; rss: number }> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
    await sleep(50);
  }
  gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss };
}

export const round = (n: number, digits = 1): number => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);
