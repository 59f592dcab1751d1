/**
 * Folding a hook's raw return value into its chain (RoomKit §7). Pure, and run by the hook activity:
 * it parses with zod, so it lives apart from `hooks.ts`, which the room workflow imports.
 */
import { HookResultSchema } from '../models/hook.js';
import { applyPatch, type SyncHookOutcome } from './hooks.js';

/**
 * Fold one hook's raw return value into the chain. Anything that is not a valid HookResult is a
 * hook error and the chain goes on (fail open). Returns true when the chain must stop (block).
 */
export function applyHookResult(acc: SyncHookOutcome, hookName: string, raw: unknown): boolean {
  const parsed = HookResultSchema.safeParse(raw);
  if (!parsed.success) {
    const what = raw === null ? 'null' : Array.isArray(raw) ? 'array' : typeof raw;
    const detail = typeof raw === 'object' && raw !== null
      ? parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
      : `got ${what}`;
    acc.hookErrors.push({ hook: hookName, error: `expected HookResult, ${detail}` });
    return false;
  }
  const r = parsed.data;
  acc.injectedEvents.push(...(r.injectedEvents ?? []));
  acc.tasks.push(...(r.tasks ?? []));
  acc.observations.push(...(r.observations ?? []));
  Object.assign(acc.metadata, r.metadata ?? {});
  if (r.action === 'block') {
    acc.allowed = false;
    acc.reason = r.reason;
    acc.blockedBy = hookName;
    return true;
  }
  if (r.action === 'modify' && r.event) acc.event = applyPatch(acc.event, r.event);
  return false;
}
