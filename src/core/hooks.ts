/**
 * Hook selection and result reduction (RoomKit §7). Pure: the room uses `matchingHooks` to decide
 * whether a hook activity is needed at all; the activity uses the same functions to run them.
 */
import type { HookExecution, HookTrigger } from '../models/enums.js';
import type { RoomEvent } from '../models/event.js';
import type { EventPatch, InjectedEvent, HookSpec } from '../models/hook.js';
import type { ObservationDraft, TaskDraft } from '../models/task.js';
import type { z } from 'zod';

/** Hooks of a trigger whose filters match the event's source, by priority (stable: registration order). */
export function matchingHooks(
  specs: HookSpec[],
  trigger: HookTrigger,
  event: Pick<RoomEvent, 'source'> | undefined,
  execution?: HookExecution,
): HookSpec[] {
  return specs
    .filter((h) => h.trigger === trigger && (execution === undefined || h.execution === execution))
    .filter((h) => !event || sourceMatches(h, event))
    .map((h, i) => ({ h, i }))
    .sort((a, b) => a.h.priority - b.h.priority || a.i - b.i)
    .map(({ h }) => h);
}

function sourceMatches(h: HookSpec, event: Pick<RoomEvent, 'source'>): boolean {
  const s = event.source;
  if (h.channelTypes && !h.channelTypes.includes(s.channelType)) return false;
  if (h.channelIds && !h.channelIds.includes(s.channelId)) return false;
  if (h.directions && !h.directions.includes(s.direction)) return false;
  return true;
}

/**
 * Triggers whose chain fails closed (RoomKit §7.2): a hook that times out, throws or returns
 * garbage blocks instead of being skipped, because the alternative is speaking or storing words
 * nobody approved.
 */
export const FAIL_CLOSED_TRIGGERS: readonly HookTrigger[] = ['on_transcription', 'before_tts'];

export function failsClosed(trigger: HookTrigger): boolean {
  return FAIL_CLOSED_TRIGGERS.includes(trigger);
}

export interface HookErrorInfo {
  hook: string;
  error: string;
  timedOut?: boolean;
}

/** Outcome of a BEFORE_BROADCAST-style sync chain; JSON, returned by the hook activity. */
export interface SyncHookOutcome {
  allowed: boolean;
  event: RoomEvent;
  reason?: string;
  blockedBy?: string;
  injectedEvents: z.output<typeof InjectedEvent>[];
  tasks: z.output<typeof TaskDraft>[];
  observations: z.output<typeof ObservationDraft>[];
  metadata: Record<string, unknown>;
  hookErrors: HookErrorInfo[];
}

export function emptyOutcome(event: RoomEvent): SyncHookOutcome {
  return { allowed: true, event, injectedEvents: [], tasks: [], observations: [], metadata: {}, hookErrors: [] };
}

/** Apply a modify patch: content and routing fields only; id, index and source stay the room's. */
export function applyPatch(event: RoomEvent, patch: z.output<typeof EventPatch>): RoomEvent {
  const next: RoomEvent = { ...event };
  if (patch.content !== undefined) next.content = patch.content;
  if (patch.visibility !== undefined) next.visibility = patch.visibility;
  if (patch.responseVisibility !== undefined) next.responseVisibility = patch.responseVisibility;
  if (patch.addressedTo !== undefined) next.addressedTo = patch.addressedTo;
  if (patch.metadata !== undefined) next.metadata = patch.metadata;
  return next;
}
