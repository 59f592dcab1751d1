/**
 * Runs hook functions with their timeouts. Sync chains fold results with the pure reducer from
 * `src/core/hooks.ts`; every failure (throw, timeout, garbage) fails open and is reported.
 */
import { applyHookResult } from '../core/hook-results.js';
import { emptyOutcome, type SyncHookOutcome } from '../core/hooks.js';
import type { RoomEvent } from '../models/index.js';
import type { RoomContext } from '../channels/room-context.js';
import type { HookRegistry, RegisteredHook } from './registry.js';
import { TimeoutError, withTimeout } from '../util/with-timeout.js';

export interface HookReport {
  hook: string;
  error: string;
  timedOut: boolean;
  timeoutMs: number;
}

/** Told how each hook that ran went and how long it took (metrics); never throws into the chain. */
export type HookTiming = (hook: string, outcome: 'ok' | 'blocked' | 'error' | 'timeout', ms: number) => void;

function resolveHooks(registry: HookRegistry, names: string[], reports: HookReport[]): RegisteredHook[] {
  const found: RegisteredHook[] = [];
  for (const name of names) {
    const hook = registry.get(name);
    if (hook) found.push(hook);
    else reports.push({ hook: name, error: `hook ${name} is not registered on this worker`, timedOut: false, timeoutMs: 0 });
  }
  return found;
}

/** Run a sync chain in order; modify chains, block stops, errors are skipped. */
export async function runSyncChain(
  registry: HookRegistry, names: string[], event: RoomEvent, ctx: RoomContext, timing?: HookTiming,
  options: { failClosed?: boolean } = {},
): Promise<{ outcome: SyncHookOutcome; reports: HookReport[] }> {
  const reports: HookReport[] = [];
  const outcome = emptyOutcome(event);
  // Fail-closed chains (ON_TRANSCRIPTION, BEFORE_TTS): a hook's failure blocks with its reason.
  const closeOn = (hook: RegisteredHook, reason: string): void => {
    outcome.allowed = false;
    outcome.reason = `hook ${hook.spec.name} ${reason}`;
    outcome.blockedBy = hook.spec.name;
  };
  for (const hook of resolveHooks(registry, names, reports)) {
    let raw: unknown;
    const started = Date.now();
    try {
      raw = await withTimeout(hook.spec.timeoutMs, () => hook.fn(structuredClone(outcome.event), ctx));
    } catch (err) {
      const r = report(hook, err);
      reports.push(r);
      timing?.(hook.spec.name, r.timedOut ? 'timeout' : 'error', Date.now() - started);
      if (!options.failClosed) continue;
      closeOn(hook, r.timedOut ? `timed out after ${r.timeoutMs / 1000}s` : `failed: ${r.error}`);
      break;
    }
    const before = outcome.hookErrors.length;
    const stop = applyHookResult(outcome, hook.spec.name, raw);
    const verdict = outcome.hookErrors.length > before ? 'error' : outcome.allowed ? 'ok' : 'blocked';
    timing?.(hook.spec.name, verdict, Date.now() - started);
    for (const e of outcome.hookErrors.slice(before)) {
      reports.push({ hook: e.hook, error: e.error, timedOut: false, timeoutMs: hook.spec.timeoutMs });
    }
    if (options.failClosed && outcome.hookErrors.length > before) {
      closeOn(hook, 'returned an unusable payload');
      break;
    }
    if (stop) break;
  }
  // `reports` is the one list of failures, in the order they happened.
  outcome.hookErrors = reports.map((r) => ({ hook: r.hook, error: r.error, timedOut: r.timedOut }));
  return { outcome, reports };
}

/** Run observers concurrently; return values are ignored, failures reported. */
export async function runObservers(
  registry: HookRegistry, names: string[], payload: RoomEvent, ctx: RoomContext, timing?: HookTiming,
): Promise<HookReport[]> {
  const reports: HookReport[] = [];
  const hooks = resolveHooks(registry, names, reports);
  await Promise.all(
    hooks.map(async (hook) => {
      const started = Date.now();
      try {
        await withTimeout(hook.spec.timeoutMs, () => hook.fn(structuredClone(payload), ctx));
        timing?.(hook.spec.name, 'ok', Date.now() - started);
      } catch (err) {
        const r = report(hook, err);
        reports.push(r);
        timing?.(hook.spec.name, r.timedOut ? 'timeout' : 'error', Date.now() - started);
      }
    }),
  );
  return reports;
}

function report(hook: RegisteredHook, err: unknown): HookReport {
  const timedOut = err instanceof TimeoutError;
  return {
    hook: hook.spec.name,
    // RoomKit reports str(exc): the message alone ("kaboom", not "Error: kaboom").
    error: timedOut ? `timeout (${(err as TimeoutError).ms / 1000}s)` : err instanceof Error ? err.message : String(err),
    timedOut,
    timeoutMs: hook.spec.timeoutMs,
  };
}
