/** `attachSource` options (RoomKit §2.10, seconds like RoomKit) and their Temporal retry policy. */
import { z } from 'zod';
import type { SourceRunInput } from '../models/source.js';

export const AttachSourceOptionsSchema = z.object({
  /** Restart a failed run (default true); false ⇒ one run, its failure exhausts the source. */
  autoRestart: z.boolean().optional(),
  /** Seconds before the first restart (default 5); doubles per restart. → RetryPolicy.initialInterval */
  restartDelay: z.number().positive().max(86_400).optional(),
  /** Cap of the doubling delay in seconds (default 300). → RetryPolicy.maximumInterval */
  maxRestartDelay: z.number().positive().max(86_400).optional(),
  /** Runs in all before `source_exhausted` (default unlimited). → RetryPolicy.maximumAttempts */
  maxRestartAttempts: z.number().int().min(1).optional(),
  /** Emits in flight at once (default 10); `null` = unlimited. */
  maxConcurrentEmits: z.number().int().min(1).nullable().optional(),
  /** Seconds without a heartbeat before a run counts as lost (its worker died) and is retried elsewhere (default 10). */
  heartbeatTimeout: z.number().min(1).max(600).optional(),
}).strict().refine((o) => (o.maxRestartDelay ?? 300) >= (o.restartDelay ?? 5), {
  message: 'maxRestartDelay must be at least restartDelay', path: ['maxRestartDelay'],
});
export type AttachSourceOptions = z.input<typeof AttachSourceOptionsSchema>;

export function sourceRunInput(channelId: string, sourceName: string, o: z.output<typeof AttachSourceOptionsSchema>): SourceRunInput {
  return {
    channelId,
    sourceName,
    maxConcurrentEmits: o.maxConcurrentEmits === undefined ? 10 : o.maxConcurrentEmits,
    heartbeatTimeoutMs: Math.round((o.heartbeatTimeout ?? 10) * 1000),
    retry: {
      initialIntervalMs: Math.round((o.restartDelay ?? 5) * 1000),
      maximumIntervalMs: Math.round((o.maxRestartDelay ?? 300) * 1000),
      // Temporal's 0 is unlimited, RoomKit's None.
      maximumAttempts: o.autoRestart === false ? 1 : (o.maxRestartAttempts ?? 0),
    },
  };
}
