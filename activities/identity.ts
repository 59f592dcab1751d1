/**
 * The identity step's effect (RoomKit §11): run the worker's resolver once, bounded by its timeout.
 * It answers data, never throws for the resolver's fault: a resolver that throws or hangs makes the
 * sender UNKNOWN (`error` / `timedOutAfterMs` tell the room which framework event to raise).
 */
import { matchingHooks } from '../src/core/hooks.js';
import { IdentityHookDecision, type IdentityOutcome, type IdentityResult, type ParsedInboundMessage } from '../src/models/index.js';
import { DEFAULT_HISTORY_WINDOW, loadRoomContext } from './context.js';
import type { ActivityDeps } from './deps.js';
import type { HookRunInput } from './hooks.js';
import { withHeartbeat } from './heartbeat.js';
import { TimeoutError, withTimeout } from '../src/util/with-timeout.js';

export interface ResolveSenderInput {
  roomId: string;
  channelType: string;
  organizationId?: string;
  message: ParsedInboundMessage;
  timeoutMs: number;
}

export function identityActivities({ identity, hooks, store, events }: ActivityDeps) {
  return {
    /**
     * SYNC identity hooks in order (RoomKit: first non-None wins): a hook that throws, times out or
     * answers something else is skipped (reported as hook_error). Null when none decided.
     */
    async runIdentityHooks(input: HookRunInput): Promise<IdentityHookDecision | null> {
      const specs = matchingHooks(hooks.specs(), input.trigger, input.event, 'sync');
      if (!specs.length) return null;
      return withHeartbeat(async () => {
        const ctx = await loadRoomContext(store, input.roomId, { historyLimit: DEFAULT_HISTORY_WINDOW });
        for (const spec of specs) {
          const hook = hooks.get(spec.name);
          if (!hook) continue;
          try {
            const raw = await withTimeout(spec.timeoutMs, () => hook.fn(structuredClone(input.event), ctx));
            if (raw === undefined || raw === null) continue;
            const parsed = IdentityHookDecision.safeParse(raw);
            if (parsed.success) return parsed.data;
            throw new Error('an identity hook must answer IdentityHookResult.resolved/pending/challenge/reject or undefined');
          } catch (err) {
            await events.emit({
              type: 'hook_error', roomId: input.roomId, eventId: input.event.id, timestamp: new Date().toISOString(),
              data: { hook: spec.name, trigger: input.trigger, error: err instanceof Error ? err.message : String(err) },
            });
          }
        }
        return null;
      });
    },
    async resolveSender(input: ResolveSenderInput): Promise<IdentityOutcome> {
      const base = { address: input.message.senderId, channelType: input.channelType };
      if (!identity) return { ...base, status: 'unknown', error: 'no identity resolver on this worker' };
      try {
        return outcomeOf(await withTimeout(input.timeoutMs, () => identity.resolver.resolve(input.message, {
          roomId: input.roomId, channelType: input.channelType,
          ...(input.organizationId !== undefined && { organizationId: input.organizationId }),
        })), base);
      } catch (err) {
        if (err instanceof TimeoutError) return { ...base, status: 'unknown', timedOutAfterMs: input.timeoutMs };
        return { ...base, status: 'unknown', error: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}

/** The resolver's answer as plain data, its address and channel type back-filled from the message. */
function outcomeOf(result: IdentityResult, base: { address: string; channelType: string }): IdentityOutcome {
  return {
    status: result.status,
    address: result.address ?? base.address,
    channelType: result.channelType ?? base.channelType,
    ...(result.identity && { identity: { id: result.identity.id, ...(result.identity.displayName !== undefined && { displayName: result.identity.displayName }) } }),
    ...(result.candidates?.length && { candidateIds: result.candidates.map((c) => c.id) }),
    ...(result.message !== undefined && { message: result.message }),
  };
}
