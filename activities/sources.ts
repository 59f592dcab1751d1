/**
 * The source workflow's activities, thin over `src/sources/runner.ts`: `runSource` holds a source's
 * connection for as long as it runs (heartbeating its health and resume point), `emitSourceEvent`
 * tells this worker's listeners what the workflow decided (`source_exhausted`).
 */
import { CancelledFailure, Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ParsedInboundMessage, InboundResult } from '../src/models/index.js';
import { SourceHeartbeat, type SourceFailureDetails, type SourceRunInput } from '../src/models/source.js';
import { SourceNotRegisteredError } from '../src/sources/errors.js';
import { runSource } from '../src/sources/runner.js';
import type { SourceProvider } from '../src/sources/source.js';
import type { ActivityDeps } from './deps.js';

/** What the source activities need besides the common deps (absent on a kit with no sources). */
export interface SourceDeps {
  sources: { get(channelId: string): SourceProvider | undefined };
  /** The kit's inbound path, up to the commit. */
  inbound(message: ParsedInboundMessage): Promise<InboundResult>;
}

export function sourceActivities(deps: ActivityDeps) {
  return {
    async runSource(input: SourceRunInput): Promise<void> {
      const ctx = Context.current();
      const source = deps.sources?.sources.get(input.channelId);
      // Retryable: another worker on the queue may have it registered.
      if (!source || !deps.sources) throw ApplicationFailure.retryable(new SourceNotRegisteredError(input.channelId).message, 'SourceNotRegisteredError');
      const previous = SourceHeartbeat.safeParse(ctx.info.heartbeatDetails);
      const attempt = ctx.info.attempt;
      let last: SourceHeartbeat | undefined;
      try {
        await runSource(source, input, { attempt, signal: ctx.cancellationSignal, ...(previous.success && { previous: previous.data }) }, {
          inbound: deps.sources.inbound,
          emitEvent: (e) => deps.events.emit(e),
          heartbeat: (details) => { last = details; ctx.heartbeat(details); },
        });
      } catch (err) {
        if (ctx.cancellationSignal.aborted) throw stopped(ctx);
        const details: SourceFailureDetails | undefined = last && { attempt, health: last };
        throw ApplicationFailure.create({
          message: err instanceof Error ? err.message : String(err),
          type: err instanceof Error ? err.name : 'SourceError',
          details: details ? [details] : [],
        });
      }
      if (ctx.cancellationSignal.aborted) throw stopped(ctx);
    },

    async emitSourceEvent(event: { type: string; channelId: string; data: Record<string, unknown> }): Promise<void> {
      await deps.events.emit({ ...event, timestamp: new Date().toISOString() });
    },
  };
}

/**
 * A detach (the workflow's cancel) ends the run as cancelled; a worker shutting down ends it as a
 * retryable failure, so the run starts again on a worker still serving the queue.
 */
function stopped(ctx: Context): Error {
  if (ctx.cancellationDetails?.workerShutdown) return ApplicationFailure.retryable('source run interrupted: its worker shut down', 'SourceInterrupted');
  return new CancelledFailure('source stopped');
}

export type SourceActivities = ReturnType<typeof sourceActivities>;
