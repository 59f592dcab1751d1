import { z } from 'zod';
import { EventContent } from './content.js';
import {
  ChannelDirectionSchema, ChannelTypeSchema, EventTypeSchema, HookExecutionSchema, HookTriggerSchema,
  type ChannelDirection, type ChannelType, type HookExecution, type HookTrigger,
} from './enums.js';
import { JsonRecord } from './json.js';
import { ObservationDraft, TaskDraft } from './task.js';

/**
 * An event a hook asks the room to add. Without `targetChannelIds` it is stored only; with them it is
 * stored and delivered bare to those bound channels (no hooks, permissions, transcoding or AI).
 */
export const InjectedEvent = z
  .object({
    content: EventContent,
    targetChannelIds: z.array(z.string()).optional(),
    type: EventTypeSchema.optional(),
    visibility: z.string().min(1).optional(),
    metadata: JsonRecord.optional(),
    /** Source channel id; defaults to `system`. */
    channelId: z.string().optional(),
  })
  .strict();
export type InjectedEvent = z.input<typeof InjectedEvent>;

/**
 * Replacement fields of a `modify`: content and the routing fields a hook may rewrite.
 * (RoomKit replaces the whole event; ids, index and source stay the room's.)
 */
export const EventPatch = z
  .object({
    content: EventContent.optional(),
    visibility: z.string().min(1).optional(),
    responseVisibility: z.string().min(1).optional(),
    addressedTo: z.array(z.string()).optional(),
    metadata: JsonRecord.optional(),
  })
  .loose();

export const HookResultSchema = z.object({
  action: z.enum(['allow', 'block', 'modify']),
  event: EventPatch.optional(),
  reason: z.string().optional(),
  injectedEvents: z.array(InjectedEvent).optional(),
  tasks: z.array(TaskDraft).optional(),
  observations: z.array(ObservationDraft).optional(),
  metadata: JsonRecord.optional(),
}).superRefine((r, ctx) => {
  if (r.action === 'block' && !r.reason) ctx.addIssue({ code: 'custom', message: 'block needs a reason', path: ['reason'] });
  if (r.action === 'modify' && !r.event) ctx.addIssue({ code: 'custom', message: 'modify needs an event', path: ['event'] });
});
export type HookResult = z.input<typeof HookResultSchema>;

interface SideEffects {
  injected?: InjectedEvent[];
  tasks?: TaskDraft[];
  observations?: ObservationDraft[];
  metadata?: Record<string, unknown>;
}

/** Decisions are data: what a hook returns. */
export const HookResult = {
  allow(effects: SideEffects = {}): HookResult {
    return { action: 'allow', ...sideEffects(effects) };
  },
  block(reason: string, effects: SideEffects = {}): HookResult {
    return { action: 'block', reason, ...sideEffects(effects) };
  },
  /** Replace the event's content (and optionally visibility, addressing, metadata). */
  modify(event: z.input<typeof EventPatch>, effects: SideEffects = {}): HookResult {
    return { action: 'modify', event, ...sideEffects(effects) };
  },
};

function sideEffects(e: SideEffects): Partial<HookResult> {
  const out: Partial<HookResult> = {};
  if (e.injected?.length) out.injectedEvents = e.injected;
  if (e.tasks?.length) out.tasks = e.tasks;
  if (e.observations?.length) out.observations = e.observations;
  if (e.metadata) out.metadata = e.metadata;
  return out;
}

/** Registration data of a hook: everything but the function, so the room can decide without calling it. */
export const HookSpec = z.object({
  name: z.string().min(1),
  trigger: HookTriggerSchema,
  execution: HookExecutionSchema,
  priority: z.number(),
  timeoutMs: z.number().positive(),
  channelTypes: z.array(ChannelTypeSchema).optional(),
  channelIds: z.array(z.string()).optional(),
  directions: z.array(ChannelDirectionSchema).optional(),
});
export type HookSpec = z.infer<typeof HookSpec>;

/** Options of `kit.hook()`. */
export interface HookOptions {
  name?: string;
  execution?: HookExecution;
  priority?: number;
  /** Seconds, like RoomKit (default 30). */
  timeout?: number;
  channelTypes?: ChannelType[];
  channelIds?: string[];
  directions?: ChannelDirection[];
}
export type { HookTrigger };
