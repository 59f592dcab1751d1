import { z } from 'zod';
import { TaskStatusSchema } from './enums.js';
import { IsoTime, JsonRecord } from './json.js';

export const Task = z.object({
  id: z.string().min(1),
  roomId: z.string().min(1),
  title: z.string(),
  description: z.string().optional(),
  assignedTo: z.string().optional(),
  status: TaskStatusSchema,
  createdAt: IsoTime,
  metadata: JsonRecord,
});
export type Task = z.infer<typeof Task>;

export const Observation = z.object({
  id: z.string().min(1),
  roomId: z.string().min(1),
  channelId: z.string().optional(),
  content: z.string(),
  category: z.string().optional(),
  confidence: z.number().min(0).max(1),
  createdAt: IsoTime,
  metadata: JsonRecord,
});
export type Observation = z.infer<typeof Observation>;

/** What a hook or channel proposes; the room assigns id, roomId and time when it persists it. */
export const TaskDraft = Task.pick({ title: true, description: true, assignedTo: true })
  .extend({ status: TaskStatusSchema.optional(), metadata: JsonRecord.optional() })
  .strict();
export type TaskDraft = z.input<typeof TaskDraft>;

export const ObservationDraft = Observation.pick({ content: true, category: true, channelId: true })
  .extend({ confidence: z.number().min(0).max(1).optional(), metadata: JsonRecord.optional(), id: z.string().optional() })
  .strict();
export type ObservationDraft = z.input<typeof ObservationDraft>;
