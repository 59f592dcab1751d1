/**
 * A RoomKit wired to the run's shared dev server with a unique task queue and the prebuilt bundle.
 * Every test file gets real Temporal (never a mock) and its own worker.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { HookResult, RoomKit, type HookFn, type HookOptions, type HookTrigger, type RoomKitOptions } from '../../src/index.js';

export async function startTestKit(
  setup: (kit: RoomKit) => void = () => {},
  options: Omit<RoomKitOptions, 'temporal'> = {},
): Promise<RoomKit> {
  const kit = new RoomKit({
    ...options,
    temporal: { address: inject('temporalAddress'), taskQueue: `test-${randomUUID()}` },
    log: options.log ?? (() => {}),
  });
  setup(kit);
  const codePath = inject('workflowBundlePath');
  await kit.start(codePath ? { workflowBundle: { codePath } } : {});
  return kit;
}

/** A fresh room id per test, so tests in one file never share a room. */
export const roomId = (prefix = 'room'): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Poll until `check` returns a truthy value (for fire-and-forget paths such as signals). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/**
 * Hooks that act only in one room (other rooms see `allow`), so tests sharing a kit do not see each
 * other's hooks; `clear()` (in `afterEach`) removes them.
 */
export function roomHooks(kit: () => RoomKit) {
  const registered: string[] = [];
  return {
    add(room: string, trigger: HookTrigger, options: HookOptions, fn: HookFn): string {
      const name = options.name ?? `hook-${randomUUID().slice(0, 8)}`;
      kit().hook(trigger, { ...options, name }, (event, ctx) => (event.roomId === room ? fn(event, ctx) : HookResult.allow()));
      registered.push(name);
      return name;
    },
    clear(): void {
      for (const name of registered.splice(0)) kit().removeHook(name);
    },
  };
}
