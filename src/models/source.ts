/**
 * Event sources (RoomKit §18) as data: what the source workflow is started with, what its activity
 * reports in heartbeats, and how a run ends. JSON only: the source workflow imports these.
 */
import { z } from 'zod';

/** RoomKit's `SourceStatus`. */
export const SourceStatus = {
  STOPPED: 'stopped',
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
  RECONNECTING: 'reconnecting',
  ERROR: 'error',
} as const;
export type SourceStatus = (typeof SourceStatus)[keyof typeof SourceStatus];
export const SourceStatusSchema = z.enum(['stopped', 'connecting', 'connected', 'reconnecting', 'error']);

/** What a source's activity heartbeats: its health plus where to resume (e.g. SSE's last event id). */
export const SourceHeartbeat = z.object({
  attempt: z.number().int(),
  status: SourceStatusSchema,
  connectedAt: z.string().optional(),
  lastMessageAt: z.string().optional(),
  messagesReceived: z.number().int().min(0),
  error: z.string().optional(),
  checkpoint: z.string().optional(),
});
export type SourceHeartbeat = z.infer<typeof SourceHeartbeat>;

/** The source workflow's argument: everything a worker needs besides the source itself. */
export interface SourceRunInput {
  channelId: string;
  sourceName: string;
  /** Emits in flight at once; `null` = unlimited. */
  maxConcurrentEmits: number | null;
  heartbeatTimeoutMs: number;
  /** `maximumAttempts` 0 = unlimited. */
  retry: { initialIntervalMs: number; maximumIntervalMs: number; maximumAttempts: number };
}

/** How a source's run ended: stopped by itself, detached, or out of restart attempts. */
export type SourceRunResult =
  | { status: 'stopped' }
  | { status: 'detached' }
  | { status: 'exhausted'; attempts: number; lastError: string; health?: SourceHeartbeat };

/** Details of the failure a source's attempt ends with (the workflow reads them when it gives up). */
export interface SourceFailureDetails {
  attempt: number;
  health: SourceHeartbeat;
}
