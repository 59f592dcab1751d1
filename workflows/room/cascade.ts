/**
 * A cascade is everything one command caused: its root event's plan, the AI answers it drew, their
 * plans… It counts outstanding work so the caller of `processInbound` is answered once all of it
 * was delivered, while the room goes on committing other commands meanwhile.
 */
import type { ErrorInfo, InboundResult, RoomEvent } from '../../src/models/index.js';

export interface Cascade {
  /** Reentry budget (RoomKit: maxChainDepth × 10). */
  budget: number;
  /** First intelligence failure. */
  error?: ErrorInfo;
  /** Work items not finished yet (commits waiting in the reentry queue, plans in the lane). */
  pending: number;
  result?: InboundResult;
  onCommitted?: (result: InboundResult) => void;
  onDone?: (result: InboundResult) => void;
}

export function newCascade(maxChainDepth: number, hooks: Pick<Cascade, 'onCommitted' | 'onDone'> = {}): Cascade {
  return { budget: maxChainDepth * 10, pending: 0, ...hooks };
}

export function hold(c: Cascade): void {
  c.pending += 1;
}

export function release(c: Cascade): void {
  c.pending -= 1;
  if (c.pending === 0 && c.result) {
    if (c.error) c.result.error = c.error;
    c.onDone?.(c.result);
  }
}

/** The root event is committed: callers waiting for the commit get it now. */
export function rootCommitted(c: Cascade, event: RoomEvent, reason?: string): void {
  const blocked = event.status === 'blocked';
  c.result = { event, blocked, ...(blocked && reason !== undefined && { reason }), deliveryResults: {} };
  c.onCommitted?.({ ...c.result });
}
