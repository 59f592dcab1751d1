/**
 * The identity step's effect (RoomKit §11): run the worker's resolver once, bounded by its timeout.
 * It answers data, never throws for the resolver's fault: a resolver that throws or hangs makes the
 * sender UNKNOWN (`error` / `timedOutAfterMs` tell the room which framework event to raise).
 */
import type { IdentityOutcome, IdentityResult, ParsedInboundMessage } from '../src/models/index.js';
import type { ActivityDeps } from './deps.js';

export interface ResolveSenderInput {
  roomId: string;
  channelType: string;
  organizationId?: string;
  message: ParsedInboundMessage;
  timeoutMs: number;
}

export function identityActivities({ identity }: ActivityDeps) {
  return {
    async resolveSender(input: ResolveSenderInput): Promise<IdentityOutcome> {
      const base = { address: input.message.senderId, channelType: input.channelType };
      if (!identity) return { ...base, status: 'unknown', error: 'no identity resolver on this worker' };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), input.timeoutMs);
      });
      try {
        const result = await Promise.race([
          identity.resolver.resolve(input.message, {
            roomId: input.roomId, channelType: input.channelType,
            ...(input.organizationId !== undefined && { organizationId: input.organizationId }),
          }),
          timeout,
        ]);
        if (result === 'timeout') return { ...base, status: 'unknown', timedOutAfterMs: input.timeoutMs };
        return outcomeOf(result, base);
      } catch (err) {
        return { ...base, status: 'unknown', error: err instanceof Error ? err.message : String(err) };
      } finally {
        clearTimeout(timer);
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
