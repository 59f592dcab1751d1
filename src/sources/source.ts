/**
 * The contract of an event source (RoomKit §18 `SourceProvider`): something outside that pushes
 * messages (a WebSocket feed, an SSE stream, a bot gateway) into the kit's normal inbound path.
 *
 * A source is code deployed with the workers: `start(emit, context)` holds the connection and calls
 * `emit` per message; it resolves when the source stopped by itself and **rejects when the
 * connection is lost**, which is how a restart is asked for (Temporal retries the run with backoff).
 * `stop()` ends a running `start`. The same object may be started again after it stopped or failed.
 *
 * @example
 * class TickerSource implements SourceProvider {
 *   readonly name = 'ticker';
 *   private timer?: NodeJS.Timeout;
 *   async start(emit: SourceEmit, ctx: SourceContext) {
 *     ctx.setStatus('connected');
 *     await new Promise<void>((resolve) => {
 *       this.timer = setInterval(() => void emit({ senderId: 'clock', content: { type: 'text', body: 'tick' } }), 1000);
 *       ctx.signal.addEventListener('abort', () => resolve());
 *     });
 *   }
 *   async stop() { clearInterval(this.timer); }
 * }
 */
import type { InboundMessage, InboundResult } from '../models/index.js';
import type { SourceStatus } from '../models/source.js';

/** A message from a source: an `InboundMessage` whose `channelId` defaults to the source's channel. */
export type SourceMessage = Omit<InboundMessage, 'channelId'> & { channelId?: string };

/**
 * Hand one message to the kit. Validated first (a malformed one is refused with the framework event
 * `source_message_refused` and `{ blocked: true, reason: 'invalid_message' }`, and the source keeps
 * running), then processed like a webhook's message (routing, hooks, idempotency), resolving once the
 * room committed it. A rejection means the kit could not take it: let it fail `start` (the run is
 * restarted) unless the source can re-deliver the message itself.
 */
export type SourceEmit = (message: SourceMessage | unknown) => Promise<InboundResult>;

export interface SourceContext {
  /** The channel this source feeds. */
  readonly channelId: string;
  /** 1 on the first run, then one more per restart (Temporal's activity attempt). */
  readonly attempt: number;
  /** What the previous run passed to `checkpoint` (e.g. SSE's last event id), on whichever worker it ran. */
  readonly resumeFrom?: string;
  /** Aborted when the source is detached or its worker shuts down. */
  readonly signal: AbortSignal;
  /** Report the connection's state (`connected` sets `connectedAt` and clears the error). */
  setStatus(status: SourceStatus, error?: string): void;
  /** Remember where to resume after a restart; call it once the messages before it were emitted. */
  checkpoint(position: string): void;
}

export interface SourceProvider {
  /** Shown in framework events and health; must not carry secrets. */
  readonly name: string;
  start(emit: SourceEmit, context: SourceContext): Promise<void>;
  stop(): Promise<void>;
}

/** A source's health (RoomKit `SourceHealth`), read from its workflow (`kit.sourceHealth`). */
export interface SourceHealth {
  channelId: string;
  name: string;
  status: SourceStatus;
  connectedAt?: string;
  lastMessageAt?: string;
  /** Every message the source emitted since it was attached, refused ones included. */
  messagesReceived: number;
  error?: string;
  /** The current run (1 + restarts so far). */
  attempt: number;
  /** True once `maxRestartAttempts` runs failed: the source stays listed until detached. */
  exhausted: boolean;
}
